//! The Annuaire de l'administration – base de données locales (service-public.fr, DILA): every
//! local public service, typed by `type_service_local` (`mission_locale`, `cci`, `clic`…).
//!
//! Three shapes are read:
//! - the data.gouv.fr JSON file: `{"service": [ … ]}`, each organisation with nested lists
//!   `pivot[]` (`type_service_local`, `code_insee_commune[]`), `adresse[]` (`numero_voie`,
//!   `complement1`, `code_postal`, `nom_commune`, `latitude`, `longitude` as text),
//!   `telephone[]` and `site_internet[]` (`valeur`), `adresse_courriel[]`, `plage_ouverture[]`
//!   (`nom_jour_debut`, `nom_jour_fin`, `valeur_heure_debut_1` … `_fin_2` as `09:00:00`),
//!   `date_modification` (`14/03/2025 10:21:37`), `siret`;
//! - the records API (`api-lannuaire-administration`): `{"total_count": N, "results": [ … ]}`
//!   (or a bare list, from its JSON export), where those nested lists arrive as JSON *text*
//!   inside the JSON, e-mails as one `;`-separated text, and dates as `2025-03-14`;
//! - the 2019 CSV extract (`#id,name,request_email,notes,home_page,tag_string`), where `#id` is
//!   `TYPE-INSEE-NN` and `notes` holds `Adresse : …, CP, Commune | Tél : … | Fax : …`; no
//!   coordinates (places are put at their commune's centre) and no date per row (the year in the
//!   file's name is used).
//!
//! Opening hours become OSM `opening_hours`, closed on public holidays (`PH off`: these are
//! public offices; the directory does not list holiday openings). Rows become records for
//! [`crate::public_services`].

use std::borrow::Cow;

use serde_json::{Map, Value};

use aiguillage_engine::calendar::Date;

use crate::diagnostic::Report;
use crate::public_services::date_in_file_name;
use crate::records::{element_lines, parse_json, read_csv, Record};

/// Reads the 2019 CSV extract.
pub fn read_csv_extract(text: &str, published: Option<Date>, report: &mut Report) -> Vec<Record> {
    let file_date = published.or_else(|| date_in_file_name(&report.file)).map(|d| d.to_string());
    let rows = read_csv(text, report);
    let Some(first) = rows.first() else { return Vec::new() };
    if !first.fields.iter().any(|(k, _)| k == "#id") {
        report.error(1, "#id", "column missing from the header: expected the Annuaire extract's columns");
        return Vec::new();
    }
    rows.iter().map(|row| csv_record(row, file_date.as_deref(), report)).collect()
}

fn csv_record(row: &Record, file_date: Option<&str>, report: &mut Report) -> Record {
    let id = row.get("#id").unwrap_or_default();
    // `cci-16102-01`: the type (which may hold `_`), the commune, a rank.
    let mut parts = id.rsplitn(3, '-');
    let (_rank, insee, id_type) = (parts.next(), parts.next(), parts.next());
    let mut types: Vec<&str> = row.get("tag_string").map(|t| t.split_whitespace().collect()).unwrap_or_default();
    types.extend(id_type.filter(|t| !types.contains(t)));
    let mut fields = vec![
        ("id".to_string(), if id.is_empty() { String::new() } else { format!("annuaire-{id}") }),
        ("nom".into(), row.get("name").unwrap_or_default().to_string()),
        ("type".into(), types.join("|")),
        ("code_insee".into(), insee.unwrap_or_default().to_string()),
        ("courriel".into(), row.get("request_email").unwrap_or_default().to_string()),
        ("site_web".into(), row.get("home_page").unwrap_or_default().to_string()),
        ("source".into(), "Annuaire de l'administration, extrait 2019".into()),
    ];
    for part in row.get("notes").unwrap_or_default().split(" | ") {
        let Some((label, value)) = part.split_once(" : ").or_else(|| part.split_once(':')) else { continue };
        let value = value.trim();
        match label.trim() {
            "Adresse" => {
                // `street, postal code, commune`: the street may itself hold commas.
                let mut pieces = value.rsplitn(3, ',').map(str::trim);
                let (commune, postal_code, street) = (pieces.next(), pieces.next(), pieces.next());
                match (commune, postal_code, street) {
                    (Some(commune), Some(postal_code), street) if postal_code.len() == 5 => {
                        let commune = commune.split(" Cedex").next().unwrap_or(commune);
                        fields.push(("adresse".into(), street.unwrap_or_default().to_string()));
                        fields.push(("code_postal".into(), postal_code.to_string()));
                        fields.push(("commune".into(), commune.trim().to_string()));
                    }
                    _ => report.warning(
                        row.line,
                        "notes",
                        format!(
                            "address `{value}` is not `street, postal code, commune`: the commune of `#id` is used"
                        ),
                    ),
                }
            }
            "Tél" => fields.push(("telephone".into(), value.to_string())),
            _ => {}
        }
    }
    if let Some(date) = file_date {
        fields.push(("date_maj".into(), date.to_string()));
    }
    Record::new(row.line, fields)
}

/// Reads the JSON file or an API response.
pub fn read_json(text: &str, report: &mut Report) -> Vec<Record> {
    let Some(value) = parse_json(text, report) else { return Vec::new() };
    let lines = element_lines(text);
    let (items, lines, key) = match value {
        Value::Array(items) => (items, lines.top.clone(), ""),
        // One organisation alone (the API's answer for one id): a list of one.
        Value::Object(object)
            if !object.contains_key("service") && !object.contains_key("results") && object.contains_key("nom") =>
        {
            (vec![Value::Object(object)], vec![1], "")
        }
        Value::Object(mut object) => {
            let Some((key, Value::Array(items))) =
                ["service", "results"].into_iter().find_map(|key| object.remove(key).map(|v| (key, v)))
            else {
                report.error(1, "(file)", "expected `{\"service\": [ … ]}` (data.gouv.fr file), `{\"results\": [ … ]}` (API), a list of organisations or one organisation (with its `nom`)");
                return Vec::new();
            };
            (items, lines.of_key(key).to_vec(), key)
        }
        _ => {
            report.error(1, "(file)", "expected a JSON object or list of organisations");
            return Vec::new();
        }
    };
    let line_of = |index: usize| lines.get(index).copied().unwrap_or(0);
    let mut on_line: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for index in 0..items.len() {
        *on_line.entry(line_of(index)).or_default() += 1;
    }
    let mut records = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let line = line_of(index);
        // Records on a line of their own are named by it; those of a one-line answer by their place.
        let locator = on_line.get(&line).is_some_and(|n| *n > 1).then(|| {
            let id = item.get("id").map(|id| format!(" (id {})", self::text(Some(id)))).unwrap_or_default();
            format!("{key}[{index}]{id}")
        });
        report.at_record(locator.as_deref());
        match item {
            Value::Object(organisation) => {
                let mut record = json_record(organisation, line, report);
                record.locator = locator;
                records.push(record);
            }
            _ => report.error(line, "(row)", "expected an object with the organisation's fields"),
        }
    }
    report.at_record(None);
    records
}

/// A nested list, whether nested (the file) or written as JSON text (the API).
fn list<'a>(organisation: &'a Map<String, Value>, key: &str, line: usize, report: &mut Report) -> Cow<'a, [Value]> {
    match organisation.get(key) {
        Some(Value::Array(items)) => Cow::Borrowed(items),
        Some(Value::String(text)) if text.trim_start().starts_with('[') => match serde_json::from_str(text) {
            Ok(Value::Array(items)) => Cow::Owned(items),
            _ => {
                report.warning(line, key, "JSON text that is not a list: ignored");
                Cow::Borrowed(&[])
            }
        },
        Some(Value::String(text)) if !text.trim().is_empty() => Cow::Owned(vec![Value::String(text.clone())]),
        _ => Cow::Borrowed(&[]),
    }
}

fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn json_record(organisation: &Map<String, Value>, line: usize, report: &mut Report) -> Record {
    let field = |key: &str| text(organisation.get(key));
    let pivots = list(organisation, "pivot", line, report);
    let types: Vec<String> =
        pivots.iter().map(|p| text(p.get("type_service_local"))).filter(|t| !t.is_empty()).collect();
    let addresses = list(organisation, "adresse", line, report);
    // The place people go to, rather than a postal box.
    let address = addresses.iter().find(|a| text(a.get("type_adresse")) == "Adresse").or_else(|| addresses.first());
    let part = |key: &str| address.map(|a| text(a.get(key))).unwrap_or_default();
    let insee = Some(field("code_insee_commune")).filter(|c| !c.is_empty()).or_else(|| {
        pivots.iter().find_map(|p| {
            p.get("code_insee_commune").and_then(|c| c.as_array()).and_then(|c| c.first()).map(|c| text(Some(c)))
        })
    });
    let first_value = |key: &str, report: &mut Report| {
        list(organisation, key, line, report).first().map(|v| text(v.get("valeur"))).unwrap_or_default()
    };
    let emails: Vec<String> = list(organisation, "adresse_courriel", line, report)
        .iter()
        .flat_map(|v| text(Some(v)).split(';').map(|e| e.trim().to_string()).collect::<Vec<_>>())
        .filter(|e| !e.is_empty())
        .collect();
    let (hours, comments) = opening_hours(&list(organisation, "plage_ouverture", line, report), line, report);
    let presentation: Vec<String> =
        comments.into_iter().chain(Some(field("commentaire_plage_ouverture"))).filter(|c| !c.is_empty()).collect();
    let date = date(&field("date_modification"));
    if date.is_none() && !field("date_modification").is_empty() {
        report.warning(
            line,
            "date_modification",
            format!("`{}` is not a date dd/mm/yyyy or yyyy-mm-dd", field("date_modification")),
        );
    }
    let fields = vec![
        (
            "id".to_string(),
            Some(field("id")).filter(|id| !id.is_empty()).map_or(String::new(), |id| format!("annuaire-{id}")),
        ),
        ("nom".into(), field("nom")),
        ("type".into(), types.join("|")),
        // The communes the service is competent for, as the Annuaire lists them.
        (
            "competence".into(),
            pivots
                .iter()
                .filter_map(|p| p.get("code_insee_commune").and_then(|c| c.as_array()))
                .flatten()
                .map(|c| text(Some(c)))
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join("|"),
        ),
        ("adresse".into(), part("numero_voie")),
        (
            "complement_adresse".into(),
            [part("complement1"), part("complement2")]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ("code_postal".into(), part("code_postal")),
        ("commune".into(), part("nom_commune")),
        ("code_insee".into(), insee.unwrap_or_default()),
        ("latitude".into(), part("latitude")),
        ("longitude".into(), part("longitude")),
        ("telephone".into(), first_value("telephone", report)),
        ("courriel".into(), emails.join("|")),
        ("site_web".into(), first_value("site_internet", report)),
        ("horaires".into(), hours),
        ("presentation".into(), presentation.join(" ")),
        ("date_maj".into(), date.unwrap_or_default()),
        ("siret".into(), field("siret")),
        ("source".into(), "Annuaire de l'administration".into()),
    ];
    Record::new(line, fields)
}

/// `14/03/2025 10:21:37`, `2025-03-14` or `2025-03-14T09:21:37+00:00` as `2025-03-14`.
fn date(text: &str) -> Option<String> {
    let day = text.split([' ', 'T']).next()?;
    match day.split('/').collect::<Vec<_>>()[..] {
        [d, m, y] if d.len() == 2 && m.len() == 2 && y.len() == 4 => Some(format!("{y}-{m}-{d}")),
        _ if day.len() == 10 && day.as_bytes()[4] == b'-' => Some(day.to_string()),
        _ => None,
    }
}

const DAY_NAMES: [(&str, &str); 7] = [
    ("lundi", "Mo"),
    ("mardi", "Tu"),
    ("mercredi", "We"),
    ("jeudi", "Th"),
    ("vendredi", "Fr"),
    ("samedi", "Sa"),
    ("dimanche", "Su"),
];

fn day(name: &str) -> Option<&'static str> {
    let name = name.trim().to_lowercase();
    DAY_NAMES.iter().find(|(french, _)| *french == name).map(|(_, osm)| *osm)
}

/// The opening ranges as OSM `opening_hours` (`Mo-Fr 09:00-12:30,13:30-17:00; PH off`), and the
/// ranges' comments (shown to residents in the presentation: "le 1er samedi du mois").
fn opening_hours(ranges: &[Value], line: usize, report: &mut Report) -> (String, Vec<String>) {
    let mut rules = Vec::new();
    let mut comments = Vec::new();
    for range in ranges {
        let (first, last) = (text(range.get("nom_jour_debut")), text(range.get("nom_jour_fin")));
        let (Some(from), Some(to)) = (day(&first), day(if last.is_empty() { &first } else { &last })) else {
            report.warning(
                line,
                "plage_ouverture",
                format!("days `{first}`–`{last}` are not French weekdays: range ignored"),
            );
            continue;
        };
        let mut spans = Vec::new();
        for n in [1, 2] {
            let (start, end) =
                (text(range.get(format!("valeur_heure_debut_{n}"))), text(range.get(format!("valeur_heure_fin_{n}"))));
            match (start.get(..5), end.get(..5)) {
                (Some(start), Some(end)) => spans.push(format!("{start}-{end}")),
                _ if start.is_empty() && end.is_empty() => {}
                _ => report.warning(
                    line,
                    "plage_ouverture",
                    format!("hours `{start}`–`{end}` are not HH:MM:SS: ignored"),
                ),
            }
        }
        if spans.is_empty() {
            continue;
        }
        let days = if from == to { from.to_string() } else { format!("{from}-{to}") };
        rules.push(format!("{days} {}", spans.join(",")));
        let comment = text(range.get("commentaire"));
        if !comment.is_empty() {
            comments.push(comment);
        }
    }
    if rules.is_empty() {
        return (String::new(), comments);
    }
    rules.push("PH off".into());
    (rules.join("; "), comments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notes_of_the_2019_extract_give_address_and_phone() {
        let text = "#id,name,request_email,notes,home_page,tag_string\n\
                    cci-16102-01,CCI Cognac,a@b.fr,\"Adresse : 23 rue du Port - CS 010008, 16121, Cognac Cedex | Tél : 05 45 36 32 32 | Fax : 05 45 36 32 28\",http://www.charente.cci.fr,cci\n";
        let mut report = Report::new("annuaire-2019.csv");
        let records = read_csv_extract(text, None, &mut report);
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
        let r = &records[0];
        assert_eq!(r.get("id"), Some("annuaire-cci-16102-01"));
        assert_eq!(r.get("type"), Some("cci"));
        assert_eq!(r.get("code_insee"), Some("16102"));
        assert_eq!(r.get("adresse"), Some("23 rue du Port - CS 010008"));
        assert_eq!(r.get("code_postal"), Some("16121"));
        assert_eq!(r.get("commune"), Some("Cognac"));
        assert_eq!(r.get("telephone"), Some("05 45 36 32 32"));
        assert_eq!(r.get("date_maj"), Some("2019-01-01"));
    }

    #[test]
    fn opening_ranges_become_opening_hours() {
        let ranges: Vec<Value> = serde_json::from_str(
            r#"[{"nom_jour_debut":"Lundi","nom_jour_fin":"Vendredi","valeur_heure_debut_1":"09:00:00","valeur_heure_fin_1":"12:30:00","valeur_heure_debut_2":"13:30:00","valeur_heure_fin_2":"17:00:00","commentaire":""},
                {"nom_jour_debut":"Samedi","nom_jour_fin":"Samedi","valeur_heure_debut_1":"09:00:00","valeur_heure_fin_1":"12:00:00","valeur_heure_debut_2":"","valeur_heure_fin_2":"","commentaire":"Le 1er samedi du mois."},
                {"nom_jour_debut":"Funday","nom_jour_fin":"","valeur_heure_debut_1":"09:00:00","valeur_heure_fin_1":"12:00:00"}]"#,
        )
        .unwrap();
        let mut report = Report::new("a.json");
        let (hours, comments) = opening_hours(&ranges, 3, &mut report);
        assert_eq!(hours, "Mo-Fr 09:00-12:30,13:30-17:00; Sa 09:00-12:00; PH off");
        assert_eq!(comments, ["Le 1er samedi du mois."]);
        assert_eq!(report.diagnostics.len(), 1, "the unknown day is said");
        assert_eq!(report.diagnostics[0].line, 3);
    }

    #[test]
    fn dates_in_the_file_and_the_api_shapes() {
        assert_eq!(date("14/03/2025 10:21:37").as_deref(), Some("2025-03-14"));
        assert_eq!(date("2025-03-14").as_deref(), Some("2025-03-14"));
        assert_eq!(date("2025-03-14T09:21:37+00:00").as_deref(), Some("2025-03-14"));
        assert_eq!(date("mars 2025"), None);
    }
}
