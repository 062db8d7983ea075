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

#[cfg(test)]
mod tests {
    use crate::steps::{cargo, root};

    /// `major.minor` of a version such as `1.94` or `1.94.0`.
    fn minor(version: &str) -> (u32, u32) {
        let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
    }

    fn quoted_value<'a>(text: &'a str, key: &str) -> &'a str {
        let line = text.lines().find(|l| l.starts_with(key)).unwrap_or_else(|| panic!("`{key}` in {text}"));
        line.split('"').nth(1).unwrap_or_else(|| panic!("a quoted value: {line}"))
    }

    /// The workspace's `rust-version` is honest: every dependency builds with it, and the pinned
    /// toolchain is at least that version.
    #[test]
    fn rust_version_covers_every_dependency_and_the_pinned_toolchain_meets_it() {
        let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
        let declared = minor(quoted_value(&manifest, "rust-version"));
        let toolchain = std::fs::read_to_string(root().join("rust-toolchain.toml")).unwrap();
        let pinned = minor(quoted_value(&toolchain, "channel"));
        assert!(pinned >= declared, "rust-toolchain.toml pins {pinned:?}, below rust-version {declared:?}");
        // Every platform's packages, including those no build here downloads (rusqlite's for
        // wasm): their rust_version counts too.
        let fetch = cargo().args(["fetch", "--quiet"]).output().unwrap();
        assert!(fetch.status.success(), "{}", String::from_utf8_lossy(&fetch.stderr));
        let metadata = cargo().args(["metadata", "--format-version", "1", "--offline"]).output().unwrap();
        assert!(metadata.status.success(), "{}", String::from_utf8_lossy(&metadata.stderr));
        let text = String::from_utf8_lossy(&metadata.stdout);
        let needed = text
            .split("\"rust_version\":\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .map(minor)
            .max()
            .expect("dependencies declare their rust_version");
        assert!(declared >= needed, "rust-version {declared:?} in Cargo.toml, but a dependency needs {needed:?}");
    }

    /// The crates with one job keep to it (issue 28): the server and the statistics read the
    /// shipped data and the engine, never the importers or the publisher.
    #[test]
    fn the_server_and_the_statistics_do_not_depend_on_the_importers() {
        for package in ["aiguillage-server", "aiguillage-stats"] {
            let tree = cargo()
                .args(["tree", "--offline", "--edges", "normal", "--prefix", "none", "--package", package])
                .output()
                .unwrap();
            assert!(tree.status.success(), "{}", String::from_utf8_lossy(&tree.stderr));
            let text = String::from_utf8_lossy(&tree.stdout);
            assert!(text.contains("aiguillage-engine"), "{package}: {text}");
            for importer in ["aiguillage-import ", "aiguillage-publish ", "aiguillage-cli "] {
                assert!(!text.contains(importer), "{package} depends on {importer}:\n{text}");
            }
        }
    }

    /// Code is shared by crates and modules (issue 28), never by including another target's
    /// file with `#[path]`: no Rust file of ours (the vendored Yew aside) has one.
    #[test]
    fn no_rust_file_of_ours_includes_another_by_path() {
        fn visit(dir: &std::path::Path, found: &mut Vec<String>, read: &mut usize) {
            for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
                let path = entry.path();
                let name = entry.file_name().to_string_lossy().into_owned();
                if path.is_dir() {
                    if !name.starts_with('.') && !["target", "vendor", "node_modules"].contains(&name.as_str()) {
                        visit(&path, found, read);
                    }
                } else if name.ends_with(".rs") {
                    *read += 1;
                    let code = std::fs::read_to_string(&path).unwrap();
                    if code.lines().any(|line| line.trim_start().starts_with("#[path")) {
                        found.push(path.display().to_string());
                    }
                }
            }
        }
        let (mut found, mut read) = (Vec::new(), 0);
        visit(&root(), &mut found, &mut read);
        assert!(read > 100, "the workspace's Rust files were read ({read})");
        assert!(found.is_empty(), "`#[path]` includes in {found:?}: share through a crate or a module");
    }
}
