//! The national standard "lieux de médiation numérique": v1.0.x (lists with `|`) and v0.1.x
//! (lists with `;`, older field names), in CSV or JSON, as found in the wild.
//!
//! Each usable row becomes an [`Actor`]; each unusable row gets an error line; each doubtful or
//! repaired value gets a warning. Nothing is dropped silently.

use aiguillage_engine::calendar::Date;
use aiguillage_engine::geo::GeoPoint;
use aiguillage_engine::taxonomy::{NeedSet, Taxonomy};
use aiguillage_engine::territory::{fold, Communes};
use aiguillage_engine::vocab::{Fee, Mode, Programme, Public, Support};
use aiguillage_engine::Actor;

use crate::diagnostic::Report;
use crate::hours::parse_hours;
use crate::records::Record;

/// What the importer needs to know besides the rows.
pub struct Context<'a> {
    pub taxonomy: &'a Taxonomy,
    pub communes: &'a Communes,
    /// First day of compiled opening hours.
    pub today: Date,
    pub horizon_days: u16,
}

/// Maps rows of the standard to actors, reporting what it cannot use.
pub fn map_records(records: &[Record], context: &Context<'_>, report: &mut Report) -> Vec<Actor> {
    let services = ServiceIndex::new(context.taxonomy);
    let mut separator_warned = false;
    let mut actors = Vec::with_capacity(records.len());
    for record in records {
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
        if let Some(actor) = map_record(record, context, &services, report) {
            actors.push(actor);
        }
    }
    actors
}

fn map_record(record: &Record, context: &Context<'_>, services: &ServiceIndex, report: &mut Report) -> Option<Actor> {
    let line = record.line;
    let Some(id) = record.get("id") else {
        report.error(line, "id", "missing: every place needs a stable identifier");
        return None;
    };
    let Some(name) = record.get("nom") else {
        report.error(line, "nom", "missing: expected the name of the place");
        return None;
    };
    let mut actor = Actor::new(id, name);

    // What it offers. A place offering none of our needs cannot be recommended.
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
    actor.needs = needs;

    // Where.
    actor.street =
        [record.get("adresse"), record.get("complement_adresse")].into_iter().flatten().collect::<Vec<_>>().join(", ");
    actor.commune_name = record.get("commune").unwrap_or_default().to_string();
    actor.postal_code = record.get("code_postal").unwrap_or_default().to_string();
    if !actor.postal_code.is_empty() && !is_postal_code(&actor.postal_code) {
        report.warning(line, "code_postal", format!("`{}` is not a 5-digit postal code", actor.postal_code));
    }
    actor.point = read_point(record, report);
    actor.insee = resolve_insee(record, &actor, context.communes, report);
    if let (Some(point), Some(commune)) = (actor.point, actor.insee.as_deref().and_then(|c| context.communes.get(c))) {
        if let Some(centre) = commune.point {
            let km = point.distance_m(centre) / 1000;
            if km > 30 {
                report.warning(
                    line,
                    "latitude",
                    format!(
                        "the point is {km} km from the centre of {} ({}): check the coordinates (swapped?)",
                        commune.name, commune.insee
                    ),
                );
            }
        }
    }

    // How it helps.
    let mut itinerant = false;
    if let Some(value) = record.get("itinerance") {
        itinerant = split_list(value).any(|v| fold(v) == "itinerant");
    }
    actor.itinerant = itinerant;
    for value in record.get("modalites_accompagnement").map(split_list).into_iter().flatten() {
        match mode_of(value) {
            Some(mode) => actor.modes.insert(mode),
            None => report.warning(line, "modalites_accompagnement", format!("unknown value `{value}` ignored")),
        }
    }
    for field in ["dispositif_programmes_nationaux", "labels_nationaux"] {
        for value in record.get(field).map(split_list).into_iter().flatten() {
            match programme_of(value) {
                Some(programme) => actor.programmes.insert(programme),
                None => {} // Other labels (Fabriques de territoire, French Tech…) do not change orientation.
            }
        }
    }
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

    // How to reach it.
    actor.phone = record.get("telephone").map(normalise_phone);
    actor.email =
        record.get_any(&["courriels", "courriel"]).map(|(_, v)| split_list(v).next().unwrap_or(v).to_string());
    actor.website = safe_url(record, "site_web", report);
    actor.booking_url = safe_url(record, "prise_rdv", report);
    actor.summary = record.get("presentation_resume").map(str::to_string);
    actor.source = record.get("source").unwrap_or_default().to_string();
    if let Some(text) = record.get("date_maj") {
        match Date::parse(text) {
            Some(date) => actor.updated = Some(date),
            None => report.warning(line, "date_maj", format!("`{text}` is not a date YYYY-MM-DD")),
        }
    }

    let (hours, warning) = parse_hours(record.get("horaires").unwrap_or(""), context.today, context.horizon_days);
    if let Some(warning) = warning {
        report.warning(line, "horaires", warning.to_string());
    }
    actor.hours = hours;

    if actor.point.is_none() && actor.insee.is_none() && !actor.is_remote() {
        report.error(line, "latitude", "no coordinates and no commune that can be found: the place cannot be located");
        return None;
    }
    if actor.phone.is_none() && actor.email.is_none() && actor.hours.source_text().is_none() {
        report.warning(
            line,
            "telephone",
            "no phone, no e-mail and no opening hours: residents cannot reach this place",
        );
    }
    Some(actor)
}

/// Splits a list field on `|` (v1.0) or `;` (v0.1, and v1.0 files written the old way).
pub fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(['|', ';']).map(str::trim).filter(|v| !v.is_empty())
}

/// Compares vocabulary values as people write them: no case, accents, spaces or apostrophe kinds.
fn key(value: &str) -> String {
    fold(value).replace(' ', "")
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

fn programme_of(value: &str) -> Option<Programme> {
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
fn programme_of_typology(code: &str) -> Option<Programme> {
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

fn is_postal_code(text: &str) -> bool {
    text.len() == 5 && text.bytes().all(|b| b.is_ascii_digit())
}

fn read_point(record: &Record, report: &mut Report) -> Option<GeoPoint> {
    let (lat, lon) = (record.get("latitude")?, record.get("longitude")?);
    let (Ok(lat), Ok(lon)) = (lat.replace(',', ".").parse::<f64>(), lon.replace(',', ".").parse::<f64>()) else {
        report.warning(
            record.line,
            "latitude",
            format!("`{lat}`, `{lon}` are not decimal degrees: the commune centre is used"),
        );
        return None;
    };
    match GeoPoint::from_degrees(lat, lon) {
        Some(point) if lat != 0.0 || lon != 0.0 => Some(point),
        _ => {
            report.warning(
                record.line,
                "latitude",
                format!("({lat}, {lon}) is not a place in France: the commune centre is used"),
            );
            None
        }
    }
}

/// The commune's INSEE code: given, else derived from postal code and name when that is unique.
fn resolve_insee(record: &Record, actor: &Actor, communes: &Communes, report: &mut Report) -> Option<String> {
    if let Some(code) = record.get("code_insee") {
        if communes.get(code).is_some() {
            return Some(code.to_string());
        }
        report.warning(
            record.line,
            "code_insee",
            format!("`{code}` is not a current commune (COG 2026): derived from postal code and name instead"),
        );
    }
    let name = fold(&actor.commune_name);
    let candidates: Vec<_> = communes
        .iter()
        .filter(|c| c.postal_codes.iter().any(|p| *p == actor.postal_code))
        .filter(|c| name.is_empty() || fold(&c.name) == name)
        .collect();
    match candidates.as_slice() {
        [one] => Some(one.insee.clone()),
        [] => {
            report.warning(
                record.line,
                "code_insee",
                format!(
                    "no commune named `{}` with postal code `{}`: the place is located by its coordinates only",
                    actor.commune_name, actor.postal_code
                ),
            );
            None
        }
        many => {
            report.warning(
                record.line,
                "code_insee",
                format!(
                    "`{}` {} matches {} communes: give code_insee",
                    actor.commune_name,
                    actor.postal_code,
                    many.len()
                ),
            );
            None
        }
    }
}

fn normalise_phone(text: &str) -> String {
    let digits: String = text.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    match digits.strip_prefix('0') {
        Some(rest) if digits.len() == 10 => format!("+33{rest}"),
        _ => digits,
    }
}

/// Links go to people's browsers: only `https:` and `http:` pass, anything else is reported.
fn safe_url(record: &Record, field: &str, report: &mut Report) -> Option<String> {
    let value = record.get(field)?;
    let first = split_list(value).next()?;
    let lower = first.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        Some(first.to_string())
    } else {
        report.warning(record.line, field, format!("`{first}` is not an http(s) link: left out"));
        None
    }
}
