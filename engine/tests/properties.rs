//! Properties of `orient` over random directories and random residents: it never panics, and
//! what it returns always keeps the engine's promises (ARCHITECTURE.md, "Invariants").

mod common;

use aiguillage_engine::actor::{Actor, Directory, Zone};
use aiguillage_engine::calendar::{Calendar, Date, Holidays, LocalDateTime};
use aiguillage_engine::geo::GeoPoint;
use aiguillage_engine::hours::{Hours, Schedule};
use aiguillage_engine::orient::{
    orient, Contacts, Locality, Note, OrientError, Orientation, Profile, Reason, Territory,
};
use aiguillage_engine::rules::Rules;
use aiguillage_engine::taxonomy::{Fallback, Taxonomy};
use aiguillage_engine::territory::{Commune, Communes};
use aiguillage_engine::vocab::{Autonomy, Member, Mode, Programme, Set};
use aiguillage_engine::{CompactStr, Recommendation};
use proptest::prelude::*;
use proptest::sample::select;
use std::collections::HashSet;

/// The reference communes, plus one without a point.
fn communes() -> Communes {
    let mut communes = common::parse_communes(common::REFERENCE);
    communes.extend(common::parse_communes("commune 16999 Sans-Point dep=16"));
    Communes::new(communes, common::epcis())
}

const COMMUNE_CODES: &[&str] = &["16015", "16078", "16102", "16292", "86194", "33063", "75056", "97411", "16999"];
const NEED_CODES: &[&str] = &["bases-numeriques", "demarches", "demarches-impots", "emploi"];

// --- Strategies -----------------------------------------------------------------------------

fn degrees(lat: f64, lon: f64) -> GeoPoint {
    GeoPoint::from_degrees(lat, lon).unwrap()
}

/// Mostly near the reference communes (so that searches find many), also anywhere in mainland
/// France, overseas, on the other side of the globe, or unknown.
fn arb_point() -> impl Strategy<Value = Option<GeoPoint>> {
    let near = (
        select(vec![(45.6484, 0.1562), (46.0286, 0.1978), (46.5802, 0.3404), (-20.8823, 55.4504)]),
        -1.5..1.5f64,
        -1.5..1.5f64,
    )
        .prop_map(|((lat, lon), dlat, dlon)| Some(degrees(lat + dlat, lon + dlon)));
    let mainland = (41.3..51.1f64, -5.2..9.6f64).prop_map(|(lat, lon)| Some(degrees(lat, lon)));
    let overseas = select(vec![
        (16.25, -61.58),  // Guadeloupe
        (14.64, -61.02),  // Martinique
        (4.93, -52.33),   // Guyane
        (-12.78, 45.23),  // Mayotte
        (46.78, -56.17),  // Saint-Pierre
        (-22.27, 166.44), // Nouméa
    ])
    .prop_map(|(lat, lon)| Some(degrees(lat, lon)));
    let anywhere = (-90.0..=90.0f64, -180.0..=180.0f64).prop_map(|(lat, lon)| Some(degrees(lat, lon)));
    prop_oneof![4 => near, 2 => mainland, 1 => overseas, 1 => anywhere, 2 => Just(None)]
}

/// Days around the product's life, or any day at all.
fn arb_day() -> impl Strategy<Value = i32> {
    let now = Date::from_ymd(2026, 11, 1).unwrap().0;
    prop_oneof![
        6 => now..now + 600,
        1 => any::<i32>(),
        1 => prop_oneof![i32::MIN..i32::MIN + 500, i32::MAX - 500..=i32::MAX],
    ]
}

fn arb_instant() -> impl Strategy<Value = LocalDateTime> {
    (arb_day(), 0..1440u16).prop_map(|(day, minute)| LocalDateTime { date: Date(day), minute })
}

/// Well-formed intervals (`start < end <= 1440`), in any order: what a decoded bundle may hold.
fn arb_pattern() -> impl Strategy<Value = Vec<(u16, u16)>> {
    let interval = (0..1440u16, 1..=1440u16).prop_filter_map("empty", |(a, b)| (a < b).then_some((a, b)));
    prop::collection::vec(interval, 0..4)
}

/// Compiled schedules with corrupt pattern indices, unsorted or repeated intervals, any start.
fn arb_schedule() -> impl Strategy<Value = Schedule> {
    (
        arb_day(),
        prop_oneof![0..400u16, any::<u16>()],
        prop::collection::vec(arb_pattern(), 0..4),
        prop::collection::vec(prop_oneof![0..4u8, any::<u8>()], 0..10),
        prop::option::of(prop_oneof![0..4u8, any::<u8>()]),
        prop::collection::vec((any::<u16>(), any::<u8>()), 0..6),
    )
        .prop_map(|(start, horizon_days, patterns, cycle, holiday, mut overrides)| {
            overrides.sort();
            Schedule { source: "random".into(), start: Date(start), horizon_days, patterns, cycle, holiday, overrides }
        })
}

fn arb_hours() -> impl Strategy<Value = Hours> {
    prop_oneof![
        1 => Just(Hours::Unknown),
        1 => ".{0,10}".prop_map(Hours::FreeText),
        4 => arb_schedule().prop_map(Hours::Compiled),
    ]
}

fn arb_code(known: &'static [&'static str]) -> impl Strategy<Value = CompactStr> {
    prop_oneof![4 => select(known).prop_map(CompactStr::from), 1 => "[0-9]{0,5}".prop_map(CompactStr::from)]
}

fn arb_zone() -> impl Strategy<Value = Option<Zone>> {
    let zone = (
        prop::collection::vec(arb_code(COMMUNE_CODES), 0..3),
        prop::collection::vec(arb_code(&["200071827", "200070514", "248600413"]), 0..2),
        prop::collection::vec(arb_code(&["16", "86", "33", "75", "974"]), 0..2),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(communes, epcis, departements, france)| Zone { communes, epcis, departements, france });
    prop_oneof![3 => Just(None), 2 => zone.prop_map(Some)]
}

fn arb_needs() -> impl Strategy<Value = u64> {
    prop_oneof![3 => 0..16u64, 1 => any::<u64>()]
}

prop_compose! {
    fn arb_actor()(
        prefix in "[a-c]{0,2}",
        insee in prop::option::of(arb_code(COMMUNE_CODES)),
        point in arb_point(),
        needs in arb_needs(),
        // Help only at a distance is one mode in five: often enough to meet it.
        modes in prop_oneof![4 => any::<u32>(), 1 => Just(Mode::ADistance.bit())],
        (programmes, publics, supports) in (any::<u32>(), any::<u32>(), any::<u32>()),
        contacts in any::<u8>(),
        itinerant in any::<bool>(),
        zone in arb_zone(),
        hours in arb_hours(),
    ) -> Actor {
        let mut actor = Actor::new(prefix, "random");
        actor.insee = insee;
        actor.point = point;
        actor.needs.0 = needs;
        actor.modes = Set::from_bits(modes);
        actor.programmes = Set::from_bits(programmes);
        actor.publics = Set::from_bits(publics);
        actor.supports = Set::from_bits(supports);
        actor.itinerant = itinerant;
        actor.zone = zone;
        actor.hours = hours;
        let contact = |bit: u8, value: &str| (contacts & bit != 0).then(|| value.to_string());
        actor.phone = contact(1, "05 45 00 00 00").map(Into::into);
        actor.email = contact(2, "contact@exemple.fr");
        actor.website = contact(4, "https://exemple.fr");
        actor.booking_url = contact(8, "https://exemple.fr/rdv");
        actor
    }
}

/// 0..300 actors, each with a unique id (a random prefix, then its rank).
fn arb_actors() -> impl Strategy<Value = Vec<Actor>> {
    prop::collection::vec(arb_actor(), 0..300).prop_map(|mut actors| {
        for (i, actor) in actors.iter_mut().enumerate() {
            actor.id = format!("{}{i}", actor.id);
        }
        actors
    })
}

prop_compose! {
    fn arb_profile()(
        commune in prop_oneof![8 => select(COMMUNE_CODES).prop_map(String::from), 1 => "[0-9]{0,5}"],
        need in prop_oneof![8 => select(NEED_CODES).prop_map(String::from), 1 => "[a-z-]{0,8}"],
        autonomy in prop::option::of(select(Autonomy::ALL)),
        (publics, supports) in (any::<u32>(), any::<u32>()),
        can_travel in prop::option::of(any::<bool>()),
        has_device in prop::option::of(any::<bool>()),
    ) -> Profile {
        Profile {
            commune,
            need,
            autonomy,
            publics: Set::from_bits(publics),
            supports: Set::from_bits(supports),
            can_travel,
            has_device,
        }
    }
}

/// The weights of data/rules.toml, or any weights a bundle may carry (decoding bounds them to
/// ±100 000), with distances kept within what makes sense for a territory (a search radius up to
/// 300 km, a maximum distance up to 1 000 km; extreme distances have their own test).
fn arb_rules() -> impl Strategy<Value = Rules> {
    let random = (
        (0..=300u32, 0..=1000u32, 0..=1000u32, 0..=300u32),
        prop::collection::vec(-100_000..=100_000i64, Rules::COUNT),
    )
        .prop_map(|((search_radius_km, max_distance_km, distance_cap_km, remote_after_km), points)| Rules {
            search_radius_km,
            max_distance_km,
            distance_cap_km,
            remote_after_km,
            ..Rules::from_values(points.try_into().unwrap_or([0; Rules::COUNT]))
        });
    prop_oneof![3 => Just(common::rules()), 1 => random]
}

// --- A plain model of the ranking rules -------------------------------------------------------

struct World {
    communes: Communes,
    taxonomy: Taxonomy,
    rules: Rules,
    directory: Directory,
}

impl World {
    fn new(actors: Vec<Actor>, rules: Rules) -> World {
        let communes = communes();
        let directory = Directory::new(actors, &communes);
        World { communes, taxonomy: common::taxonomy(), rules, directory }
    }

    fn territory(&self) -> Territory<'_> {
        Territory { communes: &self.communes, taxonomy: &self.taxonomy, directory: &self.directory, rules: &self.rules }
    }
}

/// The eligibility rule, restated: a listed commune, EPCI or département, or all of France.
fn eligible(actor: &Actor, commune: &Commune) -> bool {
    actor.zone.as_ref().is_none_or(|zone| {
        zone.france
            || zone.communes.contains(&commune.insee)
            || commune.epci.as_ref().is_some_and(|epci| zone.epcis.contains(epci))
            || zone.departements.contains(&commune.departement)
    })
}

/// What the ranking says of one actor, in a form both the engine and the model give.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Ranked {
    id: String,
    score: i64,
    distance_m: Option<u32>,
    locality: Locality,
    /// Helps at a distance (perhaps also on site).
    remote: bool,
}

/// The ranking rules of data/rules.toml and ARCHITECTURE.md, written as plainly as possible:
/// every actor of the directory is scored, no index, no shortcut, in i64 (no overflow).
fn model(world: &World, profile: &Profile, limit: usize) -> Option<(Vec<Ranked>, Vec<Note>)> {
    let commune = world.communes.get(&profile.commune)?;
    let need = world.taxonomy.need_id(&profile.need)?;
    let parent = world.taxonomy.parent(need);
    let r = &world.rules;
    let cannot_travel = profile.can_travel == Some(false);
    let mut all = Vec::new();
    for actor in world.directory.actors() {
        let offers = actor.needs.contains(need) || parent.is_some_and(|p| actor.needs.contains(p));
        if !offers || !eligible(actor, commune) {
            continue;
        }
        let actor_commune = actor.insee.as_deref().and_then(|code| world.communes.get(code));
        let place = actor.point.or(actor_commune.and_then(|c| c.point));
        let reachable_remotely =
            actor.phone.is_some() || actor.email.is_some() || actor.booking_url.is_some() || actor.website.is_some();
        let (locality, distance_m) = match place {
            Some(place) if !actor.is_remote_only() => {
                let locality = match actor_commune {
                    Some(c) if c.insee == commune.insee => Locality::SameCommune,
                    Some(c) if c.epci.is_some() && c.epci == commune.epci => Locality::SameEpci,
                    Some(c) if c.departement == commune.departement => Locality::SameDepartement,
                    _ => Locality::Elsewhere,
                };
                (locality, commune.point.map(|p| p.distance_m(place)))
            }
            _ if actor.is_remote() && reachable_remotely => (Locality::Remote, None),
            _ => continue,
        };
        let mut score = i64::from(match locality {
            Locality::SameCommune => r.same_commune,
            Locality::SameEpci => r.same_epci,
            Locality::SameDepartement => r.same_departement,
            Locality::Elsewhere => 0,
            Locality::Remote => r.remote,
        });
        if locality == Locality::Remote && cannot_travel {
            score += i64::from(r.remote_when_cannot_travel);
        }
        if let Some(metres) = distance_m {
            let km = i64::from((metres / 1000).min(r.distance_cap_km));
            score -= km * i64::from(r.per_km) * if cannot_travel { 2 } else { 1 };
        }
        let mode = |m: Mode| actor.modes.contains(m);
        let programme = |p: Programme| actor.programmes.contains(p);
        let points = |yes: bool, weight: i32| if yes { i64::from(weight) } else { 0 };
        score += match profile.autonomy {
            Some(Autonomy::ForMe) => {
                let aidants_connect = programme(Programme::AidantsConnect);
                points(aidants_connect, r.for_me_aidants_connect)
                    + points(!aidants_connect && mode(Mode::AMaPlace), r.for_me_acts_for_you)
                    + points(programme(Programme::FranceServices), r.for_me_france_services)
                    + points(mode(Mode::Individuel), r.for_me_individual)
            }
            Some(Autonomy::Learn) => {
                let teaches = mode(Mode::Atelier) || mode(Mode::Individuel);
                let desk = mode(Mode::AMaPlace) || programme(Programme::FranceServices);
                points(mode(Mode::Atelier), r.learn_workshop) + points(mode(Mode::Individuel), r.learn_individual)
                    - points(!teaches && desk, r.learn_desk_penalty)
            }
            Some(Autonomy::Help) => {
                points(mode(Mode::Individuel), r.help_individual)
                    + points(programme(Programme::FranceServices), r.help_france_services)
            }
            None => 0,
        };
        let reachable = actor.phone.is_some()
            || actor.email.is_some()
            || actor.booking_url.is_some()
            || !matches!(actor.hours, Hours::Unknown);
        score -= points(!reachable, r.unreachable);
        score += points(profile.has_device == Some(false) && mode(Mode::Autonomie), r.free_access_devices);
        score += profile.supports.intersection(actor.supports).iter().count() as i64 * i64::from(r.support);
        score += profile.publics.intersection(actor.publics).iter().count() as i64 * i64::from(r.public);
        all.push(Ranked { id: actor.id.clone(), score, distance_m, locality, remote: actor.is_remote() });
    }

    let radius_m = u64::from(r.search_radius_km) * 1000;
    let max_m = u64::from(r.max_distance_km) * 1000;
    let within = |x: &Ranked| x.distance_m.is_some_and(|d| u64::from(d) <= radius_m);
    let mut notes = Vec::new();
    if commune.point.is_none() {
        notes.push(Note::CommuneWithoutPoint);
    }
    // Too few on site within the radius: the search goes up to the maximum distance.
    let widened = commune.point.is_some() && all.iter().filter(|x| within(x)).count() < limit;
    if widened {
        notes.push(Note::SearchWidened);
    }
    let mut pool: Vec<Ranked> = all
        .into_iter()
        .filter(|x| x.distance_m.is_none_or(|d| u64::from(d) <= max_m))
        .filter(|x| widened || x.distance_m.is_none() || within(x))
        .collect();
    if !pool.iter().any(|x| within(x) || matches!(x.locality, Locality::SameCommune | Locality::SameEpci)) {
        notes.push(Note::NothingLocal);
    }
    pool.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(a.distance_m.unwrap_or(u32::MAX).cmp(&b.distance_m.unwrap_or(u32::MAX)))
            .then(a.id.cmp(&b.id))
    });
    // The nearest place is always shown; far from on-site help, the best remote help (if any)
    // too: each takes the last place of the list.
    let nearest = pool
        .iter()
        .filter(|x| x.locality != Locality::Remote && x.distance_m.is_some())
        .min_by_key(|x| x.distance_m)
        .cloned();
    let nearest_on_site = nearest.as_ref().and_then(|x| x.distance_m);
    let far = nearest_on_site.is_none_or(|d| u64::from(d) > u64::from(r.remote_after_km) * 1000);
    let best_remote = pool.iter().find(|x| x.remote).cloned();
    let mut shown: Vec<Ranked> = pool.into_iter().take(limit).collect();
    let mut promised = Vec::new();
    if let Some(near) = nearest.filter(|n| !shown.iter().any(|x| x.id == n.id)) {
        notes.push(Note::NearestOffered);
        promised.push(near);
    }
    if let Some(remote) = best_remote.filter(|_| limit > 0 && commune.point.is_some() && far) {
        notes.push(Note::RemoteOffered);
        if !shown.iter().chain(&promised).any(|x| x.remote) {
            promised.push(remote);
        }
    }
    promised.truncate(limit);
    shown.truncate(limit - promised.len());
    shown.extend(promised);
    Some((shown, notes))
}

// --- What every answer must satisfy ------------------------------------------------------------

fn check_error(world: &World, profile: &Profile, error: OrientError) -> Result<(), TestCaseError> {
    prop_assert!(!error.to_string().is_empty());
    match error {
        OrientError::UnknownCommune { code } => {
            prop_assert_eq!(&code, &profile.commune);
            prop_assert!(world.communes.get(&code).is_none());
        }
        OrientError::UnknownNeed { code, expected } => {
            prop_assert_eq!(&code, &profile.need);
            prop_assert!(world.communes.get(&profile.commune).is_some());
            prop_assert!(world.taxonomy.need_id(&code).is_none());
            prop_assert_eq!(expected, world.taxonomy.codes());
        }
    }
    Ok(())
}

/// The promises, checked one by one (they also hold when the model is wrong).
fn check_orientation(
    world: &World,
    profile: &Profile,
    at: LocalDateTime,
    limit: usize,
    orientation: &Orientation,
) -> Result<(), TestCaseError> {
    let commune = world.communes.get(&profile.commune).expect("orient found it");
    let need = world.taxonomy.need_id(&profile.need).expect("orient found it");
    prop_assert_eq!(orientation.need, need);
    let parent = world.taxonomy.parent(need);
    let recommendations = &orientation.recommendations;
    prop_assert!(recommendations.len() <= limit, "{} > limit {limit}", recommendations.len());
    // The need's own national contacts (or its parent's) first, then those for every need.
    let codes: Vec<&str> =
        [Some(profile.need.as_str()), parent.and_then(|p| world.taxonomy.need(p)).map(|n| n.code.as_str())]
            .into_iter()
            .flatten()
            .collect();
    let specific = |f: &Fallback| f.needs.iter().any(|n| codes.contains(&n.as_str()));
    let given: Vec<&Fallback> = orientation.fallbacks.iter().map(|i| &world.taxonomy.fallbacks[*i]).collect();
    let expected_count = world.taxonomy.fallbacks.iter().filter(|f| specific(f) || f.needs.is_empty()).count();
    prop_assert_eq!(given.len(), expected_count);
    prop_assert!(given.iter().all(|f| specific(f) || f.needs.is_empty()));
    prop_assert!(given.windows(2).all(|pair| !(pair[0].needs.is_empty() && specific(pair[1]))));
    prop_assert_eq!(orientation.notes.contains(&Note::CommuneWithoutPoint), commune.point.is_none());

    let mut seen = HashSet::new();
    for rec in recommendations {
        let actor = &world.directory.actors()[rec.actor];
        prop_assert!(seen.insert(rec.actor), "{} recommended twice", actor.id);
        prop_assert!(
            actor.needs.contains(need) || parent.is_some_and(|p| actor.needs.contains(p)),
            "{} does not offer need {need} (needs {:b})",
            actor.id,
            actor.needs.0
        );
        prop_assert!(eligible(actor, commune), "{} is not eligible in {}", actor.id, commune.insee);
        prop_assert_eq!(rec.reasons.first(), Some(&Reason::OffersNeed(need)));
        let last = rec.reasons.last();
        let says_when = matches!(
            last,
            Some(Reason::OpenNow { .. } | Reason::NextOpening(_) | Reason::HoursAsWritten | Reason::HoursUnknown(_))
        );
        prop_assert!(says_when, "{}: the last reason {:?} is not about opening", actor.id, last);
        if rec.locality == Locality::Remote {
            prop_assert!(rec.reasons.contains(&Reason::Remote(Contacts::of(actor))));
        } else {
            prop_assert!(rec.reasons.contains(&Reason::Locality(rec.locality)));
        }
        // The place's opening in its own calendar, at the same instant as the resident's `at`.
        let (place, resident) = (actor.calendar(), Calendar::of_insee(&commune.insee));
        if place.zone == resident.zone {
            prop_assert_eq!(rec.opening, actor.hours.state_at(at, place.holidays));
        } else {
            let there = place.zone.local_from_unix(resident.zone.unix_from_local(at));
            let state = actor.hours.state_at(there, place.holidays);
            prop_assert_eq!(rec.opening.open_now, state.open_now);
            let back = |t: LocalDateTime| resident.zone.local_from_unix(place.zone.unix_from_local(t));
            prop_assert_eq!(rec.opening.next_opening, state.next_opening.map(back));
        }
        match rec.locality {
            Locality::Remote => {
                prop_assert!(actor.is_remote());
                prop_assert!(actor.is_remote_only() || world.directory.place(rec.actor).is_none());
                prop_assert!(Contacts::of(actor) != Contacts::default(), "{}: remote help without contact", actor.id);
                prop_assert_eq!(rec.distance_m, None);
            }
            _ => {
                prop_assert!(world.directory.place(rec.actor).is_some(), "{} has no place", actor.id);
                prop_assert_eq!(rec.distance_m.is_some(), commune.point.is_some());
            }
        }
        if let Some(metres) = rec.distance_m {
            prop_assert!(metres <= world.rules.max_distance_km.saturating_mul(1000), "{} at {metres} m", actor.id);
        }
    }

    // Best first: score, then distance (unknown last), then id.
    let key = |rec: &Recommendation| {
        (-i64::from(rec.score), rec.distance_m.unwrap_or(u32::MAX), world.directory.actors()[rec.actor].id.clone())
    };
    // …but for the places promised at the end of the list (the nearest, a remote help).
    let promised = orientation.notes.iter().filter(|n| matches!(n, Note::NearestOffered | Note::RemoteOffered)).count();
    let ordered = &recommendations[..recommendations.len().saturating_sub(promised)];
    for pair in ordered.windows(2) {
        prop_assert!(key(&pair[0]) < key(&pair[1]), "{:?} ranked before {:?}", key(&pair[0]), key(&pair[1]));
    }
    Ok(())
}

fn ranked(world: &World, orientation: &Orientation) -> Vec<Ranked> {
    let ranked = |rec: &Recommendation| Ranked {
        id: world.directory.actors()[rec.actor].id.clone(),
        score: i64::from(rec.score),
        distance_m: rec.distance_m,
        locality: rec.locality,
        remote: world.directory.actors()[rec.actor].is_remote(),
    };
    orientation.recommendations.iter().map(ranked).collect()
}

/// What must not depend on the order of the directory: everything but the actors' indices.
fn observable(world: &World, result: &Result<Orientation, OrientError>) -> String {
    match result {
        Err(error) => format!("error: {error}"),
        Ok(orientation) => {
            let mut out = format!("notes {:?} fallbacks {:?}\n", orientation.notes, orientation.fallbacks);
            for rec in &orientation.recommendations {
                let id = &world.directory.actors()[rec.actor].id;
                out += &format!(
                    "{id} {:?} {:?} {} {:?} {:?}\n",
                    rec.distance_m, rec.locality, rec.score, rec.opening, rec.reasons
                );
            }
            out
        }
    }
}

/// A directory and the same directory in another order.
fn arb_actors_and_shuffled() -> impl Strategy<Value = (Vec<Actor>, Vec<Actor>)> {
    arb_actors().prop_flat_map(|actors| (Just(actors.clone()), Just(actors).prop_shuffle()))
}

/// 256 cases, or `PROPTEST_CASES` for a deeper run. Failures are not written to files: a case
/// worth keeping becomes a plain test (see the end of this file).
fn config() -> ProptestConfig {
    ProptestConfig { cases: common::proptest_cases(256), failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn orient_never_panics_and_keeps_its_promises(
        actors in arb_actors(),
        rules in arb_rules(),
        profile in arb_profile(),
        at in arb_instant(),
        limit in 0..20usize,
    ) {
        let world = World::new(actors, rules);
        match orient(world.territory(), &profile, at, limit) {
            Ok(orientation) => check_orientation(&world, &profile, at, limit, &orientation)?,
            Err(error) => check_error(&world, &profile, error)?,
        }
    }

    /// The engine (grid index, partial sort, reasons worked out for the few shown) ranks exactly
    /// as the plain model of the rules does over the whole directory.
    #[test]
    fn orient_ranks_as_the_plain_model_of_the_rules(
        actors in arb_actors(),
        rules in arb_rules(),
        profile in prop_oneof![
            arb_profile(),
            arb_profile().prop_map(|p| Profile { commune: "16015".into(), need: "emploi".into(), ..p }),
        ],
        at in arb_instant(),
        limit in prop_oneof![0..20usize, Just(usize::MAX)],
    ) {
        let world = World::new(actors, rules);
        let result = orient(world.territory(), &profile, at, limit);
        match (result, model(&world, &profile, limit)) {
            (Ok(orientation), Some((expected, notes))) => {
                prop_assert_eq!(ranked(&world, &orientation), expected);
                prop_assert_eq!(orientation.notes, notes);
            }
            (Err(_), None) => {}
            (result, expected) => prop_assert!(false, "engine {result:?}, model {expected:?}"),
        }
    }

    #[test]
    fn the_same_question_gets_the_same_answer_whatever_the_directory_order(
        (actors, shuffled) in arb_actors_and_shuffled(),
        rules in arb_rules(),
        profile in arb_profile(),
        at in arb_instant(),
        limit in 0..20usize,
    ) {
        let world = World::new(actors, rules.clone());
        let first = orient(world.territory(), &profile, at, limit);
        let again = orient(world.territory(), &profile, at, limit);
        prop_assert_eq!(&first, &again);
        let reordered = World::new(shuffled, rules);
        let other = orient(reordered.territory(), &profile, at, limit);
        prop_assert_eq!(observable(&world, &first), observable(&reordered, &other));
    }
}

/// Weights within the bounds a bundle may carry (±100 000) must not overflow a score, even for
/// a place on the other side of the world (Nouméa, 16 700 km from Paris) and a resident who
/// cannot travel (distance points doubled).
#[test]
fn extreme_weights_within_the_bundle_bounds_do_not_overflow() {
    let mut noumea = Actor::new("noumea", "Nouméa");
    noumea.point = Some(degrees(-22.27, 166.44));
    noumea.needs.0 = u64::MAX;
    let rules = Rules {
        max_distance_km: 20_000,
        distance_cap_km: 100_000,
        per_km: 100_000,
        same_departement: 100_000,
        ..common::rules()
    };
    let world = World::new(vec![noumea], rules);
    for can_travel in [None, Some(false)] {
        let profile = Profile { commune: "75056".into(), need: "emploi".into(), can_travel, ..Profile::default() };
        let orientation = orient(world.territory(), &profile, common::instant("2026-12-08T10:00"), 5).unwrap();
        let score = orientation.recommendations[0].score;
        assert!(score < -1_000_000, "{score}: a place 16 700 km away at 100 000 points per km");
    }
}

// --- Found by these properties, kept as plain cases ---------------------------------------------

/// Runs `f` on another thread and fails if it has not finished within ten seconds (a loop that
/// never ends would otherwise hang the test run instead of failing it).
fn within_ten_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || send.send(f()));
    receive.recv_timeout(std::time::Duration::from_secs(10)).expect("finished within ten seconds")
}

fn schedule(start: i32, pattern: Vec<(u16, u16)>) -> Schedule {
    Schedule {
        source: "Mo-Su 00:00-24:00".into(),
        start: Date(start),
        horizon_days: 100,
        patterns: vec![pattern],
        cycle: vec![0],
        holiday: Some(0),
        overrides: vec![],
    }
}

#[test]
fn hours_compiled_from_any_start_day_are_evaluated_without_overflow() {
    let today = common::instant("2026-12-08T10:00");
    for start in [i32::MIN, i32::MIN + 1, i32::MAX - 10, i32::MAX] {
        let state = schedule(start, vec![(540, 720)]).state_at(today, Holidays::National);
        assert_eq!(state.open_now, None, "start {start}: outside the horizon, unknown");
    }
}

#[test]
fn hours_at_the_end_of_representable_time_terminate() {
    let end = LocalDateTime { date: Date(i32::MAX - 2), minute: 600 };
    for pattern in [vec![], vec![(0, 1440)], vec![(0, 60)]] {
        let hours = schedule(i32::MAX - 10, pattern.clone());
        let state = within_ten_seconds(move || hours.state_at(end, Holidays::National));
        assert!(state.open_now.is_some(), "{pattern:?}: inside the horizon, known");
    }
}

#[test]
fn dates_far_beyond_the_supported_years_still_have_a_calendar() {
    use aiguillage_engine::calendar::is_french_public_holiday;
    for day in [i32::MIN, -1, 0, i32::MAX - 719_468, i32::MAX] {
        let (_, month, date) = Date(day).ymd();
        assert!((1..=12).contains(&month) && (1..=31).contains(&date), "{day}: {month}/{date}");
        let _ = is_french_public_holiday(Date(day));
    }
    assert_eq!(Date(0).ymd(), (1970, 1, 1));
    assert_eq!(Date(i32::MAX).ymd(), (5_881_580, 7, 11));
}

#[test]
fn the_largest_radius_a_bundle_may_carry_is_answered_quickly() {
    // Decoding accepts up to 100 000 km: the grid must not visit millions of empty cells.
    let actors: Vec<Actor> = (0..300)
        .map(|i| {
            let mut actor = Actor::new(format!("a{i}"), "lieu");
            actor.point = Some(degrees(42.0 + f64::from(i % 20) * 0.45, -4.0 + f64::from(i / 20) * 0.8));
            actor.needs.0 = 1 << 3;
            actor
        })
        .collect();
    let rules = Rules { search_radius_km: 100_000, max_distance_km: 100_000, ..common::rules() };
    let world = World::new(actors, rules);
    let found = within_ten_seconds(move || {
        let profile = Profile { commune: "16015".into(), need: "emploi".into(), ..Profile::default() };
        let at = common::instant("2026-12-08T10:00");
        (0..10).map(|_| orient(world.territory(), &profile, at, 500).unwrap().recommendations.len()).sum::<usize>()
    });
    assert_eq!(found, 10 * 300);
}
