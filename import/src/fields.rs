//! Readers for the fields every format shares — where a place is, how to reach it, its hours, its
//! dates — and the safety scan of text fields. One implementation, so that the same mistake gets
//! the same message whatever the format it was made in.
//!
//! All formats use the data·inclusion v1 / médiation numérique names for these fields (`adresse`,
//! `code_postal`, `commune`, `code_insee`, `latitude`, `longitude`, `telephone`…).

use aiguillage_engine::calendar::{Calendar, Date, Holidays};
use aiguillage_engine::geo::GeoPoint;
use aiguillage_engine::hours::Hours;
use aiguillage_engine::territory::{fold, Commune, Communes};
use aiguillage_engine::{CompactStr, Zone};

use crate::diagnostic::Report;
use crate::hours::parse_hours;
use crate::records::Record;
use crate::reference;
use crate::Context;

/// Beyond this distance from the centre of its stated commune, a point is doubtful.
pub const MAX_KM_FROM_COMMUNE: u32 = 30;

/// A commune found by repair (merged commune, abbreviated name) must be this close to the point.
const NEAREST_COMMUNE_KM: u32 = 15;

/// The fields that say where a place is: a record without any of them has no location of its own.
pub const LOCATION_FIELDS: &[&str] =
    &["adresse", "complement_adresse", "code_postal", "commune", "code_insee", "latitude", "longitude"];

/// Where a place is, as far as the record says and the commune reference confirms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Located {
    pub street: String,
    pub postal_code: String,
    pub commune_name: String,
    pub insee: Option<String>,
    pub point: Option<GeoPoint>,
}

impl Located {
    /// Where the actor receives people.
    /// The calendar of the place found (see [`aiguillage_engine::Actor::calendar`]).
    pub fn calendar(&self) -> Calendar {
        match self.insee.as_deref() {
            Some(insee) => Calendar::of_insee(insee),
            None => Calendar::of_postal_code(&self.postal_code),
        }
    }

    pub fn place(self, actor: &mut aiguillage_engine::Actor) {
        actor.street = self.street;
        actor.postal_code = self.postal_code.into();
        actor.commune_name = self.commune_name.into();
        actor.insee = self.insee.map(CompactStr::from);
        actor.point = self.point;
    }
}

/// Reads and checks the location fields of a record.
pub fn locate(record: &Record, communes: &Communes, report: &mut Report) -> Located {
    let street =
        [record.get("adresse"), record.get("complement_adresse")].into_iter().flatten().collect::<Vec<_>>().join(", ");
    let commune_name = record.get("commune").unwrap_or_default().to_string();
    let postal_code = postal_code(record, communes, report);
    let point = read_point(record, report);
    let insee = resolve_insee(record, &postal_code, &commune_name, point, communes, report);
    let centre = insee.as_deref().and_then(|code| communes.get(code)).and_then(|c| c.point.map(|p| (c, p)));
    let point = point.and_then(|point| check_point(record, point, centre, report));
    Located { street, postal_code, commune_name, insee, point }
}

fn is_postal_code(text: &str) -> bool {
    text.len() == 5 && text.bytes().all(|b| b.is_ascii_digit())
}

fn postal_code(record: &Record, communes: &Communes, report: &mut Report) -> String {
    let Some(text) = record.get("code_postal") else { return String::new() };
    let line = record.line_of("code_postal");
    if is_postal_code(text) {
        return text.to_string();
    }
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if is_postal_code(&digits) {
        report.warning(line, "code_postal", format!("`{text}` has spaces: read as `{digits}`"));
        return digits;
    }
    // Spreadsheets drop the leading zero of Ain, Aisne… codes. `1600` may as well be a mistyped
    // 16000: the commune name must agree.
    let padded = format!("0{digits}");
    let name = fold(record.get("commune").unwrap_or_default());
    if digits.len() == 4
        && digits.bytes().all(|b| b.is_ascii_digit())
        && communes.with_postal_code(&padded).any(|c| name.is_empty() || communes.folded_name(c) == name)
    {
        report.warning(line, "code_postal", format!("`{text}` has 4 digits: read as `{padded}` (leading zero lost?)"));
        return padded;
    }
    report.warning(line, "code_postal", format!("`{text}` is not a 5-digit postal code"));
    text.to_string()
}

/// An INSEE commune code: 2 digits (or 2A/2B for Corsica), then 3 digits.
fn is_insee_code(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 5
        && (bytes[..2].iter().all(u8::is_ascii_digit) || matches!(text.get(..2), Some("2A" | "2B" | "2a" | "2b")))
        && bytes[2..].iter().all(u8::is_ascii_digit)
}

fn read_point(record: &Record, report: &mut Report) -> Option<GeoPoint> {
    let (lat, lon) = (record.get("latitude")?, record.get("longitude")?);
    let line = record.line_of("latitude");
    let (Ok(lat), Ok(lon)) = (lat.replace(',', ".").parse::<f64>(), lon.replace(',', ".").parse::<f64>()) else {
        report.warning(
            line,
            "latitude",
            format!("`{lat}`, `{lon}` are not decimal degrees: the commune centre is used"),
        );
        return None;
    };
    match GeoPoint::from_degrees(lat, lon) {
        Some(point) if lat != 0.0 || lon != 0.0 => Some(point),
        _ => {
            report.warning(
                line,
                "latitude",
                format!("({lat}, {lon}) is not a place on Earth: the commune centre is used"),
            );
            None
        }
    }
}

/// Rough boxes around metropolitan France, Corsica and the overseas communes: enough to tell a
/// point in France from one swapped into the ocean.
pub fn in_france(point: GeoPoint) -> bool {
    const BOXES: &[(f64, f64, f64, f64)] = &[
        (41.2, 51.3, -5.5, 9.8),        // metropolitan France and Corsica
        (15.8, 16.6, -61.9, -60.9),     // Guadeloupe
        (14.3, 14.95, -61.3, -60.75),   // Martinique
        (2.0, 6.0, -54.8, -51.4),       // Guyane
        (-21.5, -20.8, 55.1, 56.0),     // La Réunion
        (-13.1, -12.5, 44.9, 45.4),     // Mayotte
        (46.7, 47.2, -56.5, -56.1),     // Saint-Pierre-et-Miquelon
        (17.8, 18.2, -63.2, -62.7),     // Saint-Barthélemy, Saint-Martin
        (-14.5, -13.0, -178.3, -176.0), // Wallis-et-Futuna
        (-28.0, -7.5, -155.0, -134.0),  // Polynésie française
        (-23.0, -19.5, 163.5, 168.2),   // Nouvelle-Calédonie
    ];
    let (lat, lon) = (point.lat(), point.lon());
    BOXES.iter().any(|(south, north, west, east)| (*south..=*north).contains(&lat) && (*west..=*east).contains(&lon))
}

fn swapped(point: GeoPoint) -> Option<GeoPoint> {
    GeoPoint::from_degrees(point.lon(), point.lat())
}

/// Checks a point against its commune (or France when the commune is unknown). Swapped
/// coordinates and a lost minus sign are repaired; a point far from a confirmed commune is
/// replaced by the commune's centre, since a mistyped point is likelier than a commune name and
/// postal code that agree.
fn check_point(
    record: &Record,
    point: GeoPoint,
    centre: Option<(&Commune, GeoPoint)>,
    report: &mut Report,
) -> Option<GeoPoint> {
    let line = record.line_of("latitude");
    let (lat, lon) = (point.lat(), point.lon());
    let Some((commune, centre)) = centre else {
        if in_france(point) {
            return Some(point);
        }
        return match swapped(point).filter(|s| in_france(*s)) {
            Some(fixed) => {
                report.warning(
                    line,
                    "latitude",
                    format!("({lat}, {lon}) is not in France, ({lon}, {lat}) is: latitude and longitude swapped back"),
                );
                Some(fixed)
            }
            None => {
                report.warning(line, "latitude", format!("({lat}, {lon}) is not in France: the point is left out"));
                None
            }
        };
    };
    let km = point.distance_m(centre) / 1000;
    if km <= MAX_KM_FROM_COMMUNE {
        return Some(point);
    }
    let near = |p: &GeoPoint| p.distance_m(centre) / 1000 <= MAX_KM_FROM_COMMUNE;
    let place = format!("{} ({})", commune.name, commune.insee);
    if let Some(fixed) = swapped(point).filter(near) {
        let fixed_km = fixed.distance_m(centre) / 1000;
        report.warning(
            line,
            "latitude",
            format!("({lat}, {lon}) is {km} km from the centre of {place}; swapped it is {fixed_km} km away: latitude and longitude swapped back"),
        );
        return Some(fixed);
    }
    if let Some(fixed) = GeoPoint::from_degrees(lat, -lon).filter(near) {
        let fixed_km = fixed.distance_m(centre) / 1000;
        report.warning(
            line,
            "longitude",
            format!("({lat}, {lon}) is {km} km from the centre of {place}; with longitude {} it is {fixed_km} km away: sign repaired", -lon),
        );
        return Some(fixed);
    }
    report.warning(
        line,
        "latitude",
        format!("({lat}, {lon}) is {km} km from the centre of {place}: the commune centre is used instead (check the coordinates)"),
    );
    None
}

/// The commune's INSEE code: given, else derived from postal code and name when that is unique.
/// Near misses (merged communes, shortened names, CEDEX codes) are repaired with a warning.
fn resolve_insee(
    record: &Record,
    postal_code: &str,
    commune_name: &str,
    point: Option<GeoPoint>,
    communes: &Communes,
    report: &mut Report,
) -> Option<String> {
    let line = record.line_of("code_insee");
    if let Some(code) = record.get("code_insee") {
        if communes.get(code).is_some() {
            return Some(code.to_string());
        }
        let upper = code.to_ascii_uppercase();
        let padded = format!("0{code}");
        if communes.get(&upper).is_some() {
            return Some(upper);
        }
        if code.len() == 4 && communes.get(&padded).is_some() {
            report.warning(
                line,
                "code_insee",
                format!("`{code}` has 4 characters: read as `{padded}` (leading zero lost?)"),
            );
            return Some(padded);
        }
        let what = if is_insee_code(code) {
            "is not a current commune (COG 2026)"
        } else {
            "is not an INSEE code (5 characters, such as 16015 or 2A004)"
        };
        report.warning(line, "code_insee", format!("`{code}` {what}: derived from postal code and name instead"));
    }
    derive_insee(line, postal_code, commune_name, point, communes, report)
}

fn derive_insee(
    line: usize,
    postal_code: &str,
    commune_name: &str,
    point: Option<GeoPoint>,
    communes: &Communes,
    report: &mut Report,
) -> Option<String> {
    if postal_code.is_empty() && commune_name.is_empty() {
        // Nothing to derive from: the point alone locates the place, or an error follows.
        return None;
    }
    let name = fold(commune_name);
    let by_postal: Vec<&Commune> = communes.with_postal_code(postal_code).collect();
    let exact: Vec<&Commune> =
        by_postal.iter().copied().filter(|c| name.is_empty() || communes.folded_name(c) == name).collect();
    match exact.as_slice() {
        [one] => return Some(one.insee.to_string()),
        [] => {}
        many => {
            report.warning(
                line,
                "code_insee",
                format!("`{commune_name}` {postal_code} matches {} communes: give code_insee", many.len()),
            );
            return None;
        }
    }
    // The safest repair first: a name that differs only by its end, then a name right but a
    // postal code wrong (or CEDEX), then the only commune of the postal code near the point.
    let repaired = shortened_name(&by_postal, &name)
        .map(|c| (c, "its name is shortened or extended"))
        .or_else(|| {
            by_name_in_departement(communes, postal_code, &name, point).map(|c| (c, "found by name in the département"))
        })
        .or_else(|| nearest(&by_postal, point).map(|c| (c, "the commune of that postal code nearest the point")));
    if let Some((commune, why)) = repaired {
        report.warning(
            line,
            "code_insee",
            format!(
                "no commune named `{commune_name}` with postal code `{postal_code}` (COG 2026): read as {} ({}), {why}",
                commune.name, commune.insee
            ),
        );
        return Some(commune.insee.to_string());
    }
    report.warning(
        line,
        "code_insee",
        format!(
            "no commune named `{commune_name}` with postal code `{postal_code}`: the place is located by its coordinates only"
        ),
    );
    None
}

/// `Sarlat` for Sarlat-la-Canéda, `Les Mathes - La Palmyre` for Les Mathes: one name starts the
/// other, word by word, for exactly one commune of the postal code.
fn shortened_name<'c>(candidates: &[&'c Commune], name: &str) -> Option<&'c Commune> {
    if name.is_empty() {
        return None;
    }
    let starts = |long: &str, short: &str| long.starts_with(short) && long[short.len()..].starts_with(' ');
    let matching: Vec<_> = candidates
        .iter()
        .filter(|c| {
            let folded = fold(&c.name);
            starts(&folded, name) || starts(name, &folded)
        })
        .collect();
    match matching.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// The commune of the postal code nearest the point (merged communes keep their postal code),
/// when it is clearly the nearest: a centre is not a boundary, so two similar distances say
/// nothing.
fn nearest<'c>(candidates: &[&'c Commune], point: Option<GeoPoint>) -> Option<&'c Commune> {
    let point = point?;
    let mut by_distance: Vec<(u32, &Commune)> =
        candidates.iter().filter_map(|c| c.point.map(|p| (point.distance_m(p), *c))).collect();
    by_distance.sort_by(|(a, ca), (b, cb)| a.cmp(b).then(ca.insee.cmp(&cb.insee)));
    match by_distance.as_slice() {
        [(first, commune), rest @ ..]
            if *first / 1000 <= NEAREST_COMMUNE_KM && rest.first().is_none_or(|(second, _)| *second >= first * 2) =>
        {
            Some(commune)
        }
        _ => None,
    }
}

/// A postal code that belongs to no commune of that name (CEDEX, or mistyped): look the name up
/// in the département the code starts with; the point, when known, must agree.
fn by_name_in_departement<'c>(
    communes: &'c Communes,
    postal_code: &str,
    name: &str,
    point: Option<GeoPoint>,
) -> Option<&'c Commune> {
    if !is_postal_code(postal_code) || name.is_empty() {
        return None;
    }
    let name = name.split(" cedex").next().unwrap_or(name);
    let departement = if postal_code.starts_with("97") { &postal_code[..3] } else { &postal_code[..2] };
    let found: Vec<_> = communes
        .iter()
        .filter(|c| c.departement == departement || (departement == "20" && c.departement.starts_with('2')))
        .filter(|c| communes.folded_name(c) == name)
        .collect();
    match found.as_slice() {
        [one] if point.zip(one.point).is_none_or(|(p, c)| p.distance_m(c) / 1000 <= MAX_KM_FROM_COMMUNE) => Some(one),
        _ => None,
    }
}

/// A phone number as the UI dials it: `+` and digits only, French numbers as `+33…`.
pub fn phone(record: &Record, field: &str, report: &mut Report) -> Option<String> {
    let text = record.get(field)?;
    let line = record.line_of(field);
    let first = text.split(['/', ',', ';', '|']).map(str::trim).find(|p| !p.is_empty()).unwrap_or(text);
    if first.len() < text.len() {
        report.warning(line, field, format!("several numbers in `{text}`: the first one is used"));
    }
    let digits: String = first.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    let digits = match digits.strip_prefix("+330") {
        Some(rest) if rest.len() == 9 => format!("+33{rest}"),
        _ => digits,
    };
    let count = digits.chars().filter(char::is_ascii_digit).count();
    if !(4..=15).contains(&count) || digits[1..].contains('+') {
        report.warning(line, field, format!("`{first}` is not a phone number: left out"));
        return None;
    }
    Some(match digits.strip_prefix('0') {
        Some(rest) if digits.len() == 10 => format!("+33{rest}"),
        _ => digits,
    })
}

/// The first e-mail address of a field; the UI builds the `mailto:` link itself.
pub fn email(record: &Record, field: &str, report: &mut Report) -> Option<String> {
    let text = record.get(field)?;
    let line = record.line_of(field);
    let first = split_list(text).next().unwrap_or(text);
    let address = match first.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("mailto:") => &first[7..],
        _ => first,
    };
    let shape_ok = address.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
    });
    let clean = !address.chars().any(|c| c.is_whitespace() || c.is_control() || "<>\"(),;:[]\\".contains(c))
        && address.matches('@').count() == 1;
    if !(shape_ok && clean) {
        report.warning(line, field, format!("`{first}` is not an e-mail address: left out"));
        return None;
    }
    Some(address.to_string())
}

/// URL schemes that run code or embed content: never passed on, and said so plainly.
const UNSAFE_SCHEMES: &[&str] = &["javascript:", "vbscript:", "data:", "file:"];

/// A link for people's browsers: `https:` links pass; an `http:` link and a bare domain become
/// `https://` (said); anything else is reported and left out.
pub fn link(record: &Record, field: &str, report: &mut Report) -> Option<String> {
    let text = record.get(field)?;
    let line = record.line_of(field);
    let first = split_list(text).next().unwrap_or(text);
    // Browsers ignore spaces and control characters inside a scheme: so does this check.
    let squeezed: String = first.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
    let lower = squeezed.to_ascii_lowercase();
    if let Some(scheme) = UNSAFE_SCHEMES.iter().find(|s| lower.starts_with(**s)) {
        report.warning(
            line,
            field,
            format!("unsafe link (`{scheme}`): left out; only http(s) links are passed on to residents"),
        );
        return None;
    }
    let has_bad_chars = first.chars().any(|c| c.is_whitespace() || c.is_control() || "<>\"'`{}".contains(c));
    if lower.starts_with("https://") && !has_bad_chars && first.len() > 8 {
        return Some(first.to_string());
    }
    // The widget follows `https:` links only (a resident's form on a plain-text page can be read
    // or altered on the way); an `http:` link is upgraded here, and said, rather than dropped.
    if lower.starts_with("http://") && !has_bad_chars && first.len() > 7 {
        let upgraded = format!("https://{}", &first["http://".len()..]);
        report.warning(
            line,
            field,
            format!("`{first}` is not a secure link: passed on as `{upgraded}` (check that the site answers there)"),
        );
        return Some(upgraded);
    }
    let looks_like_domain = !has_bad_chars
        && !first.contains(':')
        && first.split('/').next().is_some_and(|host| host.contains('.') && !host.starts_with('.'));
    if looks_like_domain {
        report.warning(line, field, format!("`{first}` has no scheme: read as `https://{first}`"));
        return Some(format!("https://{first}"));
    }
    report.warning(line, field, format!("`{first}` is not an http(s) link: left out"));
    None
}

/// Opening hours from an OSM `opening_hours` text, compiled from `start` with the place's public
/// holidays (`PH`).
pub fn hours(record: &Record, field: &str, context: &Context<'_>, holidays: Holidays, report: &mut Report) -> Hours {
    let (hours, warning) = parse_hours(record.get(field).unwrap_or(""), context.today, context.horizon_days, holidays);
    if let Some(warning) = warning {
        report.warning(record.line_of(field), field, warning.to_string());
    }
    hours
}

/// A date `YYYY-MM-DD` (a date-time is cut to its date). A date that cannot be a record's (before
/// 2000, such as the `1969-12-31` of an empty Unix time, or after `today`) is read as unknown and
/// said, so that no resident is told of it.
pub fn date(record: &Record, field: &str, today: Date, report: &mut Report) -> Option<Date> {
    let text = record.get(field)?;
    let parsed =
        text.get(..10).filter(|_| text.len() == 10 || text[10..].starts_with(['T', ' '])).and_then(Date::parse);
    let Some(date) = parsed else {
        report.warning(record.line_of(field), field, format!("`{text}` is not a date YYYY-MM-DD"));
        return None;
    };
    let earliest = Date::from_ymd(2000, 1, 1).unwrap_or(date);
    if date < earliest || date > today.add_days(1) {
        let why = if date < earliest { "before 2000" } else { "in the future" };
        report.warning(
            record.line_of(field),
            field,
            format!("`{text}` cannot be the date of this record ({why}): read as unknown; expected the day it was last updated"),
        );
        return None;
    }
    Some(date)
}

/// A new actor from the record's `id` and `nom`, both required: without them the row cannot be
/// used (an error says which is missing).
pub fn identified(record: &Record, report: &mut Report) -> Option<aiguillage_engine::Actor> {
    let Some(id) = record.get("id") else {
        report.error(record.line, "id", "missing: every place needs a stable identifier");
        return None;
    };
    let Some(name) = record.get("nom") else {
        report.error(record.line, "nom", "missing: expected the name of the place");
        return None;
    };
    Some(aiguillage_engine::Actor::new(id, name))
}

/// A SIRET (14 digits, not all zeros: producers write `00000000000000` for "none").
pub fn siret(record: &Record, field: &str) -> Option<String> {
    let text: String = record.get(field)?.chars().filter(|c| !c.is_whitespace()).collect();
    (text.len() == 14 && text.bytes().all(|b| b.is_ascii_digit()) && text.bytes().any(|b| b != b'0')).then_some(text)
}

/// The eligibility zone: `Ok(None)` when there is none (anyone may use the service). `None` when
/// a zone is given but no code of it can be read: the hard limit cannot be enforced, so the
/// service is left out (with an error) rather than proposed to everyone.
pub fn zone(record: &Record, communes: &Communes, report: &mut Report) -> Option<Option<Zone>> {
    if let Some(text) = record.get("zone_eligibilite") {
        let field = "zone_eligibilite";
        let mut zone = Zone::default();
        for code in split_list(text) {
            add_code(&mut zone, code, communes, record.line_of(field), field, report);
        }
        return finish_zone(zone, text, record.line_of(field), field, report);
    }
    // v0: one type and one code.
    let (Some(kind), Some(code)) = (record.get("zone_diffusion_type"), record.get("zone_diffusion_code")) else {
        return Some(None);
    };
    let field = "zone_diffusion_code";
    let line = record.line_of(field);
    let mut zone = Zone::default();
    match kind {
        "pays" => zone.france = true,
        "region" => {
            let departements = reference::departements_of_region(code);
            if departements.is_empty() {
                report.warning(line, field, format!("`{code}` is not a région code (COG 2026): ignored"));
            }
            zone.departements = departements.into_iter().map(CompactStr::from).collect();
        }
        "commune" | "epci" | "departement" => add_code(&mut zone, code, communes, line, field, report),
        _ => report.warning(
            line,
            "zone_diffusion_type",
            format!("unknown value `{kind}`: expected commune, epci, departement, region or pays"),
        ),
    }
    finish_zone(zone, code, line, field, report)
}

fn finish_zone(zone: Zone, text: &str, line: usize, field: &str, report: &mut Report) -> Option<Option<Zone>> {
    if zone.france || !zone.communes.is_empty() || !zone.epcis.is_empty() || !zone.departements.is_empty() {
        return Some(Some(zone));
    }
    report.error(
        line,
        field,
        format!("no usable code in `{text}`: the eligibility zone cannot be enforced, so the service is left out"),
    );
    None
}

/// One code of the COG: `france` (or country code 99100), a commune (5 characters), an EPCI
/// (9-digit SIREN) or a département (2 or 3 characters).
fn add_code(zone: &mut Zone, code: &str, communes: &Communes, line: usize, field: &str, report: &mut Report) {
    let code = code.trim();
    let known = match code.len() {
        _ if code.eq_ignore_ascii_case("france") || code == "99100" => {
            zone.france = true;
            true
        }
        5 if code.starts_with("99") => {
            report.warning(line, field, format!("`{code}` is a foreign country: ignored"));
            return;
        }
        5 => communes.get(code).is_some() && push(&mut zone.communes, code),
        9 => communes.epci(code).is_some() && push(&mut zone.epcis, code),
        2 | 3 => communes.iter().any(|c| c.departement == code) && push(&mut zone.departements, code),
        _ => false,
    };
    if !known {
        report.warning(
            line,
            field,
            format!("`{code}` is not a current commune, EPCI, département (COG 2026) or `france`: ignored"),
        );
    }
}

fn push(list: &mut Vec<CompactStr>, code: &str) -> bool {
    if !list.iter().any(|c| c == code) {
        list.push(code.into());
    }
    true
}

/// Splits a list field on `|` (v1.0) or `;` (v0.1, and v1.0 files written the old way).
pub fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(['|', ';']).map(str::trim).filter(|v| !v.is_empty())
}

/// Compares vocabulary values as people write them: no case, accents, spaces or apostrophe kinds.
pub fn key(value: &str) -> String {
    fold(value).replace(' ', "")
}

/// Removes the bidirectional control characters (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F)
/// from every field, with a warning each: invisible, they can make a name read backwards or hide
/// what follows it, in the widget and in anything else that reads the bundle or the CLI's JSON.
pub fn remove_bidi_controls(records: &mut [Record], report: &mut Report) {
    let is_control = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}');
    for record in records {
        report.at_record(record.locator.as_deref());
        for index in 0..record.fields.len() {
            if record.fields[index].1.chars().any(is_control) {
                let cleaned: String = record.fields[index].1.chars().filter(|c| !is_control(*c)).collect();
                let field = record.fields[index].0.clone();
                report.warning(
                    record.line_of(&field),
                    &field,
                    "bidirectional control characters removed: invisible, they can make a text read backwards",
                );
                record.fields[index].1 = cleaned;
            }
        }
    }
    report.at_record(None);
}

/// Flags markup and script links in the text fields of a record (`links` are checked by [`link`]).
/// The text is kept — the widget shows it as text, never as HTML — but the source should be fixed.
pub fn scan_text(record: &Record, links: &[&str], report: &mut Report) {
    for (field, value) in &record.fields {
        if links.contains(&field.as_str()) {
            continue;
        }
        if let Some(problem) = text_problem(value) {
            report.warning(record.line_of(field), field, problem);
        }
    }
}

fn text_problem(value: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    if let Some(scheme) = ["javascript:", "vbscript:"].iter().find(|s| lower.contains(**s)) {
        return Some(format!(
            "`{scheme}` in a text field: script links are never passed on; remove it from the source"
        ));
    }
    let trimmed = lower.trim_start();
    if trimmed.starts_with("data:")
        || ["data:text/", "data:image/", "data:application/"].iter().any(|s| lower.contains(s))
    {
        return Some("`data:` link in a text field: never passed on; remove it from the source".into());
    }
    let tag = markup(value)?;
    let what = if tag.eq_ignore_ascii_case("<script") { "a script" } else { "markup" };
    Some(format!("{what} (`{tag}…`) in a text field: shown as plain text, never as HTML; remove it from the source"))
}

/// The first `<tag`, `</tag` or `<!` in a text, if any.
fn markup(value: &str) -> Option<&str> {
    let bytes = value.as_bytes();
    bytes.iter().enumerate().find_map(|(i, b)| {
        if *b != b'<' {
            return None;
        }
        let next = *bytes.get(i + 1)?;
        if !(next.is_ascii_alphabetic() || next == b'/' || next == b'!') {
            return None;
        }
        let end = bytes[i + 1..]
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'/' || *c == b'!' || *c == b'-'))
            .map_or(bytes.len(), |p| i + 1 + p);
        Some(&value[i..end])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(fields: &[(&str, &str)]) -> Record {
        Record::new(7, fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    fn messages(report: &Report) -> Vec<String> {
        report.diagnostics.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn links_pass_only_when_http() {
        let mut report = Report::new("f");
        let r = record(&[
            ("a", "https://ok.fr/x"),
            ("b", " JavaScript:alert(1)"),
            ("c", "data:text/html,<b>"),
            ("d", "www.mairie.fr/epn"),
            ("e", "ftp://x.fr"),
            ("f", "HTTP://www.mairie.fr/epn"),
        ]);
        assert_eq!(link(&r, "a", &mut report).as_deref(), Some("https://ok.fr/x"));
        assert_eq!(link(&r, "b", &mut report), None);
        assert_eq!(link(&r, "c", &mut report), None);
        assert_eq!(link(&r, "d", &mut report).as_deref(), Some("https://www.mairie.fr/epn"));
        assert_eq!(link(&r, "e", &mut report), None);
        assert_eq!(link(&r, "f", &mut report).as_deref(), Some("https://www.mairie.fr/epn"));
        assert_eq!(
            messages(&report),
            [
                "warning: f:7: b: unsafe link (`javascript:`): left out; only http(s) links are passed on to residents",
                "warning: f:7: c: unsafe link (`data:`): left out; only http(s) links are passed on to residents",
                "warning: f:7: d: `www.mairie.fr/epn` has no scheme: read as `https://www.mairie.fr/epn`",
                "warning: f:7: e: `ftp://x.fr` is not an http(s) link: left out",
                "warning: f:7: f: `HTTP://www.mairie.fr/epn` is not a secure link: passed on as `https://www.mairie.fr/epn` (check that the site answers there)",
            ]
        );
    }

    #[test]
    fn phones_and_emails_are_checked() {
        let mut report = Report::new("f");
        let r = record(&[
            ("t1", "05 45 00 00 00"),
            ("t2", "+33 (0)5 45 00 00 00"),
            ("t3", "voir site"),
            ("m1", "mailto:epn@mairie.fr"),
            ("m2", "epn at mairie.fr"),
        ]);
        assert_eq!(phone(&r, "t1", &mut report).as_deref(), Some("+33545000000"));
        assert_eq!(phone(&r, "t2", &mut report).as_deref(), Some("+33545000000"));
        assert_eq!(phone(&r, "t3", &mut report), None);
        assert_eq!(email(&r, "m1", &mut report).as_deref(), Some("epn@mairie.fr"));
        assert_eq!(email(&r, "m2", &mut report), None);
        assert_eq!(
            messages(&report),
            [
                "warning: f:7: t3: `voir site` is not a phone number: left out",
                "warning: f:7: m2: `epn at mairie.fr` is not an e-mail address: left out",
            ]
        );
    }

    #[test]
    fn markup_and_script_links_in_text_are_flagged() {
        let mut report = Report::new("f");
        let r = record(&[
            ("nom", "EPN <script>alert(1)</script>"),
            ("presentation_resume", "Ateliers <b>gratuits</b>"),
            ("adresse", "1 < 2 rue"),
            ("description", "voir javascript:void(0)"),
            ("site_web", "javascript:x"),
        ]);
        scan_text(&r, &["site_web"], &mut report);
        assert_eq!(
            messages(&report),
            [
                "warning: f:7: nom: a script (`<script…`) in a text field: shown as plain text, never as HTML; remove it from the source",
                "warning: f:7: presentation_resume: markup (`<b…`) in a text field: shown as plain text, never as HTML; remove it from the source",
                "warning: f:7: description: `javascript:` in a text field: script links are never passed on; remove it from the source",
            ]
        );
    }

    #[test]
    fn points_are_checked_against_france() {
        let angouleme_swapped = GeoPoint::from_degrees(0.1562, 45.6484).unwrap();
        assert!(!in_france(angouleme_swapped));
        assert!(in_france(swapped(angouleme_swapped).unwrap()));
        assert!(in_france(GeoPoint::from_degrees(-21.1, 55.5).unwrap()), "La Réunion");
    }

    #[test]
    fn insee_codes_with_multibyte_characters_do_not_panic() {
        assert!(!is_insee_code("aé12"));
        assert!(is_insee_code("2A004") && is_insee_code("16015") && !is_insee_code("16O15"));
    }

    #[test]
    fn dates_accept_date_times() {
        let mut report = Report::new("f");
        let r = record(&[("a", "2025-02-14T10:00:00"), ("b", "14/02/2025")]);
        assert_eq!(date(&r, "a", Date::from_ymd(2026, 1, 1).unwrap(), &mut report), Date::from_ymd(2025, 2, 14));
        assert_eq!(date(&r, "b", Date::from_ymd(2026, 1, 1).unwrap(), &mut report), None);
        assert_eq!(messages(&report), ["warning: f:7: b: `14/02/2025` is not a date YYYY-MM-DD"]);
    }

    #[test]
    fn dates_that_cannot_be_true_are_unknown_and_said() {
        let today = Date::from_ymd(2026, 12, 7).unwrap();
        let r = record(&[
            ("empty-unix", "1969-12-31"),
            ("old", "1999-12-31"),
            ("future", "2027-03-01"),
            ("tomorrow", "2026-12-08"),
            ("first", "2000-01-01"),
        ]);
        let mut report = Report::new("f");
        assert_eq!(date(&r, "empty-unix", today, &mut report), None);
        assert_eq!(date(&r, "old", today, &mut report), None);
        assert_eq!(date(&r, "future", today, &mut report), None);
        // A day ahead: a producer in another time zone, or a clock a little fast.
        assert_eq!(date(&r, "tomorrow", today, &mut report), Date::from_ymd(2026, 12, 8));
        assert_eq!(date(&r, "first", today, &mut report), Date::from_ymd(2000, 1, 1));
        let said = messages(&report);
        assert_eq!(said.len(), 3, "{said:?}");
        assert!(said[0].contains("`1969-12-31` cannot be the date of this record (before 2000)"), "{said:?}");
        assert!(said[2].contains("(in the future)"), "{said:?}");
    }
}
