//! The correction form's checks: what the importers will read, said in French when it is not.

use aiguillage_engine::calendar::{Date, Holidays};
use aiguillage_workspace::export;
use aiguillage_workspace::fields::{self, check, week_preview, Checking};
use aiguillage_workspace::Correction;

fn checking<'a>(taxonomy: &'a aiguillage_engine::Taxonomy, wording: &'a aiguillage_engine::Wording) -> Checking<'a> {
    // Monday 7 December 2026.
    Checking {
        vocabulary: fields::Vocabulary { taxonomy, wording },
        today: Date::from_ymd(2026, 12, 7).unwrap(),
        holidays: Holidays::National,
    }
}

fn field(code: &str) -> &'static fields::Field {
    fields::field(code).unwrap()
}

#[test]
fn each_kind_of_field_takes_what_residents_can_use_and_says_what_was_expected() {
    let (taxonomy, wording, _) = aiguillage_shipped::project::shipped().unwrap();
    let checking = checking(&taxonomy, &wording);
    let ok = |code: &str, value: &str| check(field(code), value, &checking);
    assert_eq!(ok("telephone", " 05 45 31 01 02 ").unwrap(), "+33545310102", "as the importers write it");
    let shown = fields::shown(field("telephone"), "+33545310102");
    assert_eq!(shown, "05 45 31 01 02", "shown as residents read it");
    assert_eq!(ok("telephone", &shown).unwrap(), "+33545310102", "and read back to the same");
    assert_eq!(ok("telephone", "+262 262 41 00 00").unwrap(), "+262262410000");
    assert!(ok("telephone", "05 45 31").unwrap_err().contains("10 chiffres"));
    assert!(ok("telephone", "<script>").is_err());
    assert!(ok("courriel", "accueil@ruffec").unwrap_err().contains("courriel"));
    assert!(ok("site_web", "javascript:alert(1)").unwrap_err().contains("https://"));
    assert_eq!(ok("code_postal", "16700").unwrap(), "16700");
    assert!(ok("code_postal", "16 700x").is_err());
    assert_eq!(ok("latitude", "46,0319").unwrap(), "46.03190");
    assert!(ok("longitude", "200").is_err());
    assert!(ok("nom", &"a".repeat(201)).unwrap_err().contains("200"));
    assert!(ok("nom", "deux\nlignes").is_err());
    assert_eq!(ok("telephone", "  ").unwrap(), "", "an empty value clears the field");

    let hours = ok("horaires", "Lundi matin").unwrap_err();
    assert!(hours.contains("OpenStreetMap") && hours.contains("Mo-Fr"), "{hours}");
    assert_eq!(ok("horaires", "Tu 14:00-17:00; PH off").unwrap(), "Tu 14:00-17:00; PH off");

    // Codes in the vocabulary's order, whatever order they were ticked in.
    let first = &taxonomy.needs[0].code;
    let second = &taxonomy.needs[1].code;
    assert_eq!(ok("besoins", &format!("{second},{first}")).unwrap(), format!("{first},{second}"));
    assert!(ok("besoins", "bricolage").unwrap_err().contains("bricolage"));
    assert_eq!(ok("modalites", "atelier,autonomie").unwrap(), "autonomie,atelier");
    assert!(ok("besoins", "").unwrap_err().contains("au moins un besoin"));
    assert_eq!(ok("publics", "").unwrap(), "");
    let supports = fields::choices(fields::Kind::Supports, checking.vocabulary);
    assert!(
        supports.iter().any(|(code, label)| code == "surdite" && label == "Personnes sourdes ou malentendantes"),
        "{supports:?}"
    );
}

#[test]
fn the_hours_preview_says_the_coming_week_day_by_day() {
    let (taxonomy, wording, _) = aiguillage_shipped::project::shipped().unwrap();
    let week = week_preview("Mo 09:00-12:00,14:00-17:00; We 14:00-16:30", &checking(&taxonomy, &wording));
    assert_eq!(week.len(), 7);
    assert_eq!(week[0], "lundi 7 : 09:00–12:00, 14:00–17:00");
    assert_eq!(week[1], "mardi 8 : fermé");
    assert_eq!(week[2], "mercredi 9 : 14:00–16:30");
    assert!(week_preview("pas des horaires", &checking(&taxonomy, &wording)).is_empty());
}

#[test]
fn corrections_export_as_native_toml_with_what_the_sources_said() {
    let correction = |place: &str, field: &str, value: &str, source: &str| Correction {
        territory: "16".into(),
        place: place.into(),
        field: field.into(),
        value: value.into(),
        source_value: source.into(),
        account: "marie.dupont".into(),
        at: 0,
    };
    let text = export::to_toml(
        &[
            correction("mednum-1", "besoins", "demarches,emploi", "demarches"),
            correction("mednum-1", "latitude", "46.03190", "46.00000"),
            correction("mednum-1", "telephone", "05 45 \"22\" 22 22", "05 45 00 00 00"),
            correction("mednum-2", "masque", "Fermé depuis juin", ""),
        ],
        "2026-12-07",
    )
    .unwrap();
    let parsed: toml::Table = toml::from_str(&text).unwrap();
    let corrections = parsed["correction"].as_array().unwrap();
    assert_eq!(corrections.len(), 2, "{text}");
    let first = corrections[0].as_table().unwrap();
    assert_eq!(first["id"].as_str(), Some("mednum-1"));
    assert_eq!(first["besoins"].as_array().unwrap().len(), 2);
    assert_eq!(first["latitude"].as_float(), Some(46.0319));
    assert_eq!(first["telephone"].as_str(), Some("05 45 \"22\" 22 22"));
    assert_eq!(first["avant"]["telephone"].as_str(), Some("05 45 00 00 00"));
    assert_eq!(corrections[1]["masque"].as_str(), Some("Fermé depuis juin"));
    assert!(corrections[1].get("avant").is_none());
}

#[test]
fn the_journal_csv_writes_formulas_as_text() {
    let change = aiguillage_workspace::Change {
        at: 0,
        account: "marie.dupont".into(),
        territory: "16".into(),
        place: "a".into(),
        field: "nom".into(),
        before: "EPN; \"Ruffec\"".into(),
        after: "=HYPERLINK(\"https://evil.example\")".into(),
    };
    let csv = export::journal_csv(&[change], |_| "2026-12-07 10:00".into());
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(csv.as_bytes());
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[5], "EPN; \"Ruffec\"");
    assert_eq!(&row[6], "'=HYPERLINK(\"https://evil.example\")");
}
