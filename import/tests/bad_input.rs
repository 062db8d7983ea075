//! Data as it goes wrong in the wild: each test gives a small file and the exact lines a
//! coordinator reads (`severity: FILE:LINE: FIELD: message`), and what is kept.

use std::path::Path;

use aiguillage_engine::calendar::Date;
use aiguillage_engine::territory::Communes;
use aiguillage_engine::vocab::{Mode, Programme};
use aiguillage_engine::{Actor, Taxonomy};
use aiguillage_import::sources::{import, import_all, Format, Input};
use aiguillage_import::Context;
use aiguillage_import::Imported;
use aiguillage_import::{project, reference};

struct Setup {
    taxonomy: Taxonomy,
    communes: Communes,
}

fn setup() -> Setup {
    Setup { taxonomy: project::shipped().expect("shipped data").0, communes: reference::france() }
}

impl Setup {
    fn context(&self) -> Context<'_> {
        Context {
            taxonomy: &self.taxonomy,
            communes: &self.communes,
            today: Date::from_ymd(2026, 6, 1).unwrap(),
            horizon_days: 30,
        }
    }

    fn import(&self, name: &str, bytes: &[u8]) -> Imported {
        import(Path::new(name), bytes, None, &self.context())
    }

    fn import_as(&self, name: &str, bytes: &[u8], format: Format) -> Imported {
        import(Path::new(name), bytes, Some(format), &self.context())
    }
}

fn lines(imported: &Imported) -> Vec<String> {
    imported.report.diagnostics.iter().map(ToString::to_string).collect()
}

fn actors(imported: &Imported) -> Vec<&Actor> {
    imported.actors().collect()
}

const V1_HEADER: &str = "id,nom,commune,code_postal,code_insee,adresse,latitude,longitude,telephone,horaires,services,modalites_accompagnement,formations_labels,site_web";

/// A v1.0 CSV with one row; `row` gives the values after the header's first four columns.
fn v1_csv(rows: &[&str]) -> String {
    let mut text = format!("{V1_HEADER}\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

const GOOD_ROW: &str = "a1,EPN de Ruffec,Ruffec,16700,16292,1 place d'Armes,46.0286,0.1986,05 45 31 00 00,Mo 09:00-12:00,Aide aux démarches administratives,Accompagnement individuel,,https://epn.example.org";

#[test]
fn a_good_row_gives_no_diagnostic() {
    let setup = setup();
    let imported = setup.import("ok.csv", v1_csv(&[GOOD_ROW]).as_bytes());
    assert!(lines(&imported).is_empty(), "{:?}", lines(&imported));
    let actor = actors(&imported)[0];
    assert_eq!((actor.insee.as_deref(), actor.phone.as_deref()), (Some("16292"), Some("+33545310000")));
    assert_eq!(actor.website.as_deref(), Some("https://epn.example.org"));
}

#[test]
fn empty_files_say_so_whatever_the_format() {
    let setup = setup();
    for name in ["vide.csv", "vide.json", "vide.toml"] {
        let imported = setup.import(name, b"  \n");
        assert_eq!(
            lines(&imported),
            [format!(
                "error: {name}:1: (file): empty file: expected a CSV header, a JSON array or object, or [[lieu]] tables"
            )]
        );
    }
}

#[test]
fn a_header_alone_is_no_rows() {
    let setup = setup();
    let imported = setup.import("entete.csv", format!("{V1_HEADER}\n").as_bytes());
    assert_eq!(lines(&imported), ["error: entete.csv:1: (file): no rows: the file has a header or an empty list only"]);
    let imported = setup.import("vide.json", b"[]");
    assert_eq!(lines(&imported), ["error: vide.json:1: (file): no rows: the file has a header or an empty list only"]);
    let imported = setup.import("vide.toml", b"version = 1\n");
    assert_eq!(lines(&imported), ["warning: vide.toml:1: (file): no place and no correction: each place starts with a line [[lieu]], each correction with [[correction]]"]);
}

#[test]
fn a_missing_required_column_is_said_once() {
    let setup = setup();
    let text = "id,nom,commune,code_postal\na,EPN,Ruffec,16700\nb,Club,Ruffec,16700\n";
    let imported = setup.import("colonnes.csv", text.as_bytes());
    assert_eq!(
        lines(&imported),
        ["error: colonnes.csv:1: services: column missing from the header: every row needs it, so no row can be used"]
    );
    assert!(actors(&imported).is_empty());
}

#[test]
fn unknown_values_are_named_with_what_was_expected() {
    let setup = setup();
    let row = GOOD_ROW.replace("Accompagnement individuel", "Par pigeon voyageur|Dans un atelier collectif");
    let imported = setup.import("enum.csv", v1_csv(&[&row]).as_bytes());
    assert_eq!(
        lines(&imported),
        ["warning: enum.csv:2: modalites_accompagnement: unknown value `Par pigeon voyageur` ignored: expected En autonomie, Accompagnement individuel, Dans un atelier collectif or À distance"]
    );
    assert!(actors(&imported)[0].modes.contains(Mode::Atelier));

    let row = GOOD_ROW.replace("Aide aux démarches administratives", "Astrologie numérique");
    let imported = setup.import("enum.csv", v1_csv(&[&row]).as_bytes());
    assert_eq!(
        lines(&imported),
        [
            "warning: enum.csv:2: services: unknown value `Astrologie numérique` ignored: expected a value of the standard (v1.0 or v0.1)",
            "error: enum.csv:2: services: no known service in `Astrologie numérique`: the place cannot be proposed for any need",
        ]
    );
    assert!(actors(&imported).is_empty());
}

#[test]
fn malformed_postal_and_insee_codes_are_repaired_or_said() {
    let setup = setup();
    let rows = [
        // A letter O for a zero: not an INSEE code; derived from postal code and name.
        GOOD_ROW.replace(",16292,", ",16O92,"),
        // Six digits: not a postal code; the INSEE code still locates the place.
        GOOD_ROW.replace(",16700,", ",167000,").replace("a1,", "a2,"),
        // A leading zero lost by a spreadsheet, in both codes.
        "a3,Médiathèque,Bourg-en-Bresse,1000,1053,1 rue,,,0474000000,,Aide aux démarches administratives,,,"
            .to_string(),
    ];
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let imported = setup.import("codes.csv", v1_csv(&rows).as_bytes());
    assert_eq!(
        lines(&imported),
        [
            "warning: codes.csv:2: code_insee: `16O92` is not an INSEE code (5 characters, such as 16015 or 2A004): derived from postal code and name instead",
            "warning: codes.csv:3: code_postal: `167000` is not a 5-digit postal code",
            "warning: codes.csv:4: code_postal: `1000` has 4 digits: read as `01000` (leading zero lost?)",
            "warning: codes.csv:4: code_insee: `1053` has 4 characters: read as `01053` (leading zero lost?)",
        ]
    );
    let codes: Vec<_> = actors(&imported).iter().map(|a| a.insee.clone().unwrap_or_default()).collect();
    assert_eq!(codes, ["16292", "16292", "01053"]);
}

#[test]
fn swapped_coordinates_are_swapped_back() {
    let setup = setup();
    // Angoulême's centre, written longitude first.
    let with_commune =
        "s1,Centre social,Angoulême,16000,16015,1 rue,0.1562,45.6484,0545000000,,Aide aux démarches administratives,,,";
    let without_commune = "s2,Centre social,,,,1 rue,0.1562,45.6484,0545000000,,Aide aux démarches administratives,,,";
    let imported = setup.import("points.csv", v1_csv(&[with_commune, without_commune]).as_bytes());
    assert_eq!(
        lines(&imported),
        [
            "warning: points.csv:2: latitude: (0.1562, 45.6484) is 6878 km from the centre of Angoulême (16015); swapped it is 0 km away: latitude and longitude swapped back",
            "warning: points.csv:3: latitude: (0.1562, 45.6484) is not in France, (45.6484, 0.1562) is: latitude and longitude swapped back",
        ]
    );
    for actor in actors(&imported) {
        let point = actor.point.expect("repaired point");
        assert_eq!((point.lat_e5, point.lon_e5), (4_564_840, 15_620));
    }
}

#[test]
fn a_far_point_gives_way_to_the_commune_centre() {
    let setup = setup();
    // Aix-en-Provence coordinates for a Charente commune: a placeholder, not the place.
    let row = "v1,Bus France Services,Valence,16460,16392,Le Bourg,43.451334,5.411872,0630000000,,Aide aux démarches administratives,,,";
    let imported = setup.import("loin.csv", v1_csv(&[row]).as_bytes());
    assert_eq!(
        lines(&imported),
        ["warning: loin.csv:2: latitude: (43.45133, 5.41187) is 485 km from the centre of Valence (16392): the commune centre is used instead (check the coordinates)"]
    );
    assert_eq!(actors(&imported)[0].point, None);
    assert_eq!(actors(&imported)[0].insee.as_deref(), Some("16392"));
}

#[test]
fn hours_that_are_not_osm_are_kept_as_text() {
    let setup = setup();
    let row = GOOD_ROW.replace("Mo 09:00-12:00", "lundi 9h-12h");
    let imported = setup.import("horaires.csv", v1_csv(&[&row]).as_bytes());
    assert_eq!(
        lines(&imported),
        ["warning: horaires.csv:2: horaires: hours kept as free text and shown as written, but \"open now\" cannot be computed from them (not OSM opening_hours syntax: at character 1, expected EOI, any_rule_separator, rules_modifier, always_open, small_range_selectors, week_selector, monthday_range, year, or comment)"]
    );
    assert_eq!(actors(&imported)[0].hours.source_text(), Some("lundi 9h-12h"));
}

#[test]
fn a_byte_order_mark_is_removed() {
    let setup = setup();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(v1_csv(&[GOOD_ROW]).as_bytes());
    let imported = setup.import("bom.csv", &bytes);
    assert!(lines(&imported).is_empty(), "{:?}", lines(&imported));
    assert_eq!(actors(&imported)[0].id, "a1");
}

#[test]
fn windows_1252_is_read_and_said() {
    let setup = setup();
    let text = v1_csv(&[&GOOD_ROW.replace("EPN de Ruffec", "M\u{e9}diath\u{e8}que")]);
    // The same text as a Windows spreadsheet saves it: é and è as single bytes.
    let bytes: Vec<u8> = text.chars().map(|c| u8::try_from(u32::from(c)).expect("Latin-1 text")).collect();
    let imported = setup.import("ansi.csv", &bytes);
    assert_eq!(
        lines(&imported),
        ["warning: ansi.csv:2: (file): not UTF-8: read as Windows-1252 (save the file as UTF-8 to be sure of accents)"]
    );
    assert_eq!(actors(&imported)[0].name, "Médiathèque");
}

#[test]
fn semicolons_in_a_v1_list_are_accepted_and_said_once() {
    let setup = setup();
    let row = GOOD_ROW.replace(
        "Aide aux démarches administratives",
        "\"Aide aux démarches administratives;Maîtrise des outils numériques du quotidien\"",
    );
    let second = row.replace("a1,", "a2,").replace("1 place", "3 place");
    let imported = setup.import("separateur.csv", v1_csv(&[&row, &second]).as_bytes());
    assert_eq!(
        lines(&imported),
        ["warning: separateur.csv:2: services: `;` used to separate a v1.0 list, where `|` is expected: accepted (said once per file)"]
    );
    let demarches = setup.taxonomy.need_id("demarches").unwrap();
    let bases = setup.taxonomy.need_id("bases-numeriques").unwrap();
    assert!(actors(&imported).iter().all(|a| a.needs.contains(demarches) && a.needs.contains(bases)));
}

#[test]
fn etapes_numeriques_is_known_with_or_without_its_space() {
    let setup = setup();
    let labels =
        ["Étapes numériques(La Poste)", "Étapes numériques (La Poste)", "Etapes Numériques (la poste)|ORDI 3.0"];
    for label in labels {
        let row = GOOD_ROW.replace(",,https", &format!(",{label},https"));
        let imported = setup.import("labels.csv", v1_csv(&[&row]).as_bytes());
        assert!(lines(&imported).is_empty(), "{label}: {:?}", lines(&imported));
    }
    let row = GOOD_ROW.replace(",,https", ",Étapes numériques (La Poste)|Label maison,https");
    let imported = setup.import("labels.csv", v1_csv(&[&row]).as_bytes());
    assert_eq!(
        lines(&imported),
        ["warning: labels.csv:2: formations_labels: unknown value `Label maison` ignored: other labels go in autres_formations_labels"]
    );
}

#[test]
fn a_missing_insee_code_is_derived_when_unique() {
    let setup = setup();
    let unique = GOOD_ROW.replace(",16292,", ",,");
    // 16700 covers several communes: without a name, no guess.
    let ambiguous = GOOD_ROW.replace(",Ruffec,16700,16292,", ",,16700,,").replace("a1,", "a2,");
    let imported = setup.import("insee.csv", v1_csv(&[&unique, &ambiguous]).as_bytes());
    let found: Vec<_> = actors(&imported).iter().map(|a| a.insee.as_deref()).collect();
    assert_eq!(found, [Some("16292"), None]);
    let count = setup.communes.iter().filter(|c| c.postal_codes.iter().any(|p| p == "16700")).count();
    assert_eq!(
        lines(&imported),
        [format!("warning: insee.csv:3: code_insee: `` 16700 matches {count} communes: give code_insee")]
    );
}

#[test]
fn merged_communes_and_cedex_codes_are_found() {
    let setup = setup();
    let rows = [
        "m1,EPN,Mansle,16230,,1 rue,,,0545000000,,Aide aux démarches administratives,,,",
        "m2,CAF,ANGOULEME CEDEX,16016,,1 rue,,,0545000000,,Aide aux démarches administratives,,,",
    ];
    let imported = setup.import("fusions.csv", v1_csv(&rows).as_bytes());
    assert_eq!(
        lines(&imported),
        [
            "warning: fusions.csv:2: code_insee: no commune named `Mansle` with postal code `16230` (COG 2026): read as Mansle-les-Fontaines (16206), its name is shortened or extended",
            "warning: fusions.csv:3: code_insee: no commune named `ANGOULEME CEDEX` with postal code `16016` (COG 2026): read as Angoulême (16015), found by name in the département",
        ]
    );
}

#[test]
fn script_links_and_markup_never_pass() {
    let setup = setup();
    let row = GOOD_ROW
        .replace("https://epn.example.org", "javascript:alert(document.cookie)")
        .replace("EPN de Ruffec", "EPN <script>alert(1)</script>");
    let imported = setup.import("xss.csv", v1_csv(&[&row]).as_bytes());
    assert_eq!(
        lines(&imported),
        [
            "warning: xss.csv:2: nom: a script (`<script…`) in a text field: shown as plain text, never as HTML; remove it from the source",
            "warning: xss.csv:2: site_web: unsafe link (`javascript:`): left out; only http(s) links are passed on to residents",
        ]
    );
    assert_eq!(actors(&imported)[0].website, None);
}

#[test]
fn broken_json_and_toml_say_where() {
    let setup = setup();
    let imported = setup.import("casse.json", b"[\n {\"id\": \"a\",\n  \"nom\": }\n]");
    assert_eq!(lines(&imported), ["error: casse.json:3: (file): not valid JSON: expected value at line 3 column 10"]);
    let imported = setup.import("casse.toml", b"[[lieu]]\nnom = \"Club\nbesoins = [\"emploi\"]\n");
    assert_eq!(imported.report.diagnostics.len(), 1, "{:?}", lines(&imported));
    assert!(lines(&imported)[0].starts_with("error: casse.toml:2: (file): not valid TOML: "), "{:?}", lines(&imported));
}

#[test]
fn native_mistakes_cite_the_line_of_the_field() {
    let setup = setup();
    let text = "\
version = 1

[[lieu]]
nom = \"Club des aînés\"
besoins = [\"bases-numeriques\", \"tricot\"]
code_insee = \"16292\"
telphone = \"05 45 00 00 00\"
modalites = [\"atelier\", \"en-groupe\"]
site_web = \"data:text/html,<b>x</b>\"

[[lieu]]
nom = \"Sans besoin\"
code_insee = \"16292\"

[[lieu]]
nom = \"Nulle part\"
besoins = \"emploi\"
";
    let imported = setup.import("locaux.toml", text.as_bytes());
    let codes = setup.taxonomy.codes();
    assert_eq!(
        lines(&imported),
        [
            format!("warning: locaux.toml:5: besoins: unknown need `tricot` ignored: expected one of {codes}"),
            format!("warning: locaux.toml:7: telphone: unknown field ignored: expected one of {}", aiguillage_import::native::FIELDS.join(", ")),
            "warning: locaux.toml:8: modalites: unknown value `en-groupe` ignored: expected one of autonomie, individuel, atelier, a-distance, a-ma-place".to_string(),
            "warning: locaux.toml:9: site_web: unsafe link (`data:`): left out; only http(s) links are passed on to residents".to_string(),
            "error: locaux.toml:11: besoins: missing: expected need codes, e.g. besoins = [\"demarches\"]".to_string(),
            "error: locaux.toml:15: code_insee: no commune and no coordinates: give code_insee (or code_postal and commune), or latitude and longitude".to_string(),
        ]
    );
    let kept = actors(&imported);
    assert_eq!(kept.len(), 1);
    assert_eq!((kept[0].id.as_str(), kept[0].website.as_ref()), ("local--club-des-aines", None));
}

#[test]
fn data_inclusion_mistakes_are_errors_or_warnings_with_their_field() {
    let setup = setup();
    let text = r#"[
  {"id": "s", "source": "x", "nom": "EPN de Ruffec", "date_maj": "2026-01-01", "code_insee": "16292",
   "reseaux_porteurs": ["france-service", "reseau-inconnu"]},
  {"id": "a", "structure_id": "s", "source": "x", "nom": "Atelier", "description": "Un atelier.", "date_maj": "2026-01-01",
   "thematiques": ["numerique--maitriser-les-fondamentaux-du-numerique", "numerique--tout-savoir"]},
  {"id": "b", "structure_id": "s", "source": "x", "nom": "Sans thématique", "description": "Rien.", "date_maj": "2026-01-01"},
  {"id": "c", "structure_id": "s", "source": "x", "nom": "Zone illisible", "description": "Zone.", "date_maj": "2026-01-01",
   "thematiques": ["numerique--acceder-a-une-connexion-internet"], "zone_eligibilite": ["16999", "Charente"]},
  {"id": "d", "structure_id": "s", "source": "x", "nom": "Public inconnu", "description": "Public.",
   "thematiques": ["numerique--acquerir-un-equipement"], "publics": ["seniors", "martiens"], "modes_accueil": ["par-pigeon"]}
]"#;
    let imported = setup.import("di.json", text.as_bytes());
    assert_eq!(
        lines(&imported),
        [
            "warning: di.json:2: reseaux_porteurs: unknown value `reseau-inconnu` ignored: expected a data·inclusion réseau porteur",
            "warning: di.json:4: thematiques: unknown value `numerique--tout-savoir` ignored: expected a data·inclusion thematique",
            "error: di.json:6: thematiques: missing: expected the thematiques of the service (what it helps with)",
            "warning: di.json:7: zone_eligibilite: `16999` is not a current commune, EPCI, département (COG 2026) or `france`: ignored",
            "warning: di.json:7: zone_eligibilite: `Charente` is not a current commune, EPCI, département (COG 2026) or `france`: ignored",
            "error: di.json:7: zone_eligibilite: no usable code in `16999|Charente`: the eligibility zone cannot be enforced, so the service is left out",
            "warning: di.json:9: publics: unknown value `martiens` ignored: expected a data·inclusion public",
            "warning: di.json:9: modes_accueil: unknown value `par-pigeon` ignored: expected a-distance or en-presentiel",
            "warning: di.json:9: date_maj: missing: required by data·inclusion, it says whether the service is up to date",
        ]
    );
    let kept: Vec<_> = actors(&imported).iter().map(|a| a.id.clone()).collect();
    assert_eq!(kept, ["a", "d"]);
    assert!(actors(&imported)[0].programmes.contains(Programme::FranceServices));
}

#[test]
fn data_inclusion_services_find_their_structure_in_another_file() {
    let setup = setup();
    let structures = r#"[{"id": "s1", "source": "x", "nom": "CCAS de Cognac", "date_maj": "2026-01-01",
      "code_insee": "16102", "telephone": "05 45 00 00 00", "reseaux_porteurs": ["ccas-cias"]},
     {"id": "s2", "source": "x", "nom": "Seule", "date_maj": "2026-01-01", "code_insee": "16102"}]"#;
    let services = r#"[{"id": "a", "structure_id": "s1", "source": "x", "nom": "Démarches", "description": "Aide.",
      "date_maj": "2026-01-01", "thematiques": ["numerique--acceder-a-des-services-en-ligne"]},
     {"id": "b", "structure_id": "ailleurs", "source": "x", "nom": "Orphelin", "description": "Aide.",
      "date_maj": "2026-01-01", "thematiques": ["numerique--acceder-a-des-services-en-ligne"]}]"#;
    let context = setup.context();
    let inputs = [
        Input { path: Path::new("structures.json"), bytes: structures.as_bytes(), published: None },
        Input { path: Path::new("services.json"), bytes: services.as_bytes(), published: None },
    ];
    let files = import_all(&inputs, None, &context);
    assert_eq!(
        lines(&files[0]),
        ["warning: structures.json:3: id: 1 structure(s) (the first here) have no service in the files given: a structure alone offers nothing, so is not proposed"]
    );
    assert_eq!(
        lines(&files[1]),
        [
            "error: services.json:3: adresse: no address or coordinates, on the service or on its structure, and not à distance: it cannot be located",
            "warning: services.json:3: structure_id: 1 service(s) (the first here) have no structure in the files given: read with their own address and contacts only (give the structures file too)",
        ]
    );
    let actor = files[1].actors().next().expect("the joined service");
    assert_eq!(actor.name, "CCAS de Cognac — Démarches");
    assert_eq!((actor.insee.as_deref(), actor.phone.as_deref()), (Some("16102"), Some("+33545000000")));
    assert!(actor.programmes.contains(Programme::Ccas));
}

#[test]
fn a_named_format_wins_over_detection() {
    let setup = setup();
    let text =
        r#"[{"id": "a", "nom": "EPN", "services": "Aide aux démarches administratives", "code_insee": "16292"}]"#;
    assert_eq!(actors(&setup.import("lieux.json", text.as_bytes())).len(), 1, "detected as médiation numérique");
    // Read as data·inclusion, the same object is a structure: it offers nothing by itself.
    let imported = setup.import_as("lieux.json", text.as_bytes(), Format::DataInclusionJson);
    assert!(actors(&imported).is_empty());
    assert_eq!(
        lines(&imported),
        ["warning: lieux.json:1: id: 1 structure(s) (the first here) have no service in the files given: a structure alone offers nothing, so is not proposed"]
    );
}
