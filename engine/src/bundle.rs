//! The compact binary bundle: one territory's communes, actors, taxonomy and rules. What is said
//! in words travels apart, one language pack per language ([`crate::texts`]); the bundle format
//! can still carry words (the tests' and the fuzzer's full bundles), `aiguillage bundle` strips
//! them with [`Bundle::without_texts`].
//!
//! Built natively (`aiguillage bundle`), decoded in the browser. Varint-encoded, no serde, so the
//! widget stays small; decoding checks every length and value and returns an error, never panics.

use crate::actor::{Actor, Directory, Zone};
use crate::calendar::Date;
use crate::compact::CompactStr;
use crate::geo::GeoPoint;
use crate::hours::{Hours, Schedule};
use crate::rules::Rules;
use crate::taxonomy::{Fallback, Need, NeedSet, Taxonomy, Text, TextList};
use crate::territory::{Commune, Communes, Epci, PostalCodes};
use crate::vocab::Set;
use crate::wording::Wording;

const MAGIC: &[u8; 4] = b"AIGB";
/// The format version this decoder reads (and the encoder writes).
pub const VERSION: u8 = 6;

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
    for value in bundle.rules.values() {
        w.int(value);
    }
    encode_communes(&mut w, &bundle.communes);
    encode_actors(&mut w, bundle.directory.actors(), &bundle.communes);
    w.0
}

/// The parts (`decode_communes`, `decode_actors`…) stay out of line (`#[inline(never)]`): the
/// decoder in one piece weighed more in the browser, and ran no faster.
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
    let (actors, commune_indices) = decode_actors(&mut r, taxonomy.needs.len(), &communes)?;
    if r.at != bytes.len() {
        return Err(DecodeError::TrailingBytes { offset: r.at });
    }
    let directory = Directory::with_commune_indices(actors, commune_indices, &communes);
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
        w.uint(fallback.needs.len() as u64);
        fallback.needs.iter().for_each(|need| w.str(need));
    }
}

#[inline(never)]
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
            needs: {
                let mut needs = Vec::new();
                for _ in 0..r.count("fallback needs")? {
                    needs.push(r.str("fallback need")?);
                }
                needs
            },
        });
    }
    let offset = r.at;
    Taxonomy::new(needs, fallbacks).map_err(|_| DecodeError::Invalid { what: "taxonomy", offset })
}

fn decode_rules(r: &mut Reader) -> Result<Rules, DecodeError> {
    let mut values = [0i64; Rules::COUNT];
    for value in &mut values {
        // Weights are bounded so that scores cannot overflow, whatever the bundle says.
        let offset = r.at;
        let read = r.int("rules")?;
        if read.unsigned_abs() > 100_000 {
            return Err(DecodeError::Invalid { what: "rules", offset });
        }
        *value = read;
    }
    Ok(Rules::from_values(values))
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
    w.text_column(all.iter().map(|c| Some(c.insee.as_str())), false);
    w.text_column(all.iter().map(|c| Some(c.name.as_str())), false);
    w.text_column(all.iter().map(|c| Some(c.departement.as_str())), false);
    // 0: none; 1..=n: the EPCI at that position; n + 1: one the list lacks, its SIREN follows.
    let listed = communes.epcis().len() as u64;
    w.column(|w| {
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
    });
    w.column(|w| {
        for commune in &all {
            w.uint(commune.postal_codes.len() as u64);
            commune.postal_codes.iter().for_each(|p| w.str(p));
        }
    });
    w.column(|w| all.iter().for_each(|c| w.uint(u64::from(c.population))));
    w.column(|w| {
        let mut previous = None;
        all.iter().for_each(|c| w.point_delta(c.point, &mut previous));
    });
}

#[inline(never)]
fn decode_communes(r: &mut Reader) -> Result<Communes, DecodeError> {
    let mut epcis = Vec::new();
    for _ in 0..r.count("EPCIs")? {
        epcis.push(Epci { siren: r.compact("EPCI SIREN")?, name: r.str("EPCI name")? });
    }
    let count = r.count("communes")?;
    let [insees, names, departements, mut epci_refs, mut postal_codes, mut populations, mut points] =
        r.columns("commune columns")?;
    let mut insees = TextColumn::new(insees, "commune INSEE codes")?;
    let mut names = TextColumn::new(names, "commune names")?;
    let mut departements = TextColumn::new(departements, "commune départements")?;
    let mut previous = None;
    let mut communes = Vec::with_capacity(count.min(insees.rows_at_most()));
    let mut epci_positions = Vec::with_capacity(communes.capacity());
    let mut errors = FirstError::default();
    for _ in 0..count {
        let insee = errors.take(insees.compact());
        let name = errors.take(names.compact());
        let departement = errors.take(departements.compact());
        let (epci, epci_position) = errors.take(epci_ref(&mut epci_refs, &epcis));
        epci_positions.push(epci_position);
        let commune = Commune {
            insee,
            name,
            departement,
            epci,
            postal_codes: errors.take(decode_postal_codes(&mut postal_codes)),
            population: errors.take(populations.u32("population")),
            point: errors.take(points.point_delta(&mut previous)),
        };
        errors.check()?;
        communes.push(commune);
    }
    for column in [insees, names, departements] {
        column.finish()?;
    }
    for column in [epci_refs, postal_codes, populations, points] {
        column.finish("commune column")?;
    }
    let offset = r.at;
    Communes::from_sorted_at(communes, epcis, &epci_positions)
        .ok_or(DecodeError::Invalid { what: "commune or EPCI order", offset })
}

/// A commune's postal codes: a count, then the codes (one, the usual case, is kept inline).
#[inline(never)]
fn decode_postal_codes(r: &mut Reader) -> Result<PostalCodes, DecodeError> {
    match r.count("postal codes")? {
        0 => Ok(PostalCodes::default()),
        1 => Ok(PostalCodes::one(r.compact("postal code")?)),
        count => {
            let mut codes = Vec::with_capacity(count);
            for _ in 0..count {
                codes.push(r.compact("postal code")?);
            }
            Ok(PostalCodes::list(codes))
        }
    }
}

/// An EPCI as [`encode_communes`] writes it: 0, a position in `epcis`, or one the list lacks.
#[inline(never)]
fn epci_ref(r: &mut Reader, epcis: &[Epci]) -> Result<(Option<CompactStr>, Option<u32>), DecodeError> {
    let offset = r.at;
    match r.uint("commune EPCI")? {
        0 => Ok((None, None)),
        position if position <= epcis.len() as u64 => {
            let index = position as usize - 1;
            Ok((Some(epcis[index].siren.clone()), Some(index as u32)))
        }
        position if position == epcis.len() as u64 + 1 => Ok((Some(r.compact("commune EPCI SIREN")?), None)),
        _ => Err(DecodeError::Invalid { what: "commune EPCI", offset }),
    }
}

/// An actor's commune as [`encode_actors`] writes it, with its position in `communes`.
#[inline(never)]
fn commune_ref(r: &mut Reader, communes: &Communes) -> Result<(Option<CompactStr>, Option<u32>), DecodeError> {
    let offset = r.at;
    match r.uint("actor commune")? {
        0 => Ok((None, None)),
        position if position <= communes.len() as u64 => {
            let index = position as usize - 1;
            Ok((communes.at(index).map(|c| c.insee.clone()), Some(index as u32)))
        }
        // Written as a code (the encoder's list lacked it): looked up all the same.
        position if position == communes.len() as u64 + 1 => {
            let code = r.compact("actor INSEE code")?;
            let index = communes.index_of(&code).map(|i| i as u32);
            Ok((Some(code), index))
        }
        _ => Err(DecodeError::Invalid { what: "actor commune", offset }),
    }
}

/// The first error met while reading a row: the fields after it read as default values, and
/// the row is refused once built. One way out per row instead of one per field keeps the
/// decoder a third smaller in the browser.
#[derive(Default)]
struct FirstError(Option<DecodeError>);

impl FirstError {
    fn take<T: Default>(&mut self, result: Result<T, DecodeError>) -> T {
        result.unwrap_or_else(|error| {
            self.0.get_or_insert(error);
            T::default()
        })
    }

    fn check(&mut self) -> Result<(), DecodeError> {
        self.0.take().map_or(Ok(()), Err)
    }
}

/// Actors column by column, like communes; points are deltas from the previous actor's.
fn encode_actors(w: &mut Writer, actors: &[Actor], communes: &Communes) {
    w.uint(actors.len() as u64);
    w.text_column(actors.iter().map(|a| Some(a.id.as_str())), false);
    w.text_column(actors.iter().map(|a| Some(a.name.as_str())), false);
    w.text_column(actors.iter().map(|a| Some(a.street.as_str())), false);
    w.text_column(actors.iter().map(|a| Some(a.postal_code.as_str())), false);
    w.text_column(actors.iter().map(|a| Some(a.commune_name.as_str())), false);
    // The commune as a position in the bundle's list (0: none; n + 1: one the list lacks, its
    // code follows), so that the decoder need not search 35,000 codes for each actor.
    let listed = communes.len() as u64;
    w.column(|w| {
        for actor in actors {
            match actor.insee.as_deref().map(|code| (code, communes.index_of(code))) {
                None => w.uint(0),
                Some((_, Some(position))) => w.uint(position as u64 + 1),
                Some((code, None)) => {
                    w.uint(listed + 1);
                    w.str(code);
                }
            }
        }
    });
    w.column(|w| {
        let mut previous = None;
        actors.iter().for_each(|a| w.point_delta(a.point, &mut previous));
    });
    w.text_column(actors.iter().map(|a| a.phone.as_deref()), true);
    w.text_column(actors.iter().map(|a| a.email.as_deref()), true);
    w.text_column(actors.iter().map(|a| a.website.as_deref()), true);
    w.text_column(actors.iter().map(|a| a.booking_url.as_deref()), true);
    w.text_column(actors.iter().map(|a| a.summary.as_deref()), true);
    w.column(|w| actors.iter().for_each(|a| w.uint(a.needs.0)));
    w.column(|w| actors.iter().for_each(|a| w.uint(u64::from(a.modes.bits()))));
    w.column(|w| actors.iter().for_each(|a| w.uint(u64::from(a.programmes.bits()))));
    w.column(|w| actors.iter().for_each(|a| w.uint(u64::from(a.publics.bits()))));
    w.column(|w| actors.iter().for_each(|a| w.uint(u64::from(a.supports.bits()))));
    w.column(|w| actors.iter().for_each(|a| w.uint(u64::from(a.fees.bits()))));
    w.column(|w| actors.iter().for_each(|a| w.uint(u64::from(a.itinerant))));
    w.column(|w| {
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
    });
    w.column(|w| actors.iter().for_each(|a| encode_hours(w, &a.hours)));
    w.column(|w| actors.iter().for_each(|a| w.int(a.updated.map_or(i64::MIN / 2, |d| i64::from(d.0)))));
    w.text_column(actors.iter().map(|a| Some(a.source.as_str())), false);
}

/// Actors, and the position of each one's commune in `communes`.
#[inline(never)]
fn decode_actors(
    r: &mut Reader,
    need_count: usize,
    communes: &Communes,
) -> Result<(Vec<Actor>, Vec<Option<u32>>), DecodeError> {
    let count = r.count("actors")?;
    let [ids, names, streets, postal_codes, commune_names, mut commune_refs, mut points, phones, emails, websites, booking_urls, summaries, mut needs, mut modes, mut programmes, mut publics, mut supports, mut fees, mut itinerant, mut zones, mut hours, mut updated, sources] =
        r.columns("actor columns")?;
    let mut ids = TextColumn::new(ids, "actor ids")?;
    let mut names = TextColumn::new(names, "actor names")?;
    let mut streets = TextColumn::new(streets, "actor streets")?;
    let mut postal_codes = TextColumn::new(postal_codes, "actor postal codes")?;
    let mut commune_names = TextColumn::new(commune_names, "actor communes")?;
    let mut phones = TextColumn::new(phones, "actor phones")?;
    let mut emails = TextColumn::new(emails, "actor e-mails")?;
    let mut websites = TextColumn::new(websites, "actor websites")?;
    let mut booking_urls = TextColumn::new(booking_urls, "actor booking links")?;
    let mut summaries = TextColumn::new(summaries, "actor summaries")?;
    let mut sources = TextColumn::new(sources, "actor sources")?;
    let known_needs = if need_count >= 64 { u64::MAX } else { (1u64 << need_count) - 1 };
    let mut previous = None;
    let mut actors = Vec::with_capacity(count.min(ids.rows_at_most()));
    let mut commune_indices = Vec::with_capacity(actors.capacity());
    let mut errors = FirstError::default();
    for _ in 0..count {
        let (insee, commune_index) = errors.take(commune_ref(&mut commune_refs, communes));
        let actor = Actor {
            id: errors.take(ids.str()),
            name: errors.take(names.str()),
            street: errors.take(streets.str()),
            postal_code: errors.take(postal_codes.compact()),
            commune_name: errors.take(commune_names.compact()),
            insee,
            point: errors.take(points.point_delta(&mut previous)),
            phone: errors.take(phones.opt_compact()),
            email: errors.take(emails.opt_str()),
            website: errors.take(websites.opt_str()),
            booking_url: errors.take(booking_urls.opt_str()),
            summary: errors.take(summaries.opt_str()),
            needs: NeedSet(errors.take(needs.uint("actor needs")) & known_needs),
            modes: Set::from_bits(errors.take(modes.u32("actor modes"))),
            programmes: Set::from_bits(errors.take(programmes.u32("actor programmes"))),
            publics: Set::from_bits(errors.take(publics.u32("actor publics"))),
            supports: Set::from_bits(errors.take(supports.u32("actor supports"))),
            fees: Set::from_bits(errors.take(fees.u32("actor fees"))),
            itinerant: errors.take(itinerant.uint("actor itinerant flag")) != 0,
            zone: errors.take(decode_zone(&mut zones)),
            hours: errors.take(decode_hours(&mut hours)),
            updated: i32::try_from(errors.take(updated.int("actor update date"))).ok().map(Date),
            source: errors.take(sources.compact()),
        };
        errors.check()?;
        commune_indices.push(commune_index);
        actors.push(actor);
    }
    for column in
        [ids, names, streets, postal_codes, commune_names, phones, emails, websites, booking_urls, summaries, sources]
    {
        column.finish()?;
    }
    for column in
        [commune_refs, points, needs, modes, programmes, publics, supports, fees, itinerant, zones, hours, updated]
    {
        column.finish("actor column")?;
    }
    Ok((actors, commune_indices))
}

#[inline(never)]
fn decode_zone(r: &mut Reader) -> Result<Option<Zone>, DecodeError> {
    let zone_kind = r.uint("actor zone")?;
    if zone_kind == 0 {
        return Ok(None);
    }
    let mut lists = [Vec::new(), Vec::new(), Vec::new()];
    for list in &mut lists {
        for _ in 0..r.count("zone codes")? {
            list.push(r.compact("zone code")?);
        }
    }
    let [communes, epcis, departements] = lists;
    Ok(Some(Zone { communes, epcis, departements, france: zone_kind == 2 }))
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

#[inline(never)]
fn decode_hours(r: &mut Reader) -> Result<Hours, DecodeError> {
    let offset = r.at;
    match r.uint("hours kind")? {
        0 => Ok(Hours::Unknown),
        1 => Ok(Hours::FreeText(r.str("hours text")?)),
        2 => {
            let source = r.str("hours source")?;
            let start = Date(r.i32("hours start")?);
            let horizon_days = r.u16("hours horizon")?;
            // Counts are bounded by the bytes left (`Reader::count`): each list is allocated
            // once, at its size, instead of growing (a national bundle has 15,000 schedules).
            let count = r.count("day patterns")?;
            let mut patterns = Vec::with_capacity(count);
            for _ in 0..count {
                let count = r.count("intervals")?;
                let mut pattern = Vec::with_capacity(count);
                for _ in 0..count {
                    let at = r.at;
                    let (start, end) = (r.u16("interval start")?, r.u16("interval end")?);
                    if start >= end || end > 1440 {
                        return Err(DecodeError::Invalid { what: "opening interval", offset: at });
                    }
                    pattern.push((start, end));
                }
                patterns.push(pattern);
            }
            let count = r.count("cycle")?;
            let mut cycle = Vec::with_capacity(count);
            for _ in 0..count {
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
            let count = r.count("overrides")?;
            let mut overrides = Vec::with_capacity(count);
            let mut day = 0u16;
            for _ in 0..count {
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

    /// A column: its length in bytes, then what `write` writes. Lengths let the decoder read
    /// all columns side by side and build each row at once, rather than revisit every row once
    /// per column (18,000 actors of 500 bytes do not stay in a cache).
    fn column(&mut self, write: impl FnOnce(&mut Writer)) {
        let mut column = Writer(Vec::new());
        write(&mut column);
        self.uint(column.0.len() as u64);
        self.0.extend_from_slice(&column.0);
    }

    /// A column of texts (`None` only where `optional`): their lengths, then the texts one after
    /// the other, so that the decoder checks the UTF-8 of the whole column at once rather than of
    /// each text.
    fn text_column<'t>(&mut self, texts: impl Iterator<Item = Option<&'t str>>, optional: bool) {
        let mut lengths = Writer(Vec::new());
        let mut joined = Vec::new();
        for text in texts {
            match text {
                None => lengths.uint(0),
                Some(text) => {
                    lengths.uint(text.len() as u64 + u64::from(optional));
                    joined.extend_from_slice(text.as_bytes());
                }
            }
        }
        self.column(|w| {
            w.column(|w| w.0.extend_from_slice(&lengths.0));
            w.0.extend_from_slice(&joined);
        });
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

    /// A point as the difference from the previous one written (small numbers for neighbours):
    /// tag 1, in 1e-5 degree; tag 2, in hundredths of a degree, when the difference is whole
    /// hundredths (the coarse points of a folder's index: a third of the bytes).
    fn point_delta(&mut self, point: Option<GeoPoint>, previous: &mut Option<GeoPoint>) {
        match point {
            None => self.uint(0),
            Some(p) => {
                let base = previous.unwrap_or(GeoPoint { lat_e5: 0, lon_e5: 0 });
                let (lat, lon) =
                    (i64::from(p.lat_e5) - i64::from(base.lat_e5), i64::from(p.lon_e5) - i64::from(base.lon_e5));
                let unit = if lat % HUNDREDTH == 0 && lon % HUNDREDTH == 0 { HUNDREDTH } else { 1 };
                self.uint(if unit == 1 { 1 } else { 2 });
                self.int(lat / unit);
                self.int(lon / unit);
                *previous = Some(p);
            }
        }
    }
}

/// A column written by [`Writer::text_column`], read text by text.
struct TextColumn<'a> {
    lengths: Reader<'a>,
    texts: &'a str,
    /// Where `texts` starts in the bundle, for errors.
    texts_offset: usize,
    at: usize,
    what: &'static str,
}

impl<'a> TextColumn<'a> {
    // Inlined at each of its 14 call sites, it weighed more in the browser.
    #[inline(never)]
    fn new(mut column: Reader<'a>, what: &'static str) -> Result<Self, DecodeError> {
        let [lengths] = column.columns(what)?;
        let texts_offset = column.at;
        let texts = std::str::from_utf8(&column.bytes[texts_offset..])
            .map_err(|e| DecodeError::Invalid { what, offset: texts_offset + e.valid_up_to() })?;
        Ok(TextColumn { lengths, texts, texts_offset, at: 0, what })
    }

    /// How many texts are left at most (each has a length of a byte or more): what to reserve
    /// for rows, so that a bundle lying about its row count cannot make the decoder reserve
    /// gigabytes before it fails.
    fn rows_at_most(&self) -> usize {
        self.lengths.bytes.len() - self.lengths.at
    }

    fn str(&mut self) -> Result<String, DecodeError> {
        let len = self.lengths.uint(self.what)?;
        self.take(len).map(str::to_string)
    }

    fn compact(&mut self) -> Result<CompactStr, DecodeError> {
        let len = self.lengths.uint(self.what)?;
        self.take(len).map(CompactStr::new)
    }

    fn opt_str(&mut self) -> Result<Option<String>, DecodeError> {
        self.opt_take().map(|text| text.map(str::to_string))
    }

    fn opt_compact(&mut self) -> Result<Option<CompactStr>, DecodeError> {
        self.opt_take().map(|text| text.map(CompactStr::new))
    }

    fn opt_take(&mut self) -> Result<Option<&'a str>, DecodeError> {
        match self.lengths.uint(self.what)? {
            0 => Ok(None),
            len => self.take(len - 1).map(Some),
        }
    }

    fn take(&mut self, len: u64) -> Result<&'a str, DecodeError> {
        let offset = self.texts_offset + self.at;
        let text = usize::try_from(len)
            .ok()
            .and_then(|len| self.texts.get(self.at..self.at.checked_add(len)?))
            .ok_or(DecodeError::Invalid { what: self.what, offset })?;
        self.at += text.len();
        Ok(text)
    }

    /// Every length read and every text taken, as for [`Reader::finish`].
    fn finish(self) -> Result<(), DecodeError> {
        match self.at == self.texts.len() {
            true => self.lengths.finish(self.what),
            false => Err(DecodeError::Invalid { what: self.what, offset: self.texts_offset + self.at }),
        }
    }
}

pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) at: usize,
}

impl<'a> Reader<'a> {
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

    /// The next `N` columns written by [`Writer::column`], each a reader of its own bytes (with
    /// offsets still counted from the start of the bundle, for errors).
    fn columns<const N: usize>(&mut self, what: &'static str) -> Result<[Reader<'a>; N], DecodeError> {
        let mut columns = [(); N].map(|()| Reader { bytes: &[], at: 0 });
        for column in &mut columns {
            // `count` refuses a length beyond the bytes left: the end is within them.
            let len = self.count(what)?;
            let end = self.at + len;
            *column = Reader { bytes: &self.bytes[..end], at: self.at };
            self.at = end;
        }
        Ok(columns)
    }

    /// A column must be read to its last byte: a longer one is not the format this reads.
    fn finish(self, what: &'static str) -> Result<(), DecodeError> {
        match self.at == self.bytes.len() {
            true => Ok(()),
            false => Err(DecodeError::Invalid { what, offset: self.at }),
        }
    }

    pub(crate) fn raw_str(&mut self, len: usize, what: &'static str) -> Result<String, DecodeError> {
        self.raw_text(len, what).map(str::to_string)
    }

    fn raw_text(&mut self, len: usize, what: &'static str) -> Result<&'a str, DecodeError> {
        let offset = self.at;
        let end = offset
            .checked_add(len)
            .filter(|end| *end <= self.bytes.len())
            .ok_or(DecodeError::Truncated { what, offset })?;
        let text = std::str::from_utf8(&self.bytes[offset..end]).map_err(|_| DecodeError::Invalid { what, offset })?;
        self.at = end;
        Ok(text)
    }

    pub(crate) fn str(&mut self, what: &'static str) -> Result<String, DecodeError> {
        let len = self.uint(what)?;
        self.raw_str(usize::try_from(len).unwrap_or(usize::MAX), what)
    }

    fn compact(&mut self, what: &'static str) -> Result<CompactStr, DecodeError> {
        let len = self.uint(what)?;
        self.raw_text(usize::try_from(len).unwrap_or(usize::MAX), what).map(CompactStr::new)
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

    // Out of line: read in two places (communes, actors), the same code once in the browser.
    #[inline(never)]
    fn point_delta(&mut self, previous: &mut Option<GeoPoint>) -> Result<Option<GeoPoint>, DecodeError> {
        let offset = self.at;
        let unit = match self.uint("point")? {
            0 => return Ok(None),
            1 => 1,
            2 => HUNDREDTH,
            _ => return Err(DecodeError::Invalid { what: "point", offset }),
        };
        let base = previous.unwrap_or(GeoPoint { lat_e5: 0, lon_e5: 0 });
        // A difference beyond 2^40 is far beyond the globe: clamped there, it still fails below,
        // and the arithmetic cannot overflow (no 128-bit multiplication in the browser).
        let lat = self.int("latitude")?.clamp(-1 << 40, 1 << 40) * unit;
        let lon = self.int("longitude")?.clamp(-1 << 40, 1 << 40) * unit;
        let point = GeoPoint::from_e5(lat + i64::from(base.lat_e5), lon + i64::from(base.lon_e5))
            .ok_or(DecodeError::Invalid { what: "point", offset })?;
        *previous = Some(point);
        Ok(Some(point))
    }
}

/// A hundredth of a degree, in the points' unit (1e-5 degree).
const HUNDREDTH: i64 = 1000;

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader of `bytes` as if they started at byte 100 of a bundle.
    fn reader_at_100(bytes: &[u8]) -> (Vec<u8>, usize) {
        let mut padded = vec![0; 100];
        padded.extend_from_slice(bytes);
        (padded, 100)
    }

    #[test]
    fn a_point_in_hundredths_beyond_the_globe_is_an_error_not_a_wrapped_value() {
        let mut w = Writer(Vec::new());
        let mut previous = None;
        w.point_delta(Some(GeoPoint { lat_e5: 4_603_000, lon_e5: 17_000 }), &mut previous);
        assert_eq!(w.0[0], 2, "whole hundredths: tag 2");
        let (bytes, at) = reader_at_100(&w.0);
        let mut previous = None;
        let read = Reader { bytes: &bytes, at }.point_delta(&mut previous);
        assert_eq!(read, Ok(Some(GeoPoint { lat_e5: 4_603_000, lon_e5: 17_000 })));
        // Differences that, times 1000, would overflow an i64 (or wrap back onto the globe).
        for huge in [i64::MAX, i64::MIN, i64::MAX / 1000 + 1, (1 << 54) + 4_603] {
            let mut w = Writer(Vec::new());
            w.uint(2);
            w.int(huge);
            w.int(17);
            let (bytes, at) = reader_at_100(&w.0);
            let read = Reader { bytes: &bytes, at }.point_delta(&mut None);
            assert_eq!(read, Err(DecodeError::Invalid { what: "point", offset: 100 }), "{huge}");
        }
    }

    #[test]
    fn a_column_is_read_to_its_last_byte() {
        let mut w = Writer(Vec::new());
        w.column(|w| {
            w.uint(7);
            w.uint(300);
        });
        let (bytes, at) = reader_at_100(&w.0);
        let mut r = Reader { bytes: &bytes, at };
        let [mut column] = r.columns("test column").unwrap();
        assert_eq!(r.at, bytes.len(), "the reader moves past the column");
        assert_eq!(column.uint("value"), Ok(7));
        assert_eq!(column.at, 102);
        let unread = Reader { bytes: column.bytes, at: column.at };
        assert_eq!(unread.finish("test column"), Err(DecodeError::Invalid { what: "test column", offset: 102 }));
        assert_eq!(column.uint("value"), Ok(300));
        assert_eq!(column.uint("value"), Err(DecodeError::Truncated { what: "value", offset: 104 }), "not beyond");
        assert_eq!(column.finish("test column"), Ok(()));
        let mut short = Reader { bytes: &bytes[..bytes.len() - 1], at };
        assert!(
            matches!(short.columns::<1>("test column"), Err(DecodeError::Truncated { .. })),
            "a column longer than the bytes"
        );
    }

    #[test]
    fn a_column_length_too_long_to_be_a_number_is_invalid() {
        let bytes = [0x80; 11];
        let mut r = Reader { bytes: &bytes, at: 0 };
        assert_eq!(r.columns::<1>("column").err(), Some(DecodeError::Invalid { what: "column", offset: 0 }));
    }

    #[test]
    fn an_actor_commune_written_as_a_code_is_looked_up() {
        let commune = |insee: &str| crate::territory::Commune {
            insee: insee.into(),
            name: insee.into(),
            departement: "16".into(),
            epci: None,
            postal_codes: Default::default(),
            population: 0,
            point: None,
        };
        let communes = Communes::new(vec![commune("16015"), commune("16292")], vec![]);
        let mut w = Writer(Vec::new());
        w.uint(3); // one past the list: a code follows
        w.str("16292");
        w.uint(3);
        w.str("86194");
        let mut r = Reader { bytes: &w.0, at: 0 };
        let listed = commune_ref(&mut r, &communes).map(|(code, index)| (code.map(|c| c.to_string()), index));
        assert_eq!(listed, Ok((Some("16292".to_string()), Some(1))));
        let unlisted = commune_ref(&mut r, &communes).map(|(code, index)| (code.map(|c| c.to_string()), index));
        assert_eq!(unlisted, Ok((Some("86194".to_string()), None)));
    }

    fn text_column(texts: &[Option<&str>], optional: bool) -> Vec<u8> {
        let mut w = Writer(Vec::new());
        w.text_column(texts.iter().copied(), optional);
        w.0
    }

    #[test]
    fn texts_come_back_as_written() {
        let texts = [
            Some("Ruffec"),
            Some(""),
            Some("Saint-Étienne-d’Orthe"),
            Some("un nom bien plus long que vingt-deux octets"),
        ];
        let (bytes, at) = reader_at_100(&text_column(&texts, false));
        let mut r = Reader { bytes: &bytes, at };
        let [column] = r.columns("texts").unwrap();
        let mut column = TextColumn::new(column, "texts").unwrap();
        assert_eq!(column.str().as_deref(), Ok("Ruffec"));
        assert_eq!(column.compact().map(|c| c.to_string()).as_deref(), Ok(""));
        assert_eq!(column.compact().map(|c| c.to_string()).as_deref(), Ok("Saint-Étienne-d’Orthe"));
        assert_eq!(column.str().as_deref(), Ok(texts[3].unwrap()));
        assert_eq!(column.finish(), Ok(()));

        let optional = [None, Some("05 45 31 01 42"), Some(""), None];
        let (bytes, at) = reader_at_100(&text_column(&optional, true));
        let mut r = Reader { bytes: &bytes, at };
        let [column] = r.columns("phones").unwrap();
        let mut column = TextColumn::new(column, "phones").unwrap();
        let read: Vec<Option<String>> = (0..4).map(|_| column.opt_compact().unwrap().map(|c| c.to_string())).collect();
        assert_eq!(read, optional.map(|t| t.map(str::to_string)));
        assert_eq!(column.finish(), Ok(()));
    }

    #[test]
    fn bad_texts_are_refused_where_they_are() {
        let read_all = |bytes: &[u8], count: usize| -> Result<Vec<String>, DecodeError> {
            let (bytes, at) = reader_at_100(bytes);
            let mut r = Reader { bytes: &bytes, at };
            let [column] = r.columns("names")?;
            let mut column = TextColumn::new(column, "names")?;
            let texts = (0..count).map(|_| column.str()).collect::<Result<_, _>>()?;
            column.finish()?;
            Ok(texts)
        };
        let good = text_column(&[Some("Ré"), Some("ab")], false);
        // column length, lengths' length, lengths 3 and 2, then `R` `é` (2 bytes) `a` `b`.
        assert_eq!(good, [8, 2, 3, 2, b'R', 0xc3, 0xa9, b'a', b'b']);
        assert_eq!(read_all(&good, 2), Ok(vec!["Ré".to_string(), "ab".to_string()]));

        let invalid_at = |offset| DecodeError::Invalid { what: "names", offset };
        let changes: [(&[(usize, u8)], DecodeError, &str); 3] = [
            (&[(6, 0xff)], invalid_at(105), "not UTF-8: where the bad byte starts"),
            (&[(2, 2), (3, 3)], invalid_at(104), "`R` and half of `é`"),
            (&[(3, 3)], invalid_at(107), "past the texts"),
        ];
        for (changes, error, why) in changes {
            let mut bad = good.clone();
            changes.iter().for_each(|(at, byte)| bad[*at] = *byte);
            assert_eq!(read_all(&bad, 2), Err(error), "{why}");
        }
        assert_eq!(read_all(&good, 1), Err(DecodeError::Invalid { what: "names", offset: 107 }), "texts left over");
        assert_eq!(read_all(&good, 3), Err(DecodeError::Truncated { what: "names", offset: 104 }), "lengths run out");
    }
}
