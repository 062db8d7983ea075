//! Opening hours in words, for paper: a guide pinned on a notice board is read for weeks, so it
//! says the usual week ("du lundi au vendredi : 9 h – 12 h"), or, for hours that change from
//! week to week (a bus, a permanence every other Tuesday), the dated openings to come.

use aiguillage_engine::hours::{Hours, Schedule};
use aiguillage_engine::wording::WEEKDAY_KEYS;
use aiguillage_engine::{Date, Holidays, Lang, Wording};

/// The weeks that must repeat for hours to be printed as a usual week.
pub const WEEKS: i32 = 4;

/// The weeks whose dates are printed when hours change from week to week: a monthly permanence
/// shows two dates at least.
pub const DATED_WEEKS: i32 = 8;

/// At most this many dated openings are printed; the QR code gives the rest.
const MAX_DATES: usize = 12;

/// A place's hours as a guide prints them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OnPaper {
    /// No hours in the data.
    Unknown,
    /// Hours that could not be read, printed as written.
    AsWritten(String),
    /// The same every week (public holidays aside): one line per day or run of days.
    Weekly(Vec<String>),
    /// Different from one week to the next: the openings of the coming weeks, by date.
    Dated(Vec<String>),
    /// No opening in the coming weeks.
    NoneSoon,
}

/// `hours` from `from` on, in `lang`, days counted in the place's `holidays`.
pub fn on_paper(hours: &Hours, holidays: Holidays, from: Date, wording: &Wording, lang: Lang) -> OnPaper {
    match hours {
        Hours::Unknown => OnPaper::Unknown,
        Hours::FreeText(text) => OnPaper::AsWritten(text.clone()),
        Hours::Compiled(schedule) => compiled(schedule, holidays, from, wording, lang),
    }
}

fn compiled(schedule: &Schedule, holidays: Holidays, from: Date, wording: &Wording, lang: Lang) -> OnPaper {
    let days: Vec<(Date, &[(u16, u16)])> = (0..7 * DATED_WEEKS)
        .map(|offset| from.add_days(offset))
        .map_while(|date| schedule.day(date, holidays).map(|intervals| (date, intervals)))
        .collect();
    if days.iter().all(|(_, intervals)| intervals.is_empty()) {
        return OnPaper::NoneSoon;
    }
    // The usual week, public holidays aside: each weekday's one pattern, if it has only one.
    let mut usual: [Option<&[(u16, u16)]>; 7] = [None; 7];
    let usual_weeks = &days[..days.len().min(7 * WEEKS as usize)];
    let mut weekly = usual_weeks.len() >= 7;
    for (date, intervals) in usual_weeks.iter().filter(|(date, _)| !holidays.contains(*date)) {
        let slot = &mut usual[date.weekday().index()];
        match slot {
            None => *slot = Some(intervals),
            Some(seen) if seen == intervals => {}
            Some(_) => weekly = false,
        }
    }
    if weekly {
        return OnPaper::Weekly(weekly_lines(&usual, wording, lang));
    }
    OnPaper::Dated(
        days.iter()
            .filter(|(_, intervals)| !intervals.is_empty())
            .take(MAX_DATES)
            .map(|(date, intervals)| {
                wording.render(
                    "guide.day-hours",
                    lang,
                    &[("days", &wording.date(*date, lang)), ("hours", &intervals_text(intervals, wording, lang))],
                )
            })
            .collect(),
    )
}

/// Consecutive days with the same hours on one line: three or more as a range.
fn weekly_lines(usual: &[Option<&[(u16, u16)]>; 7], wording: &Wording, lang: Lang) -> Vec<String> {
    let day = |index: usize| wording.text(WEEKDAY_KEYS[index], lang);
    let mut lines = Vec::new();
    let mut first = 0;
    while first < 7 {
        let hours = usual[first].unwrap_or(&[]);
        let mut last = first;
        while last + 1 < 7 && usual[last + 1].unwrap_or(&[]) == hours {
            last += 1;
        }
        if !hours.is_empty() {
            let days = match last - first {
                0 => day(first).to_string(),
                1 => wording.render("guide.days-two", lang, &[("first", day(first)), ("last", day(last))]),
                _ => wording.render("guide.days-range", lang, &[("first", day(first)), ("last", day(last))]),
            };
            lines.push(wording.render(
                "guide.day-hours",
                lang,
                &[("days", &days), ("hours", &intervals_text(hours, wording, lang))],
            ));
        }
        first = last + 1;
    }
    lines
}

/// "9 h – 12 h, 14 h – 17 h"; a day open until midnight ends at "24 h" in French, as the
/// data says.
fn intervals_text(intervals: &[(u16, u16)], wording: &Wording, lang: Lang) -> String {
    intervals
        .iter()
        .map(|(start, end)| {
            wording.render(
                "guide.time-range",
                lang,
                &[("start", &wording.time(*start, lang)), ("end", &wording.time(*end, lang))],
            )
        })
        .collect::<Vec<_>>()
        .join(wording.text("guide.hours-separator", lang))
}
