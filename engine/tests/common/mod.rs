//! Shared fixtures for the engine's integration tests: a small commune reference, a tiny
//! taxonomy, the weights of `data/rules.toml`, hand-built schedules, and a compact textual
//! format for a directory and a resident's situation.
//!
//! ```text
//! commune 16999 Sans-Point dep=16                       # extra communes (no `at`: no point)
//! actor a1 commune=16015 needs=demarches modes=individuel programmes=aidants-connect
//! actor a2 point=45.7,0.1 needs=emploi supports=surdite publics=seniors zone=dep:16,epci:200071827
//! actor a3 needs=demarches modes=a-distance hours=office itinerant
//! resident commune=16015 need=demarches autonomy=for-me can_travel=false has_device=false
//! at 2026-12-08T10:00
//! limit 3
//! ```
#![allow(dead_code)]

use aiguillage_engine::actor::{Actor, Directory, Zone};
use aiguillage_engine::calendar::{Date, LocalDateTime};
use aiguillage_engine::geo::GeoPoint;
use aiguillage_engine::hours::{Hours, Schedule};
use aiguillage_engine::orient::{Profile, Territory};
use aiguillage_engine::rules::Rules;
use aiguillage_engine::taxonomy::{Fallback, Need, Taxonomy, Text, TextList};
use aiguillage_engine::territory::{Commune, Communes, Epci};
use aiguillage_engine::vocab::{Autonomy, Mode, Programme, Public, Support};

/// The `[weights]` of `data/rules.toml`, read from the file itself (the engine has no TOML
/// reader: these are plain `name = number  # comment` lines), so the tests use what ships.
pub fn rules() -> Rules {
    const FILE: &str = include_str!("../../../data/rules.toml");
    let section = FILE.split("[weights]").nth(1).expect("a [weights] section").split("\n[").next().unwrap_or("");
    let mut values = [None; Rules::COUNT];
    for line in section.lines().map(|l| l.split('#').next().unwrap_or("").trim()).filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once('=').unwrap_or_else(|| panic!("`name = value` expected: {line}"));
        let index =
            Rules::NAMES.iter().position(|n| *n == name.trim()).unwrap_or_else(|| panic!("unknown weight {name}"));
        values[index] = Some(value.trim().parse::<i64>().unwrap_or_else(|_| panic!("a whole number: {line}")));
    }
    Rules::from_values(values.map(|v| v.expect("every weight is in data/rules.toml")))
}

pub fn text(fr: &str) -> Text {
    Text { fr: fr.into(), falc: fr.into(), en: fr.into() }
}

pub fn need(code: &str, parent: Option<&str>) -> Need {
    Need {
        code: code.into(),
        parent: parent.map(Into::into),
        pictogram: String::new(),
        label: text(code),
        hint: Text::default(),
        mediation_v1: vec![],
        mediation_v0: vec![],
        data_inclusion: vec![],
        bring: TextList::default(),
    }
}

/// Four needs, one of them a sub-need (`demarches-impots` under `demarches`); two fallbacks for
/// every need and one for `demarches-impots`.
pub fn taxonomy() -> Taxonomy {
    Taxonomy::new(
        vec![
            need("bases-numeriques", None),
            need("demarches", None),
            need("demarches-impots", Some("demarches")),
            need("emploi", None),
        ],
        vec![
            Fallback {
                code: "solidarite-numerique".into(),
                name: "Solidarité numérique".into(),
                phone: Some("01 70 772 372".into()),
                url: Some("https://solidarite-numerique.fr".into()),
                text: text("Une aide par téléphone"),
                needs: vec![],
            },
            Fallback {
                code: "france-services".into(),
                name: "France Services".into(),
                phone: None,
                url: Some("https://www.france-services.gouv.fr".into()),
                text: text("Un guichet près de chez vous"),
                needs: vec![],
            },
            Fallback {
                code: "impots-service".into(),
                name: "Impôts service".into(),
                phone: Some("0 809 401 401".into()),
                url: None,
                text: text("Pour vos impôts"),
                needs: vec!["demarches-impots".into()],
            },
        ],
    )
    .expect("the test taxonomy is valid")
}

pub const GRAND_ANGOULEME: &str = "200071827";
pub const GRAND_COGNAC: &str = "200070514";

/// A few real communes (points rounded), in the compact format.
pub const REFERENCE: &str = "
commune 16015 Angoulême  dep=16 epci=200071827 at=45.6484,0.1562
commune 16078 Champniers dep=16 epci=200071827 at=45.7149,0.2044
commune 16102 Cognac     dep=16 epci=200070514 at=45.6958,-0.3287
commune 16292 Ruffec     dep=16 epci=200071835 at=46.0286,0.1978
commune 86194 Poitiers   dep=86 epci=248600413 at=46.5802,0.3404
commune 33063 Bordeaux   dep=33 epci=243300316 at=44.8378,-0.5792
commune 75056 Paris      dep=75 epci=200054781 at=48.8566,2.3522
commune 97411 Saint-Denis dep=974 epci=249740119 at=-20.8823,55.4504
";

pub fn epcis() -> Vec<Epci> {
    [
        (GRAND_ANGOULEME, "GrandAngoulême"),
        (GRAND_COGNAC, "Grand Cognac"),
        ("200071835", "Val de Charente"),
        ("248600413", "Grand Poitiers"),
        ("243300316", "Bordeaux Métropole"),
        ("200054781", "Métropole du Grand Paris"),
        ("249740119", "CINOR"),
    ]
    .into_iter()
    .map(|(siren, name)| Epci { siren: siren.into(), name: name.into() })
    .collect()
}

pub fn communes() -> Communes {
    Communes::new(parse_communes(REFERENCE), epcis())
}

pub fn parse_communes(text: &str) -> Vec<Commune> {
    lines(text).filter(|words| words[0] == "commune").map(|words| parse_commune(&words)).collect()
}

fn lines(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or(""))
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .filter(|words| !words.is_empty())
}

fn key_values<'a>(words: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    words.iter().map(|word| word.split_once('=').unwrap_or((word, ""))).collect()
}

fn list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').filter(|v| !v.is_empty())
}

pub fn point(value: &str) -> GeoPoint {
    let (lat, lon) = value.split_once(',').unwrap_or_else(|| panic!("point `{value}`: expected lat,lon"));
    GeoPoint::from_degrees(lat.parse().unwrap(), lon.parse().unwrap()).unwrap()
}

fn parse_commune(words: &[&str]) -> Commune {
    let mut commune = Commune {
        insee: words[1].into(),
        name: words[2].into(),
        departement: Default::default(),
        epci: None,
        postal_codes: Default::default(),
        population: 1000,
        point: None,
    };
    for (key, value) in key_values(&words[3..]) {
        match key {
            "dep" => commune.departement = value.into(),
            "epci" => commune.epci = Some(value.into()),
            "at" => commune.point = Some(point(value)),
            _ => panic!("commune {}: unknown key `{key}`", commune.insee),
        }
    }
    commune
}

fn vocab<'a, T: 'a>(value: &'a str, from_code: fn(&str) -> Option<T>) -> impl Iterator<Item = T> + 'a {
    list(value).map(move |code| from_code(code).unwrap_or_else(|| panic!("unknown code `{code}`")))
}

fn parse_actor(words: &[&str], taxonomy: &Taxonomy) -> Actor {
    let mut actor = Actor::new(words[1], words[1]);
    for (key, value) in key_values(&words[2..]) {
        match key {
            "commune" => actor.insee = Some(value.into()),
            "point" => actor.point = Some(point(value)),
            "needs" => {
                for code in list(value) {
                    let id = taxonomy.need_id(code).unwrap_or_else(|| panic!("actor {}: need `{code}`", actor.id));
                    actor.needs.insert(id);
                }
            }
            "modes" => actor.modes = vocab(value, Mode::from_code).collect(),
            "programmes" => actor.programmes = vocab(value, Programme::from_code).collect(),
            "supports" => actor.supports = vocab(value, Support::from_code).collect(),
            "publics" => actor.publics = vocab(value, Public::from_code).collect(),
            "zone" => actor.zone = Some(parse_zone(value)),
            "hours" => actor.hours = hours(value),
            "itinerant" => actor.itinerant = true,
            "phone" => actor.phone = Some(value.into()),
            "email" => actor.email = Some(value.into()),
            "website" => actor.website = Some(value.into()),
            "booking" => actor.booking_url = Some(value.into()),
            "updated" => actor.updated = Some(Date::parse(value).expect("updated: YYYY-MM-DD")),
            _ => panic!("actor {}: unknown key `{key}`", actor.id),
        }
    }
    actor
}

/// `dep:16,epci:200071827,commune:16015,france`; `none` is a zone that lists nothing.
fn parse_zone(value: &str) -> Zone {
    let mut zone = Zone::default();
    for item in list(value) {
        match item.split_once(':') {
            Some(("dep", code)) => zone.departements.push(code.into()),
            Some(("epci", code)) => zone.epcis.push(code.into()),
            Some(("commune", code)) => zone.communes.push(code.into()),
            None if item == "france" => zone.france = true,
            None if item == "none" => {}
            _ => panic!("zone item `{item}`"),
        }
    }
    zone
}

fn parse_profile(words: &[&str]) -> Profile {
    let mut profile = Profile::default();
    for (key, value) in key_values(&words[1..]) {
        match key {
            "commune" => profile.commune = value.into(),
            "need" => profile.need = value.into(),
            "autonomy" => profile.autonomy = Some(Autonomy::from_code(value).expect("autonomy")),
            "supports" => profile.supports = vocab(value, Support::from_code).collect(),
            "publics" => profile.publics = vocab(value, Public::from_code).collect(),
            "can_travel" => profile.can_travel = Some(value.parse().expect("can_travel")),
            "has_device" => profile.has_device = Some(value.parse().expect("has_device")),
            _ => panic!("resident: unknown key `{key}`"),
        }
    }
    profile
}

pub fn date(text: &str) -> Date {
    Date::parse(text).unwrap_or_else(|| panic!("date `{text}`"))
}

pub fn instant(text: &str) -> LocalDateTime {
    LocalDateTime::parse(text).unwrap_or_else(|| panic!("instant `{text}`"))
}

/// Minutes since midnight for `HH:MM`.
fn hm(text: &str) -> u16 {
    let (h, m) = text.split_once(':').unwrap();
    h.parse::<u16>().unwrap() * 60 + m.parse::<u16>().unwrap()
}

fn interval(text: &str) -> (u16, u16) {
    let (start, end) = text.split_once('-').unwrap();
    (hm(start), hm(end))
}

fn pattern(text: &str) -> Vec<(u16, u16)> {
    list(text).map(interval).collect()
}

/// Named hand-built schedules, as the importer would compile them; all start on Monday
/// 2026-11-30 and cover 200 days (to mid-June 2027).
pub fn hours(name: &str) -> Hours {
    let start = date("2026-11-30");
    let schedule = |source: &str, patterns: Vec<Vec<(u16, u16)>>, cycle: Vec<u8>, holiday: Option<u8>| Schedule {
        source: source.into(),
        start,
        horizon_days: 200,
        patterns,
        cycle,
        holiday,
        overrides: vec![],
    };
    let closed = vec![];
    match name {
        "unknown" => Hours::Unknown,
        "free-text" => Hours::FreeText("le mardi matin, sur rendez-vous".into()),
        "office" => Hours::Compiled(schedule(
            "Mo-Fr 09:00-12:00,14:00-17:00; PH off",
            vec![closed, pattern("09:00-12:00,14:00-17:00")],
            vec![1, 1, 1, 1, 1, 0, 0],
            Some(0),
        )),
        // The importer compiles `Tu[2]` into overrides: one per second Tuesday of a month.
        "second-tuesday" => Hours::Compiled(Schedule {
            overrides: [
                "2026-12-08",
                "2027-01-12",
                "2027-02-09",
                "2027-03-09",
                "2027-04-13",
                "2027-05-11",
                "2027-06-08",
            ]
            .iter()
            .map(|day| ((date(day).0 - start.0) as u16, 1))
            .collect(),
            ..schedule("Tu[2] 09:00-12:00", vec![closed, pattern("09:00-12:00")], vec![0; 7], None)
        }),
        "shop-short-on-holidays" => Hours::Compiled(schedule(
            "Mo-Sa 09:00-18:00; PH 10:00-12:00",
            vec![closed, pattern("09:00-18:00"), pattern("10:00-12:00")],
            vec![1, 1, 1, 1, 1, 1, 0],
            Some(2),
        )),
        "sunday-market" => Hours::Compiled(schedule(
            "Su 01:00-04:00,09:00-12:00",
            vec![closed, pattern("01:00-04:00,09:00-12:00")],
            vec![0, 0, 0, 0, 0, 0, 1],
            None,
        )),
        "corrupt" => Hours::Compiled(schedule("Mo-Su 09:00-17:00", vec![closed], vec![7; 7], Some(9))),
        _ => panic!("no schedule named `{name}`"),
    }
}

/// A whole question: a territory, a resident, an instant and a limit.
pub struct Fixture {
    pub communes: Communes,
    pub taxonomy: Taxonomy,
    pub rules: Rules,
    pub directory: Directory,
    pub profile: Profile,
    pub at: LocalDateTime,
    pub limit: usize,
}

impl Fixture {
    /// Parses the compact format; the [`REFERENCE`] communes are always there.
    pub fn parse(text: &str) -> Fixture {
        let taxonomy = taxonomy();
        let mut communes = parse_communes(REFERENCE);
        communes.extend(parse_communes(text));
        let communes = Communes::new(communes, epcis());
        let mut actors = Vec::new();
        let mut profile = Profile::default();
        let mut at = instant("2026-12-08T10:00");
        let mut limit = 5;
        for words in lines(text) {
            match words[0] {
                "commune" => {}
                "actor" => actors.push(parse_actor(&words, &taxonomy)),
                "resident" => profile = parse_profile(&words),
                "at" => at = instant(words[1]),
                "limit" => limit = words[1].parse().expect("limit"),
                other => panic!("fixture: unknown line `{other}`"),
            }
        }
        let directory = Directory::new(actors, &communes);
        Fixture { communes, taxonomy, rules: rules(), directory, profile, at, limit }
    }

    pub fn territory(&self) -> Territory<'_> {
        Territory { communes: &self.communes, taxonomy: &self.taxonomy, directory: &self.directory, rules: &self.rules }
    }
}

/// The number of cases for a property: `PROPTEST_CASES` when set, else `default`.
pub fn proptest_cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}
