//! The build and test steps behind the `cargo xtask` commands.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::install;
use crate::server::Server;
use aiguillage_shipped::default_territory;

pub type Result<T> = std::result::Result<T, String>;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// Cargo (the one running xtask), in the workspace root.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(root());
    command
}

pub fn run(command: &mut Command) -> Result<()> {
    let status = command.status().map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed ({status})"))
    }
}

/// Where the widget assets and the default bundle are assembled (embedded by the demo).
pub fn dist_dir() -> PathBuf {
    root().join("target/dist")
}

/// `cargo xtask size`: the widget's wasm and glue alone, built and bound as `dist` binds them,
/// with their brotli sizes: a quick measure while changing the widget (the size test reads the
/// files of `dist`, which also adds the loader and the stylesheet).
pub fn size() -> Result<()> {
    install::wasm_target()?;
    let wasm = build_wasm("aiguillage-widget", "wasm-release")?;
    let dir = root().join("target/size");
    let _ = std::fs::remove_dir_all(&dir);
    bind(&wasm, &dir, Target::Web, false)?;
    polish_for_web(&dir, "aiguillage_widget")?;
    let mut total = 0;
    for name in ["aiguillage_widget_bg.wasm", "aiguillage_widget.js"] {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let brotli = crate::assets::brotli_bytes(&bytes)?.len();
        total += brotli;
        println!("{name}: {} bytes, {brotli} brotli", bytes.len());
    }
    println!("wasm and glue: {total} bytes brotli");
    Ok(())
}

/// Builds the widget (wasm, bound by the pinned wasm-bindgen) and the default territory bundle.
pub fn dist() -> Result<PathBuf> {
    install::wasm_target()?;
    let dist = dist_dir();
    let widget_dir = dist.join("widget");
    let _ = std::fs::remove_dir_all(&widget_dir);
    std::fs::create_dir_all(widget_dir.join("data")).map_err(|e| e.to_string())?;
    println!("xtask: building the widget (wasm32, size profile)");
    let wasm = build_wasm("aiguillage-widget", "wasm-release")?;
    bind(&wasm, &widget_dir, Target::Web, false)?;
    polish_for_web(&widget_dir, "aiguillage_widget")?;
    for entry in std::fs::read_dir(root().join("widget/static")).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let target = widget_dir.join(path.file_name().unwrap_or_default());
        if path.extension().is_some_and(|ext| ext == "css") {
            let css = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            std::fs::write(&target, crate::minify::minify_css(&css))
                .map_err(|e| format!("{}: {e}", target.display()))?;
            continue;
        }
        std::fs::copy(&path, &target).map_err(|e| format!("copy {}: {e}", path.display()))?;
    }

    run(cargo().args(["build", "--release", "--bin", "aiguillage"]))?;
    // The default territory, and two départements for the demo's intranet page, whose host
    // restricts the choice to one of them (`territory="16"`).
    let bundles =
        [(default_territory::TERRITORY, "default.bin", "Charente"), ("16,86", "16-86.bin", "Charente et Vienne")];
    for (territory, file, _) in bundles {
        println!("xtask: building the bundle of {territory} (data/{file})");
        let mut bundle = Command::new(root().join("target/release/aiguillage"));
        bundle.current_dir(root()).arg("bundle");
        for file in default_territory::DATA {
            bundle.args(["--data", file]);
        }
        bundle.args(["--territory", territory, "--out"]).arg(widget_dir.join("data").join(file));
        run(&mut bundle)?;
    }
    // Every département, for the national demo page: one bundle each and the index of their
    // communes, from the national France Services list and the other shipped sources.
    println!("xtask: building the national folder (national/)");
    let mut national = Command::new(root().join("target/release/aiguillage"));
    national.current_dir(root()).arg("bundle");
    for file in default_territory::DATA.iter().chain(&["data/real/hinaura-auvergne-rhone-alpes-2022.json"]) {
        national.args(["--data", file]);
    }
    run(national.args(["--territory", "all", "--out-dir"]).arg(widget_dir.join("national")).stderr(Stdio::null()))?;
    // The list the configurator (integrer.html) offers; a coordinator's server writes its own
    // from the bundles it serves.
    let list: Vec<serde_json::Value> = bundles
        .iter()
        .map(|(code, file, name)| serde_json::json!({ "file": format!("data/{file}"), "code": code, "name": name }))
        .collect();
    let list_path = widget_dir.join("data/territoires.json");
    std::fs::write(&list_path, serde_json::Value::Array(list).to_string())
        .map_err(|e| format!("{}: {e}", list_path.display()))?;
    // The words, one pack per language, shipped with the widget (the same for every territory).
    run(Command::new(root().join("target/release/aiguillage"))
        .current_dir(root())
        .arg("texts")
        .arg("--out-dir")
        .arg(&widget_dir))?;
    // The first question, for the loader to draw before the engine has arrived: the widget's own
    // need step, rendered natively (its markup is written once, in `flow.rs`).
    println!("xtask: rendering the first question for the loader");
    run(cargo()
        .args(["run", "--quiet", "--package", "aiguillage-widget", "--example", "first_step", "--"])
        .arg(&widget_dir))?;
    split_first_step(&widget_dir)?;
    crate::assets::finalize(&widget_dir)?;

    println!("xtask: building the engine's JavaScript package");
    let engine_wasm = build_wasm("aiguillage-engine-js", "wasm-speed")?;
    for (target, folder) in [(Target::Node, "node"), (Target::Web, "web")] {
        let out = dist.join("engine-js").join(folder);
        let _ = std::fs::remove_dir_all(&out);
        bind(&engine_wasm, &out, target, true)?;
        let module_type = if target == Target::Web { "module" } else { "commonjs" };
        let manifest = format!(
            "{{\n  \"name\": \"aiguillage-engine\",\n  \"version\": \"{}\",\n  \"description\": \"Aiguillage orientation engine (wasm) for {folder}\",\n  \"license\": \"MIT OR Apache-2.0\",\n  \"type\": \"{module_type}\",\n  \"main\": \"aiguillage_engine_js.js\"\n}}\n",
            env!("CARGO_PKG_VERSION")
        );
        std::fs::write(out.join("package.json"), manifest).map_err(|e| e.to_string())?;
    }
    Ok(dist)
}

/// Splits the first question (`first-step.json`, from `widget/examples/first_step.rs`): "loading"
/// goes into the loader, in every language; the question's nodes go to one small file per
/// language (`first-step.<lang>.json`), fetched with the stylesheet only where that question is
/// shown.
fn split_first_step(widget_dir: &Path) -> Result<()> {
    const STATUS_KEYS: [&str; 1] = ["loading"];
    let json_path = widget_dir.join("first-step.json");
    let json = std::fs::read_to_string(&json_path).map_err(|e| format!("{}: {e}", json_path.display()))?;
    let words: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&json).map_err(|e| format!("{}: {e}", json_path.display()))?;
    let mut status = serde_json::Map::new();
    for (lang, all) in words {
        let serde_json::Value::Object(mut all) = all else {
            return Err(format!("{}: `{lang}` is not an object", json_path.display()));
        };
        let own: serde_json::Map<String, serde_json::Value> =
            STATUS_KEYS.iter().filter_map(|key| Some((key.to_string(), all.remove(*key)?))).collect();
        status.insert(lang.clone(), serde_json::Value::Object(own));
        let file = widget_dir.join(format!("first-step.{lang}.json"));
        std::fs::write(&file, serde_json::Value::Object(all).to_string())
            .map_err(|e| format!("{}: {e}", file.display()))?;
    }
    fill_loader(widget_dir, "STATUS", &serde_json::Value::Object(status))?;
    std::fs::remove_file(&json_path).map_err(|e| format!("{}: {e}", json_path.display()))
}

/// Writes `value` into the loader's empty `const NAME = {};`, which must be there.
fn fill_loader(widget_dir: &Path, name: &str, value: &serde_json::Value) -> Result<()> {
    let marker = format!("const {name} = {{}};");
    let loader_path = widget_dir.join("aiguillage.js");
    let loader = std::fs::read_to_string(&loader_path).map_err(|e| format!("{}: {e}", loader_path.display()))?;
    if !loader.contains(&marker) {
        return Err(format!("{}: the line `{marker}` is missing", loader_path.display()));
    }
    let loader = loader.replacen(&marker, &format!("const {name} = {value};"), 1);
    std::fs::write(&loader_path, loader).map_err(|e| format!("{}: {e}", loader_path.display()))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Web,
    Node,
}

/// What the size build asks of rustc for wasm32 (host tools and native builds are untouched).
/// A panic stops at once without formatting a message, no source locations are kept, and
/// `Debug` output is empty: in the browser nobody reads them, and they weighed 10 KB brotli.
/// The standard library is compiled again with the same settings (`-Zbuild-std`), otherwise
/// its prebuilt copy brings the panic machinery back. These flags are unstable: the stable
/// toolchain accepts them with `RUSTC_BOOTSTRAP=1` (README, "Toolchain"), as the fuzz build does. A toolchain that
/// renamed one fails this build loudly; the size test catches a flag that silently stops working.
const SIZE_RUSTFLAGS: &str = "-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none";

/// Builds a crate of the workspace for wasm32 in a Cargo profile of the workspace; returns the
/// `.wasm` file.
fn build_wasm(package: &str, profile: &str) -> Result<PathBuf> {
    build_wasm_in(&root(), package, profile)
}

/// Builds a crate for wasm32 in a profile (`wasm-release`, for size, or `wasm-speed`), from the
/// workspace at `dir` (with its own target folder); returns the `.wasm` file.
pub fn build_wasm_in(dir: &Path, package: &str, profile: &str) -> Result<PathBuf> {
    run(cargo().current_dir(dir).env("RUSTC_BOOTSTRAP", "1").env("RUSTFLAGS", SIZE_RUSTFLAGS).args([
        "build",
        "-Zbuild-std=std,panic_abort",
        "--package",
        package,
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        profile,
    ]))?;
    Ok(dir.join("target/wasm32-unknown-unknown").join(profile).join(format!("{}.wasm", package.replace('-', "_"))))
}

/// Binds a wasm file for the browser as the widget is bound (the bench's Yew floor and engine).
pub fn bind_for_web(wasm: &Path, out: &Path) -> Result<()> {
    bind(wasm, out, Target::Web, false)
}

/// What the browser downloads of a bound module (`STEM_bg.wasm` and its glue `STEM.js` in
/// `dir`), made smaller without changing what it does: short names between the two, and the
/// glue minified, without the synchronous initialisation nobody calls.
pub fn polish_for_web(dir: &Path, stem: &str) -> Result<()> {
    let wasm_path = dir.join(format!("{stem}_bg.wasm"));
    let glue_path = dir.join(format!("{stem}.js"));
    let wasm = std::fs::read(&wasm_path).map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    let glue = std::fs::read_to_string(&glue_path).map_err(|e| format!("{}: {e}", glue_path.display()))?;
    let renamed = crate::short_names::shorten(&wasm, &glue, &format!("./{stem}_bg.js"))
        .map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    std::fs::write(&wasm_path, renamed.wasm).map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    // The loader calls the default (asynchronous) initialisation only: without its export, the
    // synchronous one is dead code, and the minifier drops it.
    const EXPORTS: &str = "\nexport { initSync, __wbg_init as default };";
    if !renamed.glue.contains(EXPORTS) {
        return Err(format!("{}: the glue's exports are not `{}`", glue_path.display(), EXPORTS.trim()));
    }
    let glue = renamed.glue.replace(EXPORTS, "\nexport { __wbg_init as default };");
    let glue = crate::minify::minify_module(&glue, &glue_path.display().to_string())?;
    std::fs::write(&glue_path, glue).map_err(|e| format!("{}: {e}", glue_path.display()))
}

/// Runs the bindgen step with the pinned wasm-bindgen, offline.
fn bind(wasm: &Path, out: &Path, target: Target, typescript: bool) -> Result<()> {
    std::fs::create_dir_all(out).map_err(|e| e.to_string())?;
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen.input_path(wasm);
    match target {
        Target::Web => bindgen.web(true),
        Target::Node => bindgen.nodejs(true),
    }
    .map_err(|e| e.to_string())?;
    bindgen
        .omit_default_module_path(false)
        .remove_name_section(true)
        .remove_producers_section(true)
        .typescript(typescript)
        .generate(out)
        .map_err(|e| format!("wasm-bindgen: {e}"))
}

fn build_demo() -> Result<PathBuf> {
    dist()?;
    build_demo_server()
}

fn build_demo_server() -> Result<PathBuf> {
    println!("xtask: building the demo server");
    run(cargo().args(["build", "--release", "--package", "aiguillage-demo"]))?;
    Ok(root().join("target/release/aiguillage-demo"))
}

/// The demo, with its statistics kept across restarts in `target/demo/stats.sqlite`, its
/// workspace in `target/demo/espace.sqlite` and its publications in `target/demo/state`.
pub fn demo(args: &[String]) -> Result<()> {
    let server = build_demo()?;
    let demo = root().join("target/demo");
    run(Command::new(server)
        .args(args)
        .arg("--stats-db")
        .arg(demo.join("stats.sqlite"))
        .arg("--espace-db")
        .arg(demo.join("espace.sqlite"))
        .arg("--state-dir")
        .arg(demo.join("state")))
}

/// Seconds each fuzz target runs during `cargo xtask test` (7 targets).
const FUZZ_SECONDS_IN_TESTS: u32 = 20;

/// The phases of `cargo xtask test`, in order, and the option that skips each one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// The widget, the default bundle and the JS package (`cargo xtask dist`): the demo's HTTP
    /// tests and the browser tests run on them.
    Dist,
    /// `cargo test --workspace`.
    Native,
    /// A bounded fuzzing run of every parser (longer runs: `cargo xtask fuzz SECONDS`).
    Fuzz,
    /// The Node tests (engine package, sizes) and the headless-Chromium tests, on the demo server.
    Browser,
}

impl Phase {
    const ALL: [Phase; 4] = [Phase::Dist, Phase::Native, Phase::Fuzz, Phase::Browser];

    fn name(self) -> &'static str {
        match self {
            Phase::Dist => "dist",
            Phase::Native => "native",
            Phase::Fuzz => "fuzz",
            Phase::Browser => "browser",
        }
    }
}

pub const TEST_USAGE: &str = "cargo xtask test [--no-dist] [--no-native] [--no-fuzz] [--no-browser]";

/// Runs every phase (what CI runs), or those not skipped by `--no-PHASE`; prints each phase's
/// time at the end. A failing phase does not stop the next ones (but for dist, which they need).
pub fn test(args: &[String]) -> Result<()> {
    let mut phases = Phase::ALL.to_vec();
    for arg in args {
        let skipped = arg.strip_prefix("--no-").and_then(|name| Phase::ALL.into_iter().find(|p| p.name() == name));
        match skipped {
            Some(phase) => phases.retain(|p| *p != phase),
            None => return Err(format!("unknown option `{arg}`: {TEST_USAGE}")),
        }
    }
    let tests_dir = root().join("tests");
    if phases.contains(&Phase::Browser) {
        install::chromium()?;
        install::browser_test_packages(&tests_dir)?;
    }
    let started = Instant::now();
    let mut timings = Vec::new();
    let mut failures = Vec::new();
    for phase in phases {
        let clock = Instant::now();
        let outcome = match phase {
            Phase::Dist => dist().map(|_| ()),
            Phase::Native => {
                println!("xtask: native tests");
                run(cargo().args(["test", "--workspace", "--no-fail-fast"]))
            }
            Phase::Fuzz => crate::fuzz::fuzz(FUZZ_SECONDS_IN_TESTS),
            Phase::Browser => browser_tests(&tests_dir),
        };
        timings.push(format!("{:>8} {:>5.0} s", phase.name(), clock.elapsed().as_secs_f64()));
        if let Err(error) = outcome {
            if phase == Phase::Dist {
                return Err(error);
            }
            failures.push(format!("{}: {error}", phase.name()));
        }
    }
    timings.push(format!("{:>8} {:>5.0} s", "total", started.elapsed().as_secs_f64()));
    println!("xtask: time per phase\n{}", timings.join("\n"));
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

/// The Node and browser tests, against the release demo server (built here).
fn browser_tests(tests_dir: &Path) -> Result<()> {
    // Every browser test comes from one address: the statistics' per-client limit (tested on
    // its own in server/tests) would refuse their beacons.
    let server = Server::start(&build_demo_server()?, &["--stats-per-minute", "0"])?;
    // The deployment guide's test installs the coordinator's server and the command line.
    println!("xtask: building the coordinator's server and the command line");
    run(cargo().args(["build", "--package", "aiguillage-server", "--package", "aiguillage-cli"]))?;
    println!("xtask: browser tests against {}", server.url());
    run(Command::new("node")
        .args(["--test", "--test-concurrency=1", "node/", "browser/"])
        .current_dir(tests_dir)
        .env("AIGUILLAGE_URL", server.url())
        .env("AIGUILLAGE_BIN_DIR", root().join("target/debug"))
        .env("AIGUILLAGE_DIST", root().join("target/dist/widget"))
        .env("CHROMIUM", "/usr/bin/chromium"))
}
