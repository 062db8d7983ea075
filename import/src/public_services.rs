//! Public services: the national France Services list and the Annuaire de l'administration
//! (service-public.fr), whose places are typed (`mission_locale`, `cci`, `clic`…) rather than
//! described by services. `data/taxonomy.toml`'s `[[service_type]]` says which needs each type
//! answers; a type it does not list, or lists without needs (the mairies), is left out and
//! counted in one warning per type.
//!
//! The readers ([`crate::france_services`], [`crate::annuaire`]) turn each source row into a
//! record with the same field names as the médiation standard (`adresse`, `code_postal`,
//! `commune`, `code_insee`, `latitude`, `longitude`, `telephone`, `courriel`, `site_web`,
//! `prise_rdv`, `horaires` as OSM `opening_hours`, `date_maj`), plus `type` (the service types,
//! `|`-separated), `siret` and `itinerant`; messages about those fields cite the source line.

use std::sync::OnceLock;

use aiguillage_engine::calendar::Date;
use aiguillage_engine::taxonomy::NeedSet;
use aiguillage_engine::vocab::{Mode, Programme, Public, Set};
use aiguillage_engine::{Actor, CompactStr, Zone};

use crate::diagnostic::Report;
use crate::fields::{self, locate, split_list};
use crate::project::{self, Serves, ServiceType};
use crate::records::Record;
use crate::Context;
use crate::Entry;

/// A service type with its codes resolved against the taxonomy in use.
struct Resolved {
    codes: Vec<String>,
    needs: NeedSet,
    publics: Set<Public>,
    programmes: Set<Programme>,
    modes: Set<Mode>,
    serves: Serves,
}

/// The shipped service types, read once per process (the fuzzer imports thousands of files).
fn shipped_types() -> Result<&'static [ServiceType], String> {
    static TYPES: OnceLock<Result<Vec<ServiceType>, String>> = OnceLock::new();
    TYPES.get_or_init(|| project::shipped_service_types().map_err(|e| e.to_string())).as_deref().map_err(Clone::clone)
}

fn resolve(types: &[ServiceType], context: &Context<'_>) -> Vec<Resolved> {
    types
        .iter()
        .map(|t| {
            let mut needs = NeedSet::default();
            t.needs.iter().filter_map(|code| context.taxonomy.need_id(code)).for_each(|id| needs.insert(id));
            Resolved {
                needs,
                publics: t.publics.iter().filter_map(|c| Public::from_code(c)).collect(),
                programmes: t.programmes.iter().filter_map(|c| Programme::from_code(c)).collect(),
                modes: t.modes.iter().filter_map(|c| Mode::from_code(c)).collect(),
                codes: t.codes.clone(),
                serves: t.serves,
            }
        })
        .collect()
}

/// Rows left out by type: how many, and the first line, for one warning per type.
#[derive(Default)]
struct LeftOut(Vec<(String, usize, usize, &'static str)>);

impl LeftOut {
    fn count(&mut self, code: &str, line: usize, why: &'static str) {
        match self.0.iter_mut().find(|(c, ..)| c == code) {
            Some((_, count, ..)) => *count += 1,
            None => self.0.push((code.to_string(), 1, line, why)),
        }
    }

    fn report(self, report: &mut Report) {
        for (code, count, line, why) in self.0 {
            let rows = if count == 1 { "1 row".to_string() } else { format!("{count} rows") };
            report.warning(line, "type", format!("{rows} of type `{code}` left out (first on this line): {why}"));
        }
    }
}

/// Maps the readers' records to actors. `updated` is the date of the whole file when its rows
/// carry none (the France Services list, the 2019 extract): from its name.
pub fn map_records(records: &[Record], context: &Context<'_>, report: &mut Report) -> Vec<Entry> {
    let types = match shipped_types() {
        Ok(types) => resolve(types, context),
        Err(error) => {
            report.error(1, "(taxonomy)", format!("the service types cannot be read: {error}"));
            return Vec::new();
        }
    };
    let mut left_out = LeftOut::default();
    let mut entries = Vec::with_capacity(records.len());
    for record in records {
        report.at_record(record.locator.as_deref());
        let codes: Vec<&str> = record.get("type").map(|t| split_list(t).collect()).unwrap_or_default();
        let known = codes.iter().find_map(|code| types.iter().find(|t| t.codes.iter().any(|c| c == code)));
        let Some(service) = known.filter(|t| !t.needs.is_empty()) else {
            let (code, why) = match (known, codes.first()) {
                (Some(t), _) => (t.codes[0].as_str(), "its [[service_type]] in data/taxonomy.toml lists no need"),
                (None, Some(code)) => (*code, "not a [[service_type]] of data/taxonomy.toml"),
                (None, None) => ("(none)", "no service type: expected one, e.g. mission_locale"),
            };
            left_out.count(code, record.line, why);
            continue;
        };
        fields::scan_text(record, &["site_web", "prise_rdv"], report);
        if let Some(actor) = map_record(record, service, context, report) {
            entries.push(Entry { actor, line: record.line, group: None, siret: fields::siret(record, "siret") });
        }
    }
    report.at_record(None);
    left_out.report(report);
    if !entries.is_empty() && entries.iter().all(|e| e.actor.updated.is_none()) {
        report.warning(
            1,
            "date_maj",
            "no update date, in the rows or in the file's name (e.g. `…-2024-08-01.csv`): residents will not be told how old the information is",
        );
    }
    entries
}

fn map_record(record: &Record, service: &Resolved, context: &Context<'_>, report: &mut Report) -> Option<Actor> {
    let line = record.line;
    let mut actor = fields::identified(record, report)?;
    actor.needs = service.needs;
    actor.publics = service.publics;
    actor.programmes = service.programmes;
    actor.modes = service.modes;
    locate(record, context.communes, report).place(&mut actor);
    actor.phone = fields::phone(record, "telephone", report).map(Into::into);
    actor.email = fields::email(record, "courriel", report);
    actor.website = fields::link(record, "site_web", report);
    actor.booking_url = fields::link(record, "prise_rdv", report);
    actor.summary = record.get("presentation").map(str::to_string);
    actor.itinerant = record.get("itinerant") == Some("true");
    actor.hours = fields::hours(record, "horaires", context, actor.calendar().holidays, report);
    actor.updated = fields::date(record, "date_maj", context.today, report);
    actor.source = record.get("source").unwrap_or_default().into();
    actor.zone = served_zone(service.serves, record, &actor, context, report);
    if actor.point.is_none() && actor.insee.is_none() {
        report.error(
            line,
            "code_insee",
            "no coordinates and no commune that can be found: the place cannot be located",
        );
        return None;
    }
    Some(actor)
}

/// Whom the place serves: the communes the source says it is competent for (the Annuaire's
/// pivot communes, `competence`), else its type's territory around its own commune; `None` for
/// everyone.
fn served_zone(
    serves: Serves,
    record: &Record,
    actor: &Actor,
    context: &Context<'_>,
    report: &mut Report,
) -> Option<Zone> {
    if serves == Serves::Everyone {
        return None;
    }
    let listed: Vec<CompactStr> = record
        .get("competence")
        .map(|codes| split_list(codes).filter(|c| context.communes.get(c).is_some()).map(CompactStr::from).collect())
        .unwrap_or_default();
    // A list of one commune may be where the service sits rather than whom it serves (sources
    // that give a location only): for a wider type, the type's territory is surer.
    if listed.len() > 1 || (serves == Serves::Commune && !listed.is_empty()) {
        return Some(Zone { communes: listed, ..Zone::default() });
    }
    let Some(commune) = actor.insee.as_deref().and_then(|insee| context.communes.get(insee)) else {
        report.warning(
            record.line,
            "code_insee",
            "no commune: whom it serves cannot be said, so it is proposed to everyone (give its commune)",
        );
        return None;
    };
    Some(match (serves, &commune.epci) {
        (Serves::Commune, _) | (Serves::Epci, None) => {
            Zone { communes: vec![commune.insee.clone()], ..Zone::default() }
        }
        (Serves::Epci, Some(epci)) => Zone { epcis: vec![epci.clone()], ..Zone::default() },
        _ => Zone { departements: vec![commune.departement.clone()], ..Zone::default() },
    })
}

/// The date a file's name carries (`…-2024-08-01.csv`, `…20240801…`), else its year alone
/// (`…-2019-…`, read as 1 January): the update date of rows that carry none.
pub fn date_in_file_name(name: &str) -> Option<Date> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let digits_at = |at: usize, len: usize| {
        base.get(at..at + len).filter(|s| s.bytes().all(|b| b.is_ascii_digit())).and_then(|s| s.parse::<u32>().ok())
    };
    let bytes = base.as_bytes();
    let boundary = |at: usize| at == 0 || !bytes[at - 1].is_ascii_digit();
    for at in (0..base.len()).filter(|at| boundary(*at)) {
        let year = digits_at(at, 4).filter(|y| (1990..=2100).contains(y));
        let Some(year) = year else { continue };
        let dashed = (base.get(at + 4..at + 5) == Some("-") && base.get(at + 7..at + 8) == Some("-"))
            .then(|| (digits_at(at + 5, 2), digits_at(at + 8, 2)));
        let packed = Some((digits_at(at + 4, 2), digits_at(at + 6, 2)));
        for (month, day) in [dashed, packed].into_iter().flatten() {
            if let Some(date) = month.zip(day).and_then(|(m, d)| Date::from_ymd(year as i32, m, d)) {
                return Some(date);
            }
        }
        let ends = base.as_bytes().get(at + 4).is_none_or(|b| !b.is_ascii_digit());
        if ends {
            return Date::from_ymd(year as i32, 1, 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_gives_its_date_or_its_year() {
        let date = |name: &str| date_in_file_name(name).map(|d| d.to_string());
        assert_eq!(date("data/real/france-services-2024-08-01.csv").as_deref(), Some("2024-08-01"));
        assert_eq!(date("liste-fs-20240801.csv").as_deref(), Some("2024-08-01"));
        assert_eq!(date("annuaire-service-public-2019-charente.csv").as_deref(), Some("2019-01-01"));
        assert_eq!(date("export-16.csv"), None);
        assert_eq!(date("lieux-123456.csv"), None);
        assert_eq!(date("2024-13-45.csv").as_deref(), Some("2024-01-01"), "an impossible date: its year");
    }
}
