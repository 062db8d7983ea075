//! A bundle that lies about how many rows it holds must fail without the decoder reserving
//! memory for them first. Alone in its test binary: it measures the process's allocations.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use aiguillage_engine::actor::Directory;
use aiguillage_engine::bundle::{decode, encode, Bundle, DecodeError};
use aiguillage_engine::calendar::Date;
use aiguillage_engine::territory::Communes;
use aiguillage_engine::wording::Wording;

mod common;

/// The system allocator, keeping the largest number of bytes held at once.
struct Peak;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Peak {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let held = HELD.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(held, Ordering::Relaxed);
        // SAFETY: the caller's contract for `alloc`, passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract for `dealloc`, passed on unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Peak = Peak;

fn varint(mut value: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[test]
fn a_bundle_claiming_a_million_communes_fails_without_reserving_room_for_them() {
    const CLAIMED: u64 = 1_000_000;
    let empty = Bundle {
        territory: "16".into(),
        territory_name: "Charente".into(),
        built_on: Date(0),
        communes: Communes::default(),
        taxonomy: common::taxonomy(),
        wording: Wording::default(),
        rules: common::rules(),
        directory: Directory::default(),
    };
    let mut bytes = encode(&empty);
    // The end of a bundle without communes nor actors: no EPCI, no commune, its 7 columns (3 of
    // texts: a length of 1, then an empty list of lengths), no actor and its 23 columns (11 of
    // texts).
    let no_communes = [0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0];
    let tail = no_communes.len() + 1 + 11 * 2 + 12;
    assert_eq!(bytes[bytes.len() - tail..][..no_communes.len()], no_communes, "the layout this test assumes");
    bytes.truncate(bytes.len() - tail);

    // No EPCI; a million communes, said to be; one INSEE code; no name; the points column padded
    // so that the count is not larger than the bytes left (the first check a count gets).
    bytes.push(0);
    varint(CLAIMED, &mut bytes);
    bytes.extend_from_slice(&[7, 1, 5, b'1', b'6', b'2', b'9', b'2']);
    bytes.extend_from_slice(&[1, 0, 1, 0, 0, 0, 0]);
    varint(CLAIMED, &mut bytes);
    bytes.resize(bytes.len() + CLAIMED as usize, 0);

    PEAK.store(HELD.load(Ordering::Relaxed), Ordering::Relaxed);
    let decoded = decode(&bytes);
    let peak = PEAK.load(Ordering::Relaxed);
    assert!(matches!(decoded, Err(DecodeError::Truncated { what: "commune names", .. })), "{:?}", decoded.err());
    let commune = std::mem::size_of::<aiguillage_engine::Commune>();
    assert!(
        peak < bytes.len() + 1_000_000,
        "held {peak} bytes at most while decoding {} bytes; a million communes would take {}",
        bytes.len(),
        CLAIMED as usize * commune
    );
}
