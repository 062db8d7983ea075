//! Build automation in Rust (`cargo xtask …`), so the two README commands work on a fresh machine.
//!
//! - `cargo xtask demo [--port N]`: builds the widget, the default territory and the demo server,
//!   then serves them.
//! - `cargo xtask test [--no-dist] [--no-native] [--no-fuzz] [--no-browser]`: installs what is
//!   missing, then runs every test, browser tests included (what CI runs); each option skips a
//!   phase for local work; the time of each phase is printed at the end.
//! - `cargo xtask dist`: builds the widget assets and the default bundle into `target/dist`.
//! - `cargo xtask size`: the widget's wasm and glue alone, bound, with their brotli sizes.
//! - `cargo xtask bench [--runs N]`: our widget against the national peer, the engine at national
//!   size, native and wasm; prints the tables and writes docs/PERFORMANCE.md.
//! - `cargo xtask fuzz [SECONDS]`: runs every fuzz target for SECONDS (default 60).
//! - `cargo xtask load [--seconds N] [--connections C]`: a bounded loopback load test of the demo
//!   server (memory sampled, 0 errors expected).

mod assets;
mod bench;
mod fuzz;
mod install;
mod load;
mod minify;
mod server;
mod short_names;
mod steps;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => steps::demo(&args[1..]),
        Some("test") => steps::test(&args[1..]),
        Some("dist") => steps::dist().map(|_| ()),
        Some("size") => steps::size(),
        Some("bench") => bench::bench(&args[1..]),
        Some("load") => load::run(&args[1..]),
        Some("fuzz") => match args.get(1).map(|s| s.parse::<u32>()) {
            None => fuzz::fuzz(60),
            Some(Ok(seconds)) => fuzz::fuzz(seconds),
            Some(Err(_)) => Err("usage: cargo xtask fuzz [SECONDS_PER_TARGET]".into()),
        },
        _ => Err(
            "usage: cargo xtask demo [--port N] | test [--no-PHASE…] | dist | size | bench [--runs N] | fuzz [SECONDS] | load [--seconds N]"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error}");
            ExitCode::FAILURE
        }
    }
}
