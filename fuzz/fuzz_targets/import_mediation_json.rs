#![no_main]
//! Arbitrary bytes through the importer, format named: no panic, kept actors usable.

use aiguillage_import::sources::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| aiguillage_fuzz::import(bytes, Format::MediationJson, "f.json"));
