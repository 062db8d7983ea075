#![no_main]
//! Arbitrary text through the opening-hours compiler, and the compiled schedule through the
//! engine's evaluator, in a local calendar chosen by the input's length: no panic; a compiled
//! schedule answers at every instant of its horizon.

use aiguillage_engine::calendar::{Date, Holidays, LocalDateTime};
use aiguillage_import::hours::parse_hours;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    aiguillage_fuzz::only_our_panics_crash();
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let start = Date(20_787); // 2026-11-30
    let calendars = [Holidays::National, Holidays::AlsaceMoselle, Holidays::Abolition(12, 20), Holidays::Polynesie];
    let holidays = calendars[bytes.len() % calendars.len()];
    let (hours, _) = parse_hours(text, start, 21, holidays);
    for day in 0..21 {
        for minute in [0, 361, 719, 1439] {
            let state = hours.state_at(LocalDateTime { date: start.add_days(day), minute }, holidays);
            if let (Some(true), Some(closes)) = (state.open_now, state.closes_at) {
                assert!(closes > LocalDateTime { date: start.add_days(day), minute }, "closes after now");
            }
        }
    }
});
