//! Civil dates and times in French local time, and French public holidays.
//!
//! The engine never reads a clock: the caller gives the local instant. Everything here is plain
//! arithmetic on the proleptic Gregorian calendar.

use std::fmt;

/// A calendar date, as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i32);

/// Days of the week, Monday first as in OSM `opening_hours`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    pub fn index(self) -> usize {
        self as usize
    }
}

impl Date {
    /// Returns `None` for a day that does not exist (30 February) or a year out of range.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1900..=2200).contains(&year) || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month)
        {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = month as i32;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        // In i64, so that any day, even far beyond the supported years, has a date.
        let z = i64::from(self.0) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        (year, month, day)
    }

    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        Weekday::ALL[(self.0 + 3).rem_euclid(7) as usize]
    }

    pub fn add_days(self, days: i32) -> Date {
        Date(self.0.saturating_add(days))
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        Date::from_ymd(number(&text[0..4])? as i32, number(&text[5..7])?, number(&text[8..10])?)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn number(digits: &str) -> Option<u32> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// A local French wall-clock instant: a date and a minute of the day (0..1440).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDateTime {
    pub date: Date,
    pub minute: u16,
}

impl LocalDateTime {
    pub fn new(date: Date, hour: u32, minute: u32) -> Option<Self> {
        if hour > 23 || minute > 59 {
            return None;
        }
        Some(Self { date, minute: (hour * 60 + minute) as u16 })
    }

    /// Parses `YYYY-MM-DDTHH:MM` (the CLI's `--at` and its JSON output).
    pub fn parse(text: &str) -> Option<Self> {
        let (date, time) = crate::ascii::split_once(text, b'T')?;
        let (hour, minute) = crate::ascii::split_once(time, b':')?;
        if hour.len() != 2 || minute.len() != 2 {
            return None;
        }
        Self::new(Date::parse(date)?, number(hour)?, number(minute)?)
    }

    pub fn hour(self) -> u32 {
        u32::from(self.minute / 60)
    }

    pub fn minute_of_hour(self) -> u32 {
        u32::from(self.minute % 60)
    }
}

impl fmt::Display for LocalDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}T{:02}:{:02}", self.date, self.hour(), self.minute_of_hour())
    }
}

/// Easter Sunday (Gregorian computus, anonymous algorithm).
pub fn easter_sunday(year: i32) -> Date {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::from_ymd(year, month as u32, day as u32).unwrap_or(Date(0))
}

/// The eleven national public holidays of metropolitan France (`PH` in `opening_hours`).
pub fn is_french_public_holiday(date: Date) -> bool {
    let (year, month, day) = date.ymd();
    let fixed = matches!((month, day), (1, 1) | (5, 1) | (5, 8) | (7, 14) | (8, 15) | (11, 1) | (11, 11) | (12, 25));
    if fixed {
        return true;
    }
    // The movable feasts fall between 23 March and 14 June: no computus the rest of the year.
    if !(3..=6).contains(&month) {
        return false;
    }
    let easter = easter_sunday(year);
    // Easter Monday, Ascension Thursday, Whit Monday.
    [1, 39, 50].iter().any(|offset| easter.add_days(*offset) == date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn dates_round_trip_and_know_their_weekday() {
        assert_eq!(d("1970-01-01"), Date(0));
        assert_eq!(d("2026-11-29").to_string(), "2026-11-29");
        assert_eq!(d("2026-11-29").weekday(), Weekday::Sunday);
        assert_eq!(d("2024-02-29").add_days(1).to_string(), "2024-03-01");
        assert_eq!(Date::parse("2026-02-30"), None);
        assert_eq!(Date::parse("2026-1-01"), None);
        for day in -25_000..60_000 {
            let (y, m, dd) = Date(day).ymd();
            assert_eq!(Date::from_ymd(y, m, dd), Some(Date(day)));
        }
    }

    #[test]
    fn easter_matches_known_years() {
        assert_eq!(easter_sunday(2024), d("2024-03-31"));
        assert_eq!(easter_sunday(2026), d("2026-04-05"));
        assert_eq!(easter_sunday(2027), d("2027-03-28"));
    }

    #[test]
    fn french_public_holidays_2026() {
        let holidays: Vec<String> = (0..365)
            .map(|i| d("2026-01-01").add_days(i))
            .filter(|date| is_french_public_holiday(*date))
            .map(|date| date.to_string())
            .collect();
        assert_eq!(
            holidays,
            [
                "2026-01-01",
                "2026-04-06",
                "2026-05-01",
                "2026-05-08",
                "2026-05-14",
                "2026-05-25",
                "2026-07-14",
                "2026-08-15",
                "2026-11-01",
                "2026-11-11",
                "2026-12-25"
            ]
        );
    }

    #[test]
    fn local_date_time_parses_the_cli_format() {
        let at = LocalDateTime::parse("2026-12-08T09:05").unwrap();
        assert_eq!(at.to_string(), "2026-12-08T09:05");
        assert_eq!(LocalDateTime::parse("2026-12-08T24:00"), None);
        assert_eq!(LocalDateTime::parse("2026-12-08 09:05"), None);
    }
}

/// French legal time for a UTC instant (seconds since the Unix epoch): UTC+1, or UTC+2 from the
/// last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC (EU rule).
pub fn paris_from_unix(seconds: i64) -> LocalDateTime {
    let utc_day = seconds.div_euclid(86_400);
    let (year, _, _) = Date(utc_day as i32).ymd();
    let last_sunday = |month: u32| {
        let last = Date::from_ymd(year, month, 31).unwrap_or(Date(0));
        last.add_days(-(last.weekday().index() as i32 + 1) % 7)
    };
    let summer_starts = i64::from(last_sunday(3).0) * 86_400 + 3_600;
    let summer_ends = i64::from(last_sunday(10).0) * 86_400 + 3_600;
    let offset = if (summer_starts..summer_ends).contains(&seconds) { 7_200 } else { 3_600 };
    let local = seconds + offset;
    LocalDateTime { date: Date(local.div_euclid(86_400) as i32), minute: (local.rem_euclid(86_400) / 60) as u16 }
}

#[cfg(test)]
mod paris_tests {
    use super::*;

    #[test]
    fn french_legal_time_follows_the_eu_dst_rule() {
        // 2026-03-29 00:59 UTC is 01:59 CET; one minute later it is 03:00 CEST.
        let before = 1_774_745_940;
        assert_eq!(paris_from_unix(before).to_string(), "2026-03-29T01:59");
        assert_eq!(paris_from_unix(before + 60).to_string(), "2026-03-29T03:00");
        // 2026-10-25 00:59 UTC is 02:59 CEST; then 02:00 CET again.
        let autumn = 1_792_889_940;
        assert_eq!(paris_from_unix(autumn).to_string(), "2026-10-25T02:59");
        assert_eq!(paris_from_unix(autumn + 60).to_string(), "2026-10-25T02:00");
        assert_eq!(paris_from_unix(0).to_string(), "1970-01-01T01:00");
    }
}
