//! The official national list of France Services sites (ANCT, data.gouv.fr "liste des
//! structures France services"), CSV: one row per site, hours per weekday (`h_lundi` …
//! `h_samedi`, written `09:00 - 12:00 / 13:30 - 17:00`).
//!
//! - Hours become OSM `opening_hours` (`Mo 09:00-12:00,13:30-17:00; …`), closed on Sundays and
//!   on public holidays (`PH off`): the list says nothing of holidays, and France Services
//!   sites are public offices.
//! - `format_fs` `Bus_équivalent` or `Itinérante`: an itinerant site (its hours say when it is
//!   at its stop). `prise_rdv` is `Oui`/`Non`, not a link: `Oui` says "sur rendez-vous possible"
//!   in the presentation, with `commentaire`.
//! - The list has no update date per row: the date in the file's name is used.
//!
//! Rows become records for [`crate::public_services`], of type `france_services`.

use aiguillage_engine::calendar::Date;

use crate::diagnostic::Report;
use crate::public_services::date_in_file_name;
use crate::records::{read_csv, Record};

/// The columns that tell this list apart from other CSV files.
pub const SIGNATURE: [&str; 2] = ["id_fs", "lib_fs"];

const DAYS: [(&str, &str); 6] = [
    ("h_lundi", "Mo"),
    ("h_mardi", "Tu"),
    ("h_mercredi", "We"),
    ("h_jeudi", "Th"),
    ("h_vendredi", "Fr"),
    ("h_samedi", "Sa"),
];

pub fn read(text: &str, published: Option<Date>, report: &mut Report) -> Vec<Record> {
    let file_date = published.or_else(|| date_in_file_name(&report.file)).map(|d| d.to_string());
    let rows = read_csv(text, report);
    let Some(first) = rows.first() else { return Vec::new() };
    for column in ["id_fs", "lib_fs"] {
        if !first.fields.iter().any(|(k, _)| k == column) {
            report.error(1, column, "column missing from the header: expected the France Services list's columns");
            return Vec::new();
        }
    }
    rows.iter().map(|row| record(row, file_date.as_deref(), report)).collect()
}

fn record(row: &Record, file_date: Option<&str>, report: &mut Report) -> Record {
    let get = |name: &str| row.get(name).unwrap_or_default().to_string();
    let mut fields = vec![
        ("id".to_string(), row.get("id_fs").map_or(String::new(), |id| format!("france-services-{id}"))),
        ("nom".into(), get("lib_fs")),
        ("type".into(), "france_services".into()),
        ("adresse".into(), get("adresse")),
        ("complement_adresse".into(), get("complement_adresse")),
        ("code_postal".into(), get("code_postal")),
        ("commune".into(), get("lib_com")),
        ("code_insee".into(), get("insee_com")),
        ("latitude".into(), get("latitude")),
        ("longitude".into(), get("longitude")),
        ("courriel".into(), get("mail")),
        ("telephone".into(), get("telephone")),
        ("horaires".into(), hours(row, report)),
        ("source".into(), "liste nationale France Services".into()),
    ];
    let itinerant = matches!(row.get("format_fs"), Some("Bus_équivalent" | "Itinérante"));
    fields.push(("itinerant".into(), itinerant.to_string()));
    let appointment = (row.get("prise_rdv") == Some("Oui")).then_some("Rendez-vous possible.");
    let presentation: Vec<&str> = appointment.into_iter().chain(row.get("commentaire")).collect();
    fields.push(("presentation".into(), presentation.join(" ")));
    if let Some(date) = file_date {
        fields.push(("date_maj".into(), date.to_string()));
    }
    Record::new(row.line, fields)
}

/// The weekday columns as OSM `opening_hours`; a day that cannot be read keeps every day as
/// written (shown to residents as text), with a warning naming the column.
fn hours(row: &Record, report: &mut Report) -> String {
    let mut rules = Vec::new();
    let mut written = Vec::new();
    for (column, day) in DAYS {
        let Some(text) = row.get(column) else { continue };
        written.push(format!("{day} {text}"));
        match spans(text) {
            // `00:00 - 00:00`: the list's way of saying closed that day.
            Some(spans) if spans.is_empty() => {}
            Some(spans) => rules.push(format!("{day} {spans}")),
            None => {
                report.warning(
                    row.line,
                    column,
                    format!("`{text}` is not `HH:MM - HH:MM` (spans separated by `/`): the hours are shown as written"),
                );
                return written.join(" ; ") + &remaining(row, column);
            }
        }
    }
    if rules.is_empty() {
        return String::new();
    }
    rules.push("PH off".into());
    rules.join("; ")
}

/// The days after `column`, as written, for hours kept as text.
fn remaining(row: &Record, column: &str) -> String {
    DAYS.iter()
        .skip_while(|(c, _)| *c != column)
        .skip(1)
        .filter_map(|(c, day)| row.get(c).map(|t| format!(" ; {day} {t}")))
        .collect()
}

/// `09:00 - 12:00 / 13:30 - 17:00` as `09:00-12:00,13:30-17:00`.
fn spans(text: &str) -> Option<String> {
    let mut out = Vec::new();
    for span in text.split('/') {
        let (from, to) = span.split_once('-')?;
        let (from, to) = (time(from.trim())?, time(to.trim())?);
        if from != to {
            out.push(format!("{from}-{to}"));
        }
    }
    Some(out.join(","))
}

/// `9:00`, `09:00` or `09h00` as `09:00`.
fn time(text: &str) -> Option<String> {
    let (hours, minutes) = text.split_once([':', 'h'])?;
    let (hours, minutes): (u32, u32) =
        (hours.parse().ok()?, if minutes.is_empty() { 0 } else { minutes.parse().ok()? });
    (hours <= 24 && minutes < 60).then(|| format!("{hours:02}:{minutes:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekday_spans_become_opening_hours() {
        assert_eq!(spans("09:00 - 12:00 / 13:30 - 17:00").as_deref(), Some("09:00-12:00,13:30-17:00"));
        assert_eq!(spans("9h - 12h30").as_deref(), Some("09:00-12:30"));
        assert_eq!(spans("le matin"), None);
        assert_eq!(spans("09:00 - 25:00"), None);
        assert_eq!(spans("00:00 - 00:00").as_deref(), Some(""), "closed that day");
    }

    #[test]
    fn a_row_gives_a_record_of_type_france_services() {
        let text = "id_fs,lib_fs,adresse,insee_com,code_postal,lib_com,h_lundi,h_mardi,h_samedi,format_fs,prise_rdv,commentaire\n\
                    7,France services X,1 rue A,16106,16500,Confolens,09:00 - 12:00 / 13:30 - 17:00,,09:00 - 12:00,Itinérante,Oui,Le jeudi à Y\n";
        let mut report = Report::new("liste-fs-2024-08-01.csv");
        let records = read(text, None, &mut report);
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
        let record = &records[0];
        assert_eq!(record.get("id"), Some("france-services-7"));
        assert_eq!(record.get("type"), Some("france_services"));
        assert_eq!(record.get("horaires"), Some("Mo 09:00-12:00,13:30-17:00; Sa 09:00-12:00; PH off"));
        assert_eq!(record.get("itinerant"), Some("true"));
        assert_eq!(record.get("presentation"), Some("Rendez-vous possible. Le jeudi à Y"));
        assert_eq!(record.get("date_maj"), Some("2024-08-01"));
        // A download kept under the day it was made is dated by its publisher's date instead.
        let mut report = Report::new("snapshots/france-services/2026-12-07-0123abcd.csv");
        let published = aiguillage_engine::calendar::Date::from_ymd(2026, 11, 30);
        assert_eq!(read(text, published, &mut report)[0].get("date_maj"), Some("2026-11-30"));
    }

    #[test]
    fn an_unreadable_day_keeps_the_hours_as_written_and_says_which_column() {
        let text = "id_fs,lib_fs,h_lundi,h_mardi,h_mercredi\n1,X,09:00 - 12:00,le matin,14:00 - 17:00\n";
        let mut report = Report::new("fs.csv");
        let records = read(text, None, &mut report);
        assert_eq!(records[0].get("horaires"), Some("Mo 09:00 - 12:00 ; Tu le matin ; We 14:00 - 17:00"));
        assert_eq!(report.diagnostics.len(), 1);
        assert_eq!(report.diagnostics[0].field, "h_mardi");
        assert_eq!(report.diagnostics[0].line, 2);
    }
}
