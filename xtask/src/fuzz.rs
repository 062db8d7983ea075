//! Bounded fuzzing of every parser with cargo-fuzz (libFuzzer): the importers, the hours
//! compiler, the bundle decoder, the URL-fragment decoder. Seeds come from the project's data.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::steps::{root, run, Result};

/// Each target and the files its seed corpus starts from.
const TARGETS: &[(&str, &[&str])] = &[
    ("import_mediation_json", &["data/real/charente-bus-france-services-2023.json"]),
    (
        "import_mediation_csv",
        &[
            "data/standards/mediation-numerique/exemple-valide-v1.0.2.csv",
            "data/standards/mediation-numerique/exemple-valide-v0.1.1.csv",
        ],
    ),
    ("import_data_inclusion", &["data/examples/data-inclusion-charente.json"]),
    ("import_native_toml", &["data/examples/acteurs-locaux-charente.toml"]),
    ("hours", &[]),
    ("bundle_decode", &["target/dist/widget/data/default.bin"]),
    ("fragment", &[]),
];

pub fn install() -> Result<()> {
    let installed = Command::new("cargo").args(["fuzz", "--version"]).output().is_ok_and(|o| o.status.success());
    if !installed {
        println!("xtask: installing cargo-fuzz");
        run(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    Ok(())
}

/// Runs every target for `seconds`; fails on the first crash (its input is kept by libFuzzer).
pub fn fuzz(seconds: u32) -> Result<()> {
    install()?;
    let mut summary = Vec::new();
    for (target, seeds) in TARGETS {
        let corpus = root().join("target/fuzz-corpus").join(target);
        seed(&corpus, target, seeds)?;
        println!("xtask: fuzzing {target} for {seconds} s");
        let output = fuzz_command()
            .args(["run", target])
            .arg(&corpus)
            .args(["--", &format!("-max_total_time={seconds}"), "-max_len=65536", "-print_final_stats=1"])
            .output()
            .map_err(|e| format!("cannot run cargo fuzz: {e}"))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        let runs = stderr
            .lines()
            .find_map(|l| l.strip_prefix("stat::number_of_executed_units:"))
            .map(str::trim)
            .unwrap_or("?");
        if !output.status.success() {
            eprintln!("{stderr}");
            return Err(format!("fuzz target {target} found a crash after {runs} runs (see above)"));
        }
        summary.push(format!("{target}: {runs} runs, 0 crashes"));
    }
    println!("xtask: fuzzing done\n  {}", summary.join("\n  "));
    Ok(())
}

fn fuzz_command() -> Command {
    let mut command = Command::new("cargo");
    command
        .arg("fuzz")
        .current_dir(root())
        // cargo-fuzz needs nightly flags (sanitizers) on the pinned stable toolchain (README, "Toolchain").
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", root().join("target/fuzz"));
    command
}

fn seed(corpus: &Path, target: &str, seeds: &[&str]) -> Result<()> {
    std::fs::create_dir_all(corpus).map_err(|e| e.to_string())?;
    let write = |name: &str, bytes: &[u8]| std::fs::write(corpus.join(name), bytes).map_err(|e| e.to_string());
    for (index, file) in seeds.iter().enumerate() {
        let path: PathBuf = root().join(file);
        if let Ok(bytes) = std::fs::read(&path) {
            write(&format!("seed-{index}"), &bytes)?;
        }
    }
    match target {
        "hours" => {
            let sample = std::fs::read_to_string(root().join("data/opening-hours/opening-hours-rs_sample.txt"))
                .unwrap_or_default();
            for (index, line) in sample.lines().filter(|l| !l.starts_with('#')).take(200).enumerate() {
                write(&format!("seed-{index}"), line.as_bytes())?;
            }
            // Texts on which the opening-hours parser panics (caught): kept as written.
            write("panic-0", b"Mo 10:00-12:00,12:30-08:00/24:00")?;
        }
        "fragment" => {
            write("seed-0", b"#aiguillage=step.results~need.demarches-impots~commune.16292~autonomy.for-me~support.surdite~travel.no")?;
            write("seed-1", b"route=/a&aiguillage=need.emploi&aiguillage-second=commune.2A004")?;
        }
        _ => {}
    }
    Ok(())
}
