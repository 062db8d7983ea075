//! Orientation, case by case: each test is a small territory in the compact format of
//! `common/mod.rs` and the orientation rendered as text, one line per recommendation:
//!
//! ```text
//! id  distance  locality  score  [reasons]  open_now  next_opening
//! ```
//!
//! then one line of notes and fallbacks. `UPDATE_EXPECT=1 cargo test -p aiguillage-engine`
//! rewrites the expectations; read the diff before keeping it.

mod common;

use std::fmt::Write;

use aiguillage_engine::orient::{orient, Locality, Orientation, Reason};
use common::Fixture;
use expect_test::{expect, Expect};

fn check(fixture: &str, expect: Expect) {
    let fixture = Fixture::parse(fixture);
    let actual = match orient(fixture.territory(), &fixture.profile, fixture.at, fixture.limit) {
        Ok(orientation) => render(&fixture, &orientation),
        Err(error) => format!("error: {error}\n"),
    };
    expect.assert_eq(&actual);
}

fn render(fixture: &Fixture, orientation: &Orientation) -> String {
    let mut out = String::new();
    for rec in &orientation.recommendations {
        let actor = &fixture.directory.actors()[rec.actor];
        let distance = rec.distance_m.map_or("null".to_string(), |m| format!("{:.1}km", f64::from(m) / 1000.0));
        let reasons: Vec<String> = rec.reasons.iter().map(|r| reason(fixture, *r)).collect();
        let open_now = rec.opening.open_now.map_or("null".to_string(), |open| open.to_string());
        let next = rec.opening.next_opening.map_or("null".to_string(), |t| t.to_string());
        writeln!(
            out,
            "{} {distance} {} score={} [{}] open_now={open_now} next_opening={next}",
            actor.id,
            locality(rec.locality),
            rec.score,
            reasons.join(" "),
        )
        .unwrap();
    }
    let notes: Vec<&str> = orientation.notes.iter().map(|note| note.code()).collect();
    let fallbacks: Vec<&str> =
        orientation.fallbacks.iter().map(|i| fixture.taxonomy.fallbacks[*i].code.as_str()).collect();
    writeln!(out, "notes: [{}] fallbacks: [{}]", notes.join(", "), fallbacks.join(", ")).unwrap();
    out
}

fn locality(locality: Locality) -> &'static str {
    Reason::Locality(locality).code()
}

/// The reason's code, with its detail when the code alone would hide it.
fn reason(fixture: &Fixture, reason: Reason) -> String {
    match reason {
        Reason::OffersNeed(need) => format!("offers-need({})", fixture.taxonomy.needs[usize::from(need)].code),
        Reason::Support(support) => format!("support({})", support.code()),
        Reason::Public(public) => format!("public({})", public.code()),
        Reason::OpenNow { until: Some(until) } => format!("open-now(until {until})"),
        Reason::NextOpening(at) => format!("next-opening({at})"),
        Reason::DataAge { year } => format!("data-age({year})"),
        Reason::Checked(date) => format!("checked({date})"),
        Reason::Remote(by) | Reason::HoursUnknown(by) => {
            let means: Vec<&str> = [(by.phone, "phone"), (by.email, "email"), (by.online, "online")]
                .iter()
                .filter(|m| m.0)
                .map(|m| m.1)
                .collect();
            format!("{}({})", reason.code(), means.join(","))
        }
        other => other.code().to_string(),
    }
}

// --- What is asked: the need ----------------------------------------------------------------

#[test]
fn an_actor_lacking_the_need_never_appears_whatever_its_points() {
    check(
        "
        actor perfect-but-demarches commune=16015 needs=demarches,bases-numeriques modes=individuel,a-ma-place programmes=aidants-connect,france-services supports=surdite publics=seniors
        actor emploi-cognac commune=16102 needs=emploi
        resident commune=16015 need=emploi autonomy=for-me supports=surdite publics=seniors
        ",
        expect![[r#"
            emploi-cognac 38.0km same-departement score=-48 [offers-need(emploi) same-departement distance open-to-all hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn a_sub_need_is_matched_through_the_parents_services() {
    check(
        "
        actor demarches-generales commune=16015 needs=demarches
        actor impots-seulement commune=16015 needs=demarches-impots
        actor bases commune=16015 needs=bases-numeriques
        actor emploi commune=16015 needs=emploi
        resident commune=16015 need=demarches-impots
        ",
        expect![[r#"
            demarches-generales 0.0km same-commune score=-9 [offers-need(demarches-impots) same-commune distance hours-unknown()] open_now=null next_opening=null
            impots-seulement 0.0km same-commune score=-9 [offers-need(demarches-impots) same-commune distance hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [impots-service, solidarite-numerique, france-services]
        "#]],
    );
}

// --- How: autonomy ----------------------------------------------------------------------------

#[test]
fn for_me_prefers_aidants_connect_then_france_services() {
    // The first worked example of data/rules.toml.
    check(
        "
        actor atelier-ruffec commune=16292 needs=demarches modes=atelier
        actor aidants-ruffec commune=16292 needs=demarches modes=individuel programmes=aidants-connect
        actor france-services-ruffec commune=16292 needs=demarches modes=individuel programmes=france-services
        actor mediatheque-cognac commune=16102 needs=bases-numeriques modes=atelier
        resident commune=16292 need=demarches-impots autonomy=for-me
        ",
        expect![[r#"
            aidants-ruffec 0.0km same-commune score=41 [offers-need(demarches-impots) aidants-connect individual same-commune distance hours-unknown()] open_now=null next_opening=null
            france-services-ruffec 0.0km same-commune score=26 [offers-need(demarches-impots) france-services individual same-commune distance hours-unknown()] open_now=null next_opening=null
            atelier-ruffec 0.0km same-commune score=-9 [offers-need(demarches-impots) same-commune distance hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [impots-service, solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn for_me_values_a_desk_that_acts_for_you_below_aidants_connect() {
    check(
        "
        actor a-ma-place commune=16015 needs=demarches modes=a-ma-place
        actor aidants commune=16015 needs=demarches programmes=aidants-connect modes=a-ma-place
        actor atelier commune=16015 needs=demarches modes=atelier
        resident commune=16015 need=demarches autonomy=for-me
        ",
        expect![[r#"
            aidants 0.0km same-commune score=31 [offers-need(demarches) aidants-connect same-commune distance hours-unknown()] open_now=null next_opening=null
            a-ma-place 0.0km same-commune score=21 [offers-need(demarches) acts-for-you same-commune distance hours-unknown()] open_now=null next_opening=null
            atelier 0.0km same-commune score=-9 [offers-need(demarches) same-commune distance hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn learn_prefers_workshops_over_a_desk_that_does_it_for_you() {
    // The second worked example of data/rules.toml, plus a plain place with no stated mode.
    check(
        "
        actor guichet commune=16015 needs=demarches programmes=france-services modes=a-ma-place
        actor atelier commune=16015 needs=demarches modes=atelier,individuel
        actor sans-mode commune=16015 needs=demarches
        resident commune=16015 need=demarches autonomy=learn
        ",
        expect![[r#"
            atelier 0.0km same-commune score=36 [offers-need(demarches) workshop individual same-commune distance hours-unknown()] open_now=null next_opening=null
            sans-mode 0.0km same-commune score=-9 [offers-need(demarches) same-commune distance hours-unknown()] open_now=null next_opening=null
            guichet 0.0km same-commune score=-19 [offers-need(demarches) same-commune distance hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn help_prefers_individual_support_and_no_device_prefers_free_access_computers() {
    check(
        "
        actor individuel commune=16015 needs=bases-numeriques modes=individuel
        actor libre-acces commune=16015 needs=bases-numeriques modes=autonomie
        actor france-services commune=16015 needs=bases-numeriques programmes=france-services
        resident commune=16015 need=bases-numeriques autonomy=help has_device=false
        ",
        expect![[r#"
            individuel 0.0km same-commune score=16 [offers-need(bases-numeriques) individual same-commune distance hours-unknown()] open_now=null next_opening=null
            france-services 0.0km same-commune score=6 [offers-need(bases-numeriques) france-services same-commune distance hours-unknown()] open_now=null next_opening=null
            libre-acces 0.0km same-commune score=1 [offers-need(bases-numeriques) free-access-devices same-commune distance hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

// --- Who: supports and publics ------------------------------------------------------------

#[test]
fn support_and_public_are_preferences_and_tous_publics_places_stay_visible() {
    // The third worked example of data/rules.toml, with a public too.
    check(
        "
        actor proche commune=16015 needs=bases-numeriques modes=individuel
        actor adapte commune=16078 needs=bases-numeriques modes=individuel supports=surdite
        actor seniors commune=16078 needs=bases-numeriques modes=individuel publics=seniors,jeunes
        resident commune=16015 need=bases-numeriques supports=surdite,illettrisme publics=seniors
        ",
        expect![[r#"
            adapte 8.3km same-epci score=18 [offers-need(bases-numeriques) support(surdite) same-epci distance hours-unknown()] open_now=null next_opening=null
            seniors 8.3km same-epci score=-2 [offers-need(bases-numeriques) public(seniors) same-epci distance hours-unknown()] open_now=null next_opening=null
            proche 0.0km same-commune score=-9 [offers-need(bases-numeriques) same-commune distance hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

// --- Where: remote help, zones, locality, distance -----------------------------------------

#[test]
fn remote_help_has_no_distance_and_can_travel_decides_its_rank() {
    let directory = "
        actor ruffec commune=16292 needs=demarches modes=individuel
        actor loin commune=16102 needs=demarches modes=individuel
        actor telephone needs=demarches modes=a-distance
    ";
    check(
        &format!("{directory}\nresident commune=16292 need=demarches"),
        expect![[r#"
            ruffec 0.0km same-commune score=-9 [offers-need(demarches) same-commune distance hours-unknown()] open_now=null next_opening=null
            loin 55.1km same-departement score=-65 [offers-need(demarches) same-departement distance open-to-all hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
    // The fourth worked example of data/rules.toml.
    check(
        &format!("{directory}\nresident commune=16292 need=demarches can_travel=false"),
        expect![[r#"
            ruffec 0.0km same-commune score=-9 [offers-need(demarches) same-commune distance hours-unknown()] open_now=null next_opening=null
            loin 55.1km same-departement score=-120 [offers-need(demarches) same-departement distance open-to-all hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn a_place_that_helps_only_at_a_distance_is_remote_help_wherever_its_office_is() {
    // Its office is in Paris, 390 km away: on site, it would be cut by the maximum distance.
    check(
        "
        actor ruffec commune=16292 needs=demarches modes=individuel phone=0545000000
        actor bureau-paris commune=75056 needs=demarches modes=a-distance phone=0100000000 email=a@b.fr
        actor les-deux commune=16102 needs=demarches modes=individuel,a-distance phone=0545000001
        resident commune=16292 need=demarches
        ",
        expect![[r#"
            bureau-paris null remote score=5 [offers-need(demarches) remote(phone,email) hours-unknown(phone,email)] open_now=null next_opening=null
            ruffec 0.0km same-commune score=1 [offers-need(demarches) same-commune distance hours-unknown(phone)] open_now=null next_opening=null
            les-deux 55.1km same-departement score=-55 [offers-need(demarches) same-departement distance also-remote open-to-all hours-unknown(phone)] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn far_from_on_site_help_a_remote_help_is_among_the_first_results() {
    // Ruffec's nearest on-site help is in Champniers (35 km): beyond `remote_after_km` (15), the
    // best remote help takes the last place of the list, although three places outscore it. A
    // remote help with no way to reach it is no help: never proposed.
    let directory = "
        actor angouleme-1 commune=16015 needs=emploi modes=individuel programmes=aidants-connect phone=1
        actor angouleme-2 commune=16015 needs=emploi modes=individuel programmes=aidants-connect phone=2
        actor champniers commune=16078 needs=emploi modes=individuel programmes=aidants-connect phone=3
        actor telephone needs=emploi modes=a-distance phone=4
        actor telephone-sans-contact needs=emploi modes=a-distance
    ";
    check(
        &format!("{directory}\nresident commune=16292 need=emploi autonomy=for-me\nlimit 3"),
        expect![[r#"
            champniers 34.9km same-departement score=16 [offers-need(emploi) aidants-connect individual same-departement distance open-to-all hours-unknown(phone)] open_now=null next_opening=null
            angouleme-1 42.4km same-departement score=8 [offers-need(emploi) aidants-connect individual same-departement distance open-to-all hours-unknown(phone)] open_now=null next_opening=null
            telephone null remote score=5 [offers-need(emploi) remote(phone) hours-unknown(phone)] open_now=null next_opening=null
            notes: [remote-offered] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
    // Near on-site help (Angoulême for a resident of Angoulême), the list is the ranking's.
    check(
        &format!("{directory}\nresident commune=16015 need=emploi autonomy=for-me\nlimit 3"),
        expect![[r#"
            angouleme-1 0.0km same-commune score=51 [offers-need(emploi) aidants-connect individual same-commune distance hours-unknown(phone)] open_now=null next_opening=null
            angouleme-2 0.0km same-commune score=51 [offers-need(emploi) aidants-connect individual same-commune distance hours-unknown(phone)] open_now=null next_opening=null
            champniers 8.3km same-epci score=43 [offers-need(emploi) aidants-connect individual same-epci distance hours-unknown(phone)] open_now=null next_opening=null
            notes: [] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn a_place_with_no_way_to_reach_it_ranks_below_an_equally_near_reachable_one() {
    check(
        "
        actor a-sans-contact commune=16015 needs=emploi
        actor b-courriel commune=16015 needs=emploi email=b@exemple.fr
        actor c-site commune=16015 needs=emploi website=https://c.fr
        actor d-telephone commune=16015 needs=emploi phone=0545000000
        actor e-horaires commune=16015 needs=emploi hours=office
        resident commune=16015 need=emploi
        ",
        expect![[r#"
            b-courriel 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-unknown(email)] open_now=null next_opening=null
            d-telephone 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-unknown(phone)] open_now=null next_opening=null
            e-horaires 0.0km same-commune score=1 [offers-need(emploi) same-commune distance open-now(until 2026-12-08T12:00)] open_now=true next_opening=2026-12-08T14:00
            a-sans-contact 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            c-site 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown(online)] open_now=null next_opening=null
            notes: [] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn information_older_than_a_year_says_its_year_and_older_than_two_ranks_after_and_recent_says_its_day() {
    check(
        "
        actor recent commune=16015 needs=emploi phone=1 updated=2026-01-10
        actor ancien commune=16015 needs=emploi phone=2 updated=2019-10-01
        actor dix-huit-mois commune=16015 needs=emploi phone=4 updated=2025-06-01
        actor sans-date commune=16015 needs=emploi phone=3
        resident commune=16015 need=emploi
        ",
        expect![[r#"
            dix-huit-mois 0.0km same-commune score=1 [offers-need(emploi) same-commune distance data-age(2025) hours-unknown(phone)] open_now=null next_opening=null
            recent 0.0km same-commune score=1 [offers-need(emploi) same-commune distance checked(2026-01-10) hours-unknown(phone)] open_now=null next_opening=null
            sans-date 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-unknown(phone)] open_now=null next_opening=null
            ancien 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance data-age(2019) hours-unknown(phone)] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn national_contacts_of_the_need_come_before_those_of_every_need() {
    check(
        "
        actor demarches commune=16015 needs=demarches phone=1
        resident commune=16015 need=demarches-impots
        ",
        expect![[r#"
            demarches 0.0km same-commune score=1 [offers-need(demarches-impots) same-commune distance hours-unknown(phone)] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [impots-service, solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn an_eligibility_zone_is_a_hard_limit() {
    check(
        "
        actor zone-vienne commune=16015 needs=emploi zone=dep:86 supports=surdite
        actor zone-cognac commune=16015 needs=emploi zone=commune:16102 supports=surdite
        actor zone-vide commune=16015 needs=emploi zone=none supports=surdite
        actor zone-charente commune=16102 needs=emploi zone=dep:16
        actor zone-grand-angouleme commune=16078 needs=emploi zone=epci:200071827
        actor zone-angouleme commune=16015 needs=emploi zone=commune:16015
        actor zone-france needs=emploi modes=a-distance zone=france
        actor sans-zone commune=16292 needs=emploi
        resident commune=16015 need=emploi supports=surdite
        ",
        expect![[r#"
            zone-angouleme 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance for-residents-commune hours-unknown()] open_now=null next_opening=null
            zone-grand-angouleme 8.3km same-epci score=-17 [offers-need(emploi) same-epci distance for-residents-epci hours-unknown()] open_now=null next_opening=null
            zone-charente 38.0km same-departement score=-48 [offers-need(emploi) same-departement distance for-residents-departement hours-unknown()] open_now=null next_opening=null
            sans-zone 42.4km same-departement score=-52 [offers-need(emploi) same-departement distance open-to-all hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn same_commune_then_same_epci_then_same_departement_then_elsewhere() {
    // The fifth worked example of data/rules.toml, plus Poitiers (Vienne, about 100 km).
    check(
        "
        actor poitiers commune=86194 needs=emploi
        actor cognac commune=16102 needs=emploi
        actor champniers commune=16078 needs=emploi
        actor angouleme commune=16015 needs=emploi
        resident commune=16015 need=emploi
        ",
        expect![[r#"
            angouleme 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            champniers 8.3km same-epci score=-17 [offers-need(emploi) same-epci distance hours-unknown()] open_now=null next_opening=null
            cognac 38.0km same-departement score=-48 [offers-need(emploi) same-departement distance open-to-all hours-unknown()] open_now=null next_opening=null
            poitiers 104.6km elsewhere score=-70 [offers-need(emploi) elsewhere distance open-to-all hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn an_actor_with_its_own_point_is_measured_from_it() {
    // Same commune, but the place itself is 5 km out of town: the point wins over the commune's.
    check(
        "
        actor en-ville commune=16015 needs=emploi
        actor en-peripherie commune=16015 point=45.6934,0.1562 needs=emploi
        resident commune=16015 need=emploi
        ",
        expect![[r#"
            en-ville 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            en-peripherie 5.0km same-commune score=-14 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn ties_go_to_the_nearer_actor_then_to_the_smaller_id() {
    // Poitiers and Bordeaux are both beyond the 60 km cap: same score, Poitiers is nearer.
    // The three Angoulême places have the same score and the same point: by id, whatever the
    // order of the directory.
    check(
        "
        actor z-bordeaux commune=33063 needs=emploi
        actor a-poitiers commune=86194 needs=emploi
        actor c-angouleme commune=16015 needs=emploi
        actor a-angouleme commune=16015 needs=emploi
        actor b-angouleme commune=16015 needs=emploi
        resident commune=16015 need=emploi
        ",
        expect![[r#"
            a-angouleme 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            b-angouleme 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            c-angouleme 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            a-poitiers 104.6km elsewhere score=-70 [offers-need(emploi) elsewhere distance open-to-all hours-unknown()] open_now=null next_opening=null
            z-bordeaux 107.0km elsewhere score=-70 [offers-need(emploi) elsewhere distance open-to-all hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn the_limit_keeps_the_best() {
    check(
        "
        actor d commune=16102 needs=emploi
        actor c commune=16078 needs=emploi
        actor b commune=16015 needs=emploi modes=individuel
        actor a commune=16015 needs=emploi supports=surdite
        resident commune=16015 need=emploi autonomy=help supports=surdite
        limit 2
        ",
        expect![[r#"
            a 0.0km same-commune score=26 [offers-need(emploi) support(surdite) same-commune distance hours-unknown()] open_now=null next_opening=null
            b 0.0km same-commune score=16 [offers-need(emploi) individual same-commune distance hours-unknown()] open_now=null next_opening=null
            notes: [] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
    check(
        "
        actor a commune=16015 needs=emploi
        resident commune=16015 need=emploi
        limit 0
        ",
        expect![[r#"
            notes: [nearest-offered] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn too_few_places_near_widens_the_search() {
    let directory = "
        actor angouleme commune=16015 needs=emploi
        actor champniers commune=16078 needs=emploi
        actor poitiers commune=86194 needs=emploi
        actor paris commune=75056 needs=emploi
        resident commune=16015 need=emploi
    ";
    // Two within 60 km are enough for two: Poitiers (100 km) is not looked at.
    check(
        &format!("{directory}\nlimit 2"),
        expect![[r#"
            angouleme 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            champniers 8.3km same-epci score=-17 [offers-need(emploi) same-epci distance hours-unknown()] open_now=null next_opening=null
            notes: [] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
    // For three, the search goes farther, never beyond 150 km (Paris).
    check(
        &format!("{directory}\nlimit 3"),
        expect![[r#"
            angouleme 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            champniers 8.3km same-epci score=-17 [offers-need(emploi) same-epci distance hours-unknown()] open_now=null next_opening=null
            poitiers 104.6km elsewhere score=-70 [offers-need(emploi) elsewhere distance open-to-all hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn the_first_search_stops_at_the_radius() {
    // Enough within 60 km for three: the place 64 km north is not proposed, though it would
    // rank before `c` (15 points against 12) and lies in a grid cell the first search visits.
    check(
        "
        actor a commune=16015 needs=emploi
        actor b commune=16015 needs=emploi
        actor c commune=16078 needs=emploi
        actor nord-64-km point=46.2286,0.1562 needs=emploi modes=individuel supports=surdite publics=seniors
        resident commune=16015 need=emploi autonomy=help supports=surdite publics=seniors
        limit 3
        ",
        expect![[r#"
            a 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            b 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            c 8.3km same-epci score=-17 [offers-need(emploi) same-epci distance hours-unknown()] open_now=null next_opening=null
            notes: [] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn nothing_within_reach_says_so_and_gives_the_fallbacks() {
    // From Paris, Charente is beyond 150 km: only remote help remains.
    check(
        "
        actor angouleme commune=16015 needs=emploi
        actor telephone needs=emploi modes=a-distance
        resident commune=75056 need=emploi
        ",
        expect![[r#"
            notes: [search-widened, nothing-local] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
    // Poitiers is within 150 km of Angoulême, but not within 60: still nothing local.
    check(
        "
        actor poitiers commune=86194 needs=emploi
        resident commune=16015 need=emploi
        ",
        expect![[r#"
            poitiers 104.6km elsewhere score=-70 [offers-need(emploi) elsewhere distance open-to-all hours-unknown()] open_now=null next_opening=null
            notes: [search-widened, nothing-local] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
    check(
        "resident commune=16015 need=emploi",
        expect![[r#"
        notes: [search-widened, nothing-local] fallbacks: [solidarite-numerique, france-services]
    "#]],
    );
}

#[test]
fn nothing_local_is_about_the_territory_not_the_shortened_list() {
    // Remote help comes first for a resident who cannot travel; the place in their own commune
    // is cut by the limit, but it exists: the fallbacks are not the answer.
    check(
        "
        actor telephone needs=emploi modes=a-distance
        actor angouleme commune=16015 needs=emploi
        resident commune=16015 need=emploi can_travel=false
        limit 1
        ",
        expect![[r#"
            angouleme 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            notes: [] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn a_commune_without_a_point_ranks_by_locality_without_distances() {
    check(
        "
        commune 16999 Sans-Point dep=16
        actor sur-place commune=16999 point=45.60,0.20 needs=emploi
        actor angouleme commune=16015 needs=emploi
        actor telephone needs=emploi modes=a-distance
        resident commune=16999 need=emploi
        ",
        expect![[r#"
            sur-place null same-commune score=-9 [offers-need(emploi) same-commune hours-unknown()] open_now=null next_opening=null
            angouleme null same-departement score=-10 [offers-need(emploi) same-departement open-to-all hours-unknown()] open_now=null next_opening=null
            notes: [commune-without-point] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn an_on_site_actor_that_cannot_be_placed_is_skipped() {
    check(
        "
        actor sans-lieu needs=emploi modes=individuel
        actor commune-inconnue commune=99999 needs=emploi
        actor telephone needs=emploi modes=a-distance
        actor place commune=16015 needs=emploi
        resident commune=16015 need=emploi
        ",
        expect![[r#"
            place 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn itinerant_places_say_so() {
    check(
        "
        actor bus commune=16078 needs=emploi itinerant hours=second-tuesday
        resident commune=16015 need=emploi
        limit 1
        ",
        expect![[r#"
            bus 8.3km same-epci score=-7 [offers-need(emploi) same-epci distance itinerant open-now(until 2026-12-08T12:00)] open_now=true next_opening=2027-01-12T09:00
            notes: [] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

// --- Errors ---------------------------------------------------------------------------------

#[test]
fn an_unknown_commune_or_need_says_what_was_expected() {
    check(
        "resident commune=16000 need=emploi",
        expect![[r#"
        error: unknown commune `16000`: expected the INSEE code of a current commune (COG 2026), e.g. 16015 for Angoulême
    "#]],
    );
    check(
        "resident commune=16015 need=impots",
        expect![[r#"
        error: unknown need `impots`: expected one of bases-numeriques, demarches, demarches-impots, emploi
    "#]],
    );
    check(
        "resident commune= need=",
        expect![[r#"
        error: unknown commune ``: expected the INSEE code of a current commune (COG 2026), e.g. 16015 for Angoulême
    "#]],
    );
}

// --- When: opening state and next opening ----------------------------------------------------

const OPENINGS: &str = "
    actor corrupt commune=16015 needs=emploi hours=corrupt
    actor free-text commune=16015 needs=emploi hours=free-text
    actor market commune=16015 needs=emploi hours=sunday-market
    actor office commune=16015 needs=emploi hours=office
    actor second-tuesday commune=16015 needs=emploi hours=second-tuesday
    actor shop commune=16015 needs=emploi hours=shop-short-on-holidays
    actor unknown commune=16015 needs=emploi hours=unknown
    resident commune=16015 need=emploi
    limit 10
";

fn check_openings(at: &str, expect: Expect) {
    check(&format!("{OPENINGS}\nat {at}"), expect);
}

#[test]
fn opening_state_on_the_second_tuesday_of_december() {
    // Tuesday 2026-12-08, 10:00: the `Tu[2]` override applies.
    check_openings(
        "2026-12-08T10:00",
        expect![[r#"
            corrupt 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-as-written] open_now=false next_opening=null
            free-text 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-as-written] open_now=null next_opening=null
            market 0.0km same-commune score=1 [offers-need(emploi) same-commune distance next-opening(2026-12-13T01:00)] open_now=false next_opening=2026-12-13T01:00
            office 0.0km same-commune score=1 [offers-need(emploi) same-commune distance open-now(until 2026-12-08T12:00)] open_now=true next_opening=2026-12-08T14:00
            second-tuesday 0.0km same-commune score=1 [offers-need(emploi) same-commune distance open-now(until 2026-12-08T12:00)] open_now=true next_opening=2027-01-12T09:00
            shop 0.0km same-commune score=1 [offers-need(emploi) same-commune distance open-now(until 2026-12-08T18:00)] open_now=true next_opening=2026-12-09T09:00
            unknown 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn opening_state_between_two_second_tuesdays() {
    check_openings(
        "2026-12-09T12:30",
        expect![[r#"
            corrupt 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-as-written] open_now=false next_opening=null
            free-text 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-as-written] open_now=null next_opening=null
            market 0.0km same-commune score=1 [offers-need(emploi) same-commune distance next-opening(2026-12-13T01:00)] open_now=false next_opening=2026-12-13T01:00
            office 0.0km same-commune score=1 [offers-need(emploi) same-commune distance next-opening(2026-12-09T14:00)] open_now=false next_opening=2026-12-09T14:00
            second-tuesday 0.0km same-commune score=1 [offers-need(emploi) same-commune distance next-opening(2027-01-12T09:00)] open_now=false next_opening=2027-01-12T09:00
            shop 0.0km same-commune score=1 [offers-need(emploi) same-commune distance open-now(until 2026-12-09T18:00)] open_now=true next_opening=2026-12-10T09:00
            unknown 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn opening_state_on_christmas_follows_the_holiday_pattern() {
    // Friday 2026-12-25: the office is closed (`PH off`), the shop opens 10:00-12:00 only.
    check_openings(
        "2026-12-25T09:30",
        expect![[r#"
            corrupt 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-as-written] open_now=false next_opening=null
            free-text 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-as-written] open_now=null next_opening=null
            market 0.0km same-commune score=1 [offers-need(emploi) same-commune distance next-opening(2026-12-27T01:00)] open_now=false next_opening=2026-12-27T01:00
            office 0.0km same-commune score=1 [offers-need(emploi) same-commune distance next-opening(2026-12-28T09:00)] open_now=false next_opening=2026-12-28T09:00
            second-tuesday 0.0km same-commune score=1 [offers-need(emploi) same-commune distance next-opening(2027-01-12T09:00)] open_now=false next_opening=2027-01-12T09:00
            shop 0.0km same-commune score=1 [offers-need(emploi) same-commune distance next-opening(2026-12-25T10:00)] open_now=false next_opening=2026-12-25T10:00
            unknown 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
    check_openings(
        "2026-12-25T11:00",
        expect![[r#"
            corrupt 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-as-written] open_now=false next_opening=null
            free-text 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-as-written] open_now=null next_opening=null
            market 0.0km same-commune score=1 [offers-need(emploi) same-commune distance next-opening(2026-12-27T01:00)] open_now=false next_opening=2026-12-27T01:00
            office 0.0km same-commune score=1 [offers-need(emploi) same-commune distance next-opening(2026-12-28T09:00)] open_now=false next_opening=2026-12-28T09:00
            second-tuesday 0.0km same-commune score=1 [offers-need(emploi) same-commune distance next-opening(2027-01-12T09:00)] open_now=false next_opening=2027-01-12T09:00
            shop 0.0km same-commune score=1 [offers-need(emploi) same-commune distance open-now(until 2026-12-25T12:00)] open_now=true next_opening=2026-12-26T09:00
            unknown 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn a_dst_change_day_is_an_ordinary_local_day() {
    // Sunday 2027-03-28: clocks go from 02:00 to 03:00 (it is also Easter Sunday, not a public
    // holiday; Easter Monday is). Hours are local wall-clock times: 02:30 is simply inside
    // 01:00-04:00, and the next opening of the office skips Easter Monday.
    check_openings(
        "2027-03-28T02:30",
        expect![[r#"
            corrupt 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-as-written] open_now=false next_opening=null
            free-text 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-as-written] open_now=null next_opening=null
            market 0.0km same-commune score=1 [offers-need(emploi) same-commune distance open-now(until 2027-03-28T04:00)] open_now=true next_opening=2027-03-28T09:00
            office 0.0km same-commune score=1 [offers-need(emploi) same-commune distance next-opening(2027-03-30T09:00)] open_now=false next_opening=2027-03-30T09:00
            second-tuesday 0.0km same-commune score=1 [offers-need(emploi) same-commune distance next-opening(2027-04-13T09:00)] open_now=false next_opening=2027-04-13T09:00
            shop 0.0km same-commune score=1 [offers-need(emploi) same-commune distance next-opening(2027-03-29T10:00)] open_now=false next_opening=2027-03-29T10:00
            unknown 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
    check_openings(
        "2027-03-28T12:00",
        expect![[r#"
            corrupt 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-as-written] open_now=false next_opening=null
            free-text 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-as-written] open_now=null next_opening=null
            market 0.0km same-commune score=1 [offers-need(emploi) same-commune distance next-opening(2027-04-04T01:00)] open_now=false next_opening=2027-04-04T01:00
            office 0.0km same-commune score=1 [offers-need(emploi) same-commune distance next-opening(2027-03-30T09:00)] open_now=false next_opening=2027-03-30T09:00
            second-tuesday 0.0km same-commune score=1 [offers-need(emploi) same-commune distance next-opening(2027-04-13T09:00)] open_now=false next_opening=2027-04-13T09:00
            shop 0.0km same-commune score=1 [offers-need(emploi) same-commune distance next-opening(2027-03-29T10:00)] open_now=false next_opening=2027-03-29T10:00
            unknown 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn outside_the_compiled_horizon_hours_are_as_written() {
    check_openings(
        "2028-01-04T10:00",
        expect![[r#"
            corrupt 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-as-written] open_now=null next_opening=null
            free-text 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-as-written] open_now=null next_opening=null
            market 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-as-written] open_now=null next_opening=null
            office 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-as-written] open_now=null next_opening=null
            second-tuesday 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-as-written] open_now=null next_opening=null
            shop 0.0km same-commune score=1 [offers-need(emploi) same-commune distance hours-as-written] open_now=null next_opening=null
            unknown 0.0km same-commune score=-9 [offers-need(emploi) same-commune distance hours-unknown()] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}

#[test]
fn a_place_across_the_line_comes_first_when_nearer_and_a_reserved_place_only_for_its_residents() {
    // Ruffec (16, EPCI 200071835): a place of its own commune 15 km north, one of Vienne (86)
    // 5 km north; the CCAS of Ruffec, and the CCAS of Cognac (for Cognac's residents only).
    check(
        "
        actor ruffec-nord commune=16292 point=46.1636,0.1978 needs=demarches phone=1
        actor vienne-proche commune=86194 point=46.0736,0.1978 needs=demarches phone=2
        actor ccas-ruffec commune=16292 point=46.0290,0.1980 needs=demarches phone=3 zone=commune:16292
        actor ccas-cognac commune=16102 needs=demarches phone=4 zone=commune:16102
        actor caf-16 commune=16015 needs=demarches phone=5 zone=dep:16
        resident commune=16292 need=demarches
        ",
        expect![[r#"
            ccas-ruffec 0.0km same-commune score=1 [offers-need(demarches) same-commune distance for-residents-commune hours-unknown(phone)] open_now=null next_opening=null
            vienne-proche 5.0km elsewhere score=-5 [offers-need(demarches) elsewhere distance open-to-all hours-unknown(phone)] open_now=null next_opening=null
            ruffec-nord 15.0km same-commune score=-14 [offers-need(demarches) same-commune distance hours-unknown(phone)] open_now=null next_opening=null
            caf-16 42.4km same-departement score=-42 [offers-need(demarches) same-departement distance for-residents-departement hours-unknown(phone)] open_now=null next_opening=null
            notes: [search-widened] fallbacks: [solidarite-numerique, france-services]
        "#]],
    );
}
