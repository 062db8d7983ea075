//! Compiles OSM `opening_hours` strings into the engine's compact [`Schedule`].
//!
//! The string is parsed and evaluated by the maintained `opening-hours` crate, in local wall-clock
//! time (naive date-times: a day is always 00:00-24:00, daylight saving changes are invisible),
//! with the public holidays of the place's own calendar ([`Holidays`]) as `PH`. Every day of the
//! horizon is evaluated, then represented as a weekly (or two-weekly) cycle, a public-holiday
//! pattern and per-day overrides. The result is exact over the horizon by construction: the
//! compiler checks every day of the built [`Schedule`] against the evaluation before returning it.
//!
//! `unknown` periods are compiled as closed; commented periods keep their state (a rule that is only
//! a comment, `Mo-Fr 09:00-12:00 || "sur rendez-vous"`, is *open* for the crate). Either way
//! [`parse_hours`] warns, since the text says more than "open" or "closed".

use std::collections::HashMap;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use aiguillage_engine::calendar::{Date, Holidays};
use aiguillage_engine::hours::{DayPattern, Hours, Schedule};
use chrono::{NaiveDate, TimeDelta};
use opening_hours::{Context, ContextHolidays, OpeningHours, RuleKind};

/// Longest text accepted as a candidate `opening_hours` value, in characters. OSM caps tag values at
/// 255 characters; the margin is for data sets that do not. Longer texts are kept as free text,
/// which also bounds the parser's work.
pub const MAX_SOURCE_CHARS: usize = 1000;

/// The compact form indexes patterns with a `u8`.
const MAX_PATTERNS: usize = 256;

const MINUTES_PER_DAY: u16 = 1440;

/// Why a text could not be compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HoursError {
    /// Nothing but whitespace.
    Empty,
    /// Longer than [`MAX_SOURCE_CHARS`].
    TooLong { chars: usize, max: usize },
    /// The OSM `opening_hours` grammar rejects the text.
    Syntax { message: String },
    /// The `opening-hours` crate failed on a text it accepted (one of its internal panics, caught).
    Evaluation { message: String },
    /// The horizon leaves the supported calendar (years 1900 to 2200).
    Horizon { start: Date, horizon_days: u16 },
    /// More distinct days over the horizon than the compact form can hold.
    TooManyPatterns { distinct: usize },
}

impl fmt::Display for HoursError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HoursError::Empty => write!(f, "not OSM opening_hours syntax: the text is empty"),
            HoursError::TooLong { chars, max } => write!(
                f,
                "not OSM opening_hours syntax: {chars} characters, more than the {max} an opening_hours value may have"
            ),
            HoursError::Syntax { message } => write!(f, "not OSM opening_hours syntax: {message}"),
            HoursError::Evaluation { message } => {
                write!(f, "OSM opening_hours syntax that the opening-hours crate failed to evaluate: {message}")
            }
            HoursError::Horizon { start, horizon_days } => write!(
                f,
                "a horizon of {horizon_days} days from {start} leaves the supported calendar (years 1900 to 2200)"
            ),
            HoursError::TooManyPatterns { distinct } => write!(
                f,
                "OSM opening_hours too irregular to compile: {distinct} different days over the horizon, at most {MAX_PATTERNS}"
            ),
        }
    }
}

impl std::error::Error for HoursError {}

/// Something a person entering or reviewing the data should know about hours that were kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HoursWarning {
    /// Not OSM syntax: the text is kept and shown as written, but no "open now" can be computed.
    FreeText { error: HoursError },
    /// Valid OSM syntax that is never open over the compiled horizon (`off`, a past date range, …).
    NeverOpens { start: Date, horizon_days: u16 },
    /// A span that ends when it starts (`Mo-Fr 00:00-00:00`): OSM reads it as open around the
    /// clock, which is rarely what was meant.
    ZeroLengthSpan { span: String },
    /// Some periods are `unknown` (compiled as closed) or carry a comment (compiled as their state
    /// says, open unless the rule says `off` or `closed`): the text says more than the schedule.
    Uncertain { days: u16 },
}

impl fmt::Display for HoursWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HoursWarning::FreeText { error } => write!(
                f,
                "hours kept as free text and shown as written, but \"open now\" cannot be computed from them ({error})"
            ),
            HoursWarning::NeverOpens { start, horizon_days } => write!(
                f,
                "hours that never open: valid OSM opening_hours, but closed every day from {start} to {}",
                start.add_days(i32::from(*horizon_days) - 1)
            ),
            HoursWarning::ZeroLengthSpan { span } => write!(
                f,
                "`{span}` starts when it ends, which OSM opening_hours reads as open 24 hours a day: if the place is closed then, write `off`"
            ),
            HoursWarning::Uncertain { days } => write!(
                f,
                "on {days} day(s) the hours have an \"unknown\" period (shown as closed) or a comment (such as \"sur rendez-vous\"): read the text as written"
            ),
        }
    }
}

/// The hours of an actor from the text of its source data, with what a reviewer should know.
///
/// Empty text is [`Hours::Unknown`]; valid OSM syntax is [`Hours::Compiled`]; anything else is kept
/// as [`Hours::FreeText`] (trimmed) with a [`HoursWarning::FreeText`].
pub fn parse_hours(text: &str, start: Date, horizon_days: u16, holidays: Holidays) -> (Hours, Option<HoursWarning>) {
    let text = text.trim();
    if text.is_empty() {
        return (Hours::Unknown, None);
    }
    match compile_noting(text, start, horizon_days, holidays) {
        Ok((schedule, uncertain_days)) => {
            let never_opens = (0..horizon_days)
                .all(|offset| schedule.day(start.add_days(i32::from(offset)), holidays).is_none_or(<[_]>::is_empty));
            let warning = if never_opens {
                Some(HoursWarning::NeverOpens { start, horizon_days })
            } else if let Some(span) = zero_length_span(text) {
                Some(HoursWarning::ZeroLengthSpan { span: span.to_string() })
            } else if uncertain_days > 0 {
                Some(HoursWarning::Uncertain { days: uncertain_days })
            } else {
                None
            };
            (Hours::Compiled(schedule), warning)
        }
        Err(error) => (Hours::FreeText(text.to_string()), Some(HoursWarning::FreeText { error })),
    }
}

/// The first `HH:MM-HH:MM` span of `text` that ends when it starts, if any.
fn zero_length_span(text: &str) -> Option<&str> {
    let is_time = |t: &str| {
        t.len() == 5 && t.bytes().enumerate().all(|(i, b)| if i == 2 { b == b':' } else { b.is_ascii_digit() })
    };
    (0..text.len()).find_map(|at| {
        let span = text.get(at..at + 11)?;
        let (from, to) = span.split_once('-')?;
        (is_time(from) && from == to).then_some(span)
    })
}

/// Compiles an OSM `opening_hours` string into a [`Schedule`] of `horizon_days` days from `start`,
/// exact on every one of those days.
pub fn compile(source: &str, start: Date, horizon_days: u16, holidays: Holidays) -> Result<Schedule, HoursError> {
    compile_noting(source, start, horizon_days, holidays).map(|(schedule, _)| schedule)
}

/// The parsed expression, in the evaluation context the compiler uses: naive local time and the
/// public holidays of the place's calendar, from the year before `start` to the year after the
/// horizon. This is the reference the compiled [`Schedule`] agrees with.
pub fn osm_opening_hours(
    source: &str,
    start: Date,
    horizon_days: u16,
    holidays: Holidays,
) -> Result<OpeningHours, HoursError> {
    horizon_start(start, horizon_days)?;
    let parsed = parse_osm(source)?;
    Ok(parsed.with_context(Context::default().with_holidays(public_holidays(start, horizon_days, holidays))))
}

/// A place's public holidays ([`Holidays`]: the national ones, Alsace-Moselle's, an overseas
/// abolition day) as an opening-hours holiday calendar, from the year before `start` to the year
/// after the horizon, so that `PH +1 day` and the like are right at both ends. No school
/// holidays: `SH` never applies.
pub fn public_holidays(start: Date, horizon_days: u16, holidays: Holidays) -> ContextHolidays {
    let first_year = (start.ymd().0 - 1).max(1900);
    let last_year = (start.add_days(i32::from(horizon_days)).ymd().0 + 1).min(2200);
    let (Some(from), Some(to)) = (Date::from_ymd(first_year, 1, 1), Date::from_ymd(last_year, 12, 31)) else {
        return ContextHolidays::default();
    };
    let public = (from.0..=to.0).map(Date).filter(|date| holidays.contains(*date)).filter_map(naive_date);
    ContextHolidays::new(Arc::new(public.collect()), Arc::default())
}

fn parse_osm(source: &str) -> Result<OpeningHours, HoursError> {
    let source = source.trim();
    if source.is_empty() {
        return Err(HoursError::Empty);
    }
    let chars = source.chars().count();
    if chars > MAX_SOURCE_CHARS {
        return Err(HoursError::TooLong { chars, max: MAX_SOURCE_CHARS });
    }
    match catch_unwind(|| source.parse::<OpeningHours>()) {
        Ok(Ok(parsed)) => Ok(parsed),
        Ok(Err(error)) => Err(HoursError::Syntax { message: one_line(&error.to_string()) }),
        Err(panic) => Err(HoursError::Evaluation { message: panic_message(panic.as_ref()) }),
    }
}

fn compile_noting(
    source: &str,
    start: Date,
    horizon_days: u16,
    holidays: Holidays,
) -> Result<(Schedule, u16), HoursError> {
    let source = source.trim();
    let oh = osm_opening_hours(source, start, horizon_days, holidays)?;
    let from = horizon_start(start, horizon_days)?;
    let evaluated = catch_unwind(AssertUnwindSafe(|| evaluate(&oh, from, horizon_days)))
        .map_err(|panic| HoursError::Evaluation { message: panic_message(panic.as_ref()) })?;

    // Intern the day patterns, index 0 being "closed".
    let mut patterns: Vec<DayPattern> = vec![Vec::new()];
    let mut index_of: HashMap<DayPattern, usize> = HashMap::from([(Vec::new(), 0)]);
    let ids: Vec<usize> = evaluated
        .days
        .iter()
        .map(|day| {
            *index_of.entry(day.clone()).or_insert_with(|| {
                patterns.push(day.clone());
                patterns.len() - 1
            })
        })
        .collect();
    if patterns.len() > MAX_PATTERNS {
        return Err(HoursError::TooManyPatterns { distinct: patterns.len() });
    }

    let dates: Vec<Date> = (0..horizon_days).map(|offset| start.add_days(i32::from(offset))).collect();
    let is_holiday: Vec<bool> = dates.iter().map(|date| holidays.contains(*date)).collect();
    let holiday_matters =
        catch_unwind(AssertUnwindSafe(|| holidays_matter(source, &evaluated.days, &dates, &is_holiday)))
            .map_err(|panic| HoursError::Evaluation { message: panic_message(panic.as_ref()) })?;

    let weekly = represent(&ids, &is_holiday, holiday_matters, 7);
    let fortnightly = represent(&ids, &is_holiday, holiday_matters, 14);
    let chosen = if fortnightly.overrides.len() < weekly.overrides.len() { fortnightly } else { weekly };

    // Every index is below MAX_PATTERNS (checked above) and every offset below horizon_days.
    let schedule = Schedule {
        source: source.to_string(),
        start,
        horizon_days,
        patterns,
        cycle: chosen.cycle.iter().map(|id| *id as u8).collect(),
        holiday: chosen.holiday.map(|id| id as u8),
        overrides: chosen.overrides.iter().map(|(offset, id)| (*offset as u16, *id as u8)).collect(),
    };

    // Exact by construction; this proves it for the horizon, whatever the engine's evaluator does.
    for (offset, date) in dates.iter().enumerate() {
        let compiled = schedule.day(*date, holidays).unwrap_or(&[]);
        if compiled != evaluated.days[offset].as_slice() {
            return Err(HoursError::Evaluation {
                message: format!(
                    "internal error: compiled {date} as {compiled:?}, evaluated {:?}",
                    evaluated.days[offset]
                ),
            });
        }
    }
    Ok((schedule, evaluated.uncertain_days))
}

/// The first day of the horizon, once the whole horizon is known to fit the supported calendar.
fn horizon_start(start: Date, horizon_days: u16) -> Result<NaiveDate, HoursError> {
    let end = start.add_days(i32::from(horizon_days));
    let supported = |date: Date| (1900..=2200).contains(&date.ymd().0) && naive_date(date).is_some();
    match naive_date(start) {
        Some(from) if supported(start) && supported(end) => Ok(from),
        _ => Err(HoursError::Horizon { start, horizon_days }),
    }
}

fn naive_date(date: Date) -> Option<NaiveDate> {
    let (year, month, day) = date.ymd();
    NaiveDate::from_ymd_opt(year, month, day)
}

struct Evaluated {
    /// Open intervals of each day of the horizon.
    days: Vec<DayPattern>,
    /// Days with an `unknown` period or a comment.
    uncertain_days: u16,
}

/// Evaluates every day of the horizon with the crate's day evaluation (`schedule_at`), which
/// includes what the day before spills past midnight.
///
/// Not with its state iterator (`iter_range`, behind `state`, `is_open`, `next_change`): that one
/// skips ahead with hints, and in opening-hours 2.1.4 it skips the whole future of an expression
/// whose last rule is a fallback without selectors (`Mo-Fr 09:00-17:00 || "sur rendez-vous"`),
/// because `OpeningHoursExpression::is_constant` ignores the rule operator.
fn evaluate(oh: &OpeningHours, from: NaiveDate, horizon_days: u16) -> Evaluated {
    let mut uncertain_days = 0;
    let days = (0..horizon_days)
        .map(|offset| {
            let (pattern, uncertain) = day_pattern(oh, from + TimeDelta::days(i64::from(offset)));
            uncertain_days += u16::from(uncertain);
            pattern
        })
        .collect();
    Evaluated { days, uncertain_days }
}

/// The open intervals of a day, and whether some period of it is `unknown` or carries a comment.
fn day_pattern(oh: &OpeningHours, date: NaiveDate) -> (DayPattern, bool) {
    let mut day = Vec::new();
    let mut uncertain = false;
    for range in oh.schedule_at(date) {
        let (start, end) = (range.range.start.mins_from_midnight(), range.range.end.mins_from_midnight());
        let (start, end) = (start.min(MINUTES_PER_DAY), end.min(MINUTES_PER_DAY));
        if start >= end {
            continue;
        }
        match range.kind {
            RuleKind::Open => {
                day.push((start, end));
                uncertain |= !range.comment.is_empty();
            }
            RuleKind::Unknown => uncertain = true,
            RuleKind::Closed => uncertain |= !range.comment.is_empty(),
        }
    }
    normalize(&mut day);
    (day, uncertain)
}

/// Sorts and merges touching or overlapping intervals.
fn normalize(day: &mut DayPattern) {
    day.sort_unstable();
    let mut merged: DayPattern = Vec::with_capacity(day.len());
    for (start, end) in day.drain(..) {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    *day = merged;
}

/// Whether the string says something for `PH`: some public holiday of the horizon evaluates
/// differently when there are no public holidays at all.
fn holidays_matter(source: &str, days: &[DayPattern], dates: &[Date], is_holiday: &[bool]) -> bool {
    let Ok(plain) = parse_osm(source) else { return false };
    (0..dates.len())
        .filter(|offset| is_holiday[*offset])
        .any(|offset| naive_date(dates[offset]).is_some_and(|date| day_pattern(&plain, date).0 != days[offset]))
}

struct Representation {
    cycle: Vec<usize>,
    holiday: Option<usize>,
    /// Sorted by offset.
    overrides: Vec<(usize, usize)>,
}

/// The cycle of `length` days that explains most days, a holiday pattern when the string speaks of
/// public holidays and it explains at least as many of them, and overrides for all the rest.
fn represent(ids: &[usize], is_holiday: &[bool], holiday_matters: bool, length: usize) -> Representation {
    let most_common = |members: &mut dyn Iterator<Item = usize>| -> Option<usize> {
        let mut counts: HashMap<usize, usize> = HashMap::new();
        for id in members {
            *counts.entry(id).or_default() += 1;
        }
        // Ties go to the smallest index: "closed" first, then the earliest pattern seen.
        counts.into_iter().max_by_key(|(id, count)| (*count, std::cmp::Reverse(*id))).map(|(id, _)| id)
    };
    let cycle: Vec<usize> = (0..length)
        .map(|residue| {
            let ordinary = &mut (residue..ids.len()).step_by(length).filter(|o| !is_holiday[*o]).map(|o| ids[o]);
            most_common(ordinary)
                .or_else(|| most_common(&mut (residue..ids.len()).step_by(length).map(|o| ids[o])))
                .unwrap_or(0)
        })
        .collect();
    let holiday = if holiday_matters {
        most_common(&mut (0..ids.len()).filter(|o| is_holiday[*o]).map(|o| ids[o])).filter(|candidate| {
            let misses = |pattern: &dyn Fn(usize) -> usize| {
                (0..ids.len()).filter(|o| is_holiday[*o] && ids[*o] != pattern(*o)).count()
            };
            misses(&|_| *candidate) <= misses(&|o| cycle[o % length])
        })
    } else {
        None
    };
    let overrides = (0..ids.len())
        .filter_map(|offset| {
            let expected = match holiday {
                Some(pattern) if is_holiday[offset] => pattern,
                _ => cycle[offset % length],
            };
            (ids[offset] != expected).then_some((offset, ids[offset]))
        })
        .collect();
    Representation { cycle, holiday, overrides }
}

/// Pest's multi-line error (position, source excerpt, caret, "= expected …") as one line.
fn one_line(message: &str) -> String {
    if !message.contains('\n') {
        return message.trim().to_string();
    }
    let position = message
        .lines()
        .find_map(|line| line.trim().strip_prefix("--> "))
        .and_then(|at| at.split_once(':'))
        .map(|(_, column)| column.trim().to_string());
    let reason = message.lines().find_map(|line| line.trim().strip_prefix("= ")).map(str::trim);
    match (position, reason) {
        (Some(column), Some(reason)) => format!("at character {column}, {reason}"),
        (None, Some(reason)) => reason.to_string(),
        _ => message.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic without a message".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_that_end_when_they_start_are_found() {
        assert_eq!(zero_length_span("Th 09:00-12:00,14:00-14:00; Fr 09:00-12:00"), Some("14:00-14:00"));
        assert_eq!(zero_length_span("Mo-Fr 00:00-00:00"), Some("00:00-00:00"));
        assert_eq!(zero_length_span("Mo-Fr 09:00-09:30"), None);
        assert_eq!(zero_length_span("24/7"), None);
        assert_eq!(zero_length_span("é14:00-14:00é"), Some("14:00-14:00"), "any text, no panic on other characters");
        assert_eq!(zero_length_span("14:00-14:0"), None);
    }
    use aiguillage_engine::calendar::LocalDateTime;
    use proptest::prelude::*;

    const HORIZON: u16 = 400;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn at(text: &str) -> LocalDateTime {
        LocalDateTime::parse(text).unwrap()
    }

    fn start() -> Date {
        d("2026-11-30")
    }

    fn hhmm(minute: u16) -> String {
        format!("{:02}:{:02}", minute / 60, minute % 60)
    }

    fn show_pattern(pattern: &[(u16, u16)]) -> String {
        if pattern.is_empty() {
            return "off".into();
        }
        pattern.iter().map(|(s, e)| format!("{}-{}", hhmm(*s), hhmm(*e))).collect::<Vec<_>>().join(",")
    }

    /// The schedule as people read it: cycle days named by weekday (from `start`), holiday, overrides.
    fn describe(schedule: &Schedule) -> String {
        const NAMES: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
        let pattern = |index: u8| show_pattern(&schedule.patterns[usize::from(index)]);
        let mut out = String::new();
        for (residue, index) in schedule.cycle.iter().enumerate() {
            let date = schedule.start.add_days(residue as i32);
            let week = if schedule.cycle.len() > 7 { format!("{}", residue / 7 + 1) } else { String::new() };
            out += &format!("{}{week} {}\n", NAMES[date.weekday().index()], pattern(*index));
        }
        if let Some(holiday) = schedule.holiday {
            out += &format!("PH {}\n", pattern(holiday));
        }
        for (offset, index) in &schedule.overrides {
            out += &format!("{} {}\n", schedule.start.add_days(i32::from(*offset)), pattern(*index));
        }
        out
    }

    /// rust-analyzer style: compile `input` over 400 days from 2026-11-30 and compare its description.
    fn check(input: &str, expect: &str) {
        let schedule = compile(input, start(), HORIZON, Holidays::National).unwrap_or_else(|e| panic!("{input}: {e}"));
        let expect: String =
            expect.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| format!("{l}\n")).collect();
        assert_eq!(describe(&schedule), expect, "compiling {input:?}");
        assert_eq!(schedule.patterns[0], Vec::<(u16, u16)>::new(), "pattern 0 is closed");
    }

    fn check_state(schedule: &Schedule, instant: &str, expect: &str) {
        let state = schedule.state_at(at(instant), Holidays::National);
        let show = |v: Option<LocalDateTime>| v.map_or("-".to_string(), |t| t.to_string());
        let actual =
            format!("open={:?} closes={} next={}", state.open_now, show(state.closes_at), show(state.next_opening));
        assert_eq!(actual, expect, "{} at {instant}", schedule.source);
    }

    #[test]
    fn second_tuesday_of_the_month() {
        let schedule = compile("Tu[2] 09:00-12:00", start(), HORIZON, Holidays::National).unwrap();
        check_state(&schedule, "2026-12-01T10:00", "open=Some(false) closes=- next=2026-12-08T09:00");
        check_state(&schedule, "2026-12-08T10:00", "open=Some(true) closes=2026-12-08T12:00 next=2027-01-12T09:00");
        check(
            "Tu[2] 09:00-12:00",
            "Mo off
             Tu off
             We off
             Th off
             Fr off
             Sa off
             Su off
             2026-12-08 09:00-12:00
             2027-01-12 09:00-12:00
             2027-02-09 09:00-12:00
             2027-03-09 09:00-12:00
             2027-04-13 09:00-12:00
             2027-05-11 09:00-12:00
             2027-06-08 09:00-12:00
             2027-07-13 09:00-12:00
             2027-08-10 09:00-12:00
             2027-09-14 09:00-12:00
             2027-10-12 09:00-12:00
             2027-11-09 09:00-12:00
             2027-12-14 09:00-12:00",
        );
    }

    #[test]
    fn public_holidays_off() {
        let schedule = compile("Mo-Fr 09:00-17:00; PH off", start(), HORIZON, Holidays::National).unwrap();
        assert_eq!(schedule.day(d("2026-12-25"), Holidays::National), Some(&[][..]));
        assert_eq!(schedule.day(d("2026-12-24"), Holidays::National), Some(&[(540, 1020)][..]));
        check_state(&schedule, "2026-12-24T18:00", "open=Some(false) closes=- next=2026-12-28T09:00");
        // Ascension 2027 (Thursday 6 May), and Whit Monday (17 May).
        check_state(&schedule, "2027-05-06T10:00", "open=Some(false) closes=- next=2027-05-07T09:00");
        check_state(&schedule, "2027-05-14T17:00", "open=Some(false) closes=- next=2027-05-18T09:00");
        check(
            "Mo-Fr 09:00-17:00; PH off",
            "Mo 09:00-17:00
             Tu 09:00-17:00
             We 09:00-17:00
             Th 09:00-17:00
             Fr 09:00-17:00
             Sa off
             Su off
             PH off",
        );
    }

    #[test]
    fn public_holidays_ignored_by_plain_weekly_hours() {
        // Without PH in the string, Christmas is an ordinary Friday and there is no holiday pattern.
        let schedule = compile("Mo-Fr 09:00-17:00", start(), HORIZON, Holidays::National).unwrap();
        assert_eq!(schedule.holiday, None);
        assert_eq!(schedule.day(d("2026-12-25"), Holidays::National), Some(&[(540, 1020)][..]));
    }

    #[test]
    fn real_data_with_split_days_and_holidays() {
        check(
            "Mo 09:30-12:30,13:30-15:30; PH off",
            "Mo 09:30-12:30,13:30-15:30
             Tu off
             We off
             Th off
             Fr off
             Sa off
             Su off
             PH off",
        );
    }

    #[test]
    fn holidays_open_differently() {
        check(
            "Mo-Sa 09:00-18:00; PH 10:00-12:00",
            "Mo 09:00-18:00
             Tu 09:00-18:00
             We 09:00-18:00
             Th 09:00-18:00
             Fr 09:00-18:00
             Sa 09:00-18:00
             Su off
             PH 10:00-12:00",
        );
    }

    #[test]
    fn daylight_saving_days_are_ordinary_local_days() {
        let schedule = compile("Mo-Su 01:30-03:30", start(), HORIZON, Holidays::National).unwrap();
        for day in ["2027-03-28", "2026-10-25", "2027-10-31"] {
            if let Some(pattern) = schedule.day(d(day), Holidays::National) {
                assert_eq!(pattern, &[(90, 210)][..], "{day}");
            }
        }
        // 02:30 does not exist on 2027-03-28 in Paris, but the wall-clock schedule is all we keep.
        check_state(&schedule, "2027-03-28T02:30", "open=Some(true) closes=2027-03-28T03:30 next=2027-03-29T01:30");
        check_state(&schedule, "2027-10-31T03:29", "open=Some(true) closes=2027-10-31T03:30 next=2027-11-01T01:30");
        assert!(schedule.overrides.is_empty());
        // The 2026 autumn change lies before a horizon that starts on it.
        let autumn = compile("Su 02:00-03:00", d("2026-10-25"), 7, Holidays::National).unwrap();
        assert_eq!(autumn.day(d("2026-10-25"), Holidays::National), Some(&[(120, 180)][..]));
        check_state(&autumn, "2026-10-25T02:59", "open=Some(true) closes=2026-10-25T03:00 next=-");
    }

    #[test]
    fn week_parity_uses_a_two_week_cycle() {
        let schedule = compile("week 1-53/2 Mo 10:00-12:00", start(), HORIZON, Holidays::National).unwrap();
        assert_eq!(schedule.cycle.len(), 14);
        // ISO weeks 49 (odd), 50, 53 (2026 has 53 weeks), 1 and 2 of 2027.
        let monday = |day: &str| schedule.day(d(day), Holidays::National).unwrap().to_vec();
        assert_eq!(monday("2026-11-30"), vec![(600, 720)]);
        assert_eq!(monday("2026-12-07"), vec![]);
        assert_eq!(monday("2026-12-28"), vec![(600, 720)]);
        assert_eq!(monday("2027-01-04"), vec![(600, 720)]);
        assert_eq!(monday("2027-01-11"), vec![]);
        assert_eq!(monday("2027-12-27"), vec![]); // week 52 of 2027
        assert_eq!(monday("2028-01-03"), vec![(600, 720)]); // week 1 of 2028
                                                            // The parity flips twice at the 53-week year's end: one phase before it, the other after.
        assert!(schedule.overrides.len() <= 5, "{}", describe(&schedule));
        check_state(&schedule, "2026-12-01T10:00", "open=Some(false) closes=- next=2026-12-14T10:00");
    }

    #[test]
    fn always_open() {
        check(
            "24/7",
            "Mo 00:00-24:00
             Tu 00:00-24:00
             We 00:00-24:00
             Th 00:00-24:00
             Fr 00:00-24:00
             Sa 00:00-24:00
             Su 00:00-24:00",
        );
        let schedule = compile("24/7", start(), HORIZON, Holidays::National).unwrap();
        check_state(&schedule, "2027-06-01T03:00", "open=Some(true) closes=2028-01-04T00:00 next=-");
    }

    #[test]
    fn night_opening_runs_past_midnight() {
        check(
            "Fr 22:00-02:00",
            "Mo off
             Tu off
             We off
             Th off
             Fr 22:00-24:00
             Sa 00:00-02:00
             Su off",
        );
        let schedule = compile("Fr 22:00-02:00", start(), HORIZON, Holidays::National).unwrap();
        check_state(&schedule, "2026-12-04T23:00", "open=Some(true) closes=2026-12-05T02:00 next=2026-12-11T22:00");
        check_state(&schedule, "2026-12-05T01:00", "open=Some(true) closes=2026-12-05T02:00 next=2026-12-11T22:00");
    }

    #[test]
    fn first_day_inherits_nothing_from_before_the_horizon() {
        // 2026-11-29 is a Sunday: its night opening spills into Monday, the first day.
        let schedule = compile("Su 22:00-02:00", start(), 7, Holidays::National).unwrap();
        assert_eq!(schedule.day(d("2026-11-30"), Holidays::National), Some(&[(0, 120)][..]));
    }

    #[test]
    fn free_text_is_kept_with_a_warning() {
        let (hours, warning) = parse_hours("  lundi 9h-12h ", start(), HORIZON, Holidays::National);
        assert_eq!(hours, Hours::FreeText("lundi 9h-12h".into()));
        let warning = warning.expect("a warning");
        assert!(matches!(warning, HoursWarning::FreeText { error: HoursError::Syntax { .. } }), "{warning:?}");
        let message = warning.to_string();
        assert!(message.starts_with("hours kept as free text and shown as written"), "{message}");
        assert!(message.contains("not OSM opening_hours syntax: at character"), "{message}");
        assert!(!message.contains('\n'), "{message}");
        assert!(compile("lundi 9h-12h", start(), HORIZON, Holidays::National).is_err());
    }

    #[test]
    fn empty_is_unknown() {
        assert_eq!(parse_hours("", start(), HORIZON, Holidays::National), (Hours::Unknown, None));
        assert_eq!(parse_hours(" \t\n", start(), HORIZON, Holidays::National), (Hours::Unknown, None));
        assert_eq!(compile(" ", start(), HORIZON, Holidays::National), Err(HoursError::Empty));
    }

    #[test]
    fn never_open_is_warned() {
        let (hours, warning) = parse_hours("off", start(), HORIZON, Holidays::National);
        assert!(matches!(hours, Hours::Compiled(_)));
        assert_eq!(warning, Some(HoursWarning::NeverOpens { start: start(), horizon_days: HORIZON }));
        assert_eq!(
            warning.unwrap().to_string(),
            "hours that never open: valid OSM opening_hours, but closed every day from 2026-11-30 to 2028-01-03"
        );
        let (_, past) = parse_hours("2020 Mo-Fr 09:00-12:00", start(), HORIZON, Holidays::National);
        assert!(matches!(past, Some(HoursWarning::NeverOpens { .. })), "{past:?}");
        let (_, fine) = parse_hours("Mo-Fr 09:00-12:00", start(), HORIZON, Holidays::National);
        assert_eq!(fine, None);
    }

    #[test]
    fn unknown_periods_are_closed_and_noted() {
        let (hours, warning) = parse_hours("Mo-Fr 09:00-12:00; Sa unknown", start(), 14, Holidays::National);
        let Hours::Compiled(schedule) = hours else { panic!("{hours:?}") };
        assert_eq!(schedule.day(d("2026-12-05"), Holidays::National), Some(&[][..]));
        assert_eq!(warning, Some(HoursWarning::Uncertain { days: 2 }));
    }

    #[test]
    fn fallback_rules_do_not_lose_the_following_days() {
        // The crate's state iterator loses every day after the first here (see `evaluate`).
        check(
            "Mo-Fr 09:00-17:00 || open",
            "Mo 09:00-17:00
             Tu 09:00-17:00
             We 09:00-17:00
             Th 09:00-17:00
             Fr 09:00-17:00
             Sa 00:00-24:00
             Su 00:00-24:00",
        );
        // A comment-only fallback is "open" for the crate, with a comment: compiled open, and warned.
        let (hours, warning) = parse_hours("Mo-Fr 09:00-17:00 || \"sur rendez-vous\"", start(), 14, Holidays::National);
        let Hours::Compiled(schedule) = hours else { panic!("{hours:?}") };
        assert_eq!(schedule.day(d("2026-12-01"), Holidays::National), Some(&[(540, 1020)][..]));
        assert_eq!(schedule.day(d("2026-12-05"), Holidays::National), Some(&[(0, 1440)][..]));
        assert_eq!(warning, Some(HoursWarning::Uncertain { days: 4 }));
    }

    #[test]
    fn pathological_inputs_are_errors_not_panics() {
        let long = "Mo 09:00-12:00,".repeat(100);
        assert!(matches!(compile(&long, start(), HORIZON, Holidays::National), Err(HoursError::TooLong { .. })));
        for text in ["Mo-", "25:00-26:00", ";;;", "week 60", "Mo 09:00-12:00 ||", "\u{0}", "🦀", "Mo[-6]"] {
            let _ = compile(text, start(), HORIZON, Holidays::National);
            let _ = parse_hours(text, start(), HORIZON, Holidays::National);
        }
        assert!(matches!(compile("24/7", d("2200-06-01"), 400, Holidays::National), Err(HoursError::Horizon { .. })));
    }

    #[test]
    fn a_panic_of_the_opening_hours_parser_is_an_error() {
        // Found by the `hours` fuzz target (2026-12-07): opening-hours-syntax 2.1.4 panics on a
        // range that wraps past midnight into a `/24:00` step ("cannot be empty").
        let text = "Mo 10:00-12:00,12:30-08:00/24:00";
        let error = compile(text, start(), HORIZON, Holidays::National).expect_err("not compiled");
        assert!(matches!(error, HoursError::Evaluation { .. }), "{error}");
        let (hours, _) = parse_hours(text, start(), HORIZON, Holidays::National);
        assert!(matches!(hours, Hours::FreeText(ref kept) if kept == text), "kept as written: {hours:?}");
    }

    #[test]
    fn the_crate_knows_the_same_french_public_holidays() {
        // The embedded database of opening-hours covers 2000-2076 for France.
        let theirs = opening_hours::localization::Country::FR.holidays();
        let from = d("2000-01-01");
        let mut differences = Vec::new();
        for day in 0..(77 * 365) {
            let date = from.add_days(day);
            let naive = naive_date(date).unwrap();
            if theirs.get_public().contains(naive) != aiguillage_engine::calendar::is_french_public_holiday(date) {
                differences.push(date.to_string());
            }
        }
        assert_eq!(differences, Vec::<String>::new());
    }

    fn osm_like() -> impl Strategy<Value = String> {
        let token = prop::sample::select(vec![
            "Mo",
            "Tu",
            "We",
            "Th",
            "Fr",
            "Sa",
            "Su",
            "PH",
            "SH",
            "-",
            ",",
            ";",
            " ",
            "||",
            "off",
            "open",
            "unknown",
            "09:00",
            "12:00",
            "24:00",
            "26:00",
            "00:00",
            "+",
            "[1]",
            "[-1]",
            "week",
            "1-53/2",
            "Jan",
            "Dec 25",
            "2027",
            "easter",
            "sunrise",
            "sunset",
            "(sunrise+01:00)",
            "\"rdv\"",
            ":",
            "/",
            "24/7",
        ]);
        prop::collection::vec(token, 0..12).prop_map(|tokens| tokens.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn never_panics_and_is_exact(text in prop_oneof![osm_like(), "\\PC{0,40}"], horizon in 0u16..60) {
            // compile proves exactness itself: an Ok is exact over the horizon.
            match parse_hours(&text, start(), horizon, Holidays::National) {
                (Hours::Compiled(schedule), _) => {
                    prop_assert_eq!(&schedule.source, text.trim());
                    prop_assert!(schedule.cycle.len() == 7 || schedule.cycle.len() == 14);
                    prop_assert!(schedule.patterns[0].is_empty());
                }
                (Hours::FreeText(kept), warning) => {
                    prop_assert_eq!(kept.as_str(), text.trim());
                    let is_free_text_warning = matches!(warning, Some(HoursWarning::FreeText { .. }));
                    prop_assert!(is_free_text_warning);
                }
                (Hours::Unknown, warning) => {
                    prop_assert!(text.trim().is_empty());
                    prop_assert_eq!(warning, None);
                }
            }
        }
    }
}
