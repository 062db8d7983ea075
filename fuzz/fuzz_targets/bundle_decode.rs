#![no_main]
//! Arbitrary bytes through the bundle and language-pack decoders (what a browser downloads): no
//! panic; a bundle
//! that decodes can be oriented on, and encodes back to bytes that decode the same.

use aiguillage_engine::bundle::{decode, encode};
use aiguillage_engine::calendar::LocalDateTime;
use aiguillage_engine::{orient, Profile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    // The same bytes as a language pack: never a panic either.
    let pack = aiguillage_engine::texts::decode(bytes);
    let Ok(mut bundle) = decode(bytes) else { return };
    if let Ok(pack) = pack {
        pack.apply(&mut bundle);
    }
    let at = LocalDateTime::parse("2026-12-01T10:00").unwrap();
    let commune = bundle.communes.iter().next().map(|c| c.insee.to_string()).unwrap_or_default();
    for need in bundle.taxonomy.needs.iter().map(|n| n.code.clone()).take(4) {
        let profile = Profile { commune: commune.clone(), need, ..Profile::default() };
        let _ = orient(bundle.territory(), &profile, at, 5);
    }
    let again = decode(&encode(&bundle)).expect("a decoded bundle re-encodes to a valid bundle");
    assert_eq!(again.directory.len(), bundle.directory.len());
});
