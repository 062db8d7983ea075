//! The compact binary bundle: one territory's communes, actors, taxonomy and rules. What is said
//! in words travels apart, one language pack per language ([`crate::texts`]); the bundle format
//! can still carry words (the tests' and the fuzzer's full bundles), `aiguillage bundle` strips
//! them with [`Bundle::without_texts`].
//!
//! Built natively (`aiguillage bundle`), decoded in the browser. Varint-encoded, no serde, so the
//! widget stays small; decoding checks every length and value and returns an error, never panics.

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
const VERSION: u8 = 2;

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
    /// The bundle without what is said in words (labels, hints, what to bring, fallback texts,
    /// wording): what a territory ships, the words coming from a language pack ([`crate::texts`]).
    pub fn without_texts(&self) -> Bundle {
        let mut bare = self.clone();
        for need in &mut bare.taxonomy.needs {
            need.label = Text::default();
            need.hint = Text::default();
            need.bring = TextList::default();
        }
        for fallback in &mut bare.taxonomy.fallbacks {
            fallback.text = Text::default();
        }
        bare.wording = Wording::default();
        bare
    }

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
    NotATextPack,
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
            DecodeError::NotATextPack => write!(f, "not an Aiguillage text pack (expected the AIGT signature)"),
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
    w.uint(bundle.wording.len() as u64);
    for (key, text) in bundle.wording.iter() {
        w.str(key);
        w.text(text);
    }
    for value in rules_fields(&bundle.rules) {
        w.int(value);
    }
    encode_communes(&mut w, &bundle.communes);
    encode_actors(&mut w, bundle.directory.actors());
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
    let mut wording = Wording::default();
    for _ in 0..r.count("wording entries")? {
        let key = r.str("wording key")?;
        wording.insert(key, r.text()?);
    }
    let rules = decode_rules(&mut r)?;
    let communes = decode_communes(&mut r)?;
    let actors = decode_actors(&mut r, taxonomy.needs.len())?;
    if r.at != bytes.len() {
        return Err(DecodeError::TrailingBytes { offset: r.at });
    }
    let directory = Directory::new(actors, &communes);
    Ok(Bundle { territory, territory_name, built_on, communes, taxonomy, wording, rules, directory })
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

/// Communes column by column (all codes, then all names…): like values side by side compress
/// far better. EPCIs are referred to by position; points are deltas from the previous commune.
fn encode_communes(w: &mut Writer, communes: &Communes) {
    w.uint(communes.epcis().len() as u64);
    for epci in communes.epcis() {
        w.str(&epci.siren);
        w.str(&epci.name);
    }
    let all: Vec<&Commune> = communes.iter().collect();
    w.uint(all.len() as u64);
    all.iter().for_each(|c| w.str(&c.insee));
    all.iter().for_each(|c| w.str(&c.name));
    all.iter().for_each(|c| w.str(&c.departement));
    // 0: none; 1..=n: the EPCI at that position; n + 1: one the list lacks, its SIREN follows.
    let listed = communes.epcis().len() as u64;
    for commune in &all {
        let Some(siren) = commune.epci.as_deref() else {
            w.uint(0);
            continue;
        };
        match communes.epcis().binary_search_by(|e| e.siren.as_str().cmp(siren)) {
            Ok(position) => w.uint(position as u64 + 1),
            Err(_) => {
                w.uint(listed + 1);
                w.str(siren);
            }
        }
    }
    for commune in &all {
        w.uint(commune.postal_codes.len() as u64);
        commune.postal_codes.iter().for_each(|p| w.str(p));
    }
    all.iter().for_each(|c| w.uint(u64::from(c.population)));
    let mut previous = None;
    for commune in &all {
        w.point_delta(commune.point, &mut previous);
    }
}

fn decode_communes(r: &mut Reader) -> Result<Communes, DecodeError> {
    let mut epcis = Vec::new();
    for _ in 0..r.count("EPCIs")? {
        epcis.push(Epci { siren: r.str("EPCI SIREN")?, name: r.str("EPCI name")? });
    }
    let count = r.count("communes")?;
    let mut communes: Vec<Commune> = (0..count)
        .map(|_| Commune {
            insee: String::new(),
            name: String::new(),
            departement: String::new(),
            epci: None,
            postal_codes: Vec::new(),
            population: 0,
            point: None,
        })
        .collect();
    for c in &mut communes {
        c.insee = r.str("commune INSEE code")?;
    }
    for c in &mut communes {
        c.name = r.str("commune name")?;
    }
    for c in &mut communes {
        c.departement = r.str("commune département")?;
    }
    let listed = epcis.len() as u64;
    for c in &mut communes {
        let offset = r.at;
        c.epci = match r.uint("commune EPCI")? {
            0 => None,
            position if position <= listed => Some(epcis[position as usize - 1].siren.clone()),
            position if position == listed + 1 => Some(r.str("commune EPCI SIREN")?),
            _ => return Err(DecodeError::Invalid { what: "commune EPCI", offset }),
        };
    }
    for c in &mut communes {
        for _ in 0..r.count("postal codes")? {
            c.postal_codes.push(r.str("postal code")?);
        }
    }
    for c in &mut communes {
        c.population = r.u32("population")?;
    }
    let mut previous = None;
    for c in &mut communes {
        c.point = r.point_delta(&mut previous)?;
    }
    let offset = r.at;
    Communes::from_sorted(communes, epcis).ok_or(DecodeError::Invalid { what: "commune or EPCI order", offset })
}

/// Actors column by column, like communes; points are deltas from the previous actor's.
fn encode_actors(w: &mut Writer, actors: &[Actor]) {
    w.uint(actors.len() as u64);
    actors.iter().for_each(|a| w.str(&a.id));
    actors.iter().for_each(|a| w.str(&a.name));
    actors.iter().for_each(|a| w.str(&a.street));
    actors.iter().for_each(|a| w.str(&a.postal_code));
    actors.iter().for_each(|a| w.str(&a.commune_name));
    actors.iter().for_each(|a| w.opt_str(a.insee.as_deref()));
    let mut previous = None;
    actors.iter().for_each(|a| w.point_delta(a.point, &mut previous));
    actors.iter().for_each(|a| w.opt_str(a.phone.as_deref()));
    actors.iter().for_each(|a| w.opt_str(a.email.as_deref()));
    actors.iter().for_each(|a| w.opt_str(a.website.as_deref()));
    actors.iter().for_each(|a| w.opt_str(a.booking_url.as_deref()));
    actors.iter().for_each(|a| w.opt_str(a.summary.as_deref()));
    actors.iter().for_each(|a| w.uint(a.needs.0));
    actors.iter().for_each(|a| w.uint(u64::from(a.modes.bits())));
    actors.iter().for_each(|a| w.uint(u64::from(a.programmes.bits())));
    actors.iter().for_each(|a| w.uint(u64::from(a.publics.bits())));
    actors.iter().for_each(|a| w.uint(u64::from(a.supports.bits())));
    actors.iter().for_each(|a| w.uint(u64::from(a.fees.bits())));
    actors.iter().for_each(|a| w.uint(u64::from(a.itinerant)));
    for actor in actors {
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
    }
    actors.iter().for_each(|a| encode_hours(w, &a.hours));
    actors.iter().for_each(|a| w.int(a.updated.map_or(i64::MIN / 2, |d| i64::from(d.0))));
    actors.iter().for_each(|a| w.str(&a.source));
}

fn decode_actors(r: &mut Reader, need_count: usize) -> Result<Vec<Actor>, DecodeError> {
    let count = r.count("actors")?;
    let mut actors: Vec<Actor> = (0..count).map(|_| Actor::new(String::new(), String::new())).collect();
    for a in &mut actors {
        a.id = r.str("actor id")?;
    }
    for a in &mut actors {
        a.name = r.str("actor name")?;
    }
    for a in &mut actors {
        a.street = r.str("actor street")?;
    }
    for a in &mut actors {
        a.postal_code = r.str("actor postal code")?;
    }
    for a in &mut actors {
        a.commune_name = r.str("actor commune")?;
    }
    for a in &mut actors {
        a.insee = r.opt_str("actor INSEE code")?;
    }
    let mut previous = None;
    for a in &mut actors {
        a.point = r.point_delta(&mut previous)?;
    }
    for a in &mut actors {
        a.phone = r.opt_str("actor phone")?;
    }
    for a in &mut actors {
        a.email = r.opt_str("actor e-mail")?;
    }
    for a in &mut actors {
        a.website = r.opt_str("actor website")?;
    }
    for a in &mut actors {
        a.booking_url = r.opt_str("actor booking link")?;
    }
    for a in &mut actors {
        a.summary = r.opt_str("actor summary")?;
    }
    let known_needs = if need_count >= 64 { u64::MAX } else { (1u64 << need_count) - 1 };
    for a in &mut actors {
        a.needs = NeedSet(r.uint("actor needs")? & known_needs);
    }
    for a in &mut actors {
        a.modes = Set::from_bits(r.u32("actor modes")?);
    }
    for a in &mut actors {
        a.programmes = Set::from_bits(r.u32("actor programmes")?);
    }
    for a in &mut actors {
        a.publics = Set::from_bits(r.u32("actor publics")?);
    }
    for a in &mut actors {
        a.supports = Set::from_bits(r.u32("actor supports")?);
    }
    for a in &mut actors {
        a.fees = Set::from_bits(r.u32("actor fees")?);
    }
    for a in &mut actors {
        a.itinerant = r.uint("actor itinerant flag")? != 0;
    }
    for a in &mut actors {
        let zone_kind = r.uint("actor zone")?;
        if zone_kind > 0 {
            let mut lists = [Vec::new(), Vec::new(), Vec::new()];
            for list in &mut lists {
                for _ in 0..r.count("zone codes")? {
                    list.push(r.str("zone code")?);
                }
            }
            let [communes, epcis, departements] = lists;
            a.zone = Some(Zone { communes, epcis, departements, france: zone_kind == 2 });
        }
    }
    for a in &mut actors {
        a.hours = decode_hours(r)?;
    }
    for a in &mut actors {
        let updated = r.int("actor update date")?;
        a.updated = i32::try_from(updated).ok().map(Date);
    }
    for a in &mut actors {
        a.source = r.str("actor source")?;
    }
    Ok(actors)
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

pub(crate) struct Writer(pub(crate) Vec<u8>);

impl Writer {
    pub(crate) fn uint(&mut self, mut value: u64) {
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

    pub(crate) fn int(&mut self, value: i64) {
        self.uint(((value << 1) ^ (value >> 63)) as u64);
    }

    pub(crate) fn str(&mut self, text: &str) {
        self.uint(text.len() as u64);
        self.0.extend_from_slice(text.as_bytes());
    }

    pub(crate) fn opt_str(&mut self, text: Option<&str>) {
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

    /// A point as the difference from the previous one written (small numbers for neighbours).
    fn point_delta(&mut self, point: Option<GeoPoint>, previous: &mut Option<GeoPoint>) {
        match point {
            None => self.uint(0),
            Some(p) => {
                let base = previous.unwrap_or(GeoPoint { lat_e5: 0, lon_e5: 0 });
                self.uint(1);
                self.int(i64::from(p.lat_e5) - i64::from(base.lat_e5));
                self.int(i64::from(p.lon_e5) - i64::from(base.lon_e5));
                *previous = Some(p);
            }
        }
    }
}

pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) at: usize,
}

impl Reader<'_> {
    pub(crate) fn uint(&mut self, what: &'static str) -> Result<u64, DecodeError> {
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

    pub(crate) fn int(&mut self, what: &'static str) -> Result<i64, DecodeError> {
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
    pub(crate) fn count(&mut self, what: &'static str) -> Result<usize, DecodeError> {
        let offset = self.at;
        let count = self.uint(what)?;
        if count > (self.bytes.len() - self.at) as u64 {
            return Err(DecodeError::Truncated { what, offset });
        }
        Ok(count as usize)
    }

    pub(crate) fn raw_str(&mut self, len: usize, what: &'static str) -> Result<String, DecodeError> {
        let offset = self.at;
        let end = offset
            .checked_add(len)
            .filter(|end| *end <= self.bytes.len())
            .ok_or(DecodeError::Truncated { what, offset })?;
        let text = std::str::from_utf8(&self.bytes[offset..end]).map_err(|_| DecodeError::Invalid { what, offset })?;
        self.at = end;
        Ok(text.to_string())
    }

    pub(crate) fn str(&mut self, what: &'static str) -> Result<String, DecodeError> {
        let len = self.uint(what)?;
        self.raw_str(usize::try_from(len).unwrap_or(usize::MAX), what)
    }

    pub(crate) fn opt_str(&mut self, what: &'static str) -> Result<Option<String>, DecodeError> {
        match self.uint(what)? {
            0 => Ok(None),
            len => self.raw_str(usize::try_from(len - 1).unwrap_or(usize::MAX), what).map(Some),
        }
    }

    fn text(&mut self) -> Result<Text, DecodeError> {
        Ok(Text { fr: self.str("French text")?, falc: self.str("FALC text")?, en: self.str("English text")? })
    }

    fn point_delta(&mut self, previous: &mut Option<GeoPoint>) -> Result<Option<GeoPoint>, DecodeError> {
        let offset = self.at;
        match self.uint("point")? {
            0 => Ok(None),
            1 => {
                let base = previous.unwrap_or(GeoPoint { lat_e5: 0, lon_e5: 0 });
                let lat = self.int("latitude")?.checked_add(i64::from(base.lat_e5));
                let lon = self.int("longitude")?.checked_add(i64::from(base.lon_e5));
                let point = lat
                    .zip(lon)
                    .and_then(|(lat, lon)| GeoPoint::from_degrees(lat as f64 / 1e5, lon as f64 / 1e5))
                    .ok_or(DecodeError::Invalid { what: "point", offset })?;
                *previous = Some(point);
                Ok(Some(point))
            }
            _ => Err(DecodeError::Invalid { what: "point", offset }),
        }
    }
}
