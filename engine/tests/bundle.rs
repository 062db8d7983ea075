//! The bundle: what is encoded comes back the same, and no bytes at all (random, cut short,
//! corrupted) make `decode` panic; it says what is wrong instead.

mod common;

use aiguillage_engine::actor::{Actor, Directory, Zone};
use aiguillage_engine::bundle::{decode, encode, Bundle, DecodeError, VERSION};
use aiguillage_engine::calendar::{Date, LocalDateTime};
use aiguillage_engine::geo::GeoPoint;
use aiguillage_engine::hours::{Hours, Schedule};
use aiguillage_engine::orient::{orient, Profile};
use aiguillage_engine::rules::Rules;
use aiguillage_engine::taxonomy::{Fallback, Need, NeedSet, Taxonomy, Text, TextList};
use aiguillage_engine::territory::{Commune, Communes, Epci};
use aiguillage_engine::vocab::{Autonomy, Set};
use aiguillage_engine::wording::Wording;
use proptest::prelude::*;
use proptest::sample::select;

// --- A sample bundle, built from the test fixtures ----------------------------------------------

fn sample() -> Bundle {
    let fixture = common::Fixture::parse(
        "
        commune 16999 Sans-Point dep=16
        actor aidants-ruffec commune=16292 needs=demarches modes=individuel programmes=aidants-connect hours=office
        actor atelier commune=16015 needs=demarches,bases-numeriques modes=atelier,individuel publics=seniors hours=free-text
        actor bus commune=16078 point=45.72,0.21 needs=emploi itinerant hours=second-tuesday zone=epci:200071827
        actor boutique commune=16102 needs=bases-numeriques modes=autonomie supports=surdite hours=shop-short-on-holidays
        actor marche commune=16999 point=45.60,0.20 needs=emploi hours=sunday-market zone=dep:16,commune:86194
        actor telephone needs=demarches-impots,emploi modes=a-distance zone=france hours=corrupt
        actor poitiers commune=86194 needs=emploi programmes=france-services zone=none
        ",
    );
    let mut actors = fixture.directory.actors().to_vec();
    for (i, actor) in actors.iter_mut().enumerate() {
        actor.name = format!("Lieu n°{i} — « {} »", actor.id);
        actor.street = "1 rue de l'Église".into();
        actor.postal_code = "16000".into();
        actor.commune_name = "Angoulême".into();
        actor.phone = Some("05 45 00 00 00".into());
        actor.email = (i % 2 == 0).then(|| format!("{}@example.org", actor.id));
        actor.website = Some("https://example.org".into());
        actor.booking_url = (i % 3 == 0).then(|| "https://rdv.example.org".into());
        actor.summary = Some("Accompagnement aux démarches en ligne".into());
        actor.updated = Some(common::date("2026-10-01").add_days(i as i32));
        actor.source = "lieux-mediation".into();
    }
    let mut taxonomy = fixture.taxonomy.clone();
    taxonomy.needs[0].pictogram = "ordinateur".into();
    taxonomy.needs[1].hint = common::text("Impôts, CAF, retraite…");
    taxonomy.needs[1].bring = TextList {
        fr: vec!["Une pièce d'identité".into(), "Vos identifiants".into()],
        falc: vec!["Votre carte d'identité".into()],
        en: vec![],
    };
    let wording: Wording = [("reason.offers-need", "Aide pour {need}"), ("date.today", "aujourd'hui"), ("vide", "")]
        .into_iter()
        .map(|(key, fr)| (key, common::text(fr)))
        .collect();
    Bundle {
        territory: "16".into(),
        territory_name: "Charente".into(),
        built_on: common::date("2026-11-30"),
        directory: Directory::new(actors, &fixture.communes),
        communes: fixture.communes,
        taxonomy,
        wording,
        rules: fixture.rules,
    }
}

// --- Comparing bundles by what can be observed ----------------------------------------------------

/// A few questions to put to a territory: every commune and need, with and without preferences,
/// at an instant inside the compiled hours.
fn profiles(bundle: &Bundle) -> Vec<Profile> {
    let mut profiles = Vec::new();
    for commune in bundle.communes.iter().take(6) {
        for need in bundle.taxonomy.needs.iter().take(4) {
            profiles.push(Profile {
                commune: commune.insee.to_string(),
                need: need.code.clone(),
                ..Profile::default()
            });
            profiles.push(Profile {
                commune: commune.insee.to_string(),
                need: need.code.clone(),
                autonomy: Some(Autonomy::ForMe),
                publics: Set::from_bits(u32::MAX),
                supports: Set::from_bits(u32::MAX),
                can_travel: Some(false),
                has_device: Some(false),
            });
        }
    }
    profiles
}

fn answers(bundle: &Bundle) -> Vec<String> {
    let at = common::instant("2026-12-08T10:00");
    profiles(bundle).iter().map(|p| format!("{:?}", orient(bundle.territory(), p, at, 10))).collect()
}

fn assert_same_bundle(before: &Bundle, after: &Bundle) {
    assert_eq!(before.territory, after.territory);
    assert_eq!(before.territory_name, after.territory_name);
    assert_eq!(before.built_on, after.built_on);
    assert_eq!(before.communes, after.communes);
    // The decoder takes the EPCIs' positions from the bundle rather than searching them.
    for i in 0..before.communes.len() {
        assert_eq!(before.communes.areas(i), after.communes.areas(i), "areas of commune {i}");
    }
    assert_eq!(before.taxonomy, after.taxonomy);
    assert_eq!(before.wording, after.wording);
    assert_eq!(before.rules, after.rules);
    assert_eq!(before.directory.actors(), after.directory.actors());
    for i in 0..before.directory.len() {
        assert_eq!(before.directory.place(i), after.directory.place(i), "place of actor {i}");
    }
    assert_eq!(answers(before), answers(after));
}

// --- The sample, by hand ------------------------------------------------------------------------

#[test]
fn the_sample_bundle_round_trips() {
    let bundle = sample();
    let bytes = encode(&bundle);
    let decoded = decode(&bytes).expect("a bundle just encoded decodes");
    assert_same_bundle(&bundle, &decoded);
    assert_eq!(encode(&decoded), bytes, "the encoding is canonical");
    // The sample is a real test of orientation: it recommends something.
    assert!(answers(&bundle).iter().any(|a| a.contains("OpenNow")));
}

#[test]
fn points_in_whole_hundredths_of_a_degree_take_fewer_bytes_and_come_back_the_same() {
    let communes = |offset: i32| {
        let list = (0..200)
            .map(|i| Commune {
                insee: format!("16{:03}", i + 1).into(),
                name: format!("Commune {i}").into(),
                departement: "16".into(),
                epci: None,
                postal_codes: ["16700"].into_iter().map(Into::into).collect(),
                population: 100,
                point: Some(GeoPoint {
                    lat_e5: 4_500_000 + (i % 17) * 3000 + offset * (i % 3),
                    lon_e5: 10_000 + (i % 13) * 7000,
                }),
            })
            .collect();
        Communes::new(list, Vec::new())
    };
    let with = |communes: Communes| Bundle { directory: Directory::new(Vec::new(), &communes), communes, ..sample() };
    let (coarse, fine) = (with(communes(0)), with(communes(1)));
    let (coarse_bytes, fine_bytes) = (encode(&coarse), encode(&fine));
    assert_same_bundle(&coarse, &decode(&coarse_bytes).expect("coarse points decode"));
    assert_same_bundle(&fine, &decode(&fine_bytes).expect("fine points decode"));
    // 200 communes: a byte saved on each latitude and longitude at least.
    assert!(coarse_bytes.len() + 400 <= fine_bytes.len(), "{} vs {}", coarse_bytes.len(), fine_bytes.len());
}

#[test]
fn every_truncation_of_a_bundle_is_an_error_that_says_where() {
    let bytes = encode(&sample());
    for len in 0..bytes.len() {
        match decode(&bytes[..len]) {
            Ok(_) => panic!("the first {len} of {} bytes decoded", bytes.len()),
            Err(DecodeError::NotABundle) => assert!(len < 5, "{len} bytes: not a bundle?"),
            Err(error @ DecodeError::Truncated { offset, .. }) => {
                assert!(offset <= len, "{len} bytes: {error}");
                assert!(error.to_string().contains("truncated"), "{error}");
            }
            Err(error) => panic!("the first {len} bytes: {error} (expected: truncated)"),
        }
    }
}

#[test]
fn what_is_not_a_bundle_says_what_was_expected() {
    let current = [b"AIGB".as_slice(), &[VERSION]].concat();
    let messages: Vec<String> = [&b""[..], b"AIG", b"PK\x03\x04 not a bundle", b"AIGB\xff", current.as_slice()]
        .iter()
        .map(|bytes| decode(bytes).unwrap_err().to_string())
        .collect();
    assert_eq!(
        messages,
        [
            "not an Aiguillage data bundle (expected the AIGB signature)",
            "not an Aiguillage data bundle (expected the AIGB signature)",
            "not an Aiguillage data bundle (expected the AIGB signature)",
            format!("bundle format version 255; this widget reads version {VERSION}").as_str(),
            "bundle truncated at byte 5 while reading territory code",
        ]
    );
    let mut trailing = encode(&sample());
    let end = trailing.len();
    trailing.push(0);
    assert_eq!(decode(&trailing).unwrap_err(), DecodeError::TrailingBytes { offset: end });
}

// --- Random bundles -----------------------------------------------------------------------------

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![3 => "[a-z0-9 -]{0,8}", 1 => "\\PC{0,6}"]
}

fn arb_text() -> impl Strategy<Value = Text> {
    (arb_string(), arb_string(), arb_string()).prop_map(|(fr, falc, en)| Text { fr, falc, en })
}

fn arb_list() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(arb_string(), 0..3)
}

/// 0..12 needs with unique codes, each sub-need under an earlier top-level need. The importer's
/// mappings (`mediation_v1`, `mediation_v0`, `data_inclusion`) are not in the bundle: left empty.
fn arb_taxonomy() -> impl Strategy<Value = Taxonomy> {
    let need = (arb_string(), any::<prop::sample::Index>(), prop::bool::ANY, arb_text(), arb_text());
    let bring = (arb_list(), arb_list(), arb_list()).prop_map(|(fr, falc, en)| TextList { fr, falc, en });
    let fallback =
        (arb_string(), arb_string(), prop::option::of(arb_string()), prop::option::of(arb_string()), arb_text())
            .prop_map(|(code, name, phone, url, text)| Fallback { code, name, phone, url, text, needs: vec![] });
    (prop::collection::vec((need, bring), 0..12), prop::collection::vec(fallback, 0..3)).prop_map(
        |(specs, fallbacks)| {
            let mut needs: Vec<Need> = Vec::new();
            for (i, ((pictogram, parent, is_child, label, hint), bring)) in specs.into_iter().enumerate() {
                let tops: Vec<String> = needs.iter().filter(|n| n.parent.is_none()).map(|n| n.code.clone()).collect();
                let parent = (is_child && !tops.is_empty()).then(|| parent.get(&tops).clone());
                needs.push(Need {
                    code: format!("besoin-{i}"),
                    parent,
                    pictogram,
                    label,
                    hint,
                    mediation_v1: vec![],
                    mediation_v0: vec![],
                    data_inclusion: vec![],
                    bring,
                });
            }
            // Every other contact answers some needs (the codes of needs that exist), the others every need.
            let mut fallbacks = fallbacks;
            for (i, fallback) in fallbacks.iter_mut().enumerate().filter(|(i, _)| i % 2 == 1) {
                fallback.needs = needs.iter().skip(i % 3).step_by(2).map(|n| n.code.clone()).collect();
            }
            Taxonomy::new(needs, fallbacks).expect("generated taxonomies are valid")
        },
    )
}

/// Any point, half of them in whole hundredths of a degree (the coarse points of an index,
/// written in that unit).
fn arb_point() -> impl Strategy<Value = Option<GeoPoint>> {
    let any = (-90.0..=90.0f64, -180.0..=180.0f64).prop_map(|(lat, lon)| GeoPoint::from_degrees(lat, lon).unwrap());
    let coarse =
        (-9000..=9000i32, -18000..=18000i32).prop_map(|(lat, lon)| GeoPoint { lat_e5: lat * 1000, lon_e5: lon * 1000 });
    prop::option::of(prop_oneof![any, coarse])
}

const INSEE: &[&str] = &["16015", "16078", "16102", "2A004", "97411", "75056"];
const EPCI: &[&str] = &["200071827", "200070514", "249740119"];

fn arb_communes() -> impl Strategy<Value = Communes> {
    let commune = (
        select(INSEE),
        arb_string(),
        select(&["16", "2A", "974", "75"][..]),
        prop::option::of(select(EPCI)),
        arb_list(),
        any::<u32>(),
        arb_point(),
    )
        .prop_map(|(insee, name, departement, epci, postal_codes, population, point)| Commune {
            insee: insee.into(),
            name: name.into(),
            departement: departement.into(),
            epci: epci.map(Into::into),
            postal_codes: postal_codes.into_iter().map(Into::into).collect(),
            population,
            point,
        });
    let epci = (select(EPCI), arb_string()).prop_map(|(siren, name)| Epci { siren: siren.into(), name });
    (prop::collection::vec(commune, 0..6), prop::collection::vec(epci, 0..3))
        .prop_map(|(communes, epcis)| Communes::new(communes, epcis))
}

/// Any weights that decoding accepts: distances 0..=100 000 km, points within ±100 000.
fn arb_rules() -> impl Strategy<Value = Rules> {
    prop::collection::vec(-100_000..=100_000i64, Rules::COUNT)
        .prop_map(|values| Rules::from_values(values.try_into().unwrap_or([0; Rules::COUNT])))
}

/// Pattern indices, valid or not, with the largest one often.
fn edge_u8() -> impl Strategy<Value = u8> {
    prop_oneof![3 => any::<u8>(), 1 => Just(u8::MAX)]
}

fn arb_schedule() -> impl Strategy<Value = Schedule> {
    let interval = (0..1440u16, 1..=1440u16).prop_filter_map("empty", |(a, b)| (a < b).then_some((a, b)));
    (
        arb_string(),
        any::<i32>(),
        any::<u16>(),
        prop::collection::vec(prop::collection::vec(interval, 0..3), 0..4),
        prop::collection::vec(edge_u8(), 0..8),
        prop::option::of(edge_u8()),
        prop::collection::vec((any::<u16>(), edge_u8()), 0..4),
    )
        .prop_map(|(source, start, horizon_days, patterns, cycle, holiday, mut overrides)| {
            overrides.sort();
            Schedule { source, start: Date(start), horizon_days, patterns, cycle, holiday, overrides }
        })
}

fn arb_hours() -> impl Strategy<Value = Hours> {
    prop_oneof![Just(Hours::Unknown), arb_string().prop_map(Hours::FreeText), arb_schedule().prop_map(Hours::Compiled)]
}

fn arb_zone() -> impl Strategy<Value = Option<Zone>> {
    prop::option::of((arb_list(), arb_list(), arb_list(), any::<bool>()).prop_map(
        |(communes, epcis, departements, france)| Zone {
            communes: communes.into_iter().map(Into::into).collect(),
            epcis: epcis.into_iter().map(Into::into).collect(),
            departements: departements.into_iter().map(Into::into).collect(),
            france,
        },
    ))
}

prop_compose! {
    fn arb_actor()(
        (id, name, street, postal_code, commune_name) in (arb_string(), arb_string(), arb_string(), arb_string(), arb_string()),
        insee in prop::option::of(prop_oneof![select(INSEE).prop_map(String::from), arb_string()]),
        point in arb_point(),
        contacts in prop::array::uniform5(prop::option::of(arb_string())),
        needs in any::<u64>(),
        sets in prop::array::uniform5(any::<u32>()),
        itinerant in any::<bool>(),
        zone in arb_zone(),
        hours in arb_hours(),
        updated in prop::option::of(any::<i32>()),
        source in arb_string(),
    ) -> Actor {
        let [phone, email, website, booking_url, summary] = contacts;
        Actor {
            id,
            name,
            street,
            postal_code: postal_code.into(),
            commune_name: commune_name.into(),
            insee: insee.map(Into::into),
            point,
            phone: phone.map(Into::into),
            email,
            website,
            booking_url,
            summary,
            needs: NeedSet(needs),
            modes: Set::from_bits(sets[0]),
            programmes: Set::from_bits(sets[1]),
            publics: Set::from_bits(sets[2]),
            supports: Set::from_bits(sets[3]),
            fees: Set::from_bits(sets[4]),
            itinerant,
            zone,
            hours,
            updated: updated.map(Date),
            source: source.into(),
        }
    }
}

prop_compose! {
    fn arb_bundle()(
        territory in arb_string(),
        territory_name in arb_string(),
        built_on in any::<i32>(),
        communes in arb_communes(),
        taxonomy in arb_taxonomy(),
        wording in prop::collection::btree_map(arb_string(), arb_text(), 0..4),
        rules in arb_rules(),
        mut actors in prop::collection::vec(arb_actor(), 0..20),
    ) -> Bundle {
        // An actor's needs name needs of the taxonomy (decoding drops the other bits).
        let known = if taxonomy.needs.len() >= 64 { u64::MAX } else { (1u64 << taxonomy.needs.len()) - 1 };
        actors.iter_mut().for_each(|actor| actor.needs.0 &= known);
        let directory = Directory::new(actors, &communes);
        Bundle {
            territory,
            territory_name,
            built_on: Date(built_on),
            communes,
            taxonomy,
            wording: wording.into_iter().collect(),
            rules,
            directory,
        }
    }
}

/// Anything decoded can be used: re-encoded, and asked every question, without a panic.
fn use_everything(bundle: &Bundle) {
    let _ = encode(bundle);
    let instants = [
        LocalDateTime { date: bundle.built_on, minute: 600 },
        common::instant("2026-12-08T10:00"),
        LocalDateTime { date: Date(i32::MAX), minute: 1439 },
    ];
    for profile in profiles(bundle) {
        for at in instants {
            let _ = orient(bundle.territory(), &profile, at, 5);
        }
    }
}

/// `cases`, or `PROPTEST_CASES` for a deeper run.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases: common::proptest_cases(cases), failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn a_random_bundle_round_trips(bundle in arb_bundle()) {
        let bytes = encode(&bundle);
        let decoded = decode(&bytes).map_err(|e| TestCaseError::fail(format!("decode: {e}")))?;
        assert_same_bundle(&bundle, &decoded);
        prop_assert_eq!(encode(&decoded), bytes);
    }

    #[test]
    fn a_random_bundle_cut_anywhere_is_truncated(bundle in arb_bundle(), cut in any::<prop::sample::Index>()) {
        let bytes = encode(&bundle);
        let len = cut.index(bytes.len());
        let error = decode(&bytes[..len]).err().expect("a strict prefix never decodes");
        prop_assert!(
            matches!(error, DecodeError::NotABundle | DecodeError::Truncated { .. }),
            "{} of {} bytes: {}", len, bytes.len(), error
        );
    }
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn decode_never_panics_on_random_bytes(
        // Mostly the current signature and version, so that the decoder reads on past them.
        header in prop_oneof![1 => Just(Vec::new()), 3 => Just([b"AIGB".as_slice(), &[VERSION]].concat())],
        bytes in prop::collection::vec(any::<u8>(), 0..600),
    ) {
        let past_the_version = !header.is_empty();
        let bytes = [header, bytes].concat();
        match decode(&bytes) {
            Ok(bundle) => use_everything(&bundle),
            Err(error) => {
                prop_assert!(!error.to_string().is_empty());
                // With the current header, the decoder reads the body: this property tests it.
                prop_assert!(
                    !(past_the_version && matches!(error, DecodeError::UnsupportedVersion(_) | DecodeError::NotABundle)),
                    "stopped at the header: {}", error
                );
            }
        }
    }

    #[test]
    fn decode_never_panics_on_a_corrupted_byte(
        position in any::<prop::sample::Index>(),
        value in any::<u8>(),
    ) {
        let mut bytes = encode(&sample());
        let at = position.index(bytes.len());
        bytes[at] = value;
        match decode(&bytes) {
            Ok(bundle) => use_everything(&bundle),
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
    }
}

#[test]
fn a_territory_without_words_plus_its_language_packs_is_the_whole_bundle() {
    use aiguillage_engine::texts::{self, TextPack};
    use aiguillage_engine::Lang;
    let full = sample();
    let mut rebuilt = decode(&encode(&full.without_texts())).expect("a bare territory decodes");
    assert!(rebuilt.wording.is_empty());
    for lang in Lang::ALL {
        let pack = texts::decode(&texts::encode(&TextPack::from_words(&full.taxonomy, &full.wording, lang)))
            .expect("a pack decodes");
        assert_eq!(pack.lang, lang);
        pack.apply(&mut rebuilt);
    }
    assert_same_bundle(&full, &rebuilt);
}

#[test]
fn a_language_pack_alone_carries_the_national_contacts_whole() {
    use aiguillage_engine::texts::{self, TextPack};
    use aiguillage_engine::Lang;
    let full = sample();
    assert!(full.taxonomy.fallbacks.iter().any(|f| f.phone.is_some() && !f.needs.is_empty()), "a sample worth testing");
    let pack = texts::decode(&texts::encode(&TextPack::from_words(&full.taxonomy, &full.wording, Lang::FrFalc)))
        .expect("a pack decodes");
    assert_eq!(pack.fallbacks.len(), full.taxonomy.fallbacks.len());
    for (packed, original) in pack.fallbacks.iter().zip(&full.taxonomy.fallbacks) {
        assert_eq!(
            (&packed.code, &packed.name, &packed.phone, &packed.url, &packed.needs),
            (&original.code, &original.name, &original.phone, &original.url, &original.needs)
        );
        assert_eq!(packed.text.get(Lang::FrFalc), original.text.get(Lang::FrFalc));
        assert_eq!(packed.text.fr, "", "the pack holds its own language only");
    }
}

#[test]
fn a_truncated_or_foreign_language_pack_is_an_error_that_says_so() {
    use aiguillage_engine::texts::{self, TextPack};
    use aiguillage_engine::Lang;
    let bytes = texts::encode(&TextPack::from_words(&sample().taxonomy, &sample().wording, Lang::En));
    for len in 0..bytes.len() {
        let error = texts::decode(&bytes[..len]).expect_err("a truncated pack");
        assert!(matches!(error, DecodeError::NotATextPack | DecodeError::Truncated { .. }), "{len}: {error}");
    }
    assert_eq!(
        texts::decode(&encode(&sample())).unwrap_err().to_string(),
        "not an Aiguillage text pack (expected the AIGT signature)"
    );
}
