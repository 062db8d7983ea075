//! Shared set-up of the fuzz targets: the shipped taxonomy and commune reference, built once.

use std::path::Path;
use std::sync::{Once, OnceLock};

use aiguillage_engine::calendar::Date;
use aiguillage_engine::{Communes, Taxonomy};
use aiguillage_import::Context;
use aiguillage_import::sources::{self, Format};
use aiguillage_import::{project, reference};

fn reference_data() -> &'static (Taxonomy, Communes) {
    static DATA: OnceLock<(Taxonomy, Communes)> = OnceLock::new();
    DATA.get_or_init(|| (project::shipped().expect("shipped data").0, reference::france()))
}

/// Lets the panics of the opening-hours crates unwind to `aiguillage-hours`, which catches them
/// and keeps such hours as written (`HoursError::Evaluation`); libFuzzer's hook, which aborts at
/// any panic, caught or not, stays for every other panic: that one would be ours.
pub fn only_our_panics_crash() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !info.location().is_some_and(|at| at.file().contains("/opening-hours")) {
                fuzzer_hook(info);
            }
        }));
    });
}

/// Imports arbitrary bytes as `format`: it must never panic, and every kept actor must be usable.
pub fn import(bytes: &[u8], format: Format, name: &str) {
    only_our_panics_crash();
    let (taxonomy, communes) = reference_data();
    let context = Context { taxonomy, communes, today: Date(20_787), horizon_days: 60 };
    let imported = sources::import(Path::new(name), bytes, Some(format), &context);
    for actor in imported.actors() {
        assert!(!actor.needs.is_empty(), "a kept actor offers at least one need");
        assert!(!actor.id.is_empty() && !actor.name.is_empty());
    }
}
