//! The compact binary bundle: one territory's communes, actors, taxonomy, wording and rules.
//!
//! Built natively (`aiguillage bundle`), decoded in the browser. Varint-encoded, no serde, so the
//! widget stays small; decoding checks every length and value and returns an error, never panics.

use std::collections::BTreeMap;

use crate::actor::{Actor, Directory, Zone};
use crate::calendar::Date;
use crate::geo::GeoPoint;
use crate::hours::{Hours, Schedule};
use crate::rules::Rules;
use crate::taxonomy::{Fallback, Need, NeedSet, Taxonomy, Text, TextList};
use crate::territory::{Commune, Communes, Epci};
use crate::vocab::Set;
use crate::wording::Wording;

const MAGIC: &[u8; 4] = b"AIGB";
const VERSION: u8 = 1;

/// Everything the widget needs, owned.
#[derive(Clone, Debug)]
pub struct Bundle {
    /// Code of the territory (a département code, or a name for a custom one).
    pub territory: String,
    pub territory_name: String,
    /// Day the bundle was built; hours are compiled from there.
    pub built_on: Date,
    pub communes: Communes,
    pub taxonomy: Taxonomy,
    pub wording: Wording,
    pub rules: Rules,
    pub directory: Directory,
}

impl Bundle {
    pub fn territory(&self) -> crate::orient::Territory<'_> {
        crate::orient::Territory {
            communes: &self.communes,
            taxonomy: &self.taxonomy,
            directory: &self.directory,
            rules: &self.rules,
        }
    }
}

/// Why bytes are not a bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    NotABundle,
    UnsupportedVersion(u8),
    /// The data ends before `what` could be read, at byte `offset`.
    Truncated {
        what: &'static str,
        offset: usize,
    },
    Invalid {
        what: &'static str,
        offset: usize,
    },
    TrailingBytes {
        offset: usize,
    },
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::NotABundle => write!(f, "not an Aiguillage data bundle (expected the AIGB signature)"),
            DecodeError::UnsupportedVersion(v) => {
                write!(f, "bundle format version {v}; this widget reads version {VERSION}")
            }
            DecodeError::Truncated { what, offset } => {
                write!(f, "bundle truncated at byte {offset} while reading {what}")
            }
            DecodeError::Invalid { what, offset } => write!(f, "invalid {what} at byte {offset}"),
            DecodeError::TrailingBytes { offset } => {
                write!(f, "unexpected data after the end of the bundle at byte {offset}")
            }
        }
    }
}

impl std::error::Error for DecodeError {}

pub fn encode(bundle: &Bundle) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(64 * 1024));
    w.0.extend_from_slice(MAGIC);
    w.0.push(VERSION);
    w.str(&bundle.territory);
    w.str(&bundle.territory_name);
    w.int(i64::from(bundle.built_on.0));
    encode_taxonomy(&mut w, &bundle.taxonomy);
    w.uint(bundle.wording.entries.len() as u64);
    for (key, text) in &bundle.wording.entries {
        w.str(key);
        w.text(text);
    }
    for value in rules_fields(&bundle.rules) {
        w.int(value);
    }
    encode_communes(&mut w, &bundle.communes);
    w.uint(bundle.directory.len() as u64);
    for actor in bundle.directory.actors() {
        encode_actor(&mut w, actor);
    }
    w.0
}

pub fn decode(bytes: &[u8]) -> Result<Bundle, DecodeError> {
    if bytes.len() < 5 || &bytes[..4] != MAGIC {
        return Err(DecodeError::NotABundle);
    }
    if bytes[4] != VERSION {
        return Err(DecodeError::UnsupportedVersion(bytes[4]));
    }
    let mut r = Reader { bytes, at: 5 };
    let territory = r.str("territory code")?;
    let territory_name = r.str("territory name")?;
    let built_on = Date(r.i32("build date")?);
    let taxonomy = decode_taxonomy(&mut r)?;
    let mut entries = BTreeMap::new();
    for _ in 0..r.count("wording entries")? {
        let key = r.str("wording key")?;
        entries.insert(key, r.text()?);
    }
    let rules = decode_rules(&mut r)?;
    let communes = decode_communes(&mut r)?;
    let mut actors = Vec::new();
    for _ in 0..r.count("actors")? {
        actors.push(decode_actor(&mut r, taxonomy.needs.len())?);
    }
    if r.at != bytes.len() {
        return Err(DecodeError::TrailingBytes { offset: r.at });
    }
    let directory = Directory::new(actors, &communes);
    Ok(Bundle {
        territory,
        territory_name,
        built_on,
        communes,
        taxonomy,
        wording: Wording { entries },
        rules,
        directory,
    })
}

fn encode_taxonomy(w: &mut Writer, taxonomy: &Taxonomy) {
    w.uint(taxonomy.needs.len() as u64);
    for need in &taxonomy.needs {
        w.str(&need.code);
        w.opt_str(need.parent.as_deref());
        w.str(&need.pictogram);
        w.text(&need.label);
        w.text(&need.hint);
        for list in [&need.bring.fr, &need.bring.falc, &need.bring.en] {
            w.uint(list.len() as u64);
            list.iter().for_each(|item| w.str(item));
        }
    }
    w.uint(taxonomy.fallbacks.len() as u64);
    for fallback in &taxonomy.fallbacks {
        w.str(&fallback.code);
        w.str(&fallback.name);
        w.opt_str(fallback.phone.as_deref());
        w.opt_str(fallback.url.as_deref());
        w.text(&fallback.text);
    }
}

fn decode_taxonomy(r: &mut Reader) -> Result<Taxonomy, DecodeError> {
    let mut needs = Vec::new();
    for _ in 0..r.count("needs")? {
        let code = r.str("need code")?;
        let parent = r.opt_str("need parent")?;
        let pictogram = r.str("need pictogram")?;
        let label = r.text()?;
        let hint = r.text()?;
        let mut lists = [Vec::new(), Vec::new(), Vec::new()];
        for list in &mut lists {
            for _ in 0..r.count("things to bring")? {
                list.push(r.str("thing to bring")?);
            }
        }
        let [fr, falc, en] = lists;
        needs.push(Need {
            code,
            parent,
            pictogram,
            label,
            hint,
            mediation_v1: Vec::new(),
            mediation_v0: Vec::new(),
            data_inclusion: Vec::new(),
            bring: TextList { fr, falc, en },
        });
    }
    let mut fallbacks = Vec::new();
    for _ in 0..r.count("fallbacks")? {
        fallbacks.push(Fallback {
            code: r.str("fallback code")?,
            name: r.str("fallback name")?,
            phone: r.opt_str("fallback phone")?,
            url: r.opt_str("fallback url")?,
            text: r.text()?,
        });
    }
    let offset = r.at;
    Taxonomy::new(needs, fallbacks).map_err(|_| DecodeError::Invalid { what: "taxonomy", offset })
}

fn rules_fields(rules: &Rules) -> [i64; 21] {
    [
        i64::from(rules.search_radius_km),
        i64::from(rules.max_distance_km),
        i64::from(rules.same_commune),
        i64::from(rules.same_epci),
        i64::from(rules.same_departement),
        i64::from(rules.remote),
        i64::from(rules.remote_when_cannot_travel),
        i64::from(rules.per_km),
        i64::from(rules.distance_cap_km),
        i64::from(rules.for_me_aidants_connect),
        i64::from(rules.for_me_acts_for_you),
        i64::from(rules.for_me_france_services),
        i64::from(rules.for_me_individual),
        i64::from(rules.learn_workshop),
        i64::from(rules.learn_individual),
        i64::from(rules.learn_desk_penalty),
        i64::from(rules.help_individual),
        i64::from(rules.help_france_services),
        i64::from(rules.free_access_devices),
        i64::from(rules.support),
        i64::from(rules.public),
    ]
}

fn decode_rules(r: &mut Reader) -> Result<Rules, DecodeError> {
    let mut v = [0i32; 21];
    for value in &mut v {
        // Weights are bounded so that scores cannot overflow, whatever the bundle says.
        let offset = r.at;
        let read = r.int("rules")?;
        if read.unsigned_abs() > 100_000 {
            return Err(DecodeError::Invalid { what: "rules", offset });
        }
        *value = read as i32;
    }
    let km = |value: i32| value.max(0) as u32;
    Ok(Rules {
        search_radius_km: km(v[0]),
        max_distance_km: km(v[1]),
        same_commune: v[2],
        same_epci: v[3],
        same_departement: v[4],
        remote: v[5],
        remote_when_cannot_travel: v[6],
        per_km: v[7],
        distance_cap_km: km(v[8]),
        for_me_aidants_connect: v[9],
        for_me_acts_for_you: v[10],
        for_me_france_services: v[11],
        for_me_individual: v[12],
        learn_workshop: v[13],
        learn_individual: v[14],
        learn_desk_penalty: v[15],
        help_individual: v[16],
        help_france_services: v[17],
        free_access_devices: v[18],
        support: v[19],
        public: v[20],
    })
}

fn encode_communes(w: &mut Writer, communes: &Communes) {
    w.uint(communes.epcis().len() as u64);
    for epci in communes.epcis() {
        w.str(&epci.siren);
        w.str(&epci.name);
    }
    w.uint(communes.len() as u64);
    for commune in communes.iter() {
        w.str(&commune.insee);
        w.str(&commune.name);
        w.str(&commune.departement);
        w.opt_str(commune.epci.as_deref());
        w.uint(commune.postal_codes.len() as u64);
        commune.postal_codes.iter().for_each(|p| w.str(p));
        w.uint(u64::from(commune.population));
        w.point(commune.point);
    }
}

fn decode_communes(r: &mut Reader) -> Result<Communes, DecodeError> {
    let mut epcis = Vec::new();
    for _ in 0..r.count("EPCIs")? {
        epcis.push(Epci { siren: r.str("EPCI SIREN")?, name: r.str("EPCI name")? });
    }
    let mut communes = Vec::new();
    for _ in 0..r.count("communes")? {
        let insee = r.str("commune INSEE code")?;
        let name = r.str("commune name")?;
        let departement = r.str("commune département")?;
        let epci = r.opt_str("commune EPCI")?;
        let mut postal_codes = Vec::new();
        for _ in 0..r.count("postal codes")? {
            postal_codes.push(r.str("postal code")?);
        }
        let population = r.u32("population")?;
        let point = r.point()?;
        communes.push(Commune { insee, name, departement, epci, postal_codes, population, point });
    }
    Ok(Communes::new(communes, epcis))
}

fn encode_actor(w: &mut Writer, actor: &Actor) {
    w.str(&actor.id);
    w.str(&actor.name);
    w.str(&actor.street);
    w.str(&actor.postal_code);
    w.str(&actor.commune_name);
    w.opt_str(actor.insee.as_deref());
    w.point(actor.point);
    for field in [&actor.phone, &actor.email, &actor.website, &actor.booking_url, &actor.summary] {
        w.opt_str(field.as_deref());
    }
    w.uint(actor.needs.0);
    for bits in
        [actor.modes.bits(), actor.programmes.bits(), actor.publics.bits(), actor.supports.bits(), actor.fees.bits()]
    {
        w.uint(u64::from(bits));
    }
    w.uint(u64::from(actor.itinerant));
    match &actor.zone {
        None => w.uint(0),
        Some(zone) => {
            w.uint(if zone.france { 2 } else { 1 });
            for list in [&zone.communes, &zone.epcis, &zone.departements] {
                w.uint(list.len() as u64);
                list.iter().for_each(|code| w.str(code));
            }
        }
    }
    encode_hours(w, &actor.hours);
    w.int(actor.updated.map_or(i64::MIN / 2, |d| i64::from(d.0)));
    w.str(&actor.source);
}

fn decode_actor(r: &mut Reader, need_count: usize) -> Result<Actor, DecodeError> {
    let mut actor = Actor::new(r.str("actor id")?, r.str("actor name")?);
    actor.street = r.str("actor street")?;
    actor.postal_code = r.str("actor postal code")?;
    actor.commune_name = r.str("actor commune")?;
    actor.insee = r.opt_str("actor INSEE code")?;
    actor.point = r.point()?;
    actor.phone = r.opt_str("actor phone")?;
    actor.email = r.opt_str("actor e-mail")?;
    actor.website = r.opt_str("actor website")?;
    actor.booking_url = r.opt_str("actor booking link")?;
    actor.summary = r.opt_str("actor summary")?;
    let known_needs = if need_count >= 64 { u64::MAX } else { (1u64 << need_count) - 1 };
    actor.needs = NeedSet(r.uint("actor needs")? & known_needs);
    actor.modes = Set::from_bits(r.u32("actor modes")?);
    actor.programmes = Set::from_bits(r.u32("actor programmes")?);
    actor.publics = Set::from_bits(r.u32("actor publics")?);
    actor.supports = Set::from_bits(r.u32("actor supports")?);
    actor.fees = Set::from_bits(r.u32("actor fees")?);
    actor.itinerant = r.uint("actor itinerant flag")? != 0;
    let zone_kind = r.uint("actor zone")?;
    if zone_kind > 0 {
        let mut lists = [Vec::new(), Vec::new(), Vec::new()];
        for list in &mut lists {
            for _ in 0..r.count("zone codes")? {
                list.push(r.str("zone code")?);
            }
        }
        let [communes, epcis, departements] = lists;
        actor.zone = Some(Zone { communes, epcis, departements, france: zone_kind == 2 });
    }
    actor.hours = decode_hours(r)?;
    let updated = r.int("actor update date")?;
    actor.updated = i32::try_from(updated).ok().map(Date);
    actor.source = r.str("actor source")?;
    Ok(actor)
}

fn encode_hours(w: &mut Writer, hours: &Hours) {
    match hours {
        Hours::Unknown => w.uint(0),
        Hours::FreeText(text) => {
            w.uint(1);
            w.str(text);
        }
        Hours::Compiled(s) => {
            w.uint(2);
            w.str(&s.source);
            w.int(i64::from(s.start.0));
            w.uint(u64::from(s.horizon_days));
            w.uint(s.patterns.len() as u64);
            for pattern in &s.patterns {
                w.uint(pattern.len() as u64);
                for (start, end) in pattern {
                    w.uint(u64::from(*start));
                    w.uint(u64::from(*end));
                }
            }
            w.uint(s.cycle.len() as u64);
            s.cycle.iter().for_each(|i| w.uint(u64::from(*i)));
            w.uint(s.holiday.map_or(0, |h| u64::from(h) + 1));
            w.uint(s.overrides.len() as u64);
            let mut previous = 0u16;
            for (day, pattern) in &s.overrides {
                w.uint(u64::from(day - previous));
                w.uint(u64::from(*pattern));
                previous = *day;
            }
        }
    }
}

fn decode_hours(r: &mut Reader) -> Result<Hours, DecodeError> {
    let offset = r.at;
    match r.uint("hours kind")? {
        0 => Ok(Hours::Unknown),
        1 => Ok(Hours::FreeText(r.str("hours text")?)),
        2 => {
            let source = r.str("hours source")?;
            let start = Date(r.i32("hours start")?);
            let horizon_days = r.u16("hours horizon")?;
            let mut patterns = Vec::new();
            for _ in 0..r.count("day patterns")? {
                let mut pattern = Vec::new();
                for _ in 0..r.count("intervals")? {
                    let at = r.at;
                    let (start, end) = (r.u16("interval start")?, r.u16("interval end")?);
                    if start >= end || end > 1440 {
                        return Err(DecodeError::Invalid { what: "opening interval", offset: at });
                    }
                    pattern.push((start, end));
                }
                patterns.push(pattern);
            }
            let mut cycle = Vec::new();
            for _ in 0..r.count("cycle")? {
                cycle.push(r.u8("cycle day")?);
            }
            // Written as index + 1 (0 = none): pattern 255 is written 256, beyond a u8.
            let at = r.at;
            let holiday = match r.uint("holiday pattern")? {
                0 => None,
                h => Some(
                    u8::try_from(h - 1).map_err(|_| DecodeError::Invalid { what: "holiday pattern", offset: at })?,
                ),
            };
            let mut overrides = Vec::new();
            let mut day = 0u16;
            for _ in 0..r.count("overrides")? {
                let at = r.at;
                day = day
                    .checked_add(r.u16("override day")?)
                    .ok_or(DecodeError::Invalid { what: "override day", offset: at })?;
                overrides.push((day, r.u8("override pattern")?));
            }
            Ok(Hours::Compiled(Schedule { source, start, horizon_days, patterns, cycle, holiday, overrides }))
        }
        _ => Err(DecodeError::Invalid { what: "hours kind", offset }),
    }
}

struct Writer(Vec<u8>);

impl Writer {
    fn uint(&mut self, mut value: u64) {
        loop {
            let byte = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    fn int(&mut self, value: i64) {
        self.uint(((value << 1) ^ (value >> 63)) as u64);
    }

    fn str(&mut self, text: &str) {
        self.uint(text.len() as u64);
        self.0.extend_from_slice(text.as_bytes());
    }

    fn opt_str(&mut self, text: Option<&str>) {
        match text {
            None => self.uint(0),
            Some(text) => {
                self.uint(text.len() as u64 + 1);
                self.0.extend_from_slice(text.as_bytes());
            }
        }
    }

    fn text(&mut self, text: &Text) {
        self.str(&text.fr);
        self.str(&text.falc);
        self.str(&text.en);
    }

    fn point(&mut self, point: Option<GeoPoint>) {
        match point {
            None => self.uint(0),
            Some(p) => {
                self.uint(1);
                self.int(i64::from(p.lat_e5));
                self.int(i64::from(p.lon_e5));
            }
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn uint(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        let start = self.at;
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.at).ok_or(DecodeError::Truncated { what, offset: self.at })?;
            self.at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(DecodeError::Invalid { what, offset: start })
    }

    fn int(&mut self, what: &'static str) -> Result<i64, DecodeError> {
        let raw = self.uint(what)?;
        Ok((raw >> 1) as i64 ^ -((raw & 1) as i64))
    }

    fn narrow<T: TryFrom<i64>>(
        &mut self,
        what: &'static str,
        value: Result<i64, DecodeError>,
    ) -> Result<T, DecodeError> {
        let offset = self.at;
        T::try_from(value?).map_err(|_| DecodeError::Invalid { what, offset })
    }

    fn i32(&mut self, what: &'static str) -> Result<i32, DecodeError> {
        let value = self.int(what);
        self.narrow(what, value)
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        let value = self.uint(what).map(|v| v.min(i64::MAX as u64) as i64);
        self.narrow(what, value)
    }

    fn u16(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        let value = self.uint(what).map(|v| v.min(i64::MAX as u64) as i64);
        self.narrow(what, value)
    }

    fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        let value = self.uint(what).map(|v| v.min(i64::MAX as u64) as i64);
        self.narrow(what, value)
    }

    /// A count of items that follow: each takes at least one byte, so a count larger than what
    /// is left is a lie, refused before anything is allocated for it.
    fn count(&mut self, what: &'static str) -> Result<usize, DecodeError> {
        let offset = self.at;
        let count = self.uint(what)?;
        if count > (self.bytes.len() - self.at) as u64 {
            return Err(DecodeError::Truncated { what, offset });
        }
        Ok(count as usize)
    }

    fn raw_str(&mut self, len: usize, what: &'static str) -> Result<String, DecodeError> {
        let offset = self.at;
        let end = offset
            .checked_add(len)
            .filter(|end| *end <= self.bytes.len())
            .ok_or(DecodeError::Truncated { what, offset })?;
        let text = std::str::from_utf8(&self.bytes[offset..end]).map_err(|_| DecodeError::Invalid { what, offset })?;
        self.at = end;
        Ok(text.to_string())
    }

    fn str(&mut self, what: &'static str) -> Result<String, DecodeError> {
        let len = self.uint(what)?;
        self.raw_str(usize::try_from(len).unwrap_or(usize::MAX), what)
    }

    fn opt_str(&mut self, what: &'static str) -> Result<Option<String>, DecodeError> {
        match self.uint(what)? {
            0 => Ok(None),
            len => self.raw_str(usize::try_from(len - 1).unwrap_or(usize::MAX), what).map(Some),
        }
    }

    fn text(&mut self) -> Result<Text, DecodeError> {
        Ok(Text { fr: self.str("French text")?, falc: self.str("FALC text")?, en: self.str("English text")? })
    }

    fn point(&mut self) -> Result<Option<GeoPoint>, DecodeError> {
        let offset = self.at;
        match self.uint("point")? {
            0 => Ok(None),
            1 => {
                let lat_e5 = self.i32("latitude")?;
                let lon_e5 = self.i32("longitude")?;
                GeoPoint::from_degrees(f64::from(lat_e5) / 1e5, f64::from(lon_e5) / 1e5)
                    .map(Some)
                    .ok_or(DecodeError::Invalid { what: "point", offset })
            }
            _ => Err(DecodeError::Invalid { what: "point", offset }),
        }
    }
}
