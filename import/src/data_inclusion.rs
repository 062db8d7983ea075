//! data·inclusion v1 (schema v1.0.8): structures and their services, as JSON.
//!
//! Accepted shapes:
//! - a JSON array of services, of structures, or both mixed (an object with a `structure_id` key
//!   is a service, any other a structure);
//! - a JSON object `{"structures": [...], "services": [...]}` (either list may be absent), or the
//!   API's paginated `{"items": [...]}` (classified like an array).
//!
//! Structures and services may come in separate files given together: a service finds its
//! structure in any of them. A structure says *where* and *how to reach* (address, contacts,
//! hours, networks); a service says *what* (thematiques, publics, modes, fees, eligibility zone).
//! Each usable service becomes one actor; a service without an address, contacts or hours of its
//! own takes its structure's. Structures alone are not proposed: they offer nothing.
//!
//! v0 (schema 0.27) fields are read where they map without guessing: `profils`, `types`, list
//! `frais`, `zone_diffusion_type`/`zone_diffusion_code`, `labels_nationaux`, `typologie`,
//! `horaires_ouverture`, `presentation_resume`, `prise_rdv`, and the v0 thematiques
//! `numerique--…`, which are the médiation numérique v0.1 services written as slugs.

use std::collections::{HashMap, HashSet};

use aiguillage_engine::calendar::Holidays;
use aiguillage_engine::hours::Hours;
use aiguillage_engine::taxonomy::{NeedSet, Taxonomy};
use aiguillage_engine::territory::fold;
use aiguillage_engine::vocab::{Fee, Mode, Programme, Public, Set, Support};
use aiguillage_engine::Actor;

use crate::diagnostic::Report;
use crate::fields::{self, locate, scan_text, split_list, Located, LOCATION_FIELDS};
use crate::mediation::programme_of_typology;
use crate::records::{element_lines, name_records_on_shared_lines, parse_json, records_of, Record};
use crate::Context;
use crate::Entry;

const THEMATIQUES_V1: &str = include_str!("../../data/standards/data-inclusion/v1.0.8-thematiques.json");
const THEMATIQUES_V0: &str = include_str!("../../data/standards/data-inclusion/v0.27.0-thematiques.json");
const PUBLICS_V1: &str = include_str!("../../data/standards/data-inclusion/v1.0.8-publics.json");
const PROFILS_V0: &str = include_str!("../../data/standards/data-inclusion/v0.27.0-profils.json");
const RESEAUX_V1: &str = include_str!("../../data/standards/data-inclusion/v1.0.8-reseaux-porteurs.json");
const LABELS_V0: &str = include_str!("../../data/standards/data-inclusion/v0.27.0-labels-nationaux.json");

/// Service descriptions may run to 10,000 characters; the widget shows a short summary.
const SUMMARY_CHARS: usize = 400;

/// Fields holding links, checked by [`fields::link`] rather than as text.
const LINK_FIELDS: &[&str] = &[
    "site_web",
    "lien_source",
    "lien_mobilisation",
    "accessibilite_lieu",
    "accessibilite",
    "prise_rdv",
    "formulaire_en_ligne",
    "page_web",
];

/// One file's records, before mapping.
#[derive(Debug, Default)]
pub struct DiFile {
    pub structures: Vec<Record>,
    pub services: Vec<Record>,
}

impl DiFile {
    pub fn is_empty(&self) -> bool {
        self.structures.is_empty() && self.services.is_empty()
    }
}

/// Reads one file in any of the accepted shapes.
pub fn read(text: &str, report: &mut Report) -> DiFile {
    let Some(value) = parse_json(text, report) else { return DiFile::default() };
    let lines = element_lines(text);
    let mut file = DiFile::default();
    match value {
        serde_json::Value::Array(items) => {
            let mut records = records_of(items, &lines.top, report);
            name_records_on_shared_lines(&mut records, "");
            classify(records, &mut file)
        }
        serde_json::Value::Object(mut object) => {
            let mut found = false;
            for key in ["structures", "services", "items"] {
                let Some(value) = object.remove(key) else { continue };
                let serde_json::Value::Array(items) = value else {
                    report.error(1, key, "expected a JSON array of objects");
                    continue;
                };
                found = true;
                let mut records = records_of(items, lines.of_key(key), report);
                name_records_on_shared_lines(&mut records, key);
                match key {
                    "structures" => file.structures.extend(records),
                    "services" => file.services.extend(records),
                    _ => classify(records, &mut file),
                }
            }
            if !found {
                report.error(
                    1,
                    "(file)",
                    "expected a JSON array of services or structures, or an object with `structures` and `services` arrays",
                );
            }
        }
        _ => report.error(1, "(file)", "expected a JSON array of services or structures"),
    }
    file
}

fn classify(records: Vec<Record>, file: &mut DiFile) {
    for record in records {
        if record.fields.iter().any(|(k, _)| k == "structure_id") {
            file.services.push(record);
        } else {
            file.structures.push(record);
        }
    }
}

/// The values of a référentiel file (`[{"value": …}, …]`).
fn referentiel(json: &str) -> Vec<String> {
    let parsed: Vec<serde_json::Value> = serde_json::from_str(json).unwrap_or_default();
    parsed.iter().filter_map(|v| v["value"].as_str().map(str::to_string)).collect()
}

/// The closed vocabularies of both versions, and the taxonomy's thematiques.
struct Vocabulary {
    /// v1 thematique (from the taxonomy) or v0 `numerique--` slug → needs.
    needs: HashMap<String, NeedSet>,
    referentiels: &'static Referentiels,
}

/// The standard's référentiels (v1 and v0), parsed once per process: every file read uses them.
struct Referentiels {
    thematiques: HashSet<String>,
    publics: HashSet<String>,
    networks: HashSet<String>,
}

impl Referentiels {
    fn shipped() -> &'static Referentiels {
        static PARSED: std::sync::OnceLock<Referentiels> = std::sync::OnceLock::new();
        PARSED.get_or_init(|| {
            let set = |lists: &[&str]| lists.iter().flat_map(|json| referentiel(json)).collect::<HashSet<_>>();
            Referentiels {
                thematiques: set(&[THEMATIQUES_V1, THEMATIQUES_V0]),
                publics: set(&[PUBLICS_V1, PROFILS_V0]),
                networks: set(&[RESEAUX_V1, LABELS_V0]),
            }
        })
    }
}

impl Vocabulary {
    fn new(taxonomy: &Taxonomy) -> Self {
        let mut needs: HashMap<String, NeedSet> = HashMap::new();
        for (index, need) in taxonomy.needs.iter().enumerate() {
            let v0 = need.mediation_v0.iter().map(|s| format!("numerique--{}", fold(s).replace(' ', "-")));
            for value in need.data_inclusion.iter().cloned().chain(v0) {
                needs.entry(value).or_default().insert(index as u8);
            }
        }
        Vocabulary { needs, referentiels: Referentiels::shipped() }
    }
}

/// A structure as its services use it.
struct Structure {
    name: String,
    located: Option<Located>,
    phone: Option<String>,
    email: Option<String>,
    website: Option<String>,
    source_link: Option<String>,
    hours: Hours,
    programmes: Set<Programme>,
}

/// Per-file counts said once rather than on every item.
#[derive(Default)]
struct Tally {
    out_of_scope: (usize, usize),
    without_structure: (usize, usize),
    unused_structures: (usize, usize),
}

fn count(slot: &mut (usize, usize), line: usize) {
    if slot.0 == 0 {
        slot.1 = line;
    }
    slot.0 += 1;
}

/// Maps the files' services to entries, one list per file (`reports[i]` is `files[i]`'s).
pub fn map_files(files: &[&DiFile], reports: &mut [&mut Report], context: &Context<'_>) -> Vec<Vec<Entry>> {
    let vocabulary = Vocabulary::new(context.taxonomy);
    let mut structures: HashMap<String, (usize, usize, Structure)> = HashMap::new();
    for (file_index, (file, report)) in files.iter().zip(reports.iter_mut()).enumerate() {
        for record in &file.structures {
            report.at_record(record.locator.as_deref());
            scan_text(record, LINK_FIELDS, report);
            let Some((id, structure)) = structure(record, &vocabulary, context, report) else { continue };
            if let Some((_, first_line, _)) = structures.get(&id) {
                let first = *first_line;
                report.warning(
                    record.line,
                    "id",
                    format!("structure `{id}` is already defined (line {first}): this one is ignored"),
                );
                continue;
            }
            structures.insert(id, (file_index, record.line, structure));
        }
        report.at_record(None);
    }
    let mut used: HashSet<String> = HashSet::new();
    let mut tallies: Vec<Tally> = files.iter().map(|_| Tally::default()).collect();
    let mut all_entries = Vec::with_capacity(files.len());
    for ((file, report), tally) in files.iter().zip(reports.iter_mut()).zip(&mut tallies) {
        let mut entries = Vec::new();
        for record in &file.services {
            report.at_record(record.locator.as_deref());
            scan_text(record, LINK_FIELDS, report);
            let structure_id = record.get("structure_id");
            let structure = structure_id.and_then(|id| structures.get(id)).map(|(_, _, s)| s);
            match (structure_id, structure) {
                (Some(id), Some(_)) => {
                    used.insert(id.to_string());
                }
                _ => count(&mut tally.without_structure, record.line),
            }
            match service(record, structure, &vocabulary, context, report) {
                Outcome::Kept(actor) => entries.push(Entry {
                    actor,
                    line: record.line,
                    group: structure_id.map(str::to_string),
                    siret: fields::siret(record, "siret"),
                }),
                Outcome::OutOfScope => count(&mut tally.out_of_scope, record.line),
                Outcome::Dropped => {}
            }
        }
        report.at_record(None);
        all_entries.push(entries);
    }
    for (id, (file_index, line, _)) in &structures {
        if !used.contains(id) {
            // The map has no order: the first line is the smallest.
            let slot = &mut tallies[*file_index].unused_structures;
            slot.1 = if slot.0 == 0 { *line } else { slot.1.min(*line) };
            slot.0 += 1;
        }
    }
    for (report, tally) in reports.iter_mut().zip(&tallies) {
        summarise(tally, report);
    }
    all_entries
}

fn summarise(tally: &Tally, report: &mut Report) {
    let (n, line) = tally.out_of_scope;
    if n > 0 {
        report.warning(
            line,
            "thematiques",
            format!("{n} service(s) (the first here) have no thematique of the taxonomy's needs: outside digital inclusion, left out"),
        );
    }
    let (n, line) = tally.without_structure;
    if n > 0 {
        report.warning(
            line,
            "structure_id",
            format!("{n} service(s) (the first here) have no structure in the files given: read with their own address and contacts only (give the structures file too)"),
        );
    }
    let (n, line) = tally.unused_structures;
    if n > 0 {
        report.warning(
            line,
            "id",
            format!("{n} structure(s) (the first here) have no service in the files given: a structure alone offers nothing, so is not proposed"),
        );
    }
}

fn structure(
    record: &Record,
    vocabulary: &Vocabulary,
    context: &Context<'_>,
    report: &mut Report,
) -> Option<(String, Structure)> {
    let Some(id) = record.get("id") else {
        report.error(record.line, "id", "missing: services refer to their structure by this id");
        return None;
    };
    let located = record.has_any(LOCATION_FIELDS).then(|| locate(record, context.communes, report));
    let holidays = located.as_ref().map_or_else(Holidays::default, |l| l.calendar().holidays);
    let hours_field = if record.get("horaires_accueil").is_some() { "horaires_accueil" } else { "horaires_ouverture" };
    let mut programmes = Set::empty();
    for field in ["reseaux_porteurs", "labels_nationaux"] {
        for value in record.get(field).map(split_list).into_iter().flatten() {
            match programme_of(value) {
                Some(programme) => programmes.insert(programme),
                None if vocabulary.referentiels.networks.contains(value) => {}
                None => report.warning(
                    record.line,
                    field,
                    format!("unknown value `{value}` ignored: expected a data·inclusion réseau porteur"),
                ),
            }
        }
    }
    for code in record.get("typologie").map(split_list).into_iter().flatten() {
        if let Some(programme) = programme_of_typology(code) {
            programmes.insert(programme);
        }
    }
    let structure = Structure {
        name: record.get("nom").unwrap_or_default().to_string(),
        located,
        phone: fields::phone(record, "telephone", report),
        email: fields::email(record, "courriel", report),
        website: fields::link(record, "site_web", report),
        source_link: fields::link(record, "lien_source", report),
        hours: fields::hours(record, hours_field, context, holidays, report),
        programmes,
    };
    Some((id.to_string(), structure))
}

enum Outcome {
    Kept(Actor),
    /// Valid, but none of its thematiques is one of our needs.
    OutOfScope,
    /// Unusable: an error was reported.
    Dropped,
}

fn service(
    record: &Record,
    structure: Option<&Structure>,
    vocabulary: &Vocabulary,
    context: &Context<'_>,
    report: &mut Report,
) -> Outcome {
    let line = record.line;
    let Some(id) = record.get("id") else {
        report.error(line, "id", "missing: every service needs a stable identifier");
        return Outcome::Dropped;
    };
    let Some(name) = record.get("nom") else {
        report.error(line, "nom", "missing: expected the name of the service");
        return Outcome::Dropped;
    };
    let needs = match needs(record, vocabulary, report) {
        Ok(needs) => needs,
        Err(outcome) => return outcome,
    };
    let mut actor = Actor::new(id, display_name(structure.map(|s| s.name.as_str()), name));
    actor.needs = needs;
    let Some(zone) = fields::zone(record, context.communes, report) else { return Outcome::Dropped };
    actor.zone = zone;

    let located = if record.has_any(LOCATION_FIELDS) {
        locate(record, context.communes, report)
    } else {
        structure.and_then(|s| s.located.clone()).unwrap_or_default()
    };
    located.place(&mut actor);

    how_it_helps(record, vocabulary, &mut actor, report);
    actor.programmes = structure.map_or(Set::empty(), |s| s.programmes);
    reach(record, structure, context, &mut actor, report);
    actor.summary = ["description", "presentation_resume"].iter().find_map(|f| record.get(f)).map(summary);
    actor.source = record.get("source").unwrap_or_default().into();
    actor.updated = fields::date(record, "date_maj", context.today, report);
    if record.get("date_maj").is_none() {
        report.warning(
            line,
            "date_maj",
            "missing: required by data·inclusion, it says whether the service is up to date",
        );
    }

    if actor.point.is_none() && actor.insee.is_none() && !actor.is_remote() {
        report.error(
            line,
            "adresse",
            "no address or coordinates, on the service or on its structure, and not à distance: it cannot be located",
        );
        return Outcome::Dropped;
    }
    Outcome::Kept(actor)
}

/// "Structure — service", so that a resident recognises the place; the service name alone when
/// it already says the structure.
fn display_name(structure: Option<&str>, service: &str) -> String {
    match structure.filter(|s| !s.is_empty()) {
        Some(s) if !fold(service).contains(&fold(s)) => format!("{s} — {service}"),
        _ => service.to_string(),
    }
}

fn summary(text: &str) -> String {
    if text.chars().count() <= SUMMARY_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(SUMMARY_CHARS).collect();
    let cut = cut.rfind(' ').map_or(cut.as_str(), |space| &cut[..space]);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

fn needs(record: &Record, vocabulary: &Vocabulary, report: &mut Report) -> Result<NeedSet, Outcome> {
    let Some(text) = record.get("thematiques") else {
        report.error(
            record.line,
            "thematiques",
            "missing: expected the thematiques of the service (what it helps with)",
        );
        return Err(Outcome::Dropped);
    };
    let mut needs = NeedSet::default();
    let mut known = false;
    for value in split_list(text) {
        if let Some(found) = vocabulary.needs.get(value) {
            needs.0 |= found.0;
        } else if vocabulary.referentiels.thematiques.contains(value) {
            known = true;
        } else {
            report.warning(
                record.line,
                "thematiques",
                format!("unknown value `{value}` ignored: expected a data·inclusion thematique"),
            );
        }
    }
    if !needs.is_empty() {
        return Ok(needs);
    }
    if known {
        return Err(Outcome::OutOfScope);
    }
    report.error(
        record.line,
        "thematiques",
        format!("no known thematique in `{text}`: the service cannot be proposed for any need"),
    );
    Err(Outcome::Dropped)
}

/// Publics, supports, modes and fees.
fn how_it_helps(record: &Record, vocabulary: &Vocabulary, actor: &mut Actor, report: &mut Report) {
    for field in ["publics", "profils"] {
        for value in record.get(field).map(split_list).into_iter().flatten() {
            match public_of(value) {
                Some(Who::Public(public)) => actor.publics.insert(public),
                Some(Who::Support(support)) => actor.supports.insert(support),
                // Known publics with no counterpart in orientation (demandeurs d'emploi…).
                None if vocabulary.referentiels.publics.contains(value) => {}
                None => report.warning(
                    record.line,
                    field,
                    format!("unknown value `{value}` ignored: expected a data·inclusion public"),
                ),
            }
        }
    }
    for value in record.get("modes_accueil").map(split_list).into_iter().flatten() {
        match value {
            "a-distance" => actor.modes.insert(Mode::ADistance),
            "en-presentiel" => {}
            _ => report.warning(
                record.line,
                "modes_accueil",
                format!("unknown value `{value}` ignored: expected a-distance or en-presentiel"),
            ),
        }
    }
    for field in ["type", "types"] {
        for value in record.get(field).map(split_list).into_iter().flatten() {
            match value {
                "atelier" => actor.modes.insert(Mode::Atelier),
                "accompagnement" => actor.modes.insert(Mode::Individuel),
                "autonomie" => actor.modes.insert(Mode::Autonomie),
                // v0 "délégation": someone does it for the person.
                "delegation" => actor.modes.insert(Mode::AMaPlace),
                "aide-financiere" | "aide-materielle" | "formation" | "information" | "accueil" | "financement"
                | "numerique" => {}
                _ => report.warning(
                    record.line,
                    field,
                    format!("unknown value `{value}` ignored: expected a data·inclusion type of service"),
                ),
            }
        }
    }
    for value in record.get("frais").map(split_list).into_iter().flatten() {
        match fee_of(value) {
            Some(fee) => actor.fees.insert(fee),
            None => report.warning(
                record.line,
                "frais",
                format!("unknown value `{value}` ignored: expected gratuit or payant"),
            ),
        }
    }
}

/// Contacts, links and hours: the service's own, else its structure's.
fn reach(
    record: &Record,
    structure: Option<&Structure>,
    context: &Context<'_>,
    actor: &mut Actor,
    report: &mut Report,
) {
    actor.phone =
        fields::phone(record, "telephone", report).or_else(|| structure.and_then(|s| s.phone.clone())).map(Into::into);
    actor.email = fields::email(record, "courriel", report).or_else(|| structure.and_then(|s| s.email.clone()));
    let own_link = fields::link(record, "lien_source", report);
    actor.website = structure
        .and_then(|s| s.website.clone())
        .or(own_link)
        .or_else(|| structure.and_then(|s| s.source_link.clone()));
    actor.booking_url =
        ["lien_mobilisation", "prise_rdv", "formulaire_en_ligne"].iter().find_map(|f| fields::link(record, f, report));
    actor.hours = if record.get("horaires_accueil").is_some() {
        fields::hours(record, "horaires_accueil", context, actor.calendar().holidays, report)
    } else {
        structure.map_or(Hours::Unknown, |s| s.hours.clone())
    };
}

enum Who {
    Public(Public),
    Support(Support),
}

/// v1 publics and v0 profils that orientation knows.
fn public_of(value: &str) -> Option<Who> {
    Some(match value {
        "seniors" | "seniors-65" | "retraites" => Who::Public(Public::Seniors),
        "jeunes" | "jeunes-16-26" => Who::Public(Public::Jeunes),
        "etudiants" => Who::Public(Public::Etudiants),
        "familles" | "familles-enfants" => Who::Public(Public::Familles),
        "femmes" => Who::Public(Public::Femmes),
        "surdite" => Who::Support(Support::Surdite),
        "deficience-visuelle" => Who::Support(Support::DeficienceVisuelle),
        "handicaps-mentaux" | "handicaps-psychiques" => Who::Support(Support::HandicapMental),
        "personnes-en-situation-illettrisme" => Who::Support(Support::Illettrisme),
        "public-langues-etrangeres" => Who::Support(Support::LangueAutre),
        _ => return None,
    })
}

fn fee_of(value: &str) -> Option<Fee> {
    Some(match value {
        "gratuit" => Fee::Gratuit,
        "gratuit-sous-conditions" => Fee::GratuitSousCondition,
        "payant" => Fee::Payant,
        "adhesion" => Fee::Adhesion,
        "pass-numerique" => Fee::PassNumerique,
        _ => return None,
    })
}

/// Réseaux porteurs (v1) and labels nationaux (v0) that change what an actor may do.
fn programme_of(value: &str) -> Option<Programme> {
    Some(match value {
        "aidants-connect" => Programme::AidantsConnect,
        // MSAP is the former name of France Services.
        "france-service" | "msap" => Programme::FranceServices,
        "conseillers-numeriques" | "conseiller-numerique" => Programme::ConseillerNumerique,
        "aptic" => Programme::Aptic,
        "croix-rouge" => Programme::CroixRouge,
        "france-travail" => Programme::FranceTravail,
        "mission-locale" => Programme::MissionLocale,
        "ccas-cias" | "unccas" => Programme::Ccas,
        "chambres-consulaires" | "cci" => Programme::ChambreConsulaire,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_the_structure_once() {
        assert_eq!(display_name(Some("CCAS de Cognac"), "Atelier numérique"), "CCAS de Cognac — Atelier numérique");
        assert_eq!(display_name(Some("EPN"), "Atelier de l'EPN"), "Atelier de l'EPN");
        assert_eq!(display_name(None, "Atelier"), "Atelier");
    }

    #[test]
    fn long_descriptions_are_cut_at_a_word() {
        let text = "mot ".repeat(200);
        let cut = summary(&text);
        assert!(cut.ends_with("mot…") && cut.chars().count() <= SUMMARY_CHARS + 1, "{cut}");
        assert_eq!(summary("court"), "court");
    }

    #[test]
    fn referentiels_are_read() {
        assert_eq!(referentiel(PUBLICS_V1).len(), 14);
        assert!(referentiel(THEMATIQUES_V0).contains(&"numerique--prendre-en-main-un-ordinateur".to_string()));
        assert!(referentiel(RESEAUX_V1).contains(&"france-service".to_string()));
    }
}
