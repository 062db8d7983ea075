//! `aiguillage publish` as a process: a bad configuration writes nothing, and a `kill -9` at any
//! moment of a run leaves the served folder whole, one publication, which `--rollback` can
//! replace by the one before.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use sha2::{Digest, Sha256};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("publish-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn publish(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aiguillage"));
    command.current_dir(dir).arg("publish").arg("--config").arg("publish.toml").args(args);
    command
}

fn run(dir: &Path, args: &[&str]) -> Output {
    publish(dir, args).output().unwrap()
}

const CONFIG: &str = r#"out_dir = "served/national"
state_dir = "state"
territories = ["16", "86"]

[[source]]
name = "mediation"
url = "file:mediation.json"

[[source]]
name = "bus"
url = "file:bus.json"

[[local]]
path = "locaux.toml"
"#;

#[test]
fn a_bad_configuration_names_its_line_and_writes_nothing() {
    let cases = [
        (CONFIG.replace("territories", "teritories"), "publish.toml:3:", "unknown field `teritories`"),
        (CONFIG.replace("url = \"file:bus.json\"\n", ""), "publish.toml:9:", "missing `url`"),
        (CONFIG.replace("\"86\"", "\"100\""), "publish.toml:3:", "unknown territory `100`"),
        (CONFIG.replace("file:bus.json", "bus.json"), "publish.toml:11:", "expected an address starting with"),
    ];
    for (text, place, message) in cases {
        let dir = scratch("bad-config");
        std::fs::write(dir.join("publish.toml"), text).unwrap();
        let output = run(&dir, &[]);
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{err}");
        assert!(err.contains(place) && err.contains(message), "{place} {message}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!dir.join("state").exists() && !dir.join("served").exists(), "nothing written: {message}");
    }
    let dir = scratch("bad-force");
    std::fs::write(dir.join("publish.toml"), CONFIG).unwrap();
    let output = run(&dir, &["--force", "17"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--force 17: not a département"));
}

/// Each file of the live publication matches the manifest written with it, and the bundles
/// decode: every file is of the same publication.
fn assert_consistent(served: &Path) -> String {
    let target = std::fs::read_link(served).expect("the served folder is a link to a publication");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(target.join("publication.json")).expect("a complete publication"))
            .unwrap();
    let files = manifest["files"].as_array().unwrap();
    assert!(files.len() >= 4, "{files:?}");
    for file in files {
        let (name, hash) = (file[0].as_str().unwrap(), file[1].as_str().unwrap());
        let bytes = std::fs::read(served.join(name)).unwrap();
        let actual: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(actual, hash, "{name} is from another publication");
        if name.ends_with(".bin") {
            aiguillage_engine::bundle::decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
    manifest["id"].as_str().unwrap().to_string()
}

/// The médiation file without its first `skip` places: every other run loses or regains one,
/// so that each run publishes.
fn alternate(dir: &Path, skip: usize) {
    let all: Vec<serde_json::Value> = serde_json::from_slice(
        &std::fs::read(root().join("data/real/charente-lieux-mediation-numerique-2023.json")).unwrap(),
    )
    .unwrap();
    let kept: Vec<&serde_json::Value> = all.iter().skip(skip).collect();
    std::fs::write(dir.join("mediation.json"), serde_json::to_vec(&kept).unwrap()).unwrap();
}

#[test]
fn a_kill_at_any_moment_leaves_the_served_folder_whole_and_rollback_restores_the_one_before() {
    let dir = scratch("kill");
    std::fs::write(dir.join("publish.toml"), CONFIG).unwrap();
    std::fs::copy(root().join("data/real/charente-bus-france-services-2023.json"), dir.join("bus.json")).unwrap();
    std::fs::copy(root().join("data/examples/acteurs-locaux-charente.toml"), dir.join("locaux.toml")).unwrap();
    alternate(&dir, 0);
    let started = Instant::now();
    let first = run(&dir, &[]);
    let full_run = started.elapsed();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let served = dir.join("served/national");
    let mut live = assert_consistent(&served);

    // Killed at spread moments of a run: downloading, building, writing the files, swapping.
    for (round, fraction) in [0.1, 0.4, 0.7, 0.85, 0.92, 0.96, 0.98, 1.0, 1.05].into_iter().enumerate() {
        alternate(&dir, (round + 1) % 2);
        let mut child = publish(&dir, &[]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(full_run.mul_f64(fraction));
        let _ = child.kill();
        let _ = child.wait();
        let now_live = assert_consistent(&served);
        if now_live != live {
            live = now_live;
        }
    }
    // The next run finishes, on what the killed ones left behind, with a content none had.
    alternate(&dir, 2);
    let output = run(&dir, &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let last = assert_consistent(&served);
    assert_ne!(last, live);

    let history = run(&dir, &["--history"]);
    let text = String::from_utf8_lossy(&history.stdout).into_owned();
    assert!(text.contains(&format!("{last} (live)")), "{text}");
    let output = run(&dir, &["--rollback"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let restored = assert_consistent(&served);
    assert_ne!(restored, last);
    assert!(String::from_utf8_lossy(&output.stdout).contains(&restored));
    // Only complete publications are kept in the history (the killed runs' folders are gone).
    let listed = text.lines().filter(|l| !l.starts_with(' ')).count();
    let folders = std::fs::read_dir(dir.join("state/publications")).unwrap().count();
    assert_eq!(listed, folders, "{text}");
}
