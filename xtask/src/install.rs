//! Installing what a fresh machine lacks: the wasm target, Chromium, the browser-test packages.

use std::path::Path;
use std::process::Command;

use crate::steps::{run, Result};

/// Also the standard library's sources, which the size build compiles again (see `steps::build_wasm`).
pub fn wasm_target() -> Result<()> {
    let installed = Command::new("rustup").args(["target", "list", "--installed"]).output();
    let has_target =
        installed.as_ref().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"));
    if !has_target {
        println!("xtask: adding the wasm32-unknown-unknown target");
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    let components = Command::new("rustup").args(["component", "list", "--installed"]).output();
    if !components.as_ref().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).lines().any(|l| l.starts_with("rust-src")))
    {
        println!("xtask: adding the rust-src component");
        run(Command::new("rustup").args(["component", "add", "rust-src"]))?;
    }
    Ok(())
}

/// Debian's Chromium and ChromeDriver, through apt-get (as root, or with sudo).
pub fn chromium() -> Result<()> {
    if Path::new("/usr/bin/chromium").exists() {
        return Ok(());
    }
    println!("xtask: installing Debian's chromium and chromium-driver");
    let sudo = !is_root();
    let apt = |args: &[&str]| {
        let mut command = if sudo { Command::new("sudo") } else { Command::new("apt-get") };
        if sudo {
            command.arg("apt-get");
        }
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    run(&mut apt(&["update", "-q"]))?;
    run(&mut apt(&["install", "-y", "-q", "chromium", "chromium-driver"]))
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The browser tests' npm packages (playwright-core, axe-core), from the lock file.
pub fn browser_test_packages(tests_dir: &Path) -> Result<()> {
    if tests_dir.join("node_modules/playwright-core").exists() && tests_dir.join("node_modules/axe-core").exists() {
        return Ok(());
    }
    println!("xtask: installing the browser tests' npm packages");
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(tests_dir))
}
