//! What the command's tests share: running it, scratch folders, the default territory's bundle.

#![allow(dead_code)] // Each test file uses its part.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

use aiguillage_shipped::default_territory;

pub fn aiguillage(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aiguillage"))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .args(args)
        .output()
        .expect("the aiguillage binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh scratch directory for files a test writes.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// `--data FILE` for each file of the default territory, then each of `extra`.
pub fn data_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    default_territory::DATA.iter().copied().chain(extra.iter().copied()).flat_map(|file| ["--data", file]).collect()
}

/// The default territory's bundle, built once for all the tests of a file.
pub fn bundle() -> &'static str {
    static BUNDLE: OnceLock<String> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        // One file per test binary: two binaries may build theirs at once.
        let name = format!("every-need-default-{}.bin", std::process::id());
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
        let out = out.to_str().expect("a UTF-8 path").to_string();
        let mut args =
            vec!["bundle", "--territory", default_territory::TERRITORY, "--from", "2026-12-07", "--out", &out];
        args.extend(data_args(&[]));
        let output = aiguillage(&args);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        out
    })
}
