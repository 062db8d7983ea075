//! The public-service directories on the real shipped files (the national France Services list,
//! the Annuaire de l'administration's 2019 Charente extract) and the Annuaire's JSON shapes; and
//! one card per place. Counts are taken from the files themselves (by a plain CSV reading here),
//! not copied from the importer's output.

use std::path::Path;

use aiguillage_engine::calendar::Date;
use aiguillage_engine::territory::Communes;
use aiguillage_engine::vocab::{Programme, Public};
use aiguillage_engine::{Actor, Taxonomy};
use aiguillage_import::mediation::Context;
use aiguillage_import::merge::one_card_per_place;
use aiguillage_import::sources::{import_all, Imported, Input};
use aiguillage_import::{project, reference, Report, Severity};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

struct Setup {
    taxonomy: Taxonomy,
    communes: Communes,
}

fn setup() -> Setup {
    Setup { taxonomy: project::shipped().expect("shipped data").0, communes: reference::france() }
}

impl Setup {
    fn import(&self, files: &[(&str, Vec<u8>)]) -> Vec<Imported> {
        let inputs: Vec<Input<'_>> = files.iter().map(|(f, bytes)| Input { path: Path::new(f), bytes }).collect();
        let context = Context {
            taxonomy: &self.taxonomy,
            communes: &self.communes,
            today: Date::from_ymd(2026, 12, 1).unwrap(),
            horizon_days: 30,
        };
        import_all(&inputs, None, &context)
    }

    fn shipped(&self, files: &[&str]) -> Vec<Imported> {
        let files: Vec<(&str, Vec<u8>)> =
            files.iter().map(|f| (*f, std::fs::read(Path::new(ROOT).join(f)).expect("shipped file"))).collect();
        self.import(&files)
    }

    fn offers(&self, actor: &Actor, need: &str) -> bool {
        actor.needs.contains(self.taxonomy.need_id(need).expect("need"))
    }
}

/// The rows of a CSV file as maps, read with the csv crate alone.
fn rows(file: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(Path::new(ROOT).join(file)).expect("shipped CSV");
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| headers.iter().map(String::from).zip(r.expect("row").iter().map(String::from)).collect())
        .collect()
}

#[test]
fn the_national_france_services_list_gives_every_site_with_its_hours() {
    let file = "data/real/france-services-2024-08-01.csv";
    let expected = rows(file);
    let imported = &setup().shipped(&[file])[0];
    let errors: Vec<_> = imported.report.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(imported.entries.len(), expected.len(), "every site of the list is usable");
    let in_charente = expected.iter().filter(|r| r["insee_dep"] == "16").count();
    let kept_in_charente =
        imported.entries.iter().filter(|e| e.actor.insee.as_deref().is_some_and(|c| c.starts_with("16"))).count();
    assert_eq!(kept_in_charente, in_charente);
    let with_hours = expected
        .iter()
        .filter(|r| {
            ["h_lundi", "h_mardi", "h_mercredi", "h_jeudi", "h_vendredi", "h_samedi"]
                .iter()
                .any(|d| !r[*d].trim().is_empty())
        })
        .count();
    let compiled = imported.entries.iter().filter(|e| e.actor.hours.source_text().is_some()).count();
    assert_eq!(compiled, with_hours, "a site with hours on any day has hours");
    let itinerant =
        expected.iter().filter(|r| matches!(r["format_fs"].as_str(), "Bus_équivalent" | "Itinérante")).count();
    assert_eq!(imported.entries.iter().filter(|e| e.actor.itinerant).count(), itinerant);
    for entry in &imported.entries {
        assert!(entry.actor.programmes.contains(Programme::FranceServices), "{}", entry.actor.id);
        assert_eq!(entry.actor.updated, Date::from_ymd(2024, 8, 1), "the date of the file's name");
    }
    let ruffec_bus =
        imported.entries.iter().find(|e| e.actor.name == "Bus France services du Ruffecois").expect("the Ruffec bus");
    assert!(ruffec_bus.actor.itinerant);
}

#[test]
fn the_2019_annuaire_extract_keeps_the_typed_services_and_counts_what_it_leaves_out() {
    let file = "data/real/annuaire-service-public-2019-charente.csv";
    let expected = rows(file);
    let setup = setup();
    let imported = &setup.shipped(&[file])[0];
    let (types, _) = (project::shipped_service_types().expect("service types"), ());
    let proposed =
        |tag: &str| types.iter().any(|t| !t.needs.is_empty() && t.codes.iter().any(|c| tag.split(' ').any(|w| w == c)));
    let usable = expected.iter().filter(|r| proposed(&r["tag_string"])).count();
    assert_eq!(imported.entries.len(), usable);
    let mairies = expected.iter().filter(|r| r["tag_string"] == "mairie").count();
    assert!(mairies > 300);
    let said = imported
        .report
        .diagnostics
        .iter()
        .find(|d| d.field == "type" && d.message.contains("`mairie`"))
        .expect("the mairies are said");
    assert!(said.message.starts_with(&format!("{mairies} rows")), "{}", said.message);
    let cci = imported.entries.iter().find(|e| e.actor.id == "annuaire-cci-16102-01").expect("the CCI in Cognac");
    assert!(setup.offers(&cci.actor, "entreprise"));
    assert_eq!(cci.actor.insee.as_deref(), Some("16102"));
    assert_eq!(cci.actor.phone.as_deref(), Some("+33545363232"));
    assert_eq!(cci.actor.updated, Date::from_ymd(2019, 1, 1));
    let mission_locale = expected.iter().filter(|r| r["tag_string"] == "mission_locale").count();
    let young = imported
        .entries
        .iter()
        .filter(|e| e.actor.publics.contains(Public::Jeunes) && setup.offers(&e.actor, "emploi"));
    assert!(young.count() >= mission_locale);
}

#[test]
fn the_annuaire_file_and_the_api_give_the_same_places() {
    let setup = setup();
    let imported = setup.shipped(&[
        "data/examples/annuaire-service-public-exemple.json",
        "data/examples/annuaire-service-public-exemple-api.json",
    ]);
    let (file, api) = (&imported[0], &imported[1]);
    assert_eq!(file.entries.len(), 3);
    for (a, b) in file.entries.iter().zip(&api.entries) {
        assert_eq!(a.actor, b.actor, "the same organisation, nested or as JSON text");
    }
    let france_services = &file.entries[0].actor;
    assert!(france_services.programmes.contains(Programme::FranceServices));
    assert_eq!(france_services.hours.source_text(), Some("Mo-Fr 09:00-12:30,13:30-17:00; Sa 09:00-12:00; PH off"));
    assert_eq!(france_services.updated, Date::from_ymd(2025, 3, 14));
    assert!(france_services.point.is_some());
}

#[test]
fn records_of_one_place_become_one_card_with_every_source() {
    // The Chambre d'agriculture's office in Confolens, in the médiation export and in the
    // Conseillers numériques file ("2 - 4 Allée des Freniers" and "4 Allee des Freniers").
    let setup = setup();
    let imported = setup.shipped(&[
        "data/real/charente-lieux-mediation-numerique-2023.json",
        "data/real/conseillers-numeriques-nouvelle-aquitaine-2022.json",
    ]);
    let before = imported.iter().map(|f| f.entries.len()).sum::<usize>();
    let mut report = Report::new("(bundle)");
    let cards = one_card_per_place(imported, &mut report);
    let chambre: Vec<&Actor> = cards
        .iter()
        .filter(|a| {
            a.name.starts_with("Chambre d'agriculture de la Charente")
                && a.commune_name.eq_ignore_ascii_case("Confolens")
        })
        .collect();
    assert_eq!(chambre.len(), 1, "one card");
    assert!(setup.offers(chambre[0], "bases-numeriques"));
    assert!(setup.offers(chambre[0], "culture-numerique"), "the needs of both records");
    assert_eq!(cards.len() + report.diagnostics.len(), before, "each merge is reported once");
    assert!(report.diagnostics.iter().all(|d| d.message.contains("describe the same place")));
}

#[test]
fn what_merges_and_what_does_not() {
    let toml = |places: &str| places.as_bytes().to_vec();
    let setup = setup();
    let a = toml(
        r#"
[[lieu]]
id = "a"
nom = "Espace numérique de Ruffec"
besoins = ["bases-numeriques"]
code_insee = "16292"
adresse = "2 rue des Écoles"
latitude = 46.0286
longitude = 0.1978
telephone = "05 45 00 00 01"
date_maj = "2025-01-10"
source = "fichier A"

[[lieu]]
id = "loin"
nom = "Espace numérique de Ruffec"
besoins = ["bases-numeriques"]
code_insee = "16292"
latitude = 46.0386
longitude = 0.1978
source = "fichier A"
"#,
    );
    let b = toml(
        r#"
[[lieu]]
id = "b"
nom = "ESPACE NUMERIQUE RUFFEC"
besoins = ["emploi"]
code_insee = "16292"
latitude = 46.0290
longitude = 0.1980
courriel = "contact@exemple.fr"
date_maj = "2026-03-01"
source = "fichier B"

[[lieu]]
id = "voisin"
nom = "Médiathèque"
besoins = ["bases-numeriques"]
code_insee = "16292"
adresse = "2 rue des Ecoles"
source = "fichier B"

[[lieu]]
id = "autre-rue"
nom = "Club"
besoins = ["bases-numeriques"]
code_insee = "16292"
adresse = "3 rue des Écoles"
source = "fichier B"
"#,
    );
    let imported = setup.import(&[("a.toml", a), ("b.toml", b)]);
    let mut report = Report::new("(bundle)");
    let cards = one_card_per_place(imported, &mut report);
    let ids: Vec<&str> = cards.iter().map(|c| c.id.as_str()).collect();
    // `b` is the freshest: its id and name lead; `a` (same name, 40 m) and `voisin` (same
    // address as `a`) join it; `loin` (same name, 1.1 km) and `autre-rue` stay apart.
    assert_eq!(ids, ["b", "loin", "autre-rue"], "{:?}", report.diagnostics);
    let card = &cards[0];
    assert_eq!(card.name, "ESPACE NUMERIQUE RUFFEC");
    assert_eq!(card.phone.as_deref(), Some("+33545000001"), "what the freshest lacks comes from the others");
    assert_eq!(card.email.as_deref(), Some("contact@exemple.fr"));
    assert!(setup.offers(card, "bases-numeriques") && setup.offers(card, "emploi"));
    assert_eq!(card.source.as_str(), "fichier B · fichier A");
    assert_eq!(report.diagnostics.len(), 2);
}
