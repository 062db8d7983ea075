//! The compiled schedules agree with the `opening-hours` crate, string by string, over the whole
//! horizon: day by day (every day, every string), at every opening boundary, and at random
//! instants (is it open, when does it close, when does it next open).
//!
//! The crate answers in two ways, and both are checked: its day evaluation (`schedule_at`), and its
//! state iterator (`iter_range`, behind `is_open`, `state` and `next_change`). They disagree on the
//! strings of [`ITERATOR_BUGS`] (a bug of opening-hours 2.1.4), where the compiler follows the day
//! evaluation; the tests check that these strings still show the bug, so the list stays honest.
//!
//! Corpora (see data/opening-hours/README.md): the sample of the opening-hours crate's own tests,
//! and every distinct `horaires` value of the Hinaura 2022 open data.

use std::sync::OnceLock;

use aiguillage_engine::calendar::{is_french_public_holiday, Date, Holidays, LocalDateTime};
use aiguillage_engine::hours::{DayPattern, OpeningState, Schedule};
use aiguillage_hours::{compile, osm_opening_hours, HoursError};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike};
use opening_hours::{OpeningHours, RuleKind};
use proptest::prelude::*;

const SAMPLE: &str = include_str!("../../data/opening-hours/opening-hours-rs_sample.txt");
const HINAURA: &str = include_str!("../../data/opening-hours/hinaura-horaires-2022.txt");

/// Edge cases the corpora lack: openings across midnight and the horizon's ends, adjacent openings
/// that only differ by comment, unknown and commented periods, holiday offsets, sun events, open
/// ends, week parity, Easter, nth weekdays from the month's end.
const EDGES: &[&str] = &[
    "24/7",
    "Mo-Su 00:00-24:00",
    "Mo-Su 22:00-02:00",
    "Fr 20:00-26:00",
    "Sa 22:00-24:00; Su 00:00-02:00",
    "Mo 12:00-24:00; Tu 00:00-24:00; We 00:00-03:00",
    "Mo-Fr 08:00-12:00 \"accueil\", 12:00-14:00 \"sur rendez-vous\"",
    "Mo-Fr 09:00-12:00; Sa unknown",
    "Mo-Fr 09:00-17:00; We 12:00-14:00 off \"déjeuner\"",
    "Mo-Fr 09:00+",
    "Mo-Fr 09:00-17:00; PH off; PH -1 day 09:00-12:00",
    "Mo-Fr 09:00-17:00; PH +1 day off",
    "Mo-Sa 10:00-19:00; PH 10:00-13:00; Dec 25 off",
    "Mo-Fr 09:00-17:00; SH off",
    "sunrise-sunset",
    "(sunrise-01:00)-(sunset+01:00)",
    "week 1-53/2 Mo 10:00-12:00; week 2-52/2 Tu 10:00-12:00",
    "easter -2 days-easter +1 day 10:00-12:00",
    "Th[-1] 14:00-16:00; Tu[1,3] 09:00-12:00",
    "Dec 24-Jan 2 off; Mo-Fr 08:00-18:00",
    "2027 Mar 28 01:00-04:00; 2027 Oct 31 01:00-04:00",
    "Jan-Jun Mo-Fr 09:00-12:00; Jul-Dec Mo-Fr 14:00-17:00",
    "Mo-Fr 09:00-17:00 || \"sur rendez-vous\"",
    "Mo-Fr 09:00-12:00 || open",
    "off",
];

/// Strings on which the crate's state iterator contradicts its own day evaluation: once past the
/// first day, it skips to the end of time, because `OpeningHoursExpression::is_constant`
/// (opening-hours-syntax 2.1.4) takes a last rule without selectors for the whole expression even
/// when it is a fallback (`||`).
const ITERATOR_BUGS: &[&str] = &["Mo-Fr 09:00-17:00 || \"sur rendez-vous\"", "Mo-Fr 09:00-12:00 || open"];

const HORIZON: u16 = 400;
const MINUTES: u32 = 1440;

fn start() -> Date {
    Date::parse("2026-11-30").unwrap()
}

struct Case {
    corpus: &'static str,
    source: &'static str,
    reference: OpeningHours,
    schedule: Schedule,
    /// The crate's day evaluation of every day of the horizon.
    days: Vec<DayPattern>,
    /// The same as maximal open runs, in minutes from the start of the horizon.
    runs: Vec<(u32, u32)>,
    iterator_bug: bool,
}

struct Corpus {
    valid: Vec<Case>,
    free_text: Vec<(&'static str, &'static str, HoursError)>,
}

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut valid = Vec::new();
        let mut free_text = Vec::new();
        let edges: &'static str = Box::leak(EDGES.join("\n").into_boxed_str());
        for (corpus, text) in [("sample", SAMPLE), ("hinaura", HINAURA), ("edge", edges)] {
            for source in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                match compile(source, start(), HORIZON, Holidays::National) {
                    Ok(schedule) => {
                        let reference = osm_opening_hours(source, start(), HORIZON, Holidays::National)
                            .expect("compiled, so it parses");
                        let days: Vec<DayPattern> =
                            (0..HORIZON).map(|o| reference_day(&reference, start().add_days(i32::from(o)))).collect();
                        let runs = runs(&days);
                        let iterator_bug = ITERATOR_BUGS.contains(&source);
                        valid.push(Case { corpus, source, reference, schedule, days, runs, iterator_bug });
                    }
                    Err(error) => free_text.push((corpus, source, error)),
                }
            }
        }
        Corpus { valid, free_text }
    })
}

fn naive(at: LocalDateTime) -> NaiveDateTime {
    let (y, m, d) = at.date.ymd();
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_time(NaiveTime::MIN) + TimeDelta::minutes(i64::from(at.minute))
}

fn local(at: NaiveDateTime) -> LocalDateTime {
    let days = (at.date() - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days();
    LocalDateTime { date: Date(days as i32), minute: (at.hour() * 60 + at.minute()) as u16 }
}

fn horizon_end() -> NaiveDateTime {
    naive(LocalDateTime { date: start().add_days(i32::from(HORIZON)), minute: 0 })
}

/// Minutes from the start of the horizon, and back.
fn absolute(at: LocalDateTime) -> u32 {
    (at.date.0 - start().0) as u32 * MINUTES + u32::from(at.minute)
}

fn instant(minutes: u32) -> LocalDateTime {
    LocalDateTime { date: start().add_days((minutes / MINUTES) as i32), minute: (minutes % MINUTES) as u16 }
}

/// The crate's day evaluation (`schedule_at`) as open intervals in minutes.
fn reference_day(reference: &OpeningHours, date: Date) -> DayPattern {
    let (y, m, d) = date.ymd();
    let mut day: DayPattern = Vec::new();
    for range in reference.schedule_at(NaiveDate::from_ymd_opt(y, m, d).unwrap()) {
        if range.kind == RuleKind::Open {
            let (from, to) = (range.range.start.mins_from_midnight(), range.range.end.mins_from_midnight().min(1440));
            match day.last_mut() {
                Some(last) if last.1 >= from => last.1 = last.1.max(to),
                _ if from < to => day.push((from, to)),
                _ => {}
            }
        }
    }
    day
}

/// The crate's state iterator over one day, as open intervals in minutes.
fn iterated_day(reference: &OpeningHours, date: Date) -> DayPattern {
    let from = naive(LocalDateTime { date, minute: 0 });
    let mut day: DayPattern = Vec::new();
    for range in reference.iter_range(from, from + TimeDelta::days(1)) {
        if range.kind == RuleKind::Open {
            let (start, end) = (local(range.range.start).minute, local(range.range.end));
            let end = if end.date == date { end.minute } else { 1440 };
            match day.last_mut() {
                Some(last) if last.1 >= start => last.1 = last.1.max(end),
                _ => day.push((start, end)),
            }
        }
    }
    day
}

/// Maximal open runs over the horizon, across midnights.
fn runs(days: &[DayPattern]) -> Vec<(u32, u32)> {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for (offset, day) in days.iter().enumerate() {
        for (from, to) in day {
            let (from, to) = (offset as u32 * MINUTES + u32::from(*from), offset as u32 * MINUTES + u32::from(*to));
            match runs.last_mut() {
                Some(last) if last.1 == from => last.1 = to,
                _ => runs.push((from, to)),
            }
        }
    }
    runs
}

/// The state by the crate's day evaluation: plain arithmetic on its open runs.
fn state_by_days(case: &Case, at: LocalDateTime) -> OpeningState {
    let minute = absolute(at);
    let current = case.runs.iter().find(|(from, to)| *from <= minute && minute < *to);
    OpeningState {
        open_now: Some(current.is_some()),
        closes_at: current.map(|(_, to)| instant(*to)),
        next_opening: case.runs.iter().find(|(from, _)| *from > minute).map(|(from, _)| instant(*from)),
    }
}

/// The state by the crate's state iterator (`iter_range`, `is_open`): open or not, the end of the
/// current opening (open ranges that only differ by comment are one opening), the start of the
/// next one, all within the horizon.
fn state_by_iterator(reference: &OpeningHours, at: NaiveDateTime) -> OpeningState {
    let mut ranges = reference.iter_range(at, horizon_end()).peekable();
    let Some(first) = ranges.next() else { return OpeningState::UNKNOWN };
    let open = first.kind == RuleKind::Open;
    assert_eq!(reference.is_open(at), open, "is_open and iter_range disagree at {at}");
    if first.range.end < horizon_end() {
        assert_eq!(reference.next_change(at), Some(first.range.end), "next_change and iter_range disagree at {at}");
    }
    let mut closes_at = None;
    if open {
        let mut end = first.range.end;
        while let Some(next) = ranges.next_if(|r| r.kind == RuleKind::Open && r.range.start == end) {
            end = next.range.end;
        }
        closes_at = Some(local(end));
    }
    let next_opening = ranges.find(|r| r.kind == RuleKind::Open).map(|r| local(r.range.start));
    OpeningState { open_now: Some(open), closes_at, next_opening }
}

fn show(state: &OpeningState) -> String {
    let t = |v: Option<LocalDateTime>| v.map_or("-".to_string(), |t| t.to_string());
    format!("open={:?} closes={} next={}", state.open_now, t(state.closes_at), t(state.next_opening))
}

/// Compares the engine's answer with both of the crate's. `Ok(true)` when the iterator disagreed
/// on a string known for it.
fn check_instant(case: &Case, at: LocalDateTime) -> Result<bool, String> {
    let compiled = case.schedule.state_at(at, Holidays::National);
    let by_days = state_by_days(case, at);
    let by_iterator = state_by_iterator(&case.reference, naive(at));
    let fail = |what: &str, reference: &OpeningState| {
        Err(format!(
            "[{}] {:?} at {at}: compiled {} / crate's {what} {}",
            case.corpus,
            case.source,
            show(&compiled),
            show(reference)
        ))
    };
    if compiled != by_days {
        return fail("days", &by_days);
    }
    match (compiled == by_iterator, case.iterator_bug) {
        (true, _) => Ok(false),
        (false, true) => Ok(true),
        (false, false) => fail("iterator", &by_iterator),
    }
}

#[test]
fn corpus_counts() {
    let corpus = corpus();
    let count = |name: &str| {
        let valid = corpus.valid.iter().filter(|c| c.corpus == name).count();
        let free = corpus.free_text.iter().filter(|(c, _, _)| *c == name).count();
        (valid, free)
    };
    for (corpus_name, source, error) in &corpus.free_text {
        println!("free text [{corpus_name}] {source:?}: {error}");
    }
    let (sample, hinaura) = (count("sample"), count("hinaura"));
    println!(
        "sample: {} valid, {} free text; hinaura: {} valid, {} free text",
        sample.0, sample.1, hinaura.0, hinaura.1
    );
    let valid = &corpus.valid;
    let fortnightly = valid.iter().filter(|c| c.schedule.cycle.len() == 14).count();
    let holiday = valid.iter().filter(|c| c.schedule.holiday.is_some()).count();
    let with_overrides = valid.iter().filter(|c| !c.schedule.overrides.is_empty()).count();
    let overrides: usize = valid.iter().map(|c| c.schedule.overrides.len()).sum();
    let max_patterns = valid.iter().map(|c| c.schedule.patterns.len()).max().unwrap_or(0);
    println!(
        "compiled: {fortnightly} two-week cycles, {holiday} with a PH pattern, {with_overrides} with overrides \
         ({overrides} in all), at most {max_patterns} patterns"
    );
    for case in valid.iter().filter(|c| c.schedule.overrides.len() > 20 || c.schedule.cycle.len() == 14) {
        println!("{} overrides, cycle {}: {:?}", case.schedule.overrides.len(), case.schedule.cycle.len(), case.source);
    }
    // 202 non-empty sample lines, 513 distinct Hinaura values.
    assert_eq!(sample.0 + sample.1, 202);
    assert_eq!(hinaura.0 + hinaura.1, 513);
    assert_eq!(count("edge"), (EDGES.len(), 0), "every edge case compiles");
    assert_eq!((sample, hinaura), ((SAMPLE_VALID, 202 - SAMPLE_VALID), (HINAURA_VALID, 513 - HINAURA_VALID)));
}

/// The 7 others are the sample's comment lines (`# …`), which are not `opening_hours` values.
const SAMPLE_VALID: usize = 195;
const HINAURA_VALID: usize = 513;

#[test]
fn free_text_is_exactly_what_the_crate_rejects() {
    for (corpus, source, error) in &corpus().free_text {
        assert!(
            matches!(error, HoursError::Syntax { .. }) && source.parse::<OpeningHours>().is_err(),
            "[{corpus}] {source:?} was not compiled: {error}"
        );
        assert!(error.to_string().starts_with("not OSM opening_hours syntax: "), "{error}");
    }
}

/// Each local calendar: every string that speaks of `PH`, compiled for a place that keeps it,
/// agrees day by day with the crate evaluated with that place's holidays (Alsace-Moselle's Good
/// Friday and 26 December, La Réunion's 20 December, Polynésie's own days), and differs from the
/// metropolitan reading on those days only where the string says so.
#[test]
fn every_day_agrees_in_every_local_calendar() {
    let calendars = [
        ("Metz (57)", Holidays::AlsaceMoselle),
        ("Saint-Denis (974)", Holidays::Abolition(12, 20)),
        ("Papeete (987)", Holidays::Polynesie),
        ("Nouméa (988)", Holidays::NouvelleCaledonie),
    ];
    let mut disagreements = Vec::new();
    let mut local_days_seen = 0;
    for case in corpus().valid.iter().filter(|c| c.source.contains("PH")) {
        for (place, holidays) in calendars {
            let schedule = compile(case.source, start(), HORIZON, holidays).expect("compiles as it did nationally");
            let reference = osm_opening_hours(case.source, start(), HORIZON, holidays).unwrap();
            for offset in 0..HORIZON {
                let date = start().add_days(i32::from(offset));
                let compiled = schedule.day(date, holidays).expect("inside the horizon");
                let expected = reference_day(&reference, date);
                if compiled != expected.as_slice() {
                    disagreements.push(format!(
                        "{place} {:?} on {date}: compiled {compiled:?}, crate {expected:?}",
                        case.source
                    ));
                }
                if holidays.contains(date)
                    && !is_french_public_holiday(date)
                    && compiled != case.schedule.day(date, Holidays::National).unwrap()
                {
                    local_days_seen += 1;
                }
            }
        }
    }
    assert!(disagreements.is_empty(), "{} day(s) disagree:\n{}", disagreements.len(), disagreements.join("\n"));
    assert!(local_days_seen > 20, "local holidays changed only {local_days_seen} day(s): the calendars were not used");
}

#[test]
fn every_day_of_every_string_agrees() {
    let mut disagreements = Vec::new();
    for case in &corpus().valid {
        for offset in 0..HORIZON {
            let date = start().add_days(i32::from(offset));
            let compiled = case.schedule.day(date, Holidays::National).expect("inside the horizon");
            let by_day = &case.days[usize::from(offset)];
            let by_iterator = iterated_day(&case.reference, date);
            if compiled != by_day.as_slice() || compiled != by_iterator.as_slice() {
                disagreements.push(format!(
                    "[{}] {:?} on {date}: compiled {compiled:?} / crate's days {by_day:?} / crate's iterator {by_iterator:?}",
                    case.corpus, case.source
                ));
            }
        }
    }
    assert!(disagreements.is_empty(), "{} day(s) disagree:\n{}", disagreements.len(), disagreements.join("\n"));
}

#[test]
fn every_opening_boundary_agrees() {
    // Midnight, and a minute either side of every boundary, on: the first five weeks (with
    // Christmas and the new year), every public holiday and the day after, the daylight saving
    // days, and the last days of the horizon.
    let mut disagreements = Vec::new();
    let dst = [Date::parse("2027-03-28").unwrap(), Date::parse("2027-10-31").unwrap()];
    let days: Vec<u16> = (0..HORIZON)
        .filter(|offset| {
            let date = start().add_days(i32::from(*offset));
            *offset < 36
                || *offset + 3 >= HORIZON
                || is_french_public_holiday(date)
                || is_french_public_holiday(date.add_days(-1))
                || dst.contains(&date)
        })
        .collect();
    assert!(days.len() > 60, "{days:?}");
    let mut bug_seen = Vec::new();
    for case in &corpus().valid {
        for offset in &days {
            let date = start().add_days(i32::from(*offset));
            let mut minutes = vec![0u16];
            for (from, to) in case.schedule.day(date, Holidays::National).unwrap_or(&[]) {
                minutes.extend([from.saturating_sub(1), *from, to.saturating_sub(1), *to]);
            }
            minutes.sort_unstable();
            minutes.dedup();
            for minute in minutes.into_iter().filter(|m| *m < 1440) {
                match check_instant(case, LocalDateTime { date, minute }) {
                    Ok(true) => bug_seen.push(case.source),
                    Ok(false) => {}
                    Err(message) => disagreements.push(message),
                }
            }
        }
    }
    assert!(disagreements.is_empty(), "{} instant(s) disagree:\n{}", disagreements.len(), disagreements.join("\n"));
    for known in ITERATOR_BUGS {
        assert!(
            bug_seen.contains(known),
            "the crate's iterator no longer disagrees on {known:?}: drop it from ITERATOR_BUGS"
        );
    }
}

proptest! {
    // Integration tests have no source file for proptest to persist failures next to: the failing
    // string and instant are in the message.
    #![proptest_config(ProptestConfig { cases: 4000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_instants_agree(pick in any::<prop::sample::Index>(), minute in 0..u32::from(HORIZON) * MINUTES) {
        let corpus = corpus();
        let case = &corpus.valid[pick.index(corpus.valid.len())];
        if let Err(message) = check_instant(case, instant(minute)) {
            prop_assert!(false, "{}", message);
        }
    }
}
