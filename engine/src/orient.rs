//! Orientation: from a resident's need and situation to ranked actors, each with its reasons.

use crate::actor::{Actor, Directory};
use crate::best::keep_best;
use crate::calendar::{Calendar, Date, LocalDateTime, TimeZone};
use crate::geo::GeoPoint;
use crate::hours::{Hours, OpeningState};
use crate::rules::Rules;
use crate::taxonomy::{NeedId, Taxonomy};
use crate::territory::{Commune, Communes};
use crate::vocab::{Autonomy, Mode, Programme, Public, Set, Support};

/// What the resident (or the social worker for them) says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    /// INSEE code of the resident's commune.
    pub commune: String,
    /// Need code from the taxonomy.
    pub need: String,
    pub autonomy: Option<Autonomy>,
    pub publics: Set<Public>,
    pub supports: Set<Support>,
    /// `Some(false)`: cannot travel; remote help and the nearest places come first.
    pub can_travel: Option<bool>,
    /// `Some(false)`: has no device; places with computers in free access help.
    pub has_device: Option<bool>,
}

/// Everything orientation reads, borrowed: the engine owns no state between calls.
#[derive(Clone, Copy)]
pub struct Territory<'a> {
    pub communes: &'a Communes,
    pub taxonomy: &'a Taxonomy,
    pub directory: &'a Directory,
    pub rules: &'a Rules,
}

/// Why a question cannot be answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrientError {
    UnknownCommune { code: String },
    UnknownNeed { code: String, expected: String },
}

impl std::fmt::Display for OrientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OrientError::UnknownCommune { code } => {
                write!(f, "unknown commune `{code}`: expected the INSEE code of a current commune (COG 2026), e.g. 16015 for Angoulême")
            }
            OrientError::UnknownNeed { code, expected } => {
                write!(f, "unknown need `{code}`: expected one of {expected}")
            }
        }
    }
}

impl std::error::Error for OrientError {}

/// How close an actor is, administratively, to the resident.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Locality {
    SameCommune,
    SameEpci,
    SameDepartement,
    Elsewhere,
    Remote,
}

/// Why an actor is recommended. Each renders as a sentence from the wording data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    OffersNeed(NeedId),
    AidantsConnect,
    ActsForYou,
    FranceServices,
    Workshop,
    Individual,
    FreeAccessDevices,
    Support(Support),
    Public(Public),
    Locality(Locality),
    /// Helps only at a distance, reached by these means (what the resident does instead of
    /// travelling). Stands in for the locality.
    Remote(Contacts),
    /// Receives people on site, and also helps at a distance.
    AlsoRemote,
    Distance {
        metres: u32,
    },
    Itinerant,
    /// Reserved to the residents of a territory (the resident is one: others are never shown it).
    ForResidents(Scope),
    /// Open to anyone, whatever their commune: said of places beyond the resident's EPCI, where
    /// a resident may doubt they are welcome.
    OpenToAll,
    /// Its information was last updated more than a year before the orientation, in that year.
    DataAge {
        year: i32,
    },
    /// Its information was checked (updated) within the year before the orientation, that day:
    /// « Toujours exact » in the coordinator's workspace sets it to the day.
    Checked(Date),
    OpenNow {
        until: Option<LocalDateTime>,
    },
    NextOpening(LocalDateTime),
    HoursAsWritten,
    /// No hours are known: what to do before travelling depends on how it can be reached.
    HoursUnknown(Contacts),
}

/// Whom a reserved place serves, as the resident is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Commune,
    /// A list of communes (a service's own area).
    Area,
    Epci,
    Departement,
}

impl Scope {
    /// The narrowest territory a zone names; `None` for a zone open to the whole country.
    pub fn of(zone: &crate::actor::Zone) -> Option<Scope> {
        if zone.france {
            return None;
        }
        match (zone.communes.len(), zone.epcis.is_empty(), zone.departements.is_empty()) {
            (1, _, _) => Some(Scope::Commune),
            (2.., _, _) => Some(Scope::Area),
            (0, false, _) => Some(Scope::Epci),
            (0, true, false) => Some(Scope::Departement),
            (0, true, true) => None,
        }
    }
}

/// How an actor can be reached without travelling, from its own contact details.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Contacts {
    pub phone: bool,
    pub email: bool,
    /// A booking link or a website.
    pub online: bool,
}

impl Contacts {
    pub fn of(actor: &Actor) -> Contacts {
        Contacts {
            phone: actor.phone.is_some(),
            email: actor.email.is_some(),
            online: actor.booking_url.is_some() || actor.website.is_some(),
        }
    }
}

impl Reason {
    /// The stable code of the reason, for scripts and tests.
    pub fn code(self) -> &'static str {
        match self {
            Reason::OffersNeed(_) => "offers-need",
            Reason::AidantsConnect => "aidants-connect",
            Reason::ActsForYou => "acts-for-you",
            Reason::FranceServices => "france-services",
            Reason::Workshop => "workshop",
            Reason::Individual => "individual",
            Reason::FreeAccessDevices => "free-access-devices",
            Reason::Support(_) => "support",
            Reason::Public(_) => "public",
            Reason::Locality(Locality::SameCommune) => "same-commune",
            Reason::Locality(Locality::SameEpci) => "same-epci",
            Reason::Locality(Locality::SameDepartement) => "same-departement",
            Reason::Locality(Locality::Elsewhere) => "elsewhere",
            Reason::Locality(Locality::Remote) | Reason::Remote(_) => "remote",
            Reason::AlsoRemote => "also-remote",
            Reason::DataAge { .. } => "data-age",
            Reason::Checked(_) => "checked",
            Reason::Distance { .. } => "distance",
            Reason::Itinerant => "itinerant",
            Reason::ForResidents(Scope::Commune) => "for-residents-commune",
            Reason::ForResidents(Scope::Area) => "for-residents-area",
            Reason::ForResidents(Scope::Epci) => "for-residents-epci",
            Reason::ForResidents(Scope::Departement) => "for-residents-departement",
            Reason::OpenToAll => "open-to-all",
            Reason::OpenNow { .. } => "open-now",
            Reason::NextOpening(_) => "next-opening",
            Reason::HoursAsWritten => "hours-as-written",
            Reason::HoursUnknown(_) => "hours-unknown",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recommendation {
    /// Index into the directory's actors.
    pub actor: usize,
    /// `None` for remote help.
    pub distance_m: Option<u32>,
    pub locality: Locality,
    pub score: i32,
    pub opening: OpeningState,
    /// Never empty: the first reason is always the need it offers.
    pub reasons: Vec<Reason>,
}

/// Something the resident or the caller should know about the answer as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Note {
    /// Nothing within reach offers this need: the national fallbacks matter.
    NothingLocal,
    /// The commune has no point in the reference: distances are unknown.
    CommuneWithoutPoint,
    /// Too few actors nearby: the search went beyond the usual radius.
    SearchWidened,
    /// The nearest on-site help is farther than the rules' `remote_after_km` (or there is none):
    /// a remote help, when one exists, is among the results.
    RemoteOffered,
    /// The nearest place was not among the best ranked: it takes a place in the list.
    NearestOffered,
}

impl Note {
    /// The stable code of the note, for scripts and tests.
    pub fn code(self) -> &'static str {
        match self {
            Note::NothingLocal => "nothing-local",
            Note::CommuneWithoutPoint => "commune-without-point",
            Note::SearchWidened => "search-widened",
            Note::RemoteOffered => "remote-offered",
            Note::NearestOffered => "nearest-offered",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Orientation {
    pub need: NeedId,
    pub recommendations: Vec<Recommendation>,
    /// Indices into the taxonomy's fallbacks, always given; first when `NothingLocal`.
    pub fallbacks: Vec<usize>,
    pub notes: Vec<Note>,
}

/// An actor's opening at the resident's local time `at`: read in the place's own calendar (its
/// public holidays; its time zone, when it is not the resident's: a national line keeps Paris
/// time for a resident of La Réunion), and told back in the resident's time.
fn opening_at(actor: &Actor, at: LocalDateTime, resident: Calendar) -> OpeningState {
    let place = actor.calendar();
    if place.zone == resident.zone {
        return actor.hours.state_at(at, place.holidays);
    }
    let across = |t: LocalDateTime, from: TimeZone, to: TimeZone| to.local_from_unix(from.unix_from_local(t));
    let state = actor.hours.state_at(across(at, resident.zone, place.zone), place.holidays);
    OpeningState {
        open_now: state.open_now,
        closes_at: state.closes_at.map(|t| across(t, place.zone, resident.zone)),
        next_opening: state.next_opening.map(|t| across(t, place.zone, resident.zone)),
    }
}

/// Ranks the actors that can help with the profile's need, best first, at most `limit`. `at` is
/// the resident's local time (in the time zone of the profile's commune).
pub fn orient(
    territory: Territory<'_>,
    profile: &Profile,
    at: LocalDateTime,
    limit: usize,
) -> Result<Orientation, OrientError> {
    let commune = territory
        .communes
        .get(&profile.commune)
        .ok_or_else(|| OrientError::UnknownCommune { code: profile.commune.clone() })?;
    let need = territory
        .taxonomy
        .need_id(&profile.need)
        .ok_or_else(|| OrientError::UnknownNeed { code: profile.need.clone(), expected: territory.taxonomy.codes() })?;
    let parent = territory.taxonomy.parent(need);
    let rules = territory.rules;
    let mut notes = Vec::new();

    let resident_calendar = Calendar::of_insee(&commune.insee);
    let resident_index = territory.communes.index_of(&commune.insee);
    let resident = Resident {
        index: resident_index,
        areas: resident_index.and_then(|i| territory.communes.areas(i)),
        today: at.date,
    };
    let gather = |near: Option<GeoPoint>, radius_km: u32| {
        let mut found: Vec<Candidate> = Vec::new();
        let radius_m = radius_km.saturating_mul(1000);
        let mut consider = |index: usize| {
            let actor = &territory.directory.actors()[index];
            let offers = actor.needs.contains(need) || parent.is_some_and(|p| actor.needs.contains(p));
            if !offers || !actor.serves(commune) {
                return;
            }
            // Only what lies within the radius competes, whichever grid cells were visited; help
            // given only at a distance has no distance.
            let distance_m = if actor.is_remote_only() { None } else { distance(territory, commune, index) };
            if near.is_some() && distance_m.is_some_and(|d| d > radius_m) {
                return;
            }
            found.extend(assess(territory, &resident, profile, index, distance_m, &mut |_| {}));
        };
        match near {
            Some(point) => territory.directory.visit_near(point, radius_m, &mut consider),
            None => territory.directory.visit_all(&mut consider),
        }
        found
    };
    if commune.point.is_none() {
        notes.push(Note::CommuneWithoutPoint);
    }
    let within = |c: &Candidate| c.distance_m.is_some_and(|d| d <= rules.search_radius_km.saturating_mul(1000));
    let mut candidates = gather(commune.point, rules.search_radius_km);
    if commune.point.is_some() && candidates.iter().filter(|c| within(c)).count() < limit {
        notes.push(Note::SearchWidened);
        // Beyond the maximum distance nothing on site is proposed: no need to look further.
        candidates = gather(commune.point, rules.max_distance_km.max(rules.search_radius_km));
    }
    candidates.retain(|c| c.distance_m.is_none_or(|d| d <= rules.max_distance_km.saturating_mul(1000)));
    // Whether anything local exists, before the limit cuts the list (a boosted remote help
    // ranked first does not make a place in the resident's commune disappear).
    let has_local =
        candidates.iter().any(|c| within(c) || matches!(c.locality, Locality::SameCommune | Locality::SameEpci));
    if !has_local {
        notes.push(Note::NothingLocal);
    }
    let ranking = |a: &Candidate, b: &Candidate| {
        b.score
            .cmp(&a.score)
            .then(a.distance_m.unwrap_or(u32::MAX).cmp(&b.distance_m.unwrap_or(u32::MAX)))
            .then_with(|| territory.directory.actors()[a.actor].id.cmp(&territory.directory.actors()[b.actor].id))
            .then(a.actor.cmp(&b.actor))
    };
    let mut best = Vec::with_capacity(limit.min(candidates.len()) + 1);
    let mut best_remote = Vec::with_capacity(2);
    let mut nearest = Vec::with_capacity(2);
    let closest = |a: &Candidate, b: &Candidate| {
        a.distance_m.unwrap_or(u32::MAX).cmp(&b.distance_m.unwrap_or(u32::MAX)).then_with(|| ranking(a, b))
    };
    for candidate in candidates {
        if territory.directory.actors()[candidate.actor].is_remote() {
            keep_best(&mut best_remote, candidate.clone(), 1, &ranking);
        }
        if candidate.locality != Locality::Remote && candidate.distance_m.is_some() {
            keep_best(&mut nearest, candidate.clone(), 1, &closest);
        }
        keep_best(&mut best, candidate, limit, &ranking);
    }
    // Two promises the ranking alone does not keep: the nearest place is always shown (a
    // resident at a border sees the help across it, whatever the points of the places of their
    // own département), and far from on-site help, a remote help. Each takes the place of the
    // last of the list, which keeps its length.
    let remote_wanted = limit > 0
        && commune.point.is_some()
        && nearest.first().and_then(|c| c.distance_m).is_none_or(|m| m > rules.remote_after_km.saturating_mul(1000));
    let mut promised = Vec::with_capacity(2);
    if let Some(near) = nearest.pop().filter(|n| !best.iter().any(|c| c.actor == n.actor)) {
        notes.push(Note::NearestOffered);
        promised.push(near);
    }
    if let Some(remote) = best_remote.pop().filter(|_| remote_wanted) {
        notes.push(Note::RemoteOffered);
        let shown = best.iter().chain(&promised).any(|c| territory.directory.actors()[c.actor].is_remote());
        if !shown {
            promised.push(remote);
        }
    }
    promised.truncate(limit);
    best.truncate(limit - promised.len());
    best.extend(promised);
    let recommendations = best
        .into_iter()
        .map(|c| {
            let actor = &territory.directory.actors()[c.actor];
            let opening = opening_at(actor, at, resident_calendar);
            // Reasons are worked out for the few shown, by the same assessment that scored them.
            let mut reasons = vec![Reason::OffersNeed(need)];
            assess(territory, &resident, profile, c.actor, c.distance_m, &mut |reason| reasons.push(reason));
            reasons.extend(data_date(actor, at));
            reasons.push(opening_reason(actor, opening));
            Recommendation {
                actor: c.actor,
                distance_m: c.distance_m,
                locality: c.locality,
                score: c.score,
                opening,
                reasons,
            }
        })
        .collect();
    Ok(Orientation { need, recommendations, fallbacks: territory.taxonomy.fallbacks_for(need), notes })
}

/// Where the resident's commune sits in the reference, with its interned areas.
struct Resident {
    index: Option<usize>,
    areas: Option<crate::territory::Areas>,
    /// The day of the orientation, for the age of each place's information.
    today: Date,
}

/// Metres from the resident's commune centre to where the actor receives people.
fn distance(territory: Territory<'_>, commune: &Commune, index: usize) -> Option<u32> {
    Some(commune.point?.distance_m(territory.directory.place(index)?))
}

#[derive(Clone)]
struct Candidate {
    actor: usize,
    distance_m: Option<u32>,
    locality: Locality,
    score: i32,
}

/// Scores an actor for the profile, telling `reason` why as it goes (a no-op while ranking
/// thousands; the real list for the few shown).
fn assess(
    territory: Territory<'_>,
    resident: &Resident,
    profile: &Profile,
    index: usize,
    distance_m: Option<u32>,
    reason: &mut dyn FnMut(Reason),
) -> Option<Candidate> {
    let actor = &territory.directory.actors()[index];
    let rules = territory.rules;
    let place = territory.directory.place(index);
    let mut points = 0i32;

    // Where: on site (with a distance when both points are known), else remote.
    let locality = match place {
        Some(_) if !actor.is_remote_only() => {
            let actor_commune = territory.directory.commune_index(index, territory.communes);
            let areas = actor_commune.and_then(|i| territory.communes.areas(i));
            match (actor_commune, areas, resident.areas) {
                (Some(i), _, _) if Some(i) == resident.index => Locality::SameCommune,
                (_, Some(actor), Some(home)) if actor.epci.is_some() && actor.epci == home.epci => Locality::SameEpci,
                (_, Some(actor), Some(home)) if actor.departement == home.departement => Locality::SameDepartement,
                _ => Locality::Elsewhere,
            }
        }
        // Remote help with no phone, e-mail or link is no help at all.
        _ if actor.is_remote() && Contacts::of(actor) != Contacts::default() => Locality::Remote,
        // An on-site actor we cannot place cannot be said to be near: the importer warned.
        _ => return None,
    };
    points += match locality {
        Locality::SameCommune => rules.same_commune,
        Locality::SameEpci => rules.same_epci,
        Locality::SameDepartement => rules.same_departement,
        Locality::Elsewhere => 0,
        Locality::Remote => rules.remote,
    };
    if locality == Locality::Remote && profile.can_travel == Some(false) {
        points += rules.remote_when_cannot_travel;
    }
    if let Some(metres) = distance_m {
        let km = (metres / 1000).min(rules.distance_cap_km) as i32;
        let per_km = if profile.can_travel == Some(false) { 2 } else { 1 } * i64::from(rules.per_km);
        // Bounded: bundle weights (±100 000 per km) times a distance across the globe would
        // overflow; a billion points is already "as far as can be".
        points -= (i64::from(km) * per_km).clamp(-1_000_000_000, 1_000_000_000) as i32;
    }

    // How: does the actor help the way the resident asked?
    let individual = actor.modes.contains(Mode::Individuel);
    let workshop = actor.modes.contains(Mode::Atelier);
    let france_services = actor.programmes.contains(Programme::FranceServices);
    let aidants_connect = actor.programmes.contains(Programme::AidantsConnect);
    let acts_for_you = actor.modes.contains(Mode::AMaPlace);
    match profile.autonomy {
        Some(Autonomy::ForMe) => {
            if aidants_connect {
                points += rules.for_me_aidants_connect;
                reason(Reason::AidantsConnect);
            } else if acts_for_you {
                points += rules.for_me_acts_for_you;
                reason(Reason::ActsForYou);
            }
            if france_services {
                points += rules.for_me_france_services;
                reason(Reason::FranceServices);
            }
            if individual {
                points += rules.for_me_individual;
                reason(Reason::Individual);
            }
        }
        Some(Autonomy::Learn) => {
            if workshop {
                points += rules.learn_workshop;
                reason(Reason::Workshop);
            }
            if individual {
                points += rules.learn_individual;
                reason(Reason::Individual);
            }
            if !workshop && !individual && (acts_for_you || france_services) {
                points -= rules.learn_desk_penalty;
            }
        }
        Some(Autonomy::Help) => {
            if individual {
                points += rules.help_individual;
                reason(Reason::Individual);
            }
            if france_services {
                points += rules.help_france_services;
                reason(Reason::FranceServices);
            }
        }
        None => {
            if aidants_connect {
                reason(Reason::AidantsConnect);
            } else if france_services {
                reason(Reason::FranceServices);
            }
        }
    }
    if !actor.is_reachable() {
        points -= rules.unreachable;
    }
    if actor.updated.is_some_and(|updated| updated.0 < resident.today.add_days(-730).0) {
        points -= rules.outdated;
    }
    if profile.has_device == Some(false) && actor.modes.contains(Mode::Autonomie) {
        points += rules.free_access_devices;
        reason(Reason::FreeAccessDevices);
    }

    // Who: declared support and publics are strong preferences, never filters.
    for support in profile.supports.intersection(actor.supports).iter() {
        points += rules.support;
        reason(Reason::Support(support));
    }
    for public in profile.publics.intersection(actor.publics).iter() {
        points += rules.public;
        reason(Reason::Public(public));
    }

    if locality == Locality::Remote {
        reason(Reason::Remote(Contacts::of(actor)));
    } else {
        reason(Reason::Locality(locality));
    }
    if let Some(metres) = distance_m {
        reason(Reason::Distance { metres });
    }
    if locality != Locality::Remote && actor.is_remote() {
        reason(Reason::AlsoRemote);
    }
    if actor.itinerant {
        reason(Reason::Itinerant);
    }
    match actor.zone.as_ref().and_then(Scope::of) {
        Some(scope) => reason(Reason::ForResidents(scope)),
        None if matches!(locality, Locality::SameDepartement | Locality::Elsewhere) => reason(Reason::OpenToAll),
        None => {}
    }
    Some(Candidate { actor: index, distance_m, locality, score: points })
}

/// The year of an actor's last update, when that is more than a year before `at`.
/// What a place's date says: checked within the year, or old (only its year, then).
fn data_date(actor: &Actor, at: LocalDateTime) -> Option<Reason> {
    let updated = actor.updated?;
    Some(if updated.0 < at.date.add_days(-365).0 {
        Reason::DataAge { year: updated.ymd().0 }
    } else {
        Reason::Checked(updated)
    })
}

fn opening_reason(actor: &Actor, opening: OpeningState) -> Reason {
    match (&actor.hours, opening.open_now) {
        (_, Some(true)) => Reason::OpenNow { until: opening.closes_at },
        (_, Some(false)) => match opening.next_opening {
            Some(next) => Reason::NextOpening(next),
            None => Reason::HoursAsWritten,
        },
        (Hours::Unknown, None) => Reason::HoursUnknown(Contacts::of(actor)),
        (_, None) => Reason::HoursAsWritten,
    }
}
