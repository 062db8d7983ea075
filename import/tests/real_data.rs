//! The real directories shipped in `data/real`, the standards' official examples and the
//! project's example files: what each gives, kept and reported, so that a change in a reader
//! shows here as a count that moved.

use std::collections::BTreeMap;
use std::path::Path;

use aiguillage_engine::calendar::Date;
use aiguillage_engine::territory::Communes;
use aiguillage_engine::vocab::{Fee, Mode, Programme, Public, Support};
use aiguillage_engine::{Actor, CompactStr, Taxonomy};
use aiguillage_import::merge::one_card_per_place;
use aiguillage_import::sources::{import_all, Input};
use aiguillage_import::Context;
use aiguillage_import::Imported;
use aiguillage_import::{project, quality, reference, Report, Severity};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

struct Setup {
    taxonomy: Taxonomy,
    communes: Communes,
}

fn setup() -> Setup {
    Setup { taxonomy: project::shipped().expect("shipped data").0, communes: reference::france() }
}

/// The day the expectations below were written for: staleness depends on it.
fn today() -> Date {
    Date::from_ymd(2026, 6, 1).unwrap()
}

impl Setup {
    /// Imports files together and reviews them, as `aiguillage validate` does.
    fn validate(&self, files: &[&str]) -> Vec<Imported> {
        let contents: Vec<(&str, Vec<u8>)> =
            files.iter().map(|f| (*f, std::fs::read(Path::new(ROOT).join(f)).expect("shipped file"))).collect();
        let mut imported = self.import(&contents);
        quality::review(&mut imported, today());
        imported
    }

    /// Imports files given as names and bytes, without the review.
    fn import(&self, files: &[(&str, Vec<u8>)]) -> Vec<Imported> {
        let inputs: Vec<Input<'_>> =
            files.iter().map(|(f, bytes)| Input { path: Path::new(f), bytes, published: None }).collect();
        let context = Context { taxonomy: &self.taxonomy, communes: &self.communes, today: today(), horizon_days: 30 };
        import_all(&inputs, None, &context)
    }

    fn need(&self, code: &str) -> u8 {
        self.taxonomy.need_id(code).expect("need code")
    }
}

/// Kept, errors, and warnings counted by field.
fn summary(imported: &Imported) -> (usize, usize, BTreeMap<String, usize>) {
    let errors = imported.report.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let mut warnings = BTreeMap::new();
    for d in imported.report.diagnostics.iter().filter(|d| d.severity == Severity::Warning) {
        *warnings.entry(d.field.clone()).or_insert(0) += 1;
    }
    (imported.entries.len(), errors, warnings)
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

fn by_id<'a>(imported: &'a Imported, id: &str) -> &'a Actor {
    imported.actors().find(|a| a.id == id).unwrap_or_else(|| panic!("actor {id}"))
}

#[test]
fn charente_lieux_2023() {
    let setup = setup();
    let file = &setup.validate(&["data/real/charente-lieux-mediation-numerique-2023.json"])[0];
    assert_eq!(
        summary(file),
        (
            188,
            0,
            counts(&[
                ("code_insee", 13),
                // Records older than a year (one line for the file), and a `1970-01-01` read as unknown.
                ("date_maj", 2),
                ("longitude", 1),
                ("nom", 14),
                ("site_web", 4),
                ("telephone", 93)
            ])
        )
    );
    // CoCowork, Cognac: a lost minus sign on the longitude, repaired.
    let cocowork = by_id(file, "mediation-numerique-france-tiers-lieux-6018f95a69086482678b4757-mediation-numerique");
    assert_eq!(cocowork.point.map(|p| p.lon_e5), Some(-33_310));
    assert_eq!(cocowork.insee.as_deref(), Some("16102"));
}

#[test]
fn charente_bus_france_services_2023() {
    let setup = setup();
    let file = &setup.validate(&["data/real/charente-bus-france-services-2023.json"])[0];
    // Every stop is dated `1969-12-31` (an empty Unix time): read as unknown, one warning each.
    assert_eq!(summary(file), (12, 0, counts(&[("date_maj", 12), ("latitude", 1)])));
    assert!(file.actors().all(|a| a.updated.is_none()), "no resident is told of 1969");
    // v0 services with `;`: the bus helps with démarches and devices, and moves.
    let stop = by_id(file, "4");
    assert!(stop.needs.contains(setup.need("demarches")) && stop.needs.contains(setup.need("materiel")));
    // Its point is in Provence, its commune in Charente: the commune centre is used.
    assert_eq!((stop.point, stop.insee.as_deref()), (None, Some("16392")));
    assert!(stop.programmes.contains(Programme::FranceServices));
}

#[test]
fn conseillers_numeriques_nouvelle_aquitaine_2022_is_v0() {
    let setup = setup();
    let file = &setup.validate(&["data/real/conseillers-numeriques-nouvelle-aquitaine-2022.json"])[0];
    assert_eq!(
        summary(file),
        (
            734,
            0,
            counts(&[
                ("code_insee", 32),
                ("date_maj", 1),
                // 6, plus 3 spans written `14:00-14:00` (e.g. `Th 09:00-12:00,14:00-14:00`),
                // which OSM reads as open 24 hours.
                ("horaires", 9),
                ("latitude", 2),
                ("nom", 35),
                // `http://` links, passed on as `https://` (said).
                ("site_web", 28),
                // Unreachable places (no phone, e-mail, booking link or hours); 6 more have only a booking link.
                ("telephone", 62)
            ])
        )
    );
    let bases = setup.need("bases-numeriques");
    assert_eq!(file.actors().filter(|a| a.needs.contains(bases)).count(), 734);
    // `conditions_access` (sic) is the v0 field this export uses for fees.
    assert_eq!(file.actors().filter(|a| a.fees.contains(Fee::Gratuit)).count(), 734);
}

#[test]
fn hinaura_auvergne_rhone_alpes_2022_is_v0() {
    let setup = setup();
    let file = &setup.validate(&["data/real/hinaura-auvergne-rhone-alpes-2022.json"])[0];
    assert_eq!(
        summary(file),
        (
            687,
            0,
            counts(&[
                ("code_insee", 46),
                ("date_maj", 1),
                ("latitude", 1),
                ("nom", 12),
                ("site_web", 153),
                ("telephone", 4)
            ])
        )
    );
    // Every link reaches residents, upgraded to https where the file says http.
    assert!(file.actors().filter_map(|a| a.website.as_deref()).all(|w| w.starts_with("https://")));
    let seniors = file.actors().filter(|a| a.publics.contains(Public::Seniors)).count();
    let deaf = file.actors().filter(|a| a.supports.contains(Support::Surdite)).count();
    assert_eq!((seniors, deaf), (567, 172));
}

#[test]
fn the_four_real_files_together_find_duplicates_across_files() {
    let setup = setup();
    let files = setup.validate(&[
        "data/real/charente-lieux-mediation-numerique-2023.json",
        "data/real/charente-bus-france-services-2023.json",
        "data/real/conseillers-numeriques-nouvelle-aquitaine-2022.json",
        "data/real/hinaura-auvergne-rhone-alpes-2022.json",
    ]);
    let kept: Vec<usize> = files.iter().map(|f| f.entries.len()).collect();
    assert_eq!(kept, [188, 12, 734, 687]);
    let across = files[2]
        .report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("data/real/charente-lieux-mediation-numerique-2023.json:"))
        .count();
    assert_eq!(across, 63, "Charente permanences of the Nouvelle-Aquitaine file are also in the Charente file");
}

#[test]
fn official_example_v0_1_1() {
    let setup = setup();
    let file = &setup.validate(&["data/standards/mediation-numerique/exemple-valide-v0.1.1.csv"])[0];
    let lines: Vec<String> = file.report.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "warning: data/standards/mediation-numerique/exemple-valide-v0.1.1.csv:2: latitude: (43.52609, 5.41423) is 645 km from the centre of Reims (51454): the commune centre is used instead (check the coordinates)",
            "warning: data/standards/mediation-numerique/exemple-valide-v0.1.1.csv:2: date_maj: last updated 2022-06-02, more than 12 months before 2026-06-01: check the place still exists and its details still hold",
        ]
    );
    let actor = by_id(file, "structure-1");
    assert!(actor.needs.contains(setup.need("demarches")) && actor.needs.contains(setup.need("bases-numeriques")));
    assert_eq!(actor.fees.iter().collect::<Vec<_>>(), [Fee::Payant, Fee::PassNumerique]);
    assert_eq!(
        actor.programmes.iter().collect::<Vec<_>>(),
        [Programme::FranceServices, Programme::Aptic, Programme::PointNumeriqueCaf]
    );
    assert_eq!(actor.modes.iter().collect::<Vec<_>>(), [Mode::Autonomie, Mode::Individuel]);
    assert_eq!(actor.publics.iter().collect::<Vec<_>>(), [Public::Familles]);
    assert_eq!(actor.supports.iter().collect::<Vec<_>>(), [Support::DeficienceVisuelle]);
    assert_eq!(actor.website.as_deref(), Some("https://www.laquincaillerie.tl/"));
    assert_eq!(actor.email.as_deref(), Some("contact@laquincaillerie.tl"));
    assert_eq!(actor.booking_url.as_deref(), Some("https://www.rdv-solidarites.fr/"));
}

#[test]
fn official_example_v1_0_2() {
    let setup = setup();
    let file = &setup.validate(&["data/standards/mediation-numerique/exemple-valide-v1.0.2.csv"])[0];
    let fields: Vec<&str> = file.report.diagnostics.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["latitude", "date_maj"], "{:?}", file.report.diagnostics);
    let actor = by_id(file, "structure-1");
    for need in ["bases-numeriques", "emploi", "culture-numerique", "culture-numerique-creation"] {
        assert!(actor.needs.contains(setup.need(need)), "{need}");
    }
    assert!(actor.itinerant);
    assert_eq!(
        actor.modes.iter().collect::<Vec<_>>(),
        [Mode::Autonomie, Mode::Individuel, Mode::Atelier, Mode::ADistance]
    );
    assert_eq!(
        actor.programmes.iter().collect::<Vec<_>>(),
        [Programme::AidantsConnect, Programme::ConseillerNumerique, Programme::CroixRouge]
    );
    assert_eq!(actor.publics.iter().collect::<Vec<_>>(), [Public::Jeunes, Public::Femmes]);
    assert_eq!(
        actor.supports.iter().collect::<Vec<_>>(),
        [Support::Surdite, Support::Illettrisme, Support::LangueAnglais]
    );
    assert_eq!(actor.fees.iter().collect::<Vec<_>>(), [Fee::GratuitSousCondition, Fee::Payant]);
    assert_eq!(actor.email.as_deref(), Some("contact@laquincaillerie.tl"));
}

#[test]
fn example_data_inclusion_file() {
    let setup = setup();
    let file = &setup.validate(&["data/examples/data-inclusion-charente.json"])[0];
    let lines: Vec<String> = file.report.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        ["warning: data/examples/data-inclusion-charente.json:66: thematiques: 1 service(s) (the first here) have no thematique of the taxonomy's needs: outside digital inclusion, left out"]
    );
    let ids: Vec<&str> = file.entries.iter().map(|e| e.actor.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "exemple--ccas-cognac--demarches",
            "exemple--france-travail-angouleme--atelier-cv",
            "exemple--france-services-confolens--smartphone",
            "exemple--france-services-confolens--poste-libre",
        ]
    );
    // Address, phone, hours and networks come from the structure.
    let ccas = by_id(file, "exemple--ccas-cognac--demarches");
    assert_eq!(ccas.name, "CCAS de Cognac (exemple fictif) — Accompagnement aux démarches en ligne");
    assert_eq!((ccas.insee.as_deref(), ccas.phone.as_deref()), (Some("16102"), Some("+33536491610")));
    assert_eq!(ccas.hours.source_text(), Some("Mo-Fr 09:00-12:00,13:30-17:00; PH off"));
    assert_eq!(ccas.zone.as_ref().map(|z| z.communes.clone()), Some(vec![CompactStr::from("16102")]));
    assert!(ccas.programmes.contains(Programme::Ccas) && ccas.modes.contains(Mode::Individuel));
    assert!(ccas.needs.contains(setup.need("demarches")));
    // Its own hours and zone; remote as well as on site.
    let cv = by_id(file, "exemple--france-travail-angouleme--atelier-cv");
    assert!(cv.is_remote() && cv.modes.contains(Mode::Atelier) && cv.publics.contains(Public::Jeunes));
    assert_eq!(cv.hours.source_text(), Some("Tu,Th 14:00-16:30; PH off"));
    assert_eq!(cv.zone.as_ref().map(|z| z.departements.clone()), Some(vec![CompactStr::from("16")]));
    assert_eq!(cv.booking_url.as_deref(), Some("https://example.org/france-travail/atelier-cv"));
    let seniors = by_id(file, "exemple--france-services-confolens--smartphone");
    assert_eq!(seniors.zone.as_ref().map(|z| z.epcis.clone()), Some(vec![CompactStr::from("200072049")]));
    assert!(seniors.publics.contains(Public::Seniors));
    assert!(
        seniors.programmes.contains(Programme::AidantsConnect)
            && seniors.programmes.contains(Programme::FranceServices)
    );
    // Its own address (the INSEE code derived from postal code and name), the structure's e-mail.
    let annexe = by_id(file, "exemple--france-services-confolens--poste-libre");
    assert_eq!(annexe.insee.as_deref(), Some("16070"));
    assert_eq!(annexe.email.as_deref(), Some("france-services-confolens@example.org"));
    assert!(annexe.needs.contains(setup.need("materiel-acces")));
}

#[test]
fn data_inclusion_v0_fields_are_read_where_they_map() {
    let setup = setup();
    let text = r#"{"services": [
      {"id": "v0", "structure_id": "s", "source": "x", "nom": "Atelier ordinateur", "date_maj": "2026-01-01",
       "thematiques": ["numerique--prendre-en-main-un-ordinateur"], "profils": ["seniors-65", "surdite"],
       "types": ["atelier", "delegation"], "frais": ["pass-numerique"],
       "zone_diffusion_type": "region", "zone_diffusion_code": "75", "code_insee": "16015"}]}"#;
    let context = Context { taxonomy: &setup.taxonomy, communes: &setup.communes, today: today(), horizon_days: 30 };
    let file =
        &import_all(&[Input { path: Path::new("v0.json"), bytes: text.as_bytes(), published: None }], None, &context)
            [0];
    let actor = by_id(file, "v0");
    assert!(actor.needs.contains(setup.need("bases-numeriques")));
    assert!(actor.publics.contains(Public::Seniors) && actor.supports.contains(Support::Surdite));
    assert!(actor.modes.contains(Mode::Atelier) && actor.modes.contains(Mode::AMaPlace));
    assert!(actor.fees.contains(Fee::PassNumerique));
    let zone = actor.zone.as_ref().expect("zone");
    assert_eq!(zone.departements.len(), 12);
    assert!(zone.departements.iter().any(|d| d == "16"));
}

#[test]
fn example_native_file() {
    let setup = setup();
    let file = &setup.validate(&["data/examples/acteurs-locaux-charente.toml"])[0];
    assert!(file.report.diagnostics.is_empty(), "{:?}", file.report.diagnostics);
    assert_eq!(file.entries.len(), 5);
    let club = by_id(file, "exemple-club-aines-ruffec");
    assert!(club.needs.contains(setup.need("bases-numeriques")) && club.needs.contains(setup.need("securite")));
    assert!(club.publics.contains(Public::Seniors) && club.modes.contains(Mode::Atelier));
    assert_eq!((club.insee.as_deref(), club.phone.as_deref()), (Some("16292"), Some("+33536491601")));
    assert_eq!(club.updated, Date::from_ymd(2026, 1, 15));
    // A sub-need counts for its parent.
    let secours = by_id(file, "exemple-secours-populaire-cognac");
    assert!(secours.needs.contains(setup.need("demarches-caf")) && secours.needs.contains(setup.need("demarches")));
    let cci = by_id(file, "exemple-cci-angouleme");
    assert!(cci.needs.contains(setup.need("entreprise")) && cci.programmes.contains(Programme::ChambreConsulaire));
    assert!(cci.is_remote());
    let mission = by_id(file, "exemple-mission-locale-confolens");
    assert!(mission.itinerant && mission.publics.contains(Public::Jeunes));
    assert_eq!(mission.zone.as_ref().map(|z| z.epcis.clone()), Some(vec![CompactStr::from("200072049")]));
}

// --- The public-service directories and one card per place -------------------------------
// Counts are taken from the files themselves (by a plain CSV reading), not from the importer.

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
    let imported = &setup().validate(&[file])[0];
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
    let imported = &setup.validate(&[file])[0];
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
    assert!(cci.actor.needs.contains(setup.need("entreprise")));
    assert_eq!(cci.actor.insee.as_deref(), Some("16102"));
    assert_eq!(cci.actor.phone.as_deref(), Some("+33545363232"));
    assert_eq!(cci.actor.updated, Date::from_ymd(2019, 1, 1));
    let mission_locale = expected.iter().filter(|r| r["tag_string"] == "mission_locale").count();
    let young = imported
        .entries
        .iter()
        .filter(|e| e.actor.publics.contains(Public::Jeunes) && e.actor.needs.contains(setup.need("emploi")));
    assert!(young.count() >= mission_locale);
}

#[test]
fn the_annuaire_file_and_the_api_give_the_same_places() {
    let setup = setup();
    let imported = setup.validate(&[
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
    let imported = setup.validate(&[
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
    assert!(chambre[0].needs.contains(setup.need("bases-numeriques")));
    assert!(chambre[0].needs.contains(setup.need("culture-numerique")), "the needs of both records");
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
    assert!(card.needs.contains(setup.need("bases-numeriques")) && card.needs.contains(setup.need("emploi")));
    assert_eq!(card.source.as_str(), "fichier B · fichier A");
    assert_eq!(report.diagnostics.len(), 2);
}

#[test]
fn one_counter_with_two_names_is_one_card_but_a_shared_switchboard_is_not() {
    let setup = setup();
    let places = r#"
[[lieu]]
id = "france-services-val-de-charente"
nom = "France services Val de Charente"
besoins = ["demarches"]
code_insee = "16292"
adresse = "5 boulevard des Grands Rocs"
latitude = 46.0297
longitude = 0.1972
telephone = "05 45 30 34 00"
source = "liste France services"

[[lieu]]
id = "cc-val-de-charente"
nom = "Communauté de Communes Val de Charente"
besoins = ["demarches"]
code_insee = "16292"
adresse = "9 bd des Grands Rocs"
latitude = 46.0301
longitude = 0.1980
telephone = "+33 5 45 30 34 00"
source = "Annuaire"

[[lieu]]
id = "antenne-villefagnan"
nom = "Antenne de Villefagnan"
besoins = ["demarches"]
code_insee = "16409"
latitude = 46.0117
longitude = 0.0797
telephone = "05 45 30 34 00"
source = "Annuaire"

[[lieu]]
id = "agence-a"
nom = "Agence Bussatte"
besoins = ["emploi"]
code_insee = "16015"
latitude = 45.6484
longitude = 0.1562
telephone = "39 49"
source = "x"

[[lieu]]
id = "agence-b"
nom = "Agence Montbron"
besoins = ["emploi"]
code_insee = "16015"
latitude = 45.6487
longitude = 0.1565
telephone = "39 49"
courriel = "Accueil@Exemple.fr"
source = "x"

[[lieu]]
id = "agence-c"
nom = "Accueil de la rue Montbron"
besoins = ["emploi"]
code_insee = "16015"
latitude = 45.6490
longitude = 0.1570
courriel = "accueil@exemple.fr"
source = "y"
"#;
    let imported = setup.import(&[("lieux.toml", places.as_bytes().to_vec())]);
    let mut report = Report::new("(bundle)");
    let cards = one_card_per_place(imported, &mut report);
    let ids: Vec<&str> = cards.iter().map(|c| c.id.as_str()).collect();
    // The same number 80 m apart: one counter. The same number 9 km away (a switchboard) and a
    // short national number shared by two agencies: apart. The same e-mail 60 m away: one card.
    assert_eq!(
        ids,
        ["france-services-val-de-charente", "antenne-villefagnan", "agence-a", "agence-b"],
        "{:?}",
        report.diagnostics
    );
    let reasons: Vec<&str> = report.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[0].contains("same phone number nearby"), "{reasons:?}");
    assert!(reasons[1].contains("same e-mail nearby"), "{reasons:?}");
    assert_eq!(cards[0].source.as_str(), "liste France services · Annuaire");
}

#[test]
fn what_is_said_of_a_one_line_answer_names_the_record() {
    let setup = setup();
    // The real Charente export, its first three places written on one line, the second with a
    // phone that is not one.
    let all: Vec<serde_json::Value> = serde_json::from_slice(
        &std::fs::read(Path::new(ROOT).join("data/real/charente-lieux-mediation-numerique-2023.json")).unwrap(),
    )
    .unwrap();
    let mut three: Vec<serde_json::Value> = all.into_iter().take(3).collect();
    three[1]["telephone"] = "pas de numéro".into();
    let second_id = three[1]["id"].as_str().unwrap().to_string();
    let one_line = serde_json::to_vec(&three).unwrap();
    // The same places as data·inclusion pages write them, and as the Annuaire's records API.
    let items = br#"{"items": [{"id": "s1", "nom": "A", "code_insee": "16292", "telephone": "0545000000"}, {"id": "s2", "nom": "B", "code_insee": "16292", "courriel": "pas-un-courriel"}]}"#;
    let records = br#"{"total_count": 2, "results": [{"id": "r1", "nom": "CCAS de Ruffec", "pivot": "[{\"type_service_local\": \"ccas\", \"code_insee_commune\": [\"16292\"]}]", "code_insee_commune": "16292"}, {"id": "r2", "nom": "CAF", "pivot": "[{\"type_service_local\": \"caf\", \"code_insee_commune\": [\"16015\"]}]", "code_insee_commune": "16015", "adresse_courriel": "pas-un-courriel"}]}"#;
    let imported =
        setup.import(&[("export.json", one_line), ("pages.json", items.to_vec()), ("records.json", records.to_vec())]);
    let said = |file: usize| imported[file].report.diagnostics.iter().map(|d| d.to_string()).collect::<Vec<_>>();
    let phone = said(0).into_iter().find(|d| d.contains("telephone")).expect("the bad phone is said");
    assert!(
        phone.contains("export.json:1: telephone:") && phone.ends_with(&format!("[[1] (id {second_id})]")),
        "{phone}"
    );
    let email = said(1).into_iter().find(|d| d.contains("courriel")).expect("the bad e-mail is said");
    assert!(email.contains("pages.json:1:") && email.ends_with("[items[1] (id s2)]"), "{email}");
    let annuaire = said(2).into_iter().find(|d| d.contains("courriel")).expect("the bad e-mail is said");
    assert!(annuaire.contains("records.json:1:") && annuaire.ends_with("[results[1] (id r2)]"), "{annuaire}");
    // A file with a record a line names each record by its line alone.
    let lines = setup.validate(&["data/real/charente-lieux-mediation-numerique-2023.json"]);
    assert!(lines[0].report.diagnostics.iter().all(|d| d.record.is_none()));
}
