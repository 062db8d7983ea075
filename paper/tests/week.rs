//! Opening hours in words for paper, from real `opening_hours` strings compiled as bundles do.

use aiguillage_engine::{Date, Holidays, Lang};
use aiguillage_import::hours::parse_hours;
use aiguillage_paper::week::{on_paper, OnPaper};

/// Monday 7 December 2026.
fn monday() -> Date {
    Date::from_ymd(2026, 12, 7).unwrap()
}

fn printed(hours: &str, from: Date, lang: Lang) -> OnPaper {
    let (_, wording, _) = aiguillage_shipped::project::shipped().unwrap();
    let (hours, _) = parse_hours(hours, monday(), 400, Holidays::National);
    on_paper(&hours, Holidays::National, from, &wording, lang)
}

fn lines(text: &[&str]) -> Vec<String> {
    text.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_same_hours_on_consecutive_days_read_as_one_line() {
    assert_eq!(
        printed("Mo-Fr 09:00-12:00,14:00-17:30", monday(), Lang::Fr),
        OnPaper::Weekly(lines(&["du lundi au vendredi : 9 h – 12 h, 14 h – 17 h 30"]))
    );
    assert_eq!(
        printed("Mo,Tu 09:00-12:00; We 10:00-17:00; Fr 09:00-12:00", monday(), Lang::Fr),
        OnPaper::Weekly(lines(&["lundi et mardi : 9 h – 12 h", "mercredi : 10 h – 17 h", "vendredi : 9 h – 12 h"]))
    );
}

#[test]
fn each_language_says_it_its_own_way() {
    assert_eq!(
        printed("Tu 09:00-12:00,14:00-16:00", monday(), Lang::FrFalc),
        OnPaper::Weekly(lines(&["mardi : de 9 h à 12 h et de 14 h à 16 h"]))
    );
    assert_eq!(
        printed("Mo-We 09:30-12:00", monday(), Lang::En),
        OnPaper::Weekly(lines(&["Monday to Wednesday: 9:30–12:00"]))
    );
}

#[test]
fn public_holidays_do_not_hide_the_usual_week() {
    // From 21 December: Christmas (Friday) and New Year's Day (Friday) are closed.
    let christmas = Date::from_ymd(2026, 12, 21).unwrap();
    assert_eq!(
        printed("Mo-Fr 09:00-12:00; PH off", christmas, Lang::Fr),
        OnPaper::Weekly(lines(&["du lundi au vendredi : 9 h – 12 h"]))
    );
}

#[test]
fn hours_that_change_from_week_to_week_are_printed_as_dates() {
    // A permanence on the first and third Tuesdays, in the eight weeks from 7 December.
    let OnPaper::Dated(dates) = printed("Tu[1,3] 09:30-12:00", monday(), Lang::Fr) else {
        panic!("dated openings expected")
    };
    assert_eq!(
        dates,
        lines(&[
            "mardi 15 décembre : 9 h 30 – 12 h",
            "mardi 5 janvier : 9 h 30 – 12 h",
            "mardi 19 janvier : 9 h 30 – 12 h"
        ])
    );
}

#[test]
fn hours_that_cannot_be_read_or_are_missing_are_said_so() {
    assert_eq!(printed("le mardi matin", monday(), Lang::Fr), OnPaper::AsWritten("le mardi matin".into()));
    assert_eq!(printed("", monday(), Lang::Fr), OnPaper::Unknown);
    assert_eq!(printed("2027 Jun 01-30 09:00-12:00", monday(), Lang::Fr), OnPaper::NoneSoon);
}
