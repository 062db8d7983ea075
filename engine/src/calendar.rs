//! Civil dates and local times, and each French commune's calendar: the public holidays it
//! keeps (`PH` in opening hours) and its time zone.
//!
//! The engine never reads a clock: the caller gives the local instant, or a UTC instant that a
//! [`TimeZone`] turns into local time. Everything here is plain arithmetic on the proleptic
//! Gregorian calendar; no time-zone database is needed, French zones being few and fixed (only
//! metropolitan France and Saint-Pierre-et-Miquelon change their clocks).

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

/// Metropolitan French legal time for a UTC instant (seconds since the Unix epoch).
pub fn paris_from_unix(seconds: i64) -> LocalDateTime {
    TimeZone::Paris.local_from_unix(seconds)
}

/// The public holidays a place keeps, beyond which `PH` applies. Sources, checked on
/// 2026-12-04: the Code du travail (L3133-1, the eleven national holidays; L3134-13,
/// Alsace-Moselle; L3422-2 and the décret n° 83-1003 of 23 November 1983, the abolition of
/// slavery overseas), and the local labour rules of the Pacific collectivities.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Holidays {
    /// The eleven national holidays (metropolitan France, Saint-Pierre-et-Miquelon, the TAAF).
    #[default]
    National,
    /// Moselle, Bas-Rhin, Haut-Rhin: also Good Friday and 26 December. (The law keeps Good
    /// Friday for communes with a Protestant or shared church; it is kept across the three
    /// départements in practice.)
    AlsaceMoselle,
    /// Also the abolition of slavery, on the day set for each département or collectivity:
    /// `(month, day)`.
    Abolition(u8, u8),
    /// Nouvelle-Calédonie: also 24 September (fête de la citoyenneté).
    NouvelleCaledonie,
    /// Wallis-et-Futuna: also 28 April (saint Pierre Chanel) and 29 July (fête du Territoire).
    WallisEtFutuna,
    /// Polynésie française: also 5 March (arrivée de l'Évangile), Good Friday, and 20 November
    /// (Matari'i i ni'a) from 2026, which replaced 29 June (fête de l'autonomie).
    Polynesie,
}

impl Holidays {
    pub fn contains(self, date: Date) -> bool {
        if is_french_public_holiday(date) {
            return true;
        }
        let (year, month, day) = date.ymd();
        // Good Friday falls between 20 March and 23 April.
        let good_friday = || (3..=4).contains(&month) && easter_sunday(year).add_days(-2) == date;
        match self {
            Holidays::National => false,
            Holidays::AlsaceMoselle => (month, day) == (12, 26) || good_friday(),
            Holidays::Abolition(m, d) => (month, day) == (u32::from(m), u32::from(d)),
            Holidays::NouvelleCaledonie => (month, day) == (9, 24),
            Holidays::WallisEtFutuna => matches!((month, day), (4, 28) | (7, 29)),
            Holidays::Polynesie => {
                (month, day) == (3, 5) || (month, day) == if year >= 2026 { (11, 20) } else { (6, 29) } || good_friday()
            }
        }
    }
}

/// The time zones of French communes (IANA names in [`TimeZone::iana`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimeZone {
    #[default]
    Paris,
    Guadeloupe,
    Martinique,
    Cayenne,
    Reunion,
    Mayotte,
    Miquelon,
    StBarthelemy,
    Marigot,
    Kerguelen,
    Wallis,
    Tahiti,
    Marquesas,
    Gambier,
    Noumea,
    /// Clipperton, uninhabited: UTC−8 (no IANA zone of its own).
    Clipperton,
}

impl TimeZone {
    pub fn iana(self) -> &'static str {
        match self {
            TimeZone::Paris => "Europe/Paris",
            TimeZone::Guadeloupe => "America/Guadeloupe",
            TimeZone::Martinique => "America/Martinique",
            TimeZone::Cayenne => "America/Cayenne",
            TimeZone::Reunion => "Indian/Reunion",
            TimeZone::Mayotte => "Indian/Mayotte",
            TimeZone::Miquelon => "America/Miquelon",
            TimeZone::StBarthelemy => "America/St_Barthelemy",
            TimeZone::Marigot => "America/Marigot",
            TimeZone::Kerguelen => "Indian/Kerguelen",
            TimeZone::Wallis => "Pacific/Wallis",
            TimeZone::Tahiti => "Pacific/Tahiti",
            TimeZone::Marquesas => "Pacific/Marquesas",
            TimeZone::Gambier => "Pacific/Gambier",
            TimeZone::Noumea => "Pacific/Noumea",
            TimeZone::Clipperton => "Etc/GMT+8",
        }
    }

    /// Minutes ahead of UTC outside summer time.
    fn standard_minutes(self) -> i64 {
        match self {
            TimeZone::Paris => 60,
            TimeZone::Guadeloupe | TimeZone::Martinique | TimeZone::StBarthelemy | TimeZone::Marigot => -240,
            TimeZone::Cayenne | TimeZone::Miquelon => -180,
            TimeZone::Reunion => 240,
            TimeZone::Mayotte => 180,
            TimeZone::Kerguelen => 300,
            TimeZone::Wallis => 720,
            TimeZone::Tahiti => -600,
            TimeZone::Marquesas => -570,
            TimeZone::Gambier => -540,
            TimeZone::Noumea => 660,
            TimeZone::Clipperton => -480,
        }
    }

    /// Minutes ahead of UTC at a UTC instant: an hour more in summer time, which only Paris
    /// (EU rule: last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC) and
    /// Miquelon (North American rule: second Sunday of March to first Sunday of November, at
    /// 02:00 local) keep.
    pub fn offset_minutes(self, seconds: i64) -> i64 {
        let standard = self.standard_minutes();
        let year = Date(seconds.div_euclid(86_400) as i32).ymd().0;
        let sunday_on_or_before = |date: Date| date.add_days(-((date.weekday().index() as i32 + 1) % 7));
        let at = |date: Date, utc_minutes: i64| i64::from(date.0) * 86_400 + utc_minutes * 60;
        let summer = match self {
            TimeZone::Paris => {
                let last_sunday = |month| sunday_on_or_before(Date::from_ymd(year, month, 31).unwrap_or(Date(0)));
                Some((at(last_sunday(3), 60), at(last_sunday(10), 60)))
            }
            TimeZone::Miquelon => {
                let second_sunday = sunday_on_or_before(Date::from_ymd(year, 3, 14).unwrap_or(Date(0)));
                let first_sunday = sunday_on_or_before(Date::from_ymd(year, 11, 7).unwrap_or(Date(0)));
                // 02:00 local: 05:00 UTC in standard time, 04:00 UTC in summer time.
                Some((at(second_sunday, 300), at(first_sunday, 240)))
            }
            _ => None,
        };
        match summer {
            Some((starts, ends)) if (starts..ends).contains(&seconds) => standard + 60,
            _ => standard,
        }
    }

    /// The local time of a UTC instant (seconds since the Unix epoch).
    pub fn local_from_unix(self, seconds: i64) -> LocalDateTime {
        let local = seconds + self.offset_minutes(seconds) * 60;
        LocalDateTime { date: Date(local.div_euclid(86_400) as i32), minute: (local.rem_euclid(86_400) / 60) as u16 }
    }

    /// The UTC instant of a local time. A time skipped when clocks go forward is read as if
    /// they had not yet; a time that happens twice, as the first.
    pub fn unix_from_local(self, local: LocalDateTime) -> i64 {
        // An opening that ends at 24:00 is the next day's 00:00.
        let local =
            LocalDateTime { date: local.date.add_days(i32::from(local.minute / 1440)), minute: local.minute % 1440 };
        let wall = i64::from(local.date.0) * 86_400 + i64::from(local.minute) * 60;
        let summer = wall - (self.standard_minutes() + 60) * 60;
        if self.local_from_unix(summer) == local {
            summer
        } else {
            wall - self.standard_minutes() * 60
        }
    }
}

/// A place's calendar: its public holidays and its time zone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    pub holidays: Holidays,
    pub zone: TimeZone,
}

impl Calendar {
    /// The calendar of the commune with this INSEE code (COG), whose first two characters, or
    /// three overseas, are its département or collectivity. Unknown codes get the
    /// metropolitan calendar.
    pub fn of_insee(insee: &str) -> Calendar {
        let code = insee.as_bytes();
        let overseas = code.len() >= 3 && code[0] == b'9' && (code[1] == b'7' || code[1] == b'8');
        let zone_of_polynesia = match insee {
            "98718" | "98723" | "98731" | "98746" | "98756" | "98757" => TimeZone::Marquesas,
            "98719" => TimeZone::Gambier,
            _ => TimeZone::Tahiti,
        };
        let (holidays, zone) = match (code.get(..if overseas { 3 } else { 2 }).unwrap_or(&[]), overseas) {
            (b"57" | b"67" | b"68", false) => (Holidays::AlsaceMoselle, TimeZone::Paris),
            (b"971", _) => (Holidays::Abolition(5, 27), TimeZone::Guadeloupe),
            (b"972", _) => (Holidays::Abolition(5, 22), TimeZone::Martinique),
            (b"973", _) => (Holidays::Abolition(6, 10), TimeZone::Cayenne),
            (b"974", _) => (Holidays::Abolition(12, 20), TimeZone::Reunion),
            (b"975", _) => (Holidays::National, TimeZone::Miquelon),
            (b"976", _) => (Holidays::Abolition(4, 27), TimeZone::Mayotte),
            (b"977", _) => (Holidays::Abolition(10, 9), TimeZone::StBarthelemy),
            // The texts still give 27 May (Guadeloupe's); Saint-Martin keeps 28 May since 2018.
            (b"978", _) => (Holidays::Abolition(5, 28), TimeZone::Marigot),
            (b"984", _) => (Holidays::National, TimeZone::Kerguelen),
            (b"986", _) => (Holidays::WallisEtFutuna, TimeZone::Wallis),
            (b"987", _) => (Holidays::Polynesie, zone_of_polynesia),
            (b"988", _) => (Holidays::NouvelleCaledonie, TimeZone::Noumea),
            (b"989", _) => (Holidays::National, TimeZone::Clipperton),
            _ => (Holidays::National, TimeZone::Paris),
        };
        Calendar { holidays, zone }
    }

    /// The calendar of a place known only by its postal code. Saint-Barthélemy (97133) and
    /// Saint-Martin (97150) share Guadeloupe's 971 prefix; Polynésie is read on Tahiti's time.
    pub fn of_postal_code(postal_code: &str) -> Calendar {
        match postal_code {
            "97133" => Calendar::of_insee("97701"),
            "97150" => Calendar::of_insee("97801"),
            _ => Calendar::of_insee(postal_code),
        }
    }
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

#[cfg(test)]
mod local_calendar_tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    /// The holidays of `calendar` in `year` beyond the eleven national ones.
    fn extra(calendar: Calendar, year: i32) -> Vec<String> {
        let first = Date::from_ymd(year, 1, 1).unwrap();
        (0..366)
            .map(|i| first.add_days(i))
            .filter(|date| date.ymd().0 == year)
            .filter(|date| calendar.holidays.contains(*date) && !is_french_public_holiday(*date))
            .map(|date| date.to_string())
            .collect()
    }

    #[test]
    fn metropolitan_communes_keep_the_eleven_national_holidays_only() {
        for insee in ["16015", "75056", "2A004", "2B033", "13055"] {
            let calendar = Calendar::of_insee(insee);
            assert_eq!(calendar, Calendar { holidays: Holidays::National, zone: TimeZone::Paris }, "{insee}");
            for year in 2024..=2030 {
                assert_eq!(extra(calendar, year), Vec::<String>::new());
            }
        }
    }

    #[test]
    fn alsace_moselle_adds_good_friday_and_saint_stephen_over_the_years() {
        // Good Friday: two days before Easter (2024-03-31, 2025-04-20, 2026-04-05, 2027-03-28, 2028-04-16).
        let expected = [
            (2024, ["2024-03-29", "2024-12-26"]),
            (2025, ["2025-04-18", "2025-12-26"]),
            (2026, ["2026-04-03", "2026-12-26"]),
            (2027, ["2027-03-26", "2027-12-26"]),
            (2028, ["2028-04-14", "2028-12-26"]),
        ];
        for insee in ["57463", "67482", "68224"] {
            let calendar = Calendar::of_insee(insee);
            assert_eq!(calendar.zone, TimeZone::Paris);
            for (year, days) in expected {
                assert_eq!(extra(calendar, year), days, "{insee} {year}");
            }
        }
        let metz = Calendar::of_insee("57463").holidays;
        assert!(!metz.contains(d("2026-04-02")) && metz.contains(d("2026-04-03")) && !metz.contains(d("2026-04-04")));
        assert!(!metz.contains(d("2026-12-27")));
    }

    #[test]
    fn overseas_keep_the_abolition_of_slavery_on_their_own_day() {
        let cases = [
            ("97105", "05-27", TimeZone::Guadeloupe),
            ("97209", "05-22", TimeZone::Martinique),
            ("97302", "06-10", TimeZone::Cayenne),
            ("97411", "12-20", TimeZone::Reunion),
            ("97611", "04-27", TimeZone::Mayotte),
            ("97701", "10-09", TimeZone::StBarthelemy),
            ("97801", "05-28", TimeZone::Marigot),
        ];
        for (insee, day, zone) in cases {
            let calendar = Calendar::of_insee(insee);
            assert_eq!(calendar.zone, zone, "{insee}");
            for year in 2024..=2030 {
                let own = format!("{year}-{day}");
                // In 2030 Guyane's 10 June is also Whit Monday: a national holiday already.
                let expected = if is_french_public_holiday(d(&own)) { vec![] } else { vec![own.clone()] };
                assert_eq!(extra(calendar, year), expected, "{insee} {year}");
                assert!(calendar.holidays.contains(d(&own)));
            }
        }
        // The day before and after are ordinary days (La Réunion, 2027: a Monday).
        let reunion = Calendar::of_insee("97411").holidays;
        assert!(
            !reunion.contains(d("2027-12-19"))
                && reunion.contains(d("2027-12-20"))
                && !reunion.contains(d("2027-12-21"))
        );
        // Saint-Pierre-et-Miquelon keeps the national holidays, on its own clock.
        assert_eq!(Calendar::of_insee("97502"), Calendar { holidays: Holidays::National, zone: TimeZone::Miquelon });
    }

    #[test]
    fn the_pacific_collectivities_keep_their_own_days() {
        assert_eq!(extra(Calendar::of_insee("98818"), 2026), ["2026-09-24"]);
        assert_eq!(extra(Calendar::of_insee("98613"), 2026), ["2026-04-28", "2026-07-29"]);
        let papeete = Calendar::of_insee("98735");
        assert_eq!(papeete.zone, TimeZone::Tahiti);
        assert_eq!(extra(papeete, 2025), ["2025-03-05", "2025-04-18", "2025-06-29"]);
        assert_eq!(extra(papeete, 2026), ["2026-03-05", "2026-04-03", "2026-11-20"]);
        assert_eq!(Calendar::of_insee("98731").zone, TimeZone::Marquesas);
        assert_eq!(Calendar::of_insee("98719").zone, TimeZone::Gambier);
        assert_eq!(Calendar::of_insee("98818").zone, TimeZone::Noumea);
    }

    #[test]
    fn postal_codes_find_the_collectivities_that_share_guadeloupes_prefix() {
        assert_eq!(Calendar::of_postal_code("97133").zone, TimeZone::StBarthelemy);
        assert_eq!(Calendar::of_postal_code("97150").holidays, Holidays::Abolition(5, 28));
        assert_eq!(Calendar::of_postal_code("97100").holidays, Holidays::Abolition(5, 27));
        assert_eq!(Calendar::of_postal_code("57000").holidays, Holidays::AlsaceMoselle);
        assert_eq!(Calendar::of_postal_code("16000"), Calendar::default());
        assert_eq!(Calendar::of_postal_code(""), Calendar::default());
    }

    #[test]
    fn local_times_of_one_utc_instant() {
        // 2026-01-15 12:00 UTC.
        let noon = 1_768_478_400;
        let cases = [
            (TimeZone::Paris, "2026-01-15T13:00"),
            (TimeZone::Guadeloupe, "2026-01-15T08:00"),
            (TimeZone::Cayenne, "2026-01-15T09:00"),
            (TimeZone::Reunion, "2026-01-15T16:00"),
            (TimeZone::Mayotte, "2026-01-15T15:00"),
            (TimeZone::Miquelon, "2026-01-15T09:00"),
            (TimeZone::Noumea, "2026-01-15T23:00"),
            (TimeZone::Wallis, "2026-01-16T00:00"),
            (TimeZone::Tahiti, "2026-01-15T02:00"),
            (TimeZone::Marquesas, "2026-01-15T02:30"),
            (TimeZone::Gambier, "2026-01-15T03:00"),
        ];
        for (zone, local) in cases {
            assert_eq!(zone.local_from_unix(noon).to_string(), local, "{}", zone.iana());
            assert_eq!(zone.unix_from_local(LocalDateTime::parse(local).unwrap()), noon, "{}", zone.iana());
        }
        // In July Paris and Miquelon are on summer time; the others are not.
        let july = noon + 181 * 86_400;
        assert_eq!(TimeZone::Paris.local_from_unix(july).to_string(), "2026-07-15T14:00");
        assert_eq!(TimeZone::Miquelon.local_from_unix(july).to_string(), "2026-07-15T10:00");
        assert_eq!(TimeZone::Reunion.local_from_unix(july).to_string(), "2026-07-15T16:00");
    }

    #[test]
    fn midnight_at_the_end_of_a_day_is_the_next_days_start() {
        let end = LocalDateTime { date: d("2026-07-15"), minute: 1440 };
        let next = LocalDateTime::parse("2026-07-16T00:00").unwrap();
        assert_eq!(TimeZone::Paris.unix_from_local(end), TimeZone::Paris.unix_from_local(next));
        // 24:00 in Paris in July is 02:00 in Saint-Denis of La Réunion.
        assert_eq!(
            TimeZone::Reunion.local_from_unix(TimeZone::Paris.unix_from_local(end)).to_string(),
            "2026-07-16T02:00"
        );
    }

    #[test]
    fn miquelon_changes_its_clocks_on_the_north_american_days() {
        // 2026-03-08 04:59 UTC is 01:59 (UTC−3); a minute later, 03:00 (UTC−2).
        let spring = 1_772_945_940;
        assert_eq!(TimeZone::Miquelon.local_from_unix(spring).to_string(), "2026-03-08T01:59");
        assert_eq!(TimeZone::Miquelon.local_from_unix(spring + 60).to_string(), "2026-03-08T03:00");
        // 2026-11-01 03:59 UTC is 01:59 (UTC−2); a minute later, 01:00 again (UTC−3).
        let autumn = 1_793_505_540;
        assert_eq!(TimeZone::Miquelon.local_from_unix(autumn).to_string(), "2026-11-01T01:59");
        assert_eq!(TimeZone::Miquelon.local_from_unix(autumn + 60).to_string(), "2026-11-01T01:00");
    }

    #[test]
    fn local_times_round_trip_every_half_hour_of_a_year() {
        let start = 1_767_225_600; // 2026-01-01 00:00 UTC
        for zone in [TimeZone::Paris, TimeZone::Miquelon, TimeZone::Reunion, TimeZone::Marquesas] {
            for step in 0..(366 * 48) {
                let instant = start + step * 1_800;
                let local = zone.local_from_unix(instant);
                let back = zone.unix_from_local(local);
                // Only the hour that happens twice in autumn reads back as its first occurrence.
                assert!(back == instant || back == instant - 3_600, "{} {local}", zone.iana());
                assert_eq!(zone.local_from_unix(back), local);
            }
        }
    }
}
