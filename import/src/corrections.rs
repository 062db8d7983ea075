//! A coordinator's corrections of the national data (`[[correction]]` tables of the native
//! TOML, written by the workspace of `aiguillage-server`): after the sources are merged into one
//! card per place, each corrected field of a place replaces the sources' value, « masque » takes
//! the place out, and `date_maj` says when it was last checked. Each value is read by the same
//! field readers as a `[[lieu]]`'s: one format, no second model.
//!
//! Under `avant`, a correction keeps what the sources said when it was made: when the sources
//! now say something else, the correction is still applied, and a warning says that the field
//! changed at its source (a conflict for the coordinator to review).

use aiguillage_engine::vocab::{Mode, Public, Support};
use aiguillage_engine::Actor;

use crate::diagnostic::Report;
use crate::records::Record;
use crate::{fields, native, Context};

/// The fields a correction may set, besides `id`, `territoire` and `avant`.
pub const FIELDS: &[&str] = &[
    "nom",
    "adresse",
    "code_postal",
    "commune",
    "latitude",
    "longitude",
    "telephone",
    "courriel",
    "site_web",
    "prise_rdv",
    "horaires",
    "besoins",
    "modalites",
    "publics",
    "accueil_specifique",
    "masque",
    "date_maj",
];

/// One place's corrections, as read from its file.
#[derive(Clone, Debug)]
pub struct Correction {
    /// The file, for messages.
    pub file: String,
    pub record: Record,
}

impl Correction {
    pub fn id(&self) -> &str {
        self.record.get("id").unwrap_or_default()
    }
}

/// The corrections of every file, taken out of them (before the files are merged).
pub fn take(files: &mut [crate::Imported]) -> Vec<Correction> {
    files.iter_mut().flat_map(|file| std::mem::take(&mut file.corrections)).collect()
}

/// Checks the `[[correction]]` records of a file: an id, known fields.
pub fn read(file: &str, records: Vec<Record>, report: &mut Report) -> Vec<Correction> {
    let mut corrections = Vec::with_capacity(records.len());
    for record in records {
        if record.get("id").is_none() {
            report.error(record.line, "id", "missing: a correction names the place it corrects by its id");
            continue;
        }
        for (field, _) in &record.fields {
            let known = FIELDS.contains(&field.as_str())
                || field == "id"
                || field == "territoire"
                || field.strip_prefix("avant.").is_some_and(|f| FIELDS.contains(&f));
            if !known {
                report.warning(
                    record.line_of(field),
                    field,
                    format!("unknown field ignored: a correction may set {}", FIELDS.join(", ")),
                );
            }
        }
        corrections.push(Correction { file: file.to_owned(), record });
    }
    corrections
}

/// A corrected field whose sources' value changed since the correction was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub place: String,
    pub field: String,
    /// What the sources say now.
    pub now: String,
    /// What they said when the correction was made.
    pub then: String,
}

/// Applies `corrections` to the merged cards; what could not be applied, and every conflict, is
/// said in `report` with the correction's file and line. The conflicts are returned too, for the
/// workspace to show them.
pub fn apply(
    actors: &mut Vec<Actor>,
    corrections: &[Correction],
    context: &Context<'_>,
    report: &mut Report,
) -> Vec<Conflict> {
    let mut hidden = Vec::new();
    let mut conflicts = Vec::new();
    for correction in corrections {
        let record = &correction.record;
        let at = |field: &str| format!("{} line {}", correction.file, record.line_of(field));
        let Some(actor) = actors.iter_mut().find(|a| a.id == correction.id()) else {
            report.warning(
                record.line,
                "id",
                format!(
                    "{}: no place `{}` in the sources now: its correction is not applied (the place may have left the national data; add it as a [[lieu]] if it still exists)",
                    at("id"),
                    correction.id()
                ),
            );
            continue;
        };
        for field in FIELDS.iter().filter(|f| record.fields.iter().any(|(k, _)| k == *f)) {
            let before =
                record.fields.iter().find(|(k, _)| *k == format!("avant.{field}")).map(|(_, v)| v.replace('|', ","));
            let now = actor.field_text(field, context.taxonomy);
            if let Some(before) = before.filter(|before| *before != now) {
                conflicts.push(Conflict {
                    place: actor.id.clone(),
                    field: (*field).to_owned(),
                    now: now.clone(),
                    then: before.clone(),
                });
                report.warning(
                    record.line_of(field),
                    field,
                    format!(
                        "{}: conflict: the sources now say `{now}` for {field} of `{}` (they said `{before}` when it was corrected); the correction is applied: review it in the workspace",
                        at(field),
                        actor.name
                    ),
                );
            }
        }
        if record.get("masque").is_some() {
            hidden.push(actor.id.clone());
            continue;
        }
        set_fields(actor, record, context, report);
    }
    actors.retain(|a| !hidden.contains(&a.id));
    conflicts
}

fn set_fields(actor: &mut Actor, record: &Record, context: &Context<'_>, report: &mut Report) {
    let has = |field: &str| record.fields.iter().any(|(k, _)| k == field);
    if let Some(name) = record.get("nom") {
        actor.name = name.to_owned();
    }
    if has("adresse") {
        actor.street = record.get("adresse").unwrap_or_default().to_owned();
    }
    if let Some(code) = record.get("code_postal") {
        actor.postal_code = code.into();
    }
    if let Some(commune) = record.get("commune") {
        actor.commune_name = commune.into();
    }
    if let (Some(lat), Some(lon)) = (record.get("latitude"), record.get("longitude")) {
        match (lat.parse::<f64>(), lon.parse::<f64>()) {
            (Ok(lat), Ok(lon)) if aiguillage_engine::geo::GeoPoint::from_degrees(lat, lon).is_some() => {
                actor.point = aiguillage_engine::geo::GeoPoint::from_degrees(lat, lon);
            }
            _ => report.warning(
                record.line_of("latitude"),
                "latitude",
                format!("`{lat}, {lon}` is not a point: expected decimal degrees; the sources' point is kept"),
            ),
        }
    }
    if has("telephone") {
        actor.phone = fields::phone(record, "telephone", report).map(Into::into);
    }
    if has("courriel") {
        actor.email = fields::email(record, "courriel", report);
    }
    if has("site_web") {
        actor.website = fields::link(record, "site_web", report);
    }
    if has("prise_rdv") {
        actor.booking_url = fields::link(record, "prise_rdv", report);
    }
    if has("horaires") {
        actor.hours = fields::hours(record, "horaires", context, actor.calendar().holidays, report);
    }
    if has("besoins") {
        if let Some(needs) = native::needs(record, context, report) {
            actor.needs = needs;
        }
    }
    if has("modalites") {
        actor.modes = native::codes(record, "modalites", Mode::from_code, Mode::codes, report);
    }
    if has("publics") {
        actor.publics = native::codes(record, "publics", Public::from_code, Public::codes, report);
    }
    if has("accueil_specifique") {
        actor.supports = native::codes(record, "accueil_specifique", Support::from_code, Support::codes, report);
    }
    if has("date_maj") {
        actor.updated = fields::date(record, "date_maj", context.today, report).or(actor.updated);
    }
}
