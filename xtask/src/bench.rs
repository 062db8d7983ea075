//! `cargo xtask bench [--runs N]`: our widget measured side by side with the national peer, the
//! engine at national size, and how cost grows; prints the tables and writes docs/PERFORMANCE.md.
//!
//! 1. builds the widget, the default bundle and the engine's JS package (`cargo xtask dist`),
//! 2. builds the national-size bundles from real data replicated onto the real commune grid
//!    (`cargo run --release -p aiguillage-bench --example national_bundle`),
//! 3. runs the native criterion benches (`cargo bench -p aiguillage-bench --bench orient --bench scale`),
//! 4. compresses the bench bundles as `cargo xtask dist` would (brotli 11, gzip 9): `sizes.json`,
//! 5. installs the peer from npm into `target/bench/peer` (never committed, never in the lock file),
//! 6. measures both widgets and the wasm engine in headless Chromium (`tests/bench/measure.mjs`),
//! 7. prints the tables and writes docs/PERFORMANCE.md (`tests/bench/report.mjs`).
//!
//! Not part of `cargo xtask test`: it takes a few minutes and its figures depend on the machine.
//! The deterministic size check that is part of the tests is `tests/node/size.test.mjs`.

use std::path::Path;
use std::process::Command;

use crate::steps::{cargo, root, run, Result};

/// The peer, pinned: the version issue 6 names.
const PEER_PACKAGE: &str = "@gouvfr-anct/cartographie-nationale";
const PEER_VERSION: &str = "5.22.0";

pub fn bench(args: &[String]) -> Result<()> {
    let mut runs = 5u32;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--runs" => {
                let value = rest.next().ok_or("--runs needs a number")?;
                runs = value.parse().map_err(|_| format!("--runs: `{value}` is not a number"))?;
                if runs < 5 {
                    return Err(format!("--runs {runs}: the medians need at least 5 runs"));
                }
            }
            other => return Err(format!("`cargo xtask bench` takes [--runs N], got `{other}`")),
        }
    }
    let root = root();
    let tests_dir = root.join("tests");
    let bench_dir = root.join("target/bench");
    std::fs::create_dir_all(&bench_dir).map_err(|e| e.to_string())?;
    let started = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    crate::install::chromium()?;
    crate::install::browser_test_packages(&tests_dir)?;

    crate::steps::dist()?;

    println!("xtask: building the national-size bundles (real data replicated onto the real commune grid)");
    run(cargo()
        .args(["run", "--release", "--package", "aiguillage-bench", "--example", "national_bundle", "--"])
        .arg(&bench_dir))?;

    println!("xtask: native benches (criterion)");
    // Build first, so that the load recorded around the measurement is not the compiler's.
    run(cargo().args([
        "bench",
        "--no-run",
        "--package",
        "aiguillage-bench",
        "--bench",
        "orient",
        "--bench",
        "scale",
    ]))?;
    let load_before = load_average();
    run(cargo().args(["bench", "--package", "aiguillage-bench", "--bench", "orient", "--bench", "scale"]))?;
    let load_after = load_average();
    let facts = format!(
        "{{\n  \"started\": {started},\n  \"load_before_native\": \"{load_before}\",\n  \"load_after_native\": \"{load_after}\"\n}}\n"
    );
    std::fs::write(bench_dir.join("run.json"), facts).map_err(|e| e.to_string())?;

    println!("xtask: compressing the bench bundles as `cargo xtask dist` does");
    write_sizes(&bench_dir)?;

    install_peer(&bench_dir.join("peer"))?;
    yew_floor(&bench_dir)?;
    engine_in_size_profile(&bench_dir)?;

    println!("xtask: measuring both widgets and the wasm engine in headless Chromium ({runs} runs each)");
    run(Command::new("node")
        .arg("bench/measure.mjs")
        .current_dir(&tests_dir)
        .env("BENCH_RUNS", runs.to_string())
        .env("CHROMIUM", "/usr/bin/chromium"))?;
    run(Command::new("node").arg("bench/report.mjs").current_dir(&tests_dir))
}

/// The engine's JS package built in the widget's size profile (`engine-js-size`): the shipped
/// package is built for speed, the widget for size, and the bench times the decoder in both.
fn engine_in_size_profile(bench_dir: &Path) -> Result<()> {
    println!("xtask: building the engine's JS package in the widget's size profile");
    let wasm = crate::steps::build_wasm_in(&root(), "aiguillage-engine-js", "wasm-release")?;
    crate::steps::bind_for_web(&wasm, &bench_dir.join("engine-js-size"))
}

/// Builds `xtask/yew-floor` (the smallest Yew app) as the widget is built, bound and polished, and writes
/// the brotli sizes of its wasm and glue to `yew-floor.json`.
fn yew_floor(bench_dir: &Path) -> Result<()> {
    println!("xtask: building Yew's floor (xtask/yew-floor) as the widget is built");
    let scratch = bench_dir.join("yew-floor");
    let fixture = root().join("xtask/yew-floor");
    std::fs::create_dir_all(scratch.join("src")).map_err(|e| e.to_string())?;
    for (from, to) in [
        (fixture.join("Cargo.toml"), scratch.join("Cargo.toml")),
        (fixture.join("src/lib.rs"), scratch.join("src/lib.rs")),
        (root().join("Cargo.lock"), scratch.join("Cargo.lock")),
    ] {
        std::fs::copy(&from, &to).map_err(|e| format!("copy {}: {e}", from.display()))?;
    }
    let wasm = crate::steps::build_wasm_in(&scratch, "yew-floor", "wasm-release")?;
    let out = scratch.join("bound");
    let _ = std::fs::remove_dir_all(&out);
    crate::steps::bind_for_web(&wasm, &out)?;
    crate::steps::polish_for_web(&out, "yew_floor")?;
    let brotli = |name: &str| -> Result<usize> {
        let bytes = std::fs::read(out.join(name)).map_err(|e| format!("{name}: {e}"))?;
        Ok(crate::assets::brotli_bytes(&bytes)?.len())
    };
    let (wasm_br, js_br) = (brotli("yew_floor_bg.wasm")?, brotli("yew_floor.js")?);
    println!("xtask: Yew's floor: wasm {wasm_br} bytes brotli, glue {js_br}");
    let json = format!("{{ \"wasm_brotli\": {wasm_br}, \"glue_brotli\": {js_br} }}\n");
    std::fs::write(bench_dir.join("yew-floor.json"), json).map_err(|e| e.to_string())
}

/// The 1, 5 and 15 minute load averages (Linux), to say how busy the shared machine was.
fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace().take(3).collect::<Vec<_>>().join(" / ")
}

/// Raw, brotli and gzip sizes of the bench bundles, compressed exactly as the shipped ones.
fn write_sizes(bench_dir: &Path) -> Result<()> {
    let mut lines = Vec::new();
    for name in ["scale-1.bin", "scale-10.bin", "scale-100.bin"] {
        let path = bench_dir.join(name);
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let brotli = crate::assets::brotli_bytes(&bytes)?.len();
        let gzip = crate::assets::gzip_bytes(&bytes)?.len();
        println!("xtask: {name}: {} bytes, brotli {brotli}, gzip {gzip}", bytes.len());
        lines.push(format!("  \"{name}\": {{ \"raw\": {}, \"brotli\": {brotli}, \"gzip\": {gzip} }}", bytes.len()));
    }
    let json = format!("{{\n{}\n}}\n", lines.join(",\n"));
    std::fs::write(bench_dir.join("sizes.json"), json).map_err(|e| e.to_string())
}

/// `npm install --no-save --prefix target/bench/peer @gouvfr-anct/cartographie-nationale@5.22.0`,
/// unless that exact version is already there.
fn install_peer(prefix: &Path) -> Result<()> {
    let manifest = prefix.join("node_modules").join(PEER_PACKAGE).join("package.json");
    let installed = std::fs::read_to_string(&manifest).unwrap_or_default();
    if installed.contains(&format!("\"version\": \"{PEER_VERSION}\"")) {
        return Ok(());
    }
    println!("xtask: installing the peer {PEER_PACKAGE}@{PEER_VERSION} from npm into {}", prefix.display());
    std::fs::create_dir_all(prefix).map_err(|e| e.to_string())?;
    run(Command::new("npm")
        .args(["install", "--no-save", "--no-audit", "--no-fund", "--no-package-lock", "--prefix"])
        .arg(prefix)
        .arg(format!("{PEER_PACKAGE}@{PEER_VERSION}")))
}
