//! Aiguillage's own format for local actors that no national directory lists (a club des aînés,
//! a Secours populaire permanence, a CCI adviser): TOML a coordinator writes by hand, one
//! `[[lieu]]` table per place. See `data/examples/acteurs-locaux-charente.toml`.
//!
//! Field names are those of data·inclusion v1 and the médiation numérique standard where they
//! exist; vocabularies are Aiguillage's own codes (the ones the CLI flags use), so no national
//! vocabulary has to be learnt:
//!
//! | field | value |
//! |---|---|
//! | `nom` (required) | name shown to residents |
//! | `besoins` (required) | need codes of `data/taxonomy.toml`; a sub-need (`demarches-caf`) also counts for its parent |
//! | `id` | stable identifier; default `local--` + the name as a slug |
//! | `adresse`, `complement_adresse`, `code_postal`, `commune`, `code_insee`, `latitude`, `longitude` | where (numbers or text) |
//! | `telephone`, `courriel`, `site_web`, `prise_rdv` | how to reach it (links must be https/http) |
//! | `horaires` | OSM `opening_hours`, e.g. `"Tu 14:00-17:00; PH off"` |
//! | `modalites` | autonomie, individuel, atelier, a-distance, a-ma-place |
//! | `dispositifs` | aidants-connect, france-services, conseiller-numerique, … (programme codes) |
//! | `publics` | seniors, jeunes, etudiants, familles, femmes |
//! | `accueil_specifique` | surdite, handicap-moteur, handicap-mental, illettrisme, langue-anglais, langue-autre, deficience-visuelle |
//! | `frais` | gratuit, gratuit-sous-condition, payant, adhesion, pass-numerique |
//! | `itinerant` | true for a permanence that moves |
//! | `zone_eligibilite` | codes as in data·inclusion: commune, EPCI SIREN, département, `france` |
//! | `presentation` | one or two sentences |
//! | `date_maj` | date of the last check, `2026-01-15` |
//! | `source` | who keeps this entry up to date |
//!
//! A list may be written as one string when it has one value. Every message cites the line of
//! the field concerned.

use aiguillage_engine::taxonomy::NeedSet;
use aiguillage_engine::territory::fold;
use aiguillage_engine::vocab::{Fee, Member, Mode, Programme, Public, Set, Support};
use aiguillage_engine::Actor;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diagnostic::Report;
use crate::fields::{self, locate, scan_text, split_list};
use crate::records::Record;
use crate::Context;
use crate::Entry;

/// Every field a `[[lieu]]` may have.
pub const FIELDS: &[&str] = &[
    "id",
    "nom",
    "besoins",
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune",
    "code_insee",
    "latitude",
    "longitude",
    "telephone",
    "courriel",
    "site_web",
    "prise_rdv",
    "horaires",
    "modalites",
    "dispositifs",
    "publics",
    "accueil_specifique",
    "frais",
    "itinerant",
    "zone_eligibilite",
    "presentation",
    "date_maj",
    "source",
];

const LINK_FIELDS: &[&str] = &["site_web", "prise_rdv"];

/// Byte offsets to 1-based lines.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        Lines(std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect())
    }

    fn of(&self, offset: usize) -> usize {
        self.0.partition_point(|start| *start <= offset)
    }
}

/// The records of a native file: its places, and its corrections of other sources' places.
#[derive(Default)]
pub struct Native {
    pub places: Vec<Record>,
    pub corrections: Vec<Record>,
}

/// Reads the `[[lieu]]` and `[[correction]]` tables into records whose fields know their lines
/// (a correction's `avant` table as `avant.<field>`).
pub fn read(text: &str, report: &mut Report) -> Native {
    let lines = Lines::new(text);
    let document = match DeTable::parse(text) {
        Ok(document) => document,
        Err(error) => {
            let line = error.span().map_or(1, |span| lines.of(span.start));
            report.error(line, "(file)", format!("not valid TOML: {}", error.message().trim()));
            return Native::default();
        }
    };
    let mut records = Vec::new();
    let mut corrections = Vec::new();
    for (key, value) in document.get_ref().iter() {
        let line = lines.of(key.span().start);
        match (key.get_ref().as_ref(), value.get_ref()) {
            ("lieu", DeValue::Array(places)) => {
                for place in places.iter() {
                    match place.get_ref() {
                        DeValue::Table(table) => records.push(record_of(table, place, &lines, report)),
                        _ => report.error(lines.of(place.span().start), "lieu", "expected a [[lieu]] table"),
                    }
                }
            }
            ("lieu", _) => report.error(line, "lieu", "expected [[lieu]] tables (two brackets): one per place"),
            ("correction", DeValue::Array(tables)) => {
                for table in tables.iter() {
                    match table.get_ref() {
                        DeValue::Table(fields) => corrections.push(correction_of(fields, table, &lines, report)),
                        _ => {
                            report.error(lines.of(table.span().start), "correction", "expected a [[correction]] table")
                        }
                    }
                }
            }
            ("correction", _) => {
                report.error(line, "correction", "expected [[correction]] tables (two brackets): one per place")
            }
            ("version", DeValue::Integer(v)) if v.as_str() == "1" => {}
            ("version", _) => report.warning(line, "version", "this reader knows version 1: read as version 1"),
            (other, _) => report.warning(
                line,
                other,
                "unknown top-level key ignored: places go in [[lieu]] tables, corrections in [[correction]] tables",
            ),
        }
    }
    records.sort_by_key(|r| r.line);
    corrections.sort_by_key(|r| r.line);
    Native { places: records, corrections }
}

/// A `[[correction]]`: its fields, and those of its `avant` table as `avant.<field>`.
fn correction_of(table: &DeTable<'_>, header: &Spanned<DeValue<'_>>, lines: &Lines, report: &mut Report) -> Record {
    let mut fields: Vec<(usize, String, String)> = Vec::with_capacity(table.len());
    for (key, value) in table.iter() {
        let name = key.get_ref().to_string();
        let line = lines.of(key.span().start);
        match value.get_ref() {
            DeValue::Table(before) if name == "avant" => {
                for (key, value) in before.iter() {
                    let name = format!("avant.{}", key.get_ref());
                    let line = lines.of(key.span().start);
                    fields.extend(text_of(value.get_ref(), line, &name, report).map(|text| (line, name, text)));
                }
            }
            value => fields.extend(text_of(value, line, &name, report).map(|text| (line, name, text))),
        }
    }
    fields.sort_by_key(|(line, _, _)| *line);
    Record {
        line: lines.of(header.span().start),
        field_lines: fields.iter().map(|(l, _, _)| *l).collect(),
        fields: fields.into_iter().map(|(_, k, v)| (k, v)).collect(),
        locator: None,
    }
}

fn record_of(table: &DeTable<'_>, place: &Spanned<DeValue<'_>>, lines: &Lines, report: &mut Report) -> Record {
    let mut fields: Vec<(usize, String, String)> = Vec::with_capacity(table.len());
    for (key, value) in table.iter() {
        let name = key.get_ref().to_string();
        let line = lines.of(key.span().start);
        if let Some(text) = text_of(value.get_ref(), line, &name, report) {
            fields.push((line, name, text));
        }
    }
    fields.sort_by_key(|(line, _, _)| *line);
    // The table's span starts at its `[[lieu]]` header.
    let line = lines.of(place.span().start);
    Record {
        line,
        field_lines: fields.iter().map(|(l, _, _)| *l).collect(),
        fields: fields.into_iter().map(|(_, k, v)| (k, v)).collect(),
        locator: None,
    }
}

/// A value as text; lists are joined with `|`, as in the national formats.
fn text_of(value: &DeValue<'_>, line: usize, field: &str, report: &mut Report) -> Option<String> {
    Some(match value {
        DeValue::String(s) => s.to_string(),
        DeValue::Integer(i) => i.as_str().to_string(),
        DeValue::Float(f) => f.as_str().to_string(),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        DeValue::Array(values) => {
            let mut texts = Vec::with_capacity(values.len());
            for value in values.iter() {
                match value.get_ref() {
                    DeValue::Array(_) | DeValue::Table(_) => {
                        report.warning(line, field, "a list inside a list is not expected: ignored");
                    }
                    scalar => texts.extend(text_of(scalar, line, field, report)),
                }
            }
            texts.join("|")
        }
        DeValue::Table(_) => {
            report.warning(line, field, "a table is not expected here: ignored (write the values directly)");
            return None;
        }
    })
}

/// Maps the places to entries.
pub fn map_records(records: &[Record], context: &Context<'_>, report: &mut Report) -> Vec<Entry> {
    let mut entries = Vec::with_capacity(records.len());
    for record in records {
        report.at_record(record.locator.as_deref());
        for (field, _) in &record.fields {
            if !FIELDS.contains(&field.as_str()) {
                report.warning(
                    record.line_of(field),
                    field,
                    format!("unknown field ignored: expected one of {}", FIELDS.join(", ")),
                );
            }
        }
        scan_text(record, LINK_FIELDS, report);
        if let Some(actor) = map_record(record, context, report) {
            entries.push(Entry { actor, line: record.line, group: None, siret: fields::siret(record, "siret") });
        }
    }
    report.at_record(None);
    // Field checks and mapping report in two passes: put them back in the order of the file.
    report.diagnostics.sort_by_key(|d| d.line);
    entries
}

fn map_record(record: &Record, context: &Context<'_>, report: &mut Report) -> Option<Actor> {
    let Some(name) = record.get("nom") else {
        report.error(record.line, "nom", "missing: expected the name of the place");
        return None;
    };
    let id = record.get("id").map_or_else(|| format!("local--{}", fold(name).replace(' ', "-")), str::to_string);
    let mut actor = Actor::new(id, name);
    actor.needs = needs(record, context, report)?;
    let zone = fields::zone(record, context.communes, report)?;
    actor.zone = zone;

    locate(record, context.communes, report).place(&mut actor);

    actor.modes = codes(record, "modalites", Mode::from_code, Mode::codes, report);
    actor.programmes = codes(record, "dispositifs", Programme::from_code, Programme::codes, report);
    actor.publics = codes(record, "publics", Public::from_code, Public::codes, report);
    actor.supports = codes(record, "accueil_specifique", Support::from_code, Support::codes, report);
    actor.fees = codes(record, "frais", Fee::from_code, Fee::codes, report);
    actor.itinerant = match record.get("itinerant") {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            report.warning(
                record.line_of("itinerant"),
                "itinerant",
                format!("`{other}` ignored: expected true or false"),
            );
            false
        }
    };

    actor.phone = fields::phone(record, "telephone", report).map(Into::into);
    actor.email = fields::email(record, "courriel", report);
    actor.website = fields::link(record, "site_web", report);
    actor.booking_url = fields::link(record, "prise_rdv", report);
    actor.hours = fields::hours(record, "horaires", context, actor.calendar().holidays, report);
    actor.summary = record.get("presentation").map(str::to_string);
    actor.updated = fields::date(record, "date_maj", context.today, report);
    actor.source = record.get("source").unwrap_or("fichier local").into();

    if actor.point.is_none() && actor.insee.is_none() && !actor.is_remote() {
        report.error(
            record.line,
            "code_insee",
            "no commune and no coordinates: give code_insee (or code_postal and commune), or latitude and longitude",
        );
        return None;
    }
    Some(actor)
}

/// Need codes; a sub-need counts for its parent too, as the taxonomy's precise values do.
pub(crate) fn needs(record: &Record, context: &Context<'_>, report: &mut Report) -> Option<NeedSet> {
    let field = "besoins";
    let line = record.line_of(field);
    let Some(text) = record.get(field) else {
        report.error(record.line, field, "missing: expected need codes, e.g. besoins = [\"demarches\"]");
        return None;
    };
    let taxonomy = context.taxonomy;
    let mut needs = NeedSet::default();
    for code in split_list(text) {
        match taxonomy.need_id(code) {
            Some(id) => {
                needs.insert(id);
                if let Some(parent) = taxonomy.parent(id) {
                    needs.insert(parent);
                }
            }
            None => report.warning(
                line,
                field,
                format!("unknown need `{code}` ignored: expected one of {}", taxonomy.codes()),
            ),
        }
    }
    if needs.is_empty() {
        report.error(line, field, format!("no known need in `{text}`: the place cannot be proposed for any need"));
        return None;
    }
    Some(needs)
}

pub(crate) fn codes<T: Member>(
    record: &Record,
    field: &str,
    parse: impl Fn(&str) -> Option<T>,
    expected: impl Fn() -> String,
    report: &mut Report,
) -> Set<T> {
    let mut set = Set::empty();
    for code in record.get(field).map(split_list).into_iter().flatten() {
        match parse(code) {
            Some(value) => set.insert(value),
            None => report.warning(
                record.line_of(field),
                field,
                format!("unknown value `{code}` ignored: expected one of {}", expected()),
            ),
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_and_fields_know_their_lines() {
        let text = "version = 1\n\n# un lieu\n[[lieu]]\nnom = \"Club\"\nbesoins = [\n  \"emploi\",\n]\nlatitude = 45.6\n\n[[lieu]]\nnom = \"B\"\n";
        let mut report = Report::new("t.toml");
        let records = read(text, &mut report).places;
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
        assert_eq!(records.iter().map(|r| r.line).collect::<Vec<_>>(), [4, 11]);
        assert_eq!(records[0].line_of("besoins"), 6);
        assert_eq!(records[0].get("besoins"), Some("emploi"));
        assert_eq!(records[0].line_of("latitude"), 9);
        assert_eq!(records[0].get("latitude"), Some("45.6"));
    }

    #[test]
    fn broken_toml_says_where() {
        let mut report = Report::new("t.toml");
        assert!(read("[[lieu]]\nnom = \"A\"\nbesoins = [\"x\"\n", &mut report).places.is_empty());
        assert_eq!(report.diagnostics[0].line, 3, "{}", report.diagnostics[0]);
        assert!(report.diagnostics[0].message.starts_with("not valid TOML: "));
    }
}
