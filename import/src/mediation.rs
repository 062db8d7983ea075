//! The national standard "lieux de médiation numérique": v1.0.x (lists with `|`) and v0.1.x
//! (lists with `;`, older field names), in CSV or JSON, as found in the wild.
//!
//! Each usable row becomes an [`Actor`]; each unusable row gets an error line; each doubtful or
//! repaired value gets a warning. Nothing is dropped silently.

use aiguillage_engine::taxonomy::{NeedSet, Taxonomy};
use aiguillage_engine::territory::fold;
use aiguillage_engine::vocab::{Fee, Mode, Programme, Public, Support};
use aiguillage_engine::Actor;

use crate::diagnostic::Report;
pub use crate::fields::split_list;
use crate::fields::{self, key, locate, scan_text};
use crate::records::Record;
use crate::{Context, Entry};

/// The columns without which no row can be used.
const REQUIRED_COLUMNS: &[&str] = &["id", "nom", "services"];

/// Checks a CSV header (the field names of its first row): a missing required column is one
/// error for the file, rather than the same error on every row. Returns whether rows can be read.
pub fn check_columns(records: &[Record], report: &mut Report) -> bool {
    let Some(first) = records.first() else { return true };
    let missing: Vec<&str> =
        REQUIRED_COLUMNS.iter().copied().filter(|c| !first.fields.iter().any(|(k, _)| k == c)).collect();
    for column in &missing {
        report.error(1, column, "column missing from the header: every row needs it, so no row can be used");
    }
    missing.is_empty()
}

/// Maps rows of the standard to actors, reporting what it cannot use.
pub fn map_records(records: &[Record], context: &Context<'_>, report: &mut Report) -> Vec<Entry> {
    let services = ServiceIndex::new(context.taxonomy);
    let mut separator_warned = false;
    let mut entries = Vec::with_capacity(records.len());
    for record in records {
        report.at_record(record.locator.as_deref());
        if !separator_warned {
            if let Some(value) = record.get("services").filter(|v| v.contains(';') && !v.contains('|')) {
                if value.split(';').count() > 1 && services.is_v1_list(value) {
                    report.warning(
                        record.line,
                        "services",
                        "`;` used to separate a v1.0 list, where `|` is expected: accepted (said once per file)",
                    );
                    separator_warned = true;
                }
            }
        }
        scan_text(record, LINK_FIELDS, report);
        if let Some(actor) = map_record(record, context, &services, report) {
            entries.push(Entry { actor, line: record.line, group: None, siret: fields::siret(record, "pivot") });
        }
    }
    report.at_record(None);
    entries
}

/// Fields holding links, checked by [`fields::link`] rather than as text.
const LINK_FIELDS: &[&str] = &["site_web", "prise_rdv", "fiche_acces_libre", "accessibilite"];

fn map_record(record: &Record, context: &Context<'_>, services: &ServiceIndex, report: &mut Report) -> Option<Actor> {
    let line = record.line;
    let mut actor = fields::identified(record, report)?;
    actor.needs = needs(record, services, report)?;

    locate(record, context.communes, report).place(&mut actor);

    how_it_helps(record, &mut actor, report);
    actor.phone = fields::phone(record, "telephone", report).map(Into::into);
    actor.email = ["courriels", "courriel"].iter().find_map(|f| fields::email(record, f, report));
    actor.website = fields::link(record, "site_web", report);
    actor.booking_url = fields::link(record, "prise_rdv", report);
    actor.summary = record.get("presentation_resume").map(str::to_string);
    actor.source = record.get("source").unwrap_or_default().into();
    actor.updated = fields::date(record, "date_maj", context.today, report);
    actor.hours = fields::hours(record, "horaires", context, actor.calendar().holidays, report);

    if actor.point.is_none() && actor.insee.is_none() && !actor.is_remote() {
        report.error(line, "latitude", "no coordinates and no commune that can be found: the place cannot be located");
        return None;
    }
    Some(actor)
}

/// What it offers. A place offering none of our needs cannot be recommended.
fn needs(record: &Record, services: &ServiceIndex, report: &mut Report) -> Option<NeedSet> {
    let line = record.line;
    let Some(service_text) = record.get("services") else {
        report.error(line, "services", "missing: expected at least one service of the standard");
        return None;
    };
    let mut needs = NeedSet::default();
    for value in split_list(service_text) {
        match services.needs_of(value) {
            Some(found) => needs.0 |= found.0,
            None => report.warning(
                line,
                "services",
                format!("unknown value `{value}` ignored: expected a value of the standard (v1.0 or v0.1)"),
            ),
        }
    }
    if needs.is_empty() {
        report.error(
            line,
            "services",
            format!("no known service in `{service_text}`: the place cannot be proposed for any need"),
        );
        return None;
    }
    Some(needs)
}

/// How it helps: modes, programmes, publics, supports, fees, itinerance.
fn how_it_helps(record: &Record, actor: &mut Actor, report: &mut Report) {
    let line = record.line;
    actor.itinerant = record.get("itinerance").is_some_and(|v| split_list(v).any(|v| fold(v) == "itinerant"));
    for value in record.get("modalites_accompagnement").map(split_list).into_iter().flatten() {
        match mode_of(value) {
            Some(mode) => actor.modes.insert(mode),
            None => report.warning(
                line,
                "modalites_accompagnement",
                format!(
                    "unknown value `{value}` ignored: expected En autonomie, Accompagnement individuel, Dans un atelier collectif or À distance"
                ),
            ),
        }
    }
    // Other labels (Fabriques de territoire, French Tech…) do not change orientation.
    for field in ["dispositif_programmes_nationaux", "labels_nationaux"] {
        for value in record.get(field).map(split_list).into_iter().flatten() {
            if let Some(programme) = programme_of(value) {
                actor.programmes.insert(programme);
            }
        }
    }
    check_training_labels(record, report);
    if let Some(typologie) = record.get("typologie") {
        for code in split_list(typologie) {
            if let Some(programme) = programme_of_typology(code) {
                actor.programmes.insert(programme);
            }
        }
    }
    for field in ["publics_specifiquement_adresses", "publics_accueillis", "prise_en_charge_specifique"] {
        for value in record.get(field).map(split_list).into_iter().flatten() {
            match public_or_support(value) {
                Some(Who::Public(public)) => actor.publics.insert(public),
                Some(Who::Support(support)) => actor.supports.insert(support),
                Some(Who::Everyone) => {}
                None => report.warning(line, field, format!("unknown value `{value}` ignored")),
            }
        }
    }
    for field in ["frais_a_charge", "conditions_acces", "conditions_access"] {
        for value in record.get(field).map(split_list).into_iter().flatten() {
            if let Some(fee) = fee_of(value) {
                actor.fees.insert(fee);
            }
        }
    }
}

/// The v1.0 `formations_labels` values. The v1.0.2 schema writes "Étapes numériques(La Poste)"
/// without the space real producers write: values are compared without spaces, so both pass.
const TRAINING_LABELS: &[&str] = &[
    "Formé à « Mon Espace Santé »",
    "Formé à « DUPLEX » (illettrisme)",
    "Arnia/MedNum BFC (Bourgogne-Franche-Comté)",
    "Collectif ressources et acteurs réemploi (Normandie)",
    "Étapes numériques (La Poste)",
    "Fabriques de Territoire",
    "Les Éclaireurs du numérique (Drôme)",
    "Mes Papiers (Métropole de Lyon)",
    "ORDI 3.0",
    "SUD LABS (PACA)",
];

/// Training labels do not change orientation, but an unknown one is a typo worth saying.
fn check_training_labels(record: &Record, report: &mut Report) {
    let known: Vec<String> = TRAINING_LABELS.iter().map(|l| key(l)).collect();
    for value in record.get("formations_labels").map(split_list).into_iter().flatten() {
        if !known.contains(&key(value)) {
            report.warning(
                record.line,
                "formations_labels",
                format!("unknown value `{value}` ignored: other labels go in autres_formations_labels"),
            );
        }
    }
}

struct ServiceIndex {
    entries: Vec<(String, NeedSet, bool)>,
}

impl ServiceIndex {
    fn new(taxonomy: &Taxonomy) -> Self {
        let mut entries: Vec<(String, NeedSet, bool)> = Vec::new();
        for (index, need) in taxonomy.needs.iter().enumerate() {
            let lists = [(&need.mediation_v1, true), (&need.mediation_v0, false)];
            for (values, is_v1) in lists {
                for value in values {
                    let k = key(value);
                    match entries.iter_mut().find(|(existing, _, _)| *existing == k) {
                        Some((_, set, _)) => set.insert(index as u8),
                        None => {
                            let mut set = NeedSet::default();
                            set.insert(index as u8);
                            entries.push((k, set, is_v1));
                        }
                    }
                }
            }
        }
        ServiceIndex { entries }
    }

    fn needs_of(&self, value: &str) -> Option<NeedSet> {
        let k = key(value);
        self.entries.iter().find(|(existing, _, _)| *existing == k).map(|(_, set, _)| *set)
    }

    fn is_v1_list(&self, list: &str) -> bool {
        split_list(list).any(|v| self.entries.iter().any(|(k, _, v1)| *v1 && *k == key(v)))
    }
}

fn mode_of(value: &str) -> Option<Mode> {
    let k = key(value);
    let head = key(value.split(':').next().unwrap_or(value));
    match (k.as_str(), head.as_str()) {
        ("enautonomie", _) | (_, "seul") => Some(Mode::Autonomie),
        ("accompagnementindividuel", _) | (_, "avecdelaide") => Some(Mode::Individuel),
        ("dansunateliercollectif", _) | (_, "dansunatelier") => Some(Mode::Atelier),
        ("adistance", _) => Some(Mode::ADistance),
        (_, "amaplace") => Some(Mode::AMaPlace),
        _ => None,
    }
}

pub(crate) fn programme_of(value: &str) -> Option<Programme> {
    Some(match key(value).as_str() {
        "aidantsconnect" => Programme::AidantsConnect,
        "franceservices" => Programme::FranceServices,
        "conseillersnumeriques" | "conseillernumerique" | "cnfs" => Programme::ConseillerNumerique,
        "aptic" => Programme::Aptic,
        "pointdaccesnumeriquecaf" | "pointnumeriquecaf" | "pointrelaiscaf" => Programme::PointNumeriqueCaf,
        "emmausconnect" | "relaisnumeriqueemmausconnect" => Programme::EmmausConnect,
        "lacroixrouge" => Programme::CroixRouge,
        "relaispoleemploi" => Programme::FranceTravail,
        "bibliothequesnumeriquedereference" => Programme::Bibliotheque,
        _ => return None,
    })
}

/// Structure typologies (data·inclusion codes) that say what kind of actor it is.
pub(crate) fn programme_of_typology(code: &str) -> Option<Programme> {
    Some(match code.trim().to_ascii_uppercase().as_str() {
        "RFS" => Programme::FranceServices,
        "CCAS" | "CIAS" => Programme::Ccas,
        "BIB" => Programme::Bibliotheque,
        "ML" => Programme::MissionLocale,
        "FT" | "PE" => Programme::FranceTravail,
        "CCI" | "CMA" | "CA" => Programme::ChambreConsulaire,
        _ => return None,
    })
}

enum Who {
    Public(Public),
    Support(Support),
    Everyone,
}

fn public_or_support(value: &str) -> Option<Who> {
    let head = key(value.split(':').next().unwrap_or(value));
    Some(match head.as_str() {
        "jeunes" | "jeunes1626ans" => Who::Public(Public::Jeunes),
        "etudiants" => Who::Public(Public::Etudiants),
        "familleset/ouenfants" | "familles/enfants" => Who::Public(Public::Familles),
        "seniors" | "seniors+65ans" => Who::Public(Public::Seniors),
        "femmes" | "uniquementfemmes" => Who::Public(Public::Femmes),
        "adultes" | "touspublics" => Who::Everyone,
        "surdite" => Who::Support(Support::Surdite),
        "handicapsmoteurs" => Who::Support(Support::HandicapMoteur),
        "handicapsmentaux" | "handicapspsychiques" => Who::Support(Support::HandicapMental),
        "illettrisme" | "personnesensituationdillettrisme" => Who::Support(Support::Illettrisme),
        "languesetrangeresanglais" => Who::Support(Support::LangueAnglais),
        "languesetrangeresautres" | "publiclanguesetrangeres" => Who::Support(Support::LangueAutre),
        "deficiencevisuelle" => Who::Support(Support::DeficienceVisuelle),
        _ => return None,
    })
}

fn fee_of(value: &str) -> Option<Fee> {
    let head = key(value.split(':').next().unwrap_or(value));
    Some(match head.as_str() {
        "gratuit" => Fee::Gratuit,
        "gratuitsouscondition" => Fee::GratuitSousCondition,
        "payant" => Fee::Payant,
        "adhesion" => Fee::Adhesion,
        "acceptelepassnumerique" => Fee::PassNumerique,
        _ => return None,
    })
}
