//! Orientation in each local calendar (issue 15): a place's `PH` is its own commune's holidays
//! (Alsace-Moselle's Good Friday and 26 December, an overseas abolition day), and the resident's
//! time is their commune's: a national line on Paris time opens at noon in La Réunion. The hours
//! are compiled as the importers compile them, with the place's own calendar.

use aiguillage_engine::calendar::{Date, LocalDateTime};
use aiguillage_engine::hours::{Hours, OpeningState};
use aiguillage_engine::vocab::Mode;
use aiguillage_engine::{orient, Actor, Directory, Profile, Territory};
use aiguillage_import::hours::compile;

const WEEKDAYS: &str = "Mo-Fr 09:00-17:00; PH off";

fn at(text: &str) -> LocalDateTime {
    LocalDateTime::parse(text).unwrap()
}

/// A place in `insee` that helps with every need, open on weekdays except public holidays.
fn place(id: &str, insee: &str, hours: &str) -> Actor {
    let france = aiguillage_import::reference::france();
    let commune = france.get(insee).unwrap();
    let mut actor = Actor::new(id, id);
    actor.insee = Some(commune.insee.clone());
    actor.point = commune.point;
    actor.postal_code = commune.postal_codes[0].clone();
    actor.phone = Some("0102030405".into());
    compile_hours(&mut actor, hours);
    actor
}

fn compile_hours(actor: &mut Actor, hours: &str) {
    let start = Date::parse("2025-06-02").unwrap();
    actor.hours = Hours::Compiled(compile(hours, start, 1000, actor.calendar().holidays).unwrap());
}

/// The opening of the first (only) place for a resident of `commune` at their local time `when`.
fn opening(actors: Vec<Actor>, commune: &str, when: &str) -> OpeningState {
    let (mut taxonomy, _, rules) = aiguillage_import::project::shipped().unwrap();
    let need = taxonomy.need_id("demarches").unwrap();
    taxonomy.fallbacks.clear();
    let mut actors = actors;
    for actor in &mut actors {
        actor.needs.insert(need);
    }
    let france = aiguillage_import::reference::france();
    let directory = Directory::new(actors, &france);
    let territory = Territory { communes: &france, taxonomy: &taxonomy, directory: &directory, rules: &rules };
    let profile = Profile { commune: commune.into(), need: "demarches".into(), ..Profile::default() };
    let orientation = orient(territory, &profile, at(when), 5).unwrap();
    assert_eq!(orientation.recommendations.len(), 1, "{commune} {when}");
    orientation.recommendations[0].opening
}

fn open(state: OpeningState) -> Option<bool> {
    state.open_now
}

#[test]
fn alsace_moselle_closes_on_good_friday_and_26_december_the_rest_of_france_does_not() {
    let metz = || vec![place("metz", "57463", WEEKDAYS)];
    let angouleme = || vec![place("angouleme", "16015", WEEKDAYS)];
    // Good Friday 2026 is 3 April; Easter Monday (6 April) is national.
    assert_eq!(open(opening(metz(), "57463", "2026-04-02T10:00")), Some(true), "the day before");
    let friday = opening(metz(), "57463", "2026-04-03T10:00");
    assert_eq!(friday.open_now, Some(false));
    assert_eq!(friday.next_opening, Some(at("2026-04-07T09:00")), "across Good Friday, the weekend and Easter Monday");
    assert_eq!(opening(metz(), "57463", "2026-04-02T18:00").next_opening, Some(at("2026-04-07T09:00")));
    assert_eq!(
        open(opening(angouleme(), "16015", "2026-04-03T10:00")),
        Some(true),
        "Good Friday is worked in Charente"
    );
    // 26 December 2025 is a Friday.
    assert_eq!(open(opening(metz(), "57463", "2025-12-26T10:00")), Some(false));
    assert_eq!(opening(metz(), "57463", "2025-12-24T18:00").next_opening, Some(at("2025-12-29T09:00")));
    assert_eq!(open(opening(angouleme(), "16015", "2025-12-26T10:00")), Some(true));
    assert_eq!(opening(angouleme(), "16015", "2025-12-24T18:00").next_opening, Some(at("2025-12-26T09:00")));
}

#[test]
fn overseas_places_close_on_their_abolition_day() {
    // La Réunion: 20 December 2027 is a Monday.
    let reunion = || vec![place("saint-denis", "97411", WEEKDAYS)];
    assert_eq!(open(opening(reunion(), "97411", "2027-12-17T10:00")), Some(true), "the Friday before");
    let day = opening(reunion(), "97411", "2027-12-20T10:00");
    assert_eq!((day.open_now, day.next_opening), (Some(false), Some(at("2027-12-21T09:00"))));
    assert_eq!(open(opening(reunion(), "97411", "2027-12-21T10:00")), Some(true), "the day after");
    // Guyane: 10 June 2026 is a Wednesday; Martinique: 22 May 2026 a Friday; Mayotte: 27 April 2026 a Monday.
    assert_eq!(open(opening(vec![place("cayenne", "97302", WEEKDAYS)], "97302", "2026-06-10T10:00")), Some(false));
    assert_eq!(open(opening(vec![place("cayenne", "97302", WEEKDAYS)], "97302", "2026-06-11T10:00")), Some(true));
    assert_eq!(open(opening(vec![place("fdf", "97209", WEEKDAYS)], "97209", "2026-05-22T10:00")), Some(false));
    assert_eq!(
        open(opening(vec![place("fdf", "97209", WEEKDAYS)], "97209", "2026-05-27T10:00")),
        Some(true),
        "Guadeloupe's day"
    );
    assert_eq!(open(opening(vec![place("mamoudzou", "97611", WEEKDAYS)], "97611", "2026-04-27T10:00")), Some(false));
}

#[test]
fn a_national_line_on_paris_time_is_read_in_the_residents_time() {
    // A remote line with a Paris address, open 09:00-17:00 Paris time on weekdays.
    let line = || {
        let mut line = Actor::new("ligne", "Ligne nationale");
        line.postal_code = "75007".into();
        line.modes.insert(Mode::ADistance);
        line.phone = Some("3939".into());
        compile_hours(&mut line, WEEKDAYS);
        vec![line]
    };
    // 11 January 2027, a Monday: Saint-Denis (UTC+4) is 3 hours ahead of Paris (UTC+1).
    let early = opening(line(), "97411", "2027-01-11T10:00");
    assert_eq!((early.open_now, early.next_opening), (Some(false), Some(at("2027-01-11T12:00"))));
    let noon = opening(line(), "97411", "2027-01-11T13:00");
    assert_eq!((noon.open_now, noon.closes_at), (Some(true), Some(at("2027-01-11T20:00"))));
    // Cayenne (UTC−3) is 4 hours behind Paris: 05:00-13:00 there.
    let cayenne = opening(line(), "97302", "2027-01-11T12:30");
    assert_eq!((cayenne.open_now, cayenne.closes_at), (Some(true), Some(at("2027-01-11T13:00"))));
    // In July Paris is on summer time (UTC+2): two hours behind Saint-Denis.
    assert_eq!(opening(line(), "97411", "2027-07-12T10:00").next_opening, Some(at("2027-07-12T11:00")));
    // A resident of Charente reads it as it is.
    assert_eq!(opening(line(), "16015", "2027-01-11T08:00").next_opening, Some(at("2027-01-11T09:00")));
}
