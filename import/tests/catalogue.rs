//! The bad-data catalogue (issue 7): one entry per class of bad input a coordinator may paste,
//! each with its small file, the exact lines `aiguillage validate` prints for it
//! (`severity: FILE:LINE: FIELD: message`), the ids of the actors kept, and the exit code.
//!
//! Each file is read as `validate` reads it: imported, then reviewed for quality
//! ([`quality::review`]) together with a second, good file (`autres.csv`), which must come out
//! untouched — a bad file never stops the others. Inside a file, the bad row sits between good
//! rows (`g1` before, `g2` after) wherever the class allows it, and the good rows must be kept.
//! Every entry runs under `catch_unwind`: a panic is a failure of that entry, named.
//!
//! The table in docs/RELIABILITY.md must be this one (a test compares them); to rewrite it:
//! `UPDATE_DOCS=1 cargo test -p aiguillage-import --test catalogue`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::OnceLock;

use aiguillage_engine::calendar::{Date, Holidays};
use aiguillage_engine::hours::Hours;
use aiguillage_engine::territory::Communes;
use aiguillage_engine::Taxonomy;
use aiguillage_import::sources::{import_all, Format, Input};
use aiguillage_import::territory::select;
use aiguillage_import::Context;
use aiguillage_import::Imported;
use aiguillage_import::{project, quality, reference, Report, Severity};

// ---------------------------------------------------------------------------------------------
// The files the entries are made of.
// ---------------------------------------------------------------------------------------------

const V1_HEADER: &str = "id,nom,commune,code_postal,code_insee,adresse,latitude,longitude,telephone,horaires,services,modalites_accompagnement,formations_labels,site_web";

/// Good rows of the v1.0 CSV: one before the bad row, one after.
const G1: &str = "g1,EPN de Ruffec,Ruffec,16700,16292,1 place d'Armes,46.0286,0.1986,05 45 31 00 00,Mo 09:00-12:00,Aide aux démarches administratives,Accompagnement individuel,,https://epn.example.org";
const G2: &str = "g2,Médiathèque de Cognac,Cognac,16100,16102,10 rue du Minage,45.6958,-0.3287,05 45 36 19 50,Tu-Sa 10:00-18:00,Maîtrise des outils numériques du quotidien,Dans un atelier collectif,,https://mediatheque.example.org";

/// A row that would be good, to be spoiled by each entry (`id` b1, in Angoulême).
const B1: &str = "b1,Centre social de la Grand Font,Angoulême,16000,16015,3 rue Saint-Exupéry,45.6484,0.1562,05 45 95 00 00,Mo-Fr 14:00-17:00,Aide aux démarches administratives,Accompagnement individuel,,https://centre-social.example.org";

/// The second file of every run: it must keep both its places and have no diagnostic.
const COMPANION_NAME: &str = "autres.csv";
const COMPANION_IDS: &[&str] = &["autre-1", "autre-2"];

fn companion() -> Vec<u8> {
    v1_csv(&[
        "autre-1,Espace public numérique de Basseau,Angoulême,16000,16015,2 rue de Basseau,,,05 45 00 00 01,,Aide aux démarches administratives,,,",
        "autre-2,Point numérique CAF de Barbezieux,Barbezieux-Saint-Hilaire,16300,16028,5 place du Marché,,,05 45 00 00 02,,Aide aux démarches administratives,,,",
    ])
}

fn v1_csv(rows: &[&str]) -> Vec<u8> {
    with_header(V1_HEADER, rows)
}

fn with_header(header: &str, rows: &[&str]) -> Vec<u8> {
    let mut text = format!("{header}\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text.into_bytes()
}

/// `G1`, the bad row, `G2`.
fn around(bad: &str) -> Vec<u8> {
    v1_csv(&[G1, bad, G2])
}

/// `B1` with one field (by column name) replaced.
fn b1_with(column: &str, value: &str) -> String {
    let index = V1_HEADER.split(',').position(|c| c == column).expect("a column of the header");
    let mut fields: Vec<String> = B1.split(',').map(str::to_string).collect();
    fields[index] = value.to_string();
    fields.join(",")
}

/// The v1.0 CSV with `G1` (its address on two lines), the bad row, `G2`.
fn with_multiline_g1(bad: &str) -> Vec<u8> {
    v1_csv(&[&G1.replace("1 place d'Armes", "\"1 place d'Armes\nBâtiment B\""), bad, G2])
}

/// The same file with other line ends.
fn line_ends(bytes: &[u8], end: &str) -> Vec<u8> {
    String::from_utf8(bytes.to_vec()).expect("UTF-8").replace('\n', end).into_bytes()
}

/// Médiation numérique JSON objects, one per line after `[`.
const J1: &str = r#"{"id": "g1", "nom": "EPN de Ruffec", "code_insee": "16292", "adresse": "1 place d'Armes", "telephone": "05 45 31 00 00", "services": ["Aide aux démarches administratives"]}"#;
const J2: &str = r#"{"id": "g2", "nom": "Médiathèque de Cognac", "code_insee": "16102", "adresse": "10 rue du Minage", "telephone": "05 45 36 19 50", "services": ["Maîtrise des outils numériques du quotidien"]}"#;

fn json_around(bad: &str) -> Vec<u8> {
    format!("[\n{J1},\n{bad},\n{J2}\n]\n").into_bytes()
}

/// Native TOML places: `g1` on lines 3-8, the bad place from line 10, `g2` after it.
const T1: &str = "[[lieu]]\nid = \"g1\"\nnom = \"Club des aînés de Ruffec\"\nbesoins = [\"bases-numeriques\"]\ncode_insee = \"16292\"\ntelephone = \"05 45 31 00 01\"\n";
const T2: &str = "[[lieu]]\nid = \"g2\"\nnom = \"Permanence du Secours populaire\"\nbesoins = [\"demarches\"]\ncode_insee = \"16102\"\ntelephone = \"05 45 36 00 02\"\n";

fn toml_around(bad: &str) -> Vec<u8> {
    format!("version = 1\n\n{T1}\n{bad}\n{T2}").into_bytes()
}

/// data·inclusion: one structure (line 3) and services `g1` (line 6), the bad one (line 8), `g2`.
fn di_around(bad: &str) -> Vec<u8> {
    let structure = r#"{"id": "s", "source": "x", "nom": "CCAS de Cognac", "date_maj": "2026-01-12", "code_insee": "16102", "adresse": "9 rue des Cordeliers", "telephone": "05 45 36 49 16"}"#;
    let g1 = r#"{"id": "g1", "structure_id": "s", "source": "x", "nom": "Démarches en ligne", "description": "Aide.", "date_maj": "2026-01-12", "thematiques": ["numerique--realiser-des-demarches-administratives-avec-un-accompagnement"]}"#;
    let g2 = r#"{"id": "g2", "structure_id": "s", "source": "x", "nom": "Atelier tablette", "description": "Atelier.", "date_maj": "2026-01-12", "thematiques": ["numerique--prendre-en-main-un-smartphone-ou-une-tablette"]}"#;
    format!("{{\n \"structures\": [\n  {structure}\n ],\n \"services\": [\n  {g1},\n\n  {bad},\n  {g2}\n ]\n}}\n")
        .into_bytes()
}

// ---------------------------------------------------------------------------------------------
// The catalogue.
// ---------------------------------------------------------------------------------------------

struct Case {
    /// Short name of the class.
    name: &'static str,
    /// What goes wrong, in a few words (for the docs table).
    class: &'static str,
    file: &'static str,
    bytes: Vec<u8>,
    /// `--format`, when the entry names one.
    format: Option<Format>,
    /// Exactly the lines `validate` prints for `file`.
    expected: Vec<String>,
    /// Ids of the actors kept from `file`, in order.
    kept: &'static [&'static str],
    /// More proof, on the file's import (an `Err` names what is wrong).
    check: Option<fn(&Imported) -> Result<(), String>>,
}

impl Case {
    fn new(name: &'static str, class: &'static str, file: &'static str, bytes: Vec<u8>) -> Self {
        Case { name, class, file, bytes, format: None, expected: Vec::new(), kept: &[], check: None }
    }

    fn expect(mut self, lines: &[&str]) -> Self {
        self.expected = lines.iter().map(|l| l.to_string()).collect();
        self
    }

    fn expect_lines(mut self, lines: Vec<String>) -> Self {
        self.expected = lines;
        self
    }

    fn keeps(mut self, ids: &'static [&'static str]) -> Self {
        self.kept = ids;
        self
    }

    fn format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }

    fn check(mut self, check: fn(&Imported) -> Result<(), String>) -> Self {
        self.check = Some(check);
        self
    }

    /// What `aiguillage validate` exits with for this file and the companion: 1 when any line is
    /// an error.
    fn exit_code(&self) -> u8 {
        u8::from(self.expected.iter().any(|l| l.starts_with("error: ")))
    }
}

fn catalogue() -> Vec<Case> {
    let setup = shared();
    let taxonomy_codes = setup.taxonomy.codes();
    let cases = vec![
        // --- Encodings and separators -----------------------------------------------------
        Case::new("bom", "UTF-8 byte order mark (Excel's « CSV UTF-8 »)", "bom.csv", {
            let mut bytes = b"\xEF\xBB\xBF".to_vec();
            bytes.extend(v1_csv(&[G1, G2]));
            bytes
        })
        .keeps(&["g1", "g2"])
        .check(|imported| {
            // The BOM did not stick to the first column's name: `id` was read.
            let first = imported.actors().next().ok_or("no actor")?;
            (first.id == "g1").then_some(()).ok_or_else(|| format!("first id {:?}", first.id))
        }),
        Case::new("windows-1252", "Windows-1252 (« CSV » from an old Excel) instead of UTF-8", "ansi.csv", {
            let text = String::from_utf8(v1_csv(&[G1, &b1_with("nom", "Maison de l'\u{e9}t\u{e9} \u{2013} \u{c9}cole"), G2])).unwrap();
            text.chars()
                .map(|c| match c {
                    '\u{2013}' => 0x96,
                    c => u8::try_from(u32::from(c)).expect("Latin-1 text"),
                })
                .collect()
        })
        .expect(&["warning: ansi.csv:2: (file): not UTF-8: read as Windows-1252 (save the file as UTF-8 to be sure of accents)"])
        .keeps(&["g1", "b1", "g2"])
        .check(|imported| {
            let name = &imported.actors().nth(1).ok_or("no b1")?.name;
            (name == "Maison de l'été – École").then_some(()).ok_or_else(|| format!("decoded as {name:?}"))
        }),
        // --- Line ends: spreadsheets write CRLF; old Mac programs CR alone ---------------------
        // G1's address spans two lines (quoted), so the bad row starts on line 4.
        Case::new("crlf-csv", "CRLF line ends (Excel, LibreOffice, Python's csv)", "crlf.csv",
            line_ends(&with_multiline_g1(&b1_with("id", "")), "\r\n"))
        .expect(&["error: crlf.csv:4: id: missing: every place needs a stable identifier"])
        .keeps(&["g1", "g2"]),
        Case::new("cr-csv", "CR-only line ends (old Mac programs)", "cr.csv",
            line_ends(&with_multiline_g1(&b1_with("id", "")), "\r"))
        .expect(&["error: cr.csv:4: id: missing: every place needs a stable identifier"])
        .keeps(&["g1", "g2"]),
        Case::new("bom-crlf-csv", "UTF-8 byte order mark and CRLF (Excel's « CSV UTF-8 » on Windows)", "bomcrlf.csv", {
            let mut bytes = b"\xEF\xBB\xBF".to_vec();
            bytes.extend(line_ends(&with_multiline_g1(&b1_with("nom", "")), "\r\n"));
            bytes
        })
        .expect(&["error: bomcrlf.csv:4: nom: missing: expected the name of the place"])
        .keeps(&["g1", "g2"]),
        Case::new("crlf-json", "CRLF line ends in JSON", "crlf.json",
            line_ends(&json_around(r#"{"nom": "Sans identifiant", "code_insee": "16015", "services": ["Aide aux démarches administratives"]}"#), "\r\n"))
        .expect(&["error: crlf.json:3: id: missing: every place needs a stable identifier"])
        .keeps(&["g1", "g2"]),
        Case::new("crlf-toml", "CRLF line ends in TOML", "crlf.toml",
            line_ends(&toml_around("[[lieu]]\nid = \"b1\"\nbesoins = [\"emploi\"]\ncode_insee = \"16015\"\n"), "\r\n"))
        .expect(&["error: crlf.toml:10: nom: missing: expected the name of the place"])
        .keeps(&["g1", "g2"]),
        Case::new("comma-row-in-semicolon-file", "wrong separator: a `,` row in a `;` CSV", "pointvirgule.csv", {
            let semi = |row: &str| row.replace(',', ";");
            with_header(&V1_HEADER.replace(',', ";"), &[&semi(G1), B1, &semi(G2)])
        })
        .expect(&["error: pointvirgule.csv:3: (row): 1 fields where the header has 14: check quotes and separators"])
        .keeps(&["g1", "g2"]),
        Case::new("semicolon-list", "wrong separator: `;` inside a v1.0 list where `|` is expected", "listes.csv",
            around(&b1_with("services", "\"Aide aux démarches administratives;Maîtrise des outils numériques du quotidien\"")))
        .expect(&["warning: listes.csv:3: services: `;` used to separate a v1.0 list, where `|` is expected: accepted (said once per file)"])
        .keeps(&["g1", "b1", "g2"]),
        Case::new("tab-separated", "wrong separator: a tab-separated file named .csv", "tabulations.csv",
            with_header(&V1_HEADER.replace(',', "\t"), &[&G1.replace(',', "\t"), &G2.replace(',', "\t")]))
        .expect(&["warning: tabulations.csv:1: (header): columns separated by tabs, where the standard uses commas: read with tabs"])
        .keeps(&["g1", "g2"]),
        // --- Structure of the file ---------------------------------------------------------
        Case::new("missing-column", "missing required column (no `nom`)", "sansnom.csv", {
            let drop_nom = |row: &str| {
                let mut fields: Vec<&str> = row.split(',').collect();
                fields.remove(1);
                fields.join(",")
            };
            with_header(&drop_nom(V1_HEADER), &[&drop_nom(G1), &drop_nom(G2)])
        })
        .expect(&["error: sansnom.csv:1: nom: column missing from the header: every row needs it, so no row can be used"]),
        Case::new("too-many-fields", "a row with too many fields (an unquoted comma)", "virgule.csv",
            around(&b1_with("adresse", "3, rue Saint-Exupéry")))
        .expect(&["error: virgule.csv:3: (row): 15 fields where the header has 14: check quotes and separators"])
        .keeps(&["g1", "g2"]),
        Case::new("empty-file", "empty file (blank lines only)", "vide.csv", b" \n\n".to_vec())
            .expect(&["error: vide.csv:1: (file): empty file: expected a CSV header, a JSON array or object, or [[lieu]] tables"]),
        Case::new("header-only", "header only, no rows", "entete.csv", v1_csv(&[]))
            .expect(&["error: entete.csv:1: (file): no rows: the file has a header or an empty list only"]),
        Case::new("unknown-format", "unknown format (binary garbage)", "export.dat",
            (0u8..=255).rev().cycle().take(4096).filter(|b| !matches!(b, b',' | b';' | b'\n' | b'[' | b'{')).collect())
        .expect(&[
            "warning: export.dat:1: (file): not UTF-8: read as Windows-1252 (save the file as UTF-8 to be sure of accents)",
            "error: export.dat:1: (file): unknown format: name it with --format (mediation-csv, mediation-json, data-inclusion-json, native-toml, france-services-csv, annuaire-json, annuaire-csv)",
        ]),
        Case::new("truncated-json", "truncated file: JSON cut mid-way", "coupe.json", {
            let whole = String::from_utf8(json_around(B1_JSON)).unwrap();
            let cut = whole.find("\"Centre social").unwrap() + 10;
            whole.as_bytes()[..cut].to_vec()
        })
        .expect(&["error: coupe.json:3: (file): not valid JSON: EOF while parsing a string at line 3 column 30"]),
        Case::new("truncated-csv", "truncated file: CSV cut inside a quoted field", "coupe.csv", {
            let mut text = String::from_utf8(v1_csv(&[G1])).unwrap();
            text.push_str("b1,\"Centre social de la Grand");
            text.into_bytes()
        })
        .expect(&["error: coupe.csv:3: (row): 2 fields where the header has 14: check quotes and separators"])
        .keeps(&["g1"]),
        Case::new("deep-json", "deeply nested JSON (10,000 nested arrays in a field)", "profond.json", {
            let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
            json_around(&format!(r#"{{"id": "b1", "nom": "Profond", "code_insee": "16015", "services": {deep}}}"#))
        })
        .expect(&["error: profond.json:3: (file): not valid JSON: recursion limit exceeded at line 3 column 192"]),
        Case::new("deep-toml", "deeply nested TOML (10,000 nested arrays in a field)", "profond.toml",
            toml_around(&format!("[[lieu]]\nnom = \"Profond\"\nbesoins = {}{}\ncode_insee = \"16015\"\n", "[".repeat(10_000), "]".repeat(10_000))))
        .expect(&["error: profond.toml:12: (file): not valid TOML: cannot recurse further; max recursion depth met"]),
        Case::new("object-for-array", "invalid JSON type: an object where the array of places is expected", "objet.json",
            format!("{{\"lieux\": [\n{J1},\n{J2}\n]}}\n").into_bytes())
        .format(Format::MediationJson)
        .expect(&["error: objet.json:1: (file): expected a JSON array of objects, one per place"]),
        Case::new("row-not-object", "invalid JSON type: a row that is not an object", "ligne.json",
            json_around("[\"b1\", \"Centre social\", \"16015\"]"))
        .expect(&["error: ligne.json:3: (row): expected an object with the place's fields"])
        .keeps(&["g1", "g2"]),
        Case::new("di-services-not-a-list", "invalid JSON type: data·inclusion `services` is an object", "di-objet.json",
            b"{\n \"services\": {\"id\": \"x\"}\n}\n".to_vec())
        .expect(&["error: di-objet.json:1: services: expected a JSON array of objects", "error: di-objet.json:1: (file): expected a JSON array of services or structures, or an object with `structures` and `services` arrays"]),
        Case::new("toml-syntax", "TOML syntax error (unclosed string), with its line", "casse.toml",
            toml_around("[[lieu]]\nnom = \"Club de l'amitié\nbesoins = [\"emploi\"]\n"))
        .expect(&["error: casse.toml:11: (file): not valid TOML: invalid basic string, expected `\"`"]),
        Case::new("one-megabyte-field", "a 1 MB field (a pasted document in the name)", "enorme.csv",
            around(&b1_with("nom", &"Centre social ".repeat(75_000))))
        .expect(&["warning: enorme.csv:3: nom: a name of 1049999 characters, cut to its first 150: expected the name of the place"])
        .keeps(&["g1", "b1", "g2"])
        .check(|imported| {
            let name = &imported.actors().nth(1).ok_or("no b1")?.name;
            (name.chars().count() == 151 && name.ends_with('…')).then_some(()).ok_or_else(|| format!("{} characters", name.chars().count()))
        }),
        // --- Rows that cannot be used -------------------------------------------------------
        Case::new("missing-id", "missing id", "sansid.csv", around(&b1_with("id", "")))
            .expect(&["error: sansid.csv:3: id: missing: every place needs a stable identifier"])
            .keeps(&["g1", "g2"]),
        Case::new("missing-name", "missing name", "sansnom2.csv", around(&b1_with("nom", "  ")))
            .expect(&["error: sansnom2.csv:3: nom: missing: expected the name of the place"])
            .keeps(&["g1", "g2"]),
        Case::new("no-usable-service", "no usable service (every value unknown)", "services.csv",
            around(&b1_with("services", "Astrologie numérique|Réparation de vélos")))
        .expect(&[
            "warning: services.csv:3: services: unknown value `Astrologie numérique` ignored: expected a value of the standard (v1.0 or v0.1)",
            "warning: services.csv:3: services: unknown value `Réparation de vélos` ignored: expected a value of the standard (v1.0 or v0.1)",
            "error: services.csv:3: services: no known service in `Astrologie numérique|Réparation de vélos`: the place cannot be proposed for any need",
        ])
        .keeps(&["g1", "g2"]),
        Case::new("no-location", "coordinates out of France and no commune: cannot be located", "nulle-part.csv", {
            let row = B1.replace(",Angoulême,16000,16015,", ",,,,").replace("45.6484,0.1562", "40.7128,-74.0060");
            around(&row)
        })
        .expect(&[
            "warning: nulle-part.csv:3: latitude: (40.7128, -74.006) is not in France: the point is left out",
            "error: nulle-part.csv:3: latitude: no coordinates and no commune that can be found: the place cannot be located",
        ])
        .keeps(&["g1", "g2"]),
        // --- Values repaired or doubtful: the row is kept -----------------------------------
        Case::new("unknown-enum", "unknown enum values (modalités, services)", "enum.csv",
            around(&b1_with("modalites_accompagnement", "Par pigeon voyageur|Dans un atelier collectif")
                .replace("Aide aux démarches administratives", "Aide aux démarches administratives|Astrologie numérique")))
        .expect(&[
            "warning: enum.csv:3: services: unknown value `Astrologie numérique` ignored: expected a value of the standard (v1.0 or v0.1)",
            "warning: enum.csv:3: modalites_accompagnement: unknown value `Par pigeon voyageur` ignored: expected En autonomie, Accompagnement individuel, Dans un atelier collectif or À distance",
        ])
        .keeps(&["g1", "b1", "g2"]),
        Case::new("unknown-enum-native", "unknown enum values in the native TOML (need, modalité)", "enum.toml",
            toml_around("[[lieu]]\nid = \"b1\"\nnom = \"Atelier\"\nbesoins = [\"demarches\", \"tricot\"]\ncode_insee = \"16015\"\ntelephone = \"05 45 95 00 00\"\nmodalites = [\"en-groupe\"]\n"))
        .expect_lines(vec![
            format!("warning: enum.toml:13: besoins: unknown need `tricot` ignored: expected one of {taxonomy_codes}"),
            "warning: enum.toml:16: modalites: unknown value `en-groupe` ignored: expected one of autonomie, individuel, atelier, a-distance, a-ma-place".to_string(),
        ])
        .keeps(&["g1", "b1", "g2"]),
        Case::new("postal-code", "malformed postal code", "postal.csv", around(&b1_with("code_postal", "16 0000")))
            .expect(&["warning: postal.csv:3: code_postal: `16 0000` is not a 5-digit postal code"])
            .keeps(&["g1", "b1", "g2"]),
        Case::new("insee-code", "malformed INSEE code (letter O for zero)", "insee.csv", around(&b1_with("code_insee", "16O15")))
            .expect(&["warning: insee.csv:3: code_insee: `16O15` is not an INSEE code (5 characters, such as 16015 or 2A004): derived from postal code and name instead"])
            .keeps(&["g1", "b1", "g2"])
            .check(|imported| {
                let insee = imported.actors().nth(1).and_then(|a| a.insee.clone());
                (insee.as_deref() == Some("16015")).then_some(()).ok_or_else(|| format!("insee {insee:?}"))
            }),
        Case::new("lat-lon-swapped", "latitude and longitude swapped", "inverse.csv",
            around(&B1.replace("45.6484,0.1562", "0.1562,45.6484")))
        .expect(&["warning: inverse.csv:3: latitude: (0.1562, 45.6484) is 6878 km from the centre of Angoulême (16015); swapped it is 0 km away: latitude and longitude swapped back"])
        .keeps(&["g1", "b1", "g2"])
        .check(|imported| {
            let point = imported.actors().nth(1).and_then(|a| a.point).ok_or("no point")?;
            ((point.lat_e5, point.lon_e5) == (4_564_840, 15_620)).then_some(()).ok_or_else(|| format!("{point:?}"))
        }),
        Case::new("out-of-france", "coordinates out of France (a placeholder point in New York)", "loin.csv",
            around(&B1.replace("45.6484,0.1562", "40.7128,-74.0060")))
        .expect(&["warning: loin.csv:3: latitude: (40.7128, -74.006) is 6037 km from the centre of Angoulême (16015): the commune centre is used instead (check the coordinates)"])
        .keeps(&["g1", "b1", "g2"]),
        Case::new("hours-not-osm", "hours that are not OSM opening_hours", "horaires.csv",
            around(&b1_with("horaires", "du lundi au vendredi 14h-17h")))
        .expect(&["warning: horaires.csv:3: horaires: hours kept as free text and shown as written, but \"open now\" cannot be computed from them (not OSM opening_hours syntax: at character 1, expected EOI, any_rule_separator, rules_modifier, always_open, small_range_selectors, week_selector, monthday_range, year, or comment)"])
        .keeps(&["g1", "b1", "g2"]),
        Case::new("hours-off", "hours that never open (`off`)", "ferme.csv", around(&b1_with("horaires", "off")))
            .expect(&["warning: ferme.csv:3: horaires: hours that never open: valid OSM opening_hours, but closed every day from 2026-06-01 to 2026-06-30"])
            .keeps(&["g1", "b1", "g2"]),
        Case::new("hours-zero-length", "hours meant to never open, written `Mo-Fr 00:00-00:00` (OSM reads it as open all day)", "zero.csv",
            around(&b1_with("horaires", "Mo-Fr 00:00-00:00")))
        .expect(&["warning: zero.csv:3: horaires: `00:00-00:00` starts when it ends, which OSM opening_hours reads as open 24 hours a day: if the place is closed then, write `off`"])
        .keeps(&["g1", "b1", "g2"])
        .check(|imported| {
            // OSM reads `00:00-00:00` as a span that wraps to the next midnight: open all day.
            // Valid syntax, kept as OSM reads it, with a warning that says so.
            let Hours::Compiled(schedule) = &imported.actors().nth(1).ok_or("no b1")?.hours else {
                return Err("not compiled".into());
            };
            let monday = schedule.day(today(), Holidays::National).map(<[_]>::to_vec);
            let saturday = schedule.day(today().add_days(5), Holidays::National).map(<[_]>::to_vec);
            (monday == Some(vec![(0, 1440)]) && saturday == Some(vec![]))
                .then_some(())
                .ok_or_else(|| format!("Monday {monday:?}, Saturday {saturday:?}"))
        }),
        Case::new("duplicate-id", "duplicate ids", "doublon.csv", around(&b1_with("id", "g1")))
            .expect(&["warning: doublon.csv:3: id: `g1` is also the id at doublon.csv:2: ids must be unique (the first is kept)"])
            .keeps(&["g1", "g1", "g2"])
            .check(|imported| {
                // The bundle keeps the first place with an id, and says so.
                let mut report = Report::new("(bundle)");
                let (_, kept) = select(&["16"], &shared().communes, imported.actors().cloned().collect(), 20, &mut report);
                let names: Vec<&str> = kept.iter().map(|a| a.name.as_str()).collect();
                (names == ["EPN de Ruffec", "Médiathèque de Cognac"]).then_some(()).ok_or_else(|| format!("bundle kept {names:?}"))
            }),
        Case::new("date-not-a-date", "date_maj not a date", "date.csv", {
            let header = format!("{V1_HEADER},date_maj");
            with_header(&header, &[&format!("{G1},2026-01-15"), &format!("{B1},15/01/2026"), &format!("{G2},2026-02-01")])
        })
        .expect(&["warning: date.csv:3: date_maj: `15/01/2026` is not a date YYYY-MM-DD"])
        .keeps(&["g1", "b1", "g2"]),
        Case::new("phone", "phone not a phone", "telephone.csv", around(&b1_with("telephone", "voir site internet")))
            .expect(&["warning: telephone.csv:3: telephone: `voir site internet` is not a phone number: left out"])
            .keeps(&["g1", "b1", "g2"]),
        // --- Hostile content ----------------------------------------------------------------
        Case::new("javascript-url", "`javascript:` URL", "js.csv", around(&b1_with("site_web", "JaVaScRiPt:alert(document.cookie)")))
            .expect(&["warning: js.csv:3: site_web: unsafe link (`javascript:`): left out; only http(s) links are passed on to residents"])
            .keeps(&["g1", "b1", "g2"])
            .check(|imported| no_website(imported, 1)),
        Case::new("data-url", "`data:` URL", "data.csv", around(&b1_with("site_web", "\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"")))
            .expect(&["warning: data.csv:3: site_web: unsafe link (`data:`): left out; only http(s) links are passed on to residents"])
            .keeps(&["g1", "b1", "g2"])
            .check(|imported| no_website(imported, 1)),
        Case::new("markup", "markup in text fields", "balises.csv",
            around(&b1_with("nom", "<img src=x onerror=alert(1)>Centre social")))
        .expect(&["warning: balises.csv:3: nom: markup (`<img…`) in a text field: shown as plain text, never as HTML; remove it from the source"])
        .keeps(&["g1", "b1", "g2"]),
        Case::new("bidi", "bidirectional control characters in a name", "bidi.csv",
            around(&b1_with("nom", "Centre social \u{202E}ecivres\u{202C}")))
        .expect(&["warning: bidi.csv:3: nom: bidirectional control characters removed: invisible, they can make a text read backwards"])
        .keeps(&["g1", "b1", "g2"])
        .check(|imported| {
            let name = imported.entries.iter().find(|e| e.actor.id == "b1").map(|e| e.actor.name.as_str());
            match name {
                Some("Centre social ecivres") => Ok(()),
                other => Err(format!("the controls should be gone from the name: {other:?}")),
            }
        }),
        // --- data·inclusion ------------------------------------------------------------------
        Case::new("di-unreadable-zone", "data·inclusion service: unreadable eligibility zone", "zone.json",
            di_around(r#"{"id": "b1", "structure_id": "s", "source": "x", "nom": "Aide CAF", "description": "Aide.", "date_maj": "2026-01-12", "thematiques": ["numerique--realiser-des-demarches-administratives-avec-un-accompagnement"], "zone_eligibilite": ["Charente", "16999"]}"#))
        .expect(&[
            "warning: zone.json:8: zone_eligibilite: `Charente` is not a current commune, EPCI, département (COG 2026) or `france`: ignored",
            "warning: zone.json:8: zone_eligibilite: `16999` is not a current commune, EPCI, département (COG 2026) or `france`: ignored",
            "error: zone.json:8: zone_eligibilite: no usable code in `Charente|16999`: the eligibility zone cannot be enforced, so the service is left out",
        ])
        .keeps(&["g1", "g2"]),
        Case::new("di-zone-type", "data·inclusion v0 service: unknown zone type", "zone-type.json",
            di_around(r#"{"id": "b1", "structure_id": "s", "source": "x", "nom": "Aide CAF", "description": "Aide.", "date_maj": "2026-01-12", "thematiques": ["numerique--realiser-des-demarches-administratives-avec-un-accompagnement"], "zone_diffusion_type": "canton", "zone_diffusion_code": "1601"}"#))
        .expect(&[
            "warning: zone-type.json:8: zone_diffusion_type: unknown value `canton`: expected commune, epci, departement, region or pays",
            "error: zone-type.json:8: zone_diffusion_code: no usable code in `1601`: the eligibility zone cannot be enforced, so the service is left out",
        ])
        .keeps(&["g1", "g2"]),
        Case::new("di-unknown-thematique", "data·inclusion service with no known thematique", "thematique.json",
            di_around(r#"{"id": "b1", "structure_id": "s", "source": "x", "nom": "Aide au permis", "description": "Permis.", "date_maj": "2026-01-12", "thematiques": ["mobilite--preparer-son-permis-de-conduire"]}"#))
        .expect(&[
            "warning: thematique.json:8: thematiques: unknown value `mobilite--preparer-son-permis-de-conduire` ignored: expected a data·inclusion thematique",
            "error: thematique.json:8: thematiques: no known thematique in `mobilite--preparer-son-permis-de-conduire`: the service cannot be proposed for any need",
        ])
        .keeps(&["g1", "g2"]),
        Case::new("di-out-of-scope", "data·inclusion service outside digital inclusion (a valid thematique)", "hors-champ.json",
            di_around(r#"{"id": "b1", "structure_id": "s", "source": "x", "nom": "Garde d'enfants", "description": "Garde.", "date_maj": "2026-01-12", "thematiques": ["famille--garde-denfants"]}"#))
        .expect(&["warning: hors-champ.json:8: thematiques: 1 service(s) (the first here) have no thematique of the taxonomy's needs: outside digital inclusion, left out"])
        .keeps(&["g1", "g2"]),
        Case::new("json-nested-object", "invalid JSON type in a field: an object for the services", "champ-objet.json",
            json_around(r#"{"id": "b1", "nom": "Centre social", "code_insee": "16015", "telephone": "05 45 95 00 00", "services": {"demarches": true}}"#))
        .expect(&[
            "warning: champ-objet.json:3: services: nested object ignored: expected text, a number or a list",
            "error: champ-objet.json:3: services: missing: expected at least one service of the standard",
        ])
        .keeps(&["g1", "g2"]),
        Case::new("email", "e-mail not an e-mail", "courriel.csv", {
            let header = format!("{V1_HEADER},courriels");
            with_header(&header, &[&format!("{G1},epn@ruffec.example.org"), &format!("{B1},centre social at angouleme"), &format!("{G2},")])
        })
        .expect(&["warning: courriel.csv:3: courriels: `centre social at angouleme` is not an e-mail address: left out"])
        .keeps(&["g1", "b1", "g2"]),
        // --- The public-service directories --------------------------------------------------
        Case::new("france-services-hours", "France Services list: a weekday's hours that are not `HH:MM - HH:MM`", "liste-fs-2024-08-01.csv",
            with_header("id_fs,insee_dep,lib_fs,adresse,insee_com,code_postal,lib_com,latitude,longitude,telephone,h_lundi,h_mardi", &[
                "1,16,France services de Ruffec,1 place d'Armes,16292,16700,Ruffec,46.0286,0.1986,05 45 31 00 00,09:00 - 12:00,le matin",
            ]))
        .expect(&[
            "warning: liste-fs-2024-08-01.csv:2: h_mardi: `le matin` is not `HH:MM - HH:MM` (spans separated by `/`): the hours are shown as written",
            "warning: liste-fs-2024-08-01.csv:2: horaires: hours kept as free text and shown as written, but \"open now\" cannot be computed from them (not OSM opening_hours syntax: at character 23, expected EOI, any_rule_separator, rules_modifier, timespan, or holiday)",
            "warning: liste-fs-2024-08-01.csv:2: date_maj: last updated 2024-08-01, more than 12 months before 2026-06-01: check the place still exists and its details still hold",
        ])
        .keeps(&["france-services-1"]),
        Case::new("annuaire-type", "Annuaire: services of a type the taxonomy does not propose (mairies, gendarmeries)", "annuaire-2019.csv",
            with_header("#id,name,request_email,notes,home_page,tag_string", &[
                "mairie-16292-01,Mairie - Ruffec,,\"Adresse : Place d'Armes, 16700, Ruffec | Tél : 05 45 31 00 00 | Fax : \",,mairie",
                "gendarmerie-16292-01,Gendarmerie - Ruffec,,\"Adresse : 1 rue X, 16700, Ruffec | Tél : 05 45 31 00 01 | Fax : \",,gendarmerie",
                "mission_locale-16292-01,Mission locale - Ruffec,,\"Adresse : 2 rue Y, 16700, Ruffec | Tél : 05 45 31 00 02 | Fax : \",,mission_locale",
            ]))
        .expect(&[
            "warning: annuaire-2019.csv:2: type: 1 row of type `mairie` left out (first on this line): its [[service_type]] in data/taxonomy.toml lists no need",
            "warning: annuaire-2019.csv:3: type: 1 row of type `gendarmerie` left out (first on this line): not a [[service_type]] of data/taxonomy.toml",
            "warning: annuaire-2019.csv:4: date_maj: last updated 2019-01-01, more than 12 months before 2026-06-01: check the place still exists and its details still hold",
        ])
        .keeps(&["annuaire-mission_locale-16292-01"]),
        Case::new("annuaire-api-json-text", "Annuaire API: a nested field whose JSON text is broken", "annuaire-api.json",
            br#"{"total_count": 1, "results": [
{"id": "x1", "nom": "CCI", "pivot": "[{\"type_service_local\": \"cci\"", "code_insee_commune": "16102"}
]}"#.to_vec())
        .expect(&[
            "warning: annuaire-api.json:2: pivot: JSON text that is not a list: ignored",
            "warning: annuaire-api.json:2: type: 1 row of type `(none)` left out (first on this line): no service type: expected one, e.g. mission_locale",
        ]),
    ];
    cases
}

const B1_JSON: &str = r#"{"id": "b1", "nom": "Centre social de la Grand Font", "code_insee": "16015", "telephone": "05 45 95 00 00", "services": ["Aide aux démarches administratives"]}"#;

fn no_website(imported: &Imported, index: usize) -> Result<(), String> {
    let actor = imported.actors().nth(index).ok_or("no actor")?;
    actor.website.is_none().then_some(()).ok_or_else(|| format!("website {:?} passed on", actor.website))
}

// ---------------------------------------------------------------------------------------------
// Running it.
// ---------------------------------------------------------------------------------------------

struct Shared {
    taxonomy: Taxonomy,
    communes: Communes,
}

/// Loaded once: the commune reference takes a moment to parse.
fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED
        .get_or_init(|| Shared { taxonomy: project::shipped().expect("shipped data").0, communes: reference::france() })
}

fn today() -> Date {
    Date::from_ymd(2026, 6, 1).unwrap()
}

/// What `aiguillage validate FILE autres.csv [--format F]` does: import, then review together.
fn validate(case: &Case) -> (Imported, Imported) {
    let setup = shared();
    let context = Context { taxonomy: &setup.taxonomy, communes: &setup.communes, today: today(), horizon_days: 30 };
    let companion = companion();
    let mut file =
        import_all(&[Input { path: Path::new(case.file), bytes: &case.bytes, published: None }], case.format, &context);
    let other =
        import_all(&[Input { path: Path::new(COMPANION_NAME), bytes: &companion, published: None }], None, &context);
    file.extend(other);
    quality::review(&mut file, today());
    let other = file.pop().expect("two files");
    (file.pop().expect("two files"), other)
}

fn lines(imported: &Imported) -> Vec<String> {
    imported.report.diagnostics.iter().map(ToString::to_string).collect()
}

fn ids(imported: &Imported) -> Vec<String> {
    imported.actors().map(|a| a.id.clone()).collect()
}

/// The exit code `validate` computes: 1 when any file has an error.
fn exit_code(files: &[&Imported]) -> u8 {
    u8::from(files.iter().any(|f| f.report.has_errors()))
}

/// Runs one entry; `Err` says everything that differs.
fn run(case: &Case) -> Result<(), String> {
    let (file, other) = catch_unwind(AssertUnwindSafe(|| validate(case))).map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!("PANIC: {message}")
    })?;
    let mut problems = Vec::new();
    if lines(&file) != case.expected {
        problems.push(format!("lines:\n    expected {:#?}\n    got      {:#?}", case.expected, lines(&file)));
    }
    if ids(&file) != case.kept {
        problems.push(format!("kept: expected {:?}, got {:?}", case.kept, ids(&file)));
    }
    if !lines(&other).is_empty() || ids(&other) != COMPANION_IDS {
        problems.push(format!("the other file suffered: {:?}, kept {:?}", lines(&other), ids(&other)));
    }
    let code = exit_code(&[&file, &other]);
    if code != case.exit_code() {
        problems.push(format!("exit code {code}, expected {}", case.exit_code()));
    }
    if file.report.has_errors() != (code == 1) {
        problems.push("has_errors disagrees with the exit code".into());
    }
    if let Some(check) = case.check {
        if let Err(problem) = check(&file) {
            problems.push(format!("check: {problem}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n  "))
    }
}

#[test]
fn every_class_of_bad_input_is_said_and_the_good_rows_are_kept() {
    let cases = catalogue();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| run(case).err().map(|e| format!("[{}] {}\n  {e}", case.name, case.class)))
        .collect();
    assert!(failures.is_empty(), "{} of {} entries failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn the_catalogue_has_at_least_25_distinct_classes() {
    let cases = catalogue();
    let mut names: Vec<&str> = cases.iter().map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "duplicate entry names");
    assert!(cases.len() >= 25, "{} classes", cases.len());
}

#[test]
fn the_exit_code_says_whether_there_were_errors() {
    let cases = catalogue();
    let find = |name: &str| cases.iter().find(|c| c.name == name).expect("an entry of the catalogue");
    // An error file: `validate` exits 1, whatever else is good.
    let (file, other) = validate(find("missing-id"));
    assert!(file.report.has_errors());
    assert_eq!(exit_code(&[&file, &other]), 1);
    // A warnings-only file: every line is a warning, and `validate` exits 0.
    let (file, other) = validate(find("lat-lon-swapped"));
    assert!(!file.report.diagnostics.is_empty());
    assert!(file.report.diagnostics.iter().all(|d| d.severity == Severity::Warning));
    assert!(!file.report.has_errors());
    assert_eq!(exit_code(&[&file, &other]), 0);
}

/// The catalogue as the Markdown table of docs/RELIABILITY.md.
fn markdown_table() -> String {
    let mut table =
        String::from("| # | class | file | lines `validate` prints | kept | exit |\n|---|---|---|---|---|---|\n");
    for (index, case) in catalogue().iter().enumerate() {
        let (file, _) = validate(case);
        let printed = if file.report.diagnostics.is_empty() {
            "(none)".to_string()
        } else {
            lines(&file).iter().map(|l| format!("`` {} ``", l.replace('|', "\\|"))).collect::<Vec<_>>().join("<br>")
        };
        let kept = if case.kept.is_empty() { "nothing from this file".to_string() } else { case.kept.join(", ") };
        table.push_str(&format!(
            "| {} | {} (`{}`) | `{}` | {} | {} | {} |\n",
            index + 1,
            case.class.replace('|', "\\|"),
            case.name,
            case.file,
            printed,
            kept,
            case.exit_code()
        ));
    }
    table
}

/// docs/RELIABILITY.md shows the catalogue as it is. `UPDATE_DOCS=1` rewrites the table there.
#[test]
fn the_reliability_docs_show_this_catalogue() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/RELIABILITY.md");
    let docs = std::fs::read_to_string(&path).expect("docs/RELIABILITY.md");
    let start = docs.find("| # | class | file |").expect("the catalogue table in docs/RELIABILITY.md");
    let end = docs[start..].find("\n\n").map_or(docs.len(), |at| start + at + 1);
    let table = markdown_table();
    let count = format!("**{} classes**", catalogue().len());
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let mut updated = format!("{}{table}{}", &docs[..start], &docs[end..]);
        if let Some(at) = updated.find("classes**") {
            let from = updated[..at].rfind("**").expect("the opening `**`");
            updated.replace_range(from..at + "classes**".len(), &count);
        }
        std::fs::write(&path, updated).expect("write docs/RELIABILITY.md");
        return;
    }
    assert!(docs.contains(&count), "docs/RELIABILITY.md should say {count}; rerun with UPDATE_DOCS=1");
    assert!(
        docs[start..end] == table,
        "docs/RELIABILITY.md's catalogue table differs from import/tests/catalogue.rs: rerun with UPDATE_DOCS=1\n{table}"
    );
}
