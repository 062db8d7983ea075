//! Opening hours in a compact, precompiled form, and their evaluation at an instant.
//!
//! OSM `opening_hours` strings are parsed natively (CLI, bundle build) by the `opening-hours`
//! crate and compiled into a [`Schedule`]: a repeating cycle of day patterns, a pattern for
//! public holidays, and explicit per-day overrides, over a bounded horizon. The widget then only
//! needs this tiny evaluator. The compiler proves, day by day, that the two agree.
//!
//! Which days are public holidays is not compiled in: it is the place's own calendar
//! ([`Holidays`]: Alsace-Moselle's Good Friday, an overseas abolition day), given at evaluation,
//! so that one compiled schedule serves every calendar.

use crate::calendar::{Date, Holidays, LocalDateTime};

/// The opening hours of an actor, as known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Hours {
    /// No hours were given.
    #[default]
    Unknown,
    /// Hours that are not OSM syntax: kept and shown as written, never evaluated.
    FreeText(String),
    /// A valid OSM string, compiled.
    Compiled(Schedule),
}

/// Open intervals of one day, in minutes since midnight, sorted and disjoint, `start < end <= 1440`.
pub type DayPattern = Vec<(u16, u16)>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// The OSM string it was compiled from, shown to people as is.
    pub source: String,
    /// First day the compilation covers.
    pub start: Date,
    /// Number of days covered from `start`.
    pub horizon_days: u16,
    /// Distinct day patterns; index 0 is conventionally "closed".
    pub patterns: Vec<DayPattern>,
    /// Pattern index for each day of a cycle that begins on `start`.
    pub cycle: Vec<u8>,
    /// Pattern on French public holidays, when the string says something for `PH`.
    pub holiday: Option<u8>,
    /// Days (offset from `start`) whose pattern is neither the cycle's nor the holiday's, sorted.
    pub overrides: Vec<(u16, u8)>,
}

/// What is known at an instant about an actor's opening.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpeningState {
    /// `None` when it cannot be known (no hours, free text, outside the compiled horizon).
    pub open_now: Option<bool>,
    /// When the current opening ends, if open.
    pub closes_at: Option<LocalDateTime>,
    /// The start of the next opening strictly after the instant, within the horizon.
    pub next_opening: Option<LocalDateTime>,
}

impl OpeningState {
    pub const UNKNOWN: OpeningState = OpeningState { open_now: None, closes_at: None, next_opening: None };
}

impl Hours {
    /// The state at the place's local time `at`, with its public holidays.
    pub fn state_at(&self, at: LocalDateTime, holidays: Holidays) -> OpeningState {
        match self {
            Hours::Compiled(schedule) => schedule.state_at(at, holidays),
            Hours::Unknown | Hours::FreeText(_) => OpeningState::UNKNOWN,
        }
    }

    /// The text to show a person, when there is one.
    pub fn source_text(&self) -> Option<&str> {
        match self {
            Hours::Unknown => None,
            Hours::FreeText(text) => Some(text),
            Hours::Compiled(schedule) => Some(&schedule.source),
        }
    }
}

const EMPTY: &[(u16, u16)] = &[];

impl Schedule {
    pub fn end(&self) -> Date {
        self.start.add_days(i32::from(self.horizon_days))
    }

    /// The open intervals of a day, or `None` outside the horizon.
    pub fn day(&self, date: Date, holidays: Holidays) -> Option<&[(u16, u16)]> {
        // In i64: a decoded start may be any day, and the difference must not overflow.
        let offset = i64::from(date.0) - i64::from(self.start.0);
        if offset < 0 || offset >= i64::from(self.horizon_days) {
            return None;
        }
        let offset = offset as u16;
        let index = match self.overrides.binary_search_by_key(&offset, |(day, _)| *day) {
            Ok(found) => self.overrides[found].1,
            Err(_) => match self.holiday {
                Some(holiday) if holidays.contains(date) => holiday,
                _ if self.cycle.is_empty() => 0,
                _ => self.cycle[usize::from(offset) % self.cycle.len()],
            },
        };
        // A corrupt index means "we do not know", never a panic.
        Some(self.patterns.get(usize::from(index)).map_or(EMPTY, Vec::as_slice))
    }

    pub fn state_at(&self, at: LocalDateTime, holidays: Holidays) -> OpeningState {
        let Some(today) = self.day(at.date, holidays) else {
            return OpeningState::UNKNOWN;
        };
        let current = today.iter().find(|(start, end)| *start <= at.minute && at.minute < *end);
        let closes_at = current.map(|(_, end)| self.end_of_opening(at.date, *end, holidays));
        OpeningState {
            open_now: Some(current.is_some()),
            closes_at,
            next_opening: self.next_opening_after(
                closes_at.unwrap_or(at),
                current.is_some() || closes_at.is_some(),
                holidays,
            ),
        }
    }

    /// Follows an opening that runs to midnight into the next day (`Fr 22:00-02:00`).
    fn end_of_opening(&self, mut date: Date, mut end: u16, holidays: Holidays) -> LocalDateTime {
        while end == 1440 {
            let next = date.add_days(1);
            match self.day(next, holidays).and_then(|d| d.first()) {
                // `next == date` only at the end of representable time: stop there, do not spin.
                Some((0, next_end)) if next != date => {
                    date = next;
                    end = *next_end;
                }
                _ => return LocalDateTime { date: next, minute: 0 },
            }
        }
        LocalDateTime { date, minute: end }
    }

    fn next_opening_after(
        &self,
        from: LocalDateTime,
        was_open_at_from: bool,
        holidays: Holidays,
    ) -> Option<LocalDateTime> {
        if self.patterns.iter().all(Vec::is_empty) {
            return None;
        }
        let mut date = from.date;
        while let Some(day) = self.day(date, holidays) {
            for (start, _) in day {
                let starts = LocalDateTime { date, minute: *start };
                // An interval starting at midnight continues yesterday's when yesterday ran to 24:00.
                let continues = *start == 0
                    && self.day(date.add_days(-1), holidays).and_then(|d| d.last()).is_some_and(|(_, e)| *e == 1440);
                if (starts > from || (starts == from && !was_open_at_from)) && !continues {
                    return Some(starts);
                }
            }
            let next = date.add_days(1);
            if next == date {
                break;
            }
            date = next;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> LocalDateTime {
        LocalDateTime::parse(text).unwrap()
    }

    /// Mo-Fr 09:00-12:00,14:00-17:00 from Monday 2026-11-30 for 8 weeks, PH off.
    fn office() -> Schedule {
        Schedule {
            source: "Mo-Fr 09:00-12:00,14:00-17:00; PH off".into(),
            start: Date::parse("2026-11-30").unwrap(),
            horizon_days: 56,
            patterns: vec![vec![], vec![(540, 720), (840, 1020)]],
            cycle: vec![1, 1, 1, 1, 1, 0, 0],
            holiday: Some(0),
            overrides: vec![],
        }
    }

    fn check(schedule: &Schedule, instant: &str, expect: &str) {
        let state = schedule.state_at(at(instant), Holidays::National);
        let show = |v: Option<LocalDateTime>| v.map_or("-".to_string(), |t| t.to_string());
        let actual =
            format!("open={:?} closes={} next={}", state.open_now, show(state.closes_at), show(state.next_opening));
        assert_eq!(actual, expect, "at {instant}");
    }

    #[test]
    fn weekly_office() {
        let office = office();
        check(&office, "2026-11-30T08:59", "open=Some(false) closes=- next=2026-11-30T09:00");
        check(&office, "2026-11-30T09:00", "open=Some(true) closes=2026-11-30T12:00 next=2026-11-30T14:00");
        check(&office, "2026-12-04T17:00", "open=Some(false) closes=- next=2026-12-07T09:00");
        // Christmas is a Friday: closed, next opening on Monday.
        check(&office, "2026-12-24T18:00", "open=Some(false) closes=- next=2026-12-28T09:00");
        check(&office, "2026-11-29T10:00", "open=None closes=- next=-");
        check(&office, "2027-01-25T10:00", "open=None closes=- next=-");
    }

    #[test]
    fn overrides_win_over_cycle_and_holiday() {
        let mut bus = office();
        bus.cycle = vec![0; 7];
        // Only the second Tuesday of December: 2026-12-08.
        bus.overrides = vec![(8, 1)];
        check(&bus, "2026-12-01T10:00", "open=Some(false) closes=- next=2026-12-08T09:00");
    }

    #[test]
    fn night_openings_run_past_midnight() {
        let night = Schedule {
            source: "Fr 22:00-02:00".into(),
            start: Date::parse("2026-11-30").unwrap(),
            horizon_days: 14,
            patterns: vec![vec![], vec![(1320, 1440)], vec![(0, 120)]],
            cycle: vec![0, 0, 0, 0, 1, 2, 0],
            holiday: None,
            overrides: vec![],
        };
        check(&night, "2026-12-04T23:00", "open=Some(true) closes=2026-12-05T02:00 next=2026-12-11T22:00");
        check(&night, "2026-12-05T01:00", "open=Some(true) closes=2026-12-05T02:00 next=2026-12-11T22:00");
        check(&night, "2026-12-04T12:00", "open=Some(false) closes=- next=2026-12-04T22:00");
    }

    #[test]
    fn corrupt_pattern_index_is_closed_not_a_panic() {
        let mut broken = office();
        broken.cycle = vec![9];
        check(&broken, "2026-11-30T10:00", "open=Some(false) closes=- next=-");
    }
}
