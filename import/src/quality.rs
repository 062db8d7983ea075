//! Data quality checks over the actors of all files together, whatever their format: stale
//! entries, places residents cannot reach, and places listed twice (within a file or across
//! files). Only warnings: the actors are kept, the coordinator decides.
//!
//! Checks of single fields (links, markup, coordinates against the commune) are made while
//! reading, in [`crate::fields`], where the line of the field is known.

use std::collections::HashMap;

use aiguillage_engine::calendar::{days_in_month, Date};
use aiguillage_engine::territory::fold;

use crate::diagnostic::Severity;
use crate::Diagnostic;
use crate::{Entry, Imported};

/// Entries updated longer ago than this are flagged.
pub const STALE_MONTHS: i32 = 12;

/// Two places this close, with similar names, are probably one.
pub const DUPLICATE_METRES: u32 = 50;

/// Words too common in names to tell two places apart.
const STOP_WORDS: &[&str] = &["de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en", "sur"];

/// An entry and the file it is in.
struct Item<'a> {
    file: usize,
    entry: &'a Entry,
}

/// Adds the quality warnings to the files' reports, then sorts each report by line.
pub fn review(files: &mut [Imported], today: Date) {
    let names: Vec<String> = files.iter().map(|f| f.report.file.clone()).collect();
    let items: Vec<Item<'_>> = files
        .iter()
        .enumerate()
        .flat_map(|(file, f)| f.entries.iter().map(move |entry| Item { file, entry }))
        .collect();
    let mut found: Vec<(usize, usize, &'static str, String)> = Vec::new();
    for (file, imported) in files.iter().enumerate() {
        found.extend(
            staleness(&imported.entries, today).into_iter().map(|(line, message)| (file, line, "date_maj", message)),
        );
    }
    for item in &items {
        if !item.entry.actor.is_reachable() {
            found.push((
                item.file,
                item.entry.line,
                "telephone",
                "no phone, no e-mail, no booking link and no opening hours: residents cannot reach this place (it ranks below reachable ones)".into(),
            ));
        }
    }
    found.extend(duplicates(&items, &names));
    drop(items);
    for (file, line, field, message) in found {
        let report = &mut files[file].report;
        report.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            file: report.file.clone(),
            line,
            field: field.to_string(),
            message,
            record: None,
        });
    }
    for file in files {
        file.report.diagnostics.sort_by_key(|d| d.line);
    }
}

/// The same day `months` months earlier (the last day of the month when it is shorter).
fn months_before(date: Date, months: i32) -> Date {
    let (year, month, day) = date.ymd();
    let index = year * 12 + month as i32 - 1 - months;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
    Date::from_ymd(year, month, day.min(days_in_month(year, month))).unwrap_or(date)
}

/// Entries updated more than [`STALE_MONTHS`] months before `today`, or after it. When every
/// dated entry of a file is stale, that is one fact about the file, said once.
fn staleness(entries: &[Entry], today: Date) -> Vec<(usize, String)> {
    let limit = months_before(today, STALE_MONTHS);
    let dated: Vec<(usize, Date)> = entries.iter().filter_map(|e| e.actor.updated.map(|d| (e.line, d))).collect();
    let mut found: Vec<(usize, String)> = dated
        .iter()
        .filter(|(_, d)| *d > today)
        .map(|(line, d)| (*line, format!("last updated {d}, after {today}: a date in the future")))
        .collect();
    let stale: Vec<&(usize, Date)> = dated.iter().filter(|(_, d)| *d < limit).collect();
    if stale.len() > 1 && stale.len() == dated.len() {
        let (newest_line, newest) =
            stale.iter().max_by_key(|(line, d)| (*d, std::cmp::Reverse(*line))).map_or((0, limit), |e| **e);
        found.push((
            stale[0].0,
            format!(
                "all {} entries were last updated more than {STALE_MONTHS} months before {today} (the newest on {newest}, line {newest_line}): check the file is still maintained, or get a recent export",
                stale.len()
            ),
        ));
        return found;
    }
    found.extend(stale.iter().map(|(line, d)| {
        (*line, format!("last updated {d}, more than {STALE_MONTHS} months before {today}: check the place still exists and its details still hold"))
    }));
    found
}

/// Names as sets of meaningful words.
pub(crate) fn words(name: &str) -> Vec<String> {
    let mut words: Vec<String> =
        fold(name).split(' ').filter(|w| w.len() > 1 && !STOP_WORDS.contains(w)).map(str::to_string).collect();
    words.sort();
    words.dedup();
    words
}

/// Similar: one name's words all in the other's, or at least half of all their words shared.
fn similar(a: &[String], b: &[String]) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let shared = a.iter().filter(|w| b.contains(w)).count();
    let union = a.len() + b.len() - shared;
    shared == a.len() || shared == b.len() || shared * 2 >= union
}

fn related(a: &Item<'_>, b: &Item<'_>) -> bool {
    a.entry.group.is_some() && a.file == b.file && a.entry.group == b.entry.group
}

/// Each later entry is reported once per kind, against the first entry it repeats.
fn duplicates(items: &[Item<'_>], names: &[String]) -> Vec<(usize, usize, &'static str, String)> {
    let mut found = Vec::new();
    let cite = |item: &Item<'_>| format!("{}:{}", names[item.file], item.entry.line);

    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut places: HashMap<(String, String, String), usize> = HashMap::new();
    let mut same_place = vec![false; items.len()];
    for (index, item) in items.iter().enumerate() {
        let actor = &item.entry.actor;
        if let Some(first) = ids.get(actor.id.as_str()).map(|i| &items[*i]) {
            found.push((
                item.file,
                item.entry.line,
                "id",
                format!("`{}` is also the id at {}: ids must be unique (the first is kept)", actor.id, cite(first)),
            ));
        } else {
            ids.insert(&actor.id, index);
        }
        if actor.street.trim().is_empty() {
            continue;
        }
        let commune = actor.insee.as_deref().unwrap_or(&actor.postal_code).to_string();
        let key = (fold(&actor.name), fold(&actor.street), commune);
        match places.get(&key).map(|i| &items[*i]) {
            Some(first) if !related(first, item) => {
                same_place[index] = true;
                found.push((
                    item.file,
                    item.entry.line,
                    "nom",
                    format!(
                        "same name and address as {} (`{}`): the same place listed twice?",
                        cite(first),
                        first.entry.actor.id
                    ),
                ));
            }
            Some(_) => {}
            None => {
                places.insert(key, index);
            }
        }
    }
    found.extend(near_duplicates(items, &same_place, &cite));
    found
}

/// Places closer than [`DUPLICATE_METRES`] with similar names (a sweep along latitudes).
fn near_duplicates(
    items: &[Item<'_>],
    already: &[bool],
    cite: &dyn Fn(&Item<'_>) -> String,
) -> Vec<(usize, usize, &'static str, String)> {
    // 1e-5 degree of latitude is 1.11 m: this window holds every pair within the distance.
    let window = (DUPLICATE_METRES * 100 / 111 + 1) as i32;
    let mut located: Vec<(usize, aiguillage_engine::geo::GeoPoint)> =
        items.iter().enumerate().filter_map(|(i, item)| item.entry.actor.point.map(|p| (i, p))).collect();
    located.sort_by_key(|(i, p)| (p.lat_e5, *i));
    let words: Vec<Vec<String>> = items.iter().map(|item| words(&item.entry.actor.name)).collect();
    let mut first_match: HashMap<usize, usize> = HashMap::new();
    for (k, (a, pa)) in located.iter().enumerate() {
        for (b, pb) in located[k + 1..].iter().take_while(|(_, pb)| pb.lat_e5 - pa.lat_e5 <= window) {
            let (first, later) = if a < b { (*a, *b) } else { (*b, *a) };
            if already[later] || related(&items[first], &items[later]) || pa.distance_m(*pb) >= DUPLICATE_METRES {
                continue;
            }
            if similar(&words[first], &words[later]) {
                let best = first_match.entry(later).or_insert(first);
                *best = (*best).min(first);
            }
        }
    }
    let mut found: Vec<_> = first_match
        .into_iter()
        .map(|(later, first)| {
            let (item, other) = (&items[later], &items[first]);
            let metres = item.entry.actor.point.zip(other.entry.actor.point).map_or(0, |(a, b)| a.distance_m(b));
            (
                item.file,
                item.entry.line,
                "nom",
                format!(
                    "{metres} m from {} (`{}`), with a similar name: the same place listed twice?",
                    cite(other),
                    other.entry.actor.name
                ),
            )
        })
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Report;
    use aiguillage_engine::geo::GeoPoint;
    use aiguillage_engine::Actor;

    fn entry(id: &str, name: &str, street: &str, lat: f64, line: usize) -> Entry {
        let mut actor = Actor::new(id, name);
        actor.street = street.into();
        actor.insee = Some("16015".into());
        actor.point = GeoPoint::from_degrees(lat, 0.15);
        actor.phone = Some("+33545000000".into());
        actor.updated = Date::from_ymd(2026, 1, 1);
        Entry { actor, line, group: None, siret: None }
    }

    fn file(name: &str, entries: Vec<Entry>) -> Imported {
        Imported { entries, report: Report::new(name), corrections: Vec::new() }
    }

    fn messages(files: &[Imported]) -> Vec<String> {
        files.iter().flat_map(|f| &f.report.diagnostics).map(ToString::to_string).collect()
    }

    #[test]
    fn twelve_months_back_handles_month_ends() {
        assert_eq!(months_before(Date::from_ymd(2024, 2, 29).unwrap(), 12), Date::from_ymd(2023, 2, 28).unwrap());
        assert_eq!(months_before(Date::from_ymd(2026, 1, 15).unwrap(), 13), Date::from_ymd(2024, 12, 15).unwrap());
    }

    #[test]
    fn stale_and_unreachable_entries_are_flagged() {
        let mut old = entry("a", "EPN", "1 rue A", 45.6, 3);
        old.actor.updated = Date::from_ymd(2025, 5, 31);
        old.actor.phone = None;
        let fresh = entry("b", "Club", "9 rue B", 45.7, 9);
        let mut files = [file("f.json", vec![fresh, old])];
        review(&mut files, Date::from_ymd(2026, 6, 1).unwrap());
        assert_eq!(
            messages(&files),
            [
                "warning: f.json:3: date_maj: last updated 2025-05-31, more than 12 months before 2026-06-01: check the place still exists and its details still hold",
                "warning: f.json:3: telephone: no phone, no e-mail, no booking link and no opening hours: residents cannot reach this place (it ranks below reachable ones)",
            ]
        );
    }

    #[test]
    fn a_whole_stale_file_is_said_once() {
        let mut a = entry("a", "EPN", "1 rue A", 45.6, 3);
        let mut b = entry("b", "Club", "9 rue B", 45.7, 9);
        a.actor.updated = Date::from_ymd(2023, 2, 1);
        b.actor.updated = Date::from_ymd(2023, 4, 1);
        let mut files = [file("f.json", vec![a, b])];
        review(&mut files, Date::from_ymd(2026, 6, 1).unwrap());
        assert_eq!(
            messages(&files),
            ["warning: f.json:3: date_maj: all 2 entries were last updated more than 12 months before 2026-06-01 (the newest on 2023-04-01, line 9): check the file is still maintained, or get a recent export"]
        );
    }

    #[test]
    fn duplicates_cite_the_first_across_files() {
        let first = entry("a", "Espace Camaïeux", "43 rue de la République", 45.60000, 2);
        let same = entry("b", "ESPACE CAMAIEUX", "43 Rue de la République", 45.60001, 7);
        let near = entry("c", "Association Espace Camaieux", "43 bis rue", 45.60030, 12);
        let far = entry("d", "Espace Camaïeux", "1 route", 45.7, 20);
        let other_name = entry("a", "Mairie", "2 place", 45.60002, 30);
        let mut files = [file("one.json", vec![first]), file("two.csv", vec![same, near, far, other_name])];
        review(&mut files, Date::from_ymd(2026, 6, 1).unwrap());
        assert_eq!(
            messages(&files),
            [
                "warning: two.csv:7: nom: same name and address as one.json:2 (`a`): the same place listed twice?",
                "warning: two.csv:12: nom: 33 m from one.json:2 (`Espace Camaïeux`), with a similar name: the same place listed twice?",
                "warning: two.csv:30: id: `a` is also the id at one.json:2: ids must be unique (the first is kept)",
            ]
        );
    }

    #[test]
    fn services_of_one_structure_are_not_duplicates() {
        let mut a = entry("s1", "CCAS — Atelier", "1 rue", 45.6, 2);
        let mut b = entry("s2", "CCAS — Atelier", "1 rue", 45.6, 9);
        a.group = Some("ccas".into());
        b.group = Some("ccas".into());
        let mut files = [file("di.json", vec![a, b])];
        review(&mut files, Date::from_ymd(2026, 6, 1).unwrap());
        assert!(messages(&files).is_empty(), "{:?}", messages(&files));
    }

    #[test]
    fn similar_names_share_most_words() {
        let w = |s: &str| words(s);
        assert!(similar(&w("Médiathèque de Cognac"), &w("Mediatheque Cognac")));
        assert!(!similar(&w("Mairie de Cognac"), &w("Médiathèque de Cognac")));
        assert!(!similar(&w(""), &w("x")));
    }
}
