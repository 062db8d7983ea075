#![no_main]
//! Arbitrary URL fragments through the widget's answers codec (a shared link can be anything):
//! no panic, and what it decodes encodes to a fragment that decodes the same.

use aiguillage_engine::fragment;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let value = fragment::read(text, "aiguillage").unwrap_or_default();
    let answers = fragment::Answers::decode(&value);
    assert_eq!(fragment::Answers::decode(&answers.encode()), answers);
    // `write` gives the fragment without its `#`; the browser gives it back with one.
    let written = fragment::write(text, "aiguillage", &answers.encode());
    assert_eq!(fragment::read(&format!("#{written}"), "aiguillage").unwrap_or_default(), answers.encode());
});
