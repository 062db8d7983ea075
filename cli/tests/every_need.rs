//! Every need gets a real answer on the default territory: the scenarios of the mission, on
//! the bundle built from the files `cargo xtask dist` ships for Charente (what the widget and
//! the JS package load), through `aiguillage orient --bundle --json`; and on the files
//! themselves through `aiguillage coverage` and `orient --data`.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

#[path = "../../xtask/src/default_territory.rs"]
mod default_territory;

/// The day the questions are asked: the bundle's hours are compiled from the day before.
const AT: &str = "2026-12-08T10:00";

fn aiguillage(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aiguillage"))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .args(args)
        .output()
        .expect("the aiguillage binary runs")
}

/// `--data FILE` for each file of the default territory, then each of `extra`.
fn data_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    default_territory::DATA.iter().copied().chain(extra.iter().copied()).flat_map(|file| ["--data", file]).collect()
}

/// The default territory's bundle, built once for all the tests.
fn bundle() -> &'static str {
    static BUNDLE: OnceLock<String> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("every-need-default.bin");
        let out = out.to_str().expect("a UTF-8 path").to_string();
        let mut args =
            vec!["bundle", "--territory", default_territory::TERRITORY, "--from", "2026-12-07", "--out", &out];
        args.extend(data_args(&[]));
        let output = aiguillage(&args);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        out
    })
}

fn json(output: Output) -> Value {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

fn orient(commune: &str, need: &str, more: &[&str]) -> Value {
    let mut args = vec!["orient", "--bundle", bundle(), "--commune", commune, "--need", need, "--at", AT, "--json"];
    args.extend(more);
    json(aiguillage(&args))
}

fn names(orientation: &Value) -> Vec<String> {
    orientation["recommendations"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_string()).collect()
}

#[test]
fn a_business_in_cognac_is_sent_to_its_chambers_first() {
    let orientation = orient("16102", "entreprise", &[]);
    let first = &names(&orientation)[0];
    assert!(first.contains("Chambre de commerce") || first.contains("Chambre de métiers"), "{first}");
    assert_eq!(orientation["fallbacks"][0]["code"], "conseillers-entreprises");
}

#[test]
fn a_young_job_seeker_in_angouleme_gets_the_mission_locale_in_the_top_three() {
    let orientation = orient("16015", "emploi", &["--public", "jeunes"]);
    let top: Vec<String> = names(&orientation).into_iter().take(3).collect();
    assert!(top.iter().any(|n| n.contains("Mission locale")), "{top:?}");
}

#[test]
fn online_safety_gets_the_national_cyber_victim_services() {
    let orientation = orient("16292", "securite", &[]);
    let codes: Vec<&str> =
        orientation["fallbacks"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes[..2], ["17cyber", "cybermalveillance"]);
    assert!(codes.contains(&"3018"));
}

#[test]
fn a_resident_at_the_border_gets_the_nearer_help_across_it() {
    // Oradour-Fanais (Charente): a digital-help place 6 km away in Vienne, Confolens 14 km away.
    let orientation = orient("16249", "bases-numeriques", &[]);
    let recommendations = orientation["recommendations"].as_array().unwrap();
    let across = recommendations.iter().find(|r| r["locality"] == "elsewhere").expect("the place across the border");
    let nearest_inside = recommendations
        .iter()
        .filter(|r| r["locality"] != "elsewhere")
        .filter_map(|r| r["distance_km"].as_f64())
        .fold(f64::MAX, f64::min);
    assert!(across["distance_km"].as_f64().unwrap() < nearest_inside, "{across}");
    assert!(across["reasons"].as_array().unwrap().iter().any(|r| r == "Hors de votre département"));
}

#[test]
fn no_place_appears_twice_in_a_list() {
    for (commune, need) in
        [("16106", "bases-numeriques"), ("16015", "demarches"), ("16102", "emploi"), ("16292", "demarches-caf")]
    {
        let orientation = orient(commune, need, &["--limit", "10"]);
        let mut seen = std::collections::HashSet::new();
        for r in orientation["recommendations"].as_array().unwrap() {
            let place = (r["name"].as_str().unwrap().to_lowercase(), r["address"].as_str().unwrap().to_lowercase());
            assert!(seen.insert(place.clone()), "{commune} {need}: {place:?} twice");
        }
    }
}

#[test]
fn a_place_helping_only_at_a_distance_is_offered_to_a_resident_far_from_on_site_help() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-remote");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("a-distance.toml");
    // Its office is in Bordeaux, about 200 km from Oradour-Fanais: beyond the maximum distance
    // of on-site help, yet it helps by phone.
    std::fs::write(
        &file,
        "[[lieu]]\nid = \"conseil-a-distance\"\nnom = \"Conseil aux entreprises à distance\"\nbesoins = [\"entreprise\"]\n\
         code_insee = \"33063\"\nmodalites = [\"a-distance\"]\ntelephone = \"05 56 00 00 00\"\n",
    )
    .unwrap();
    // On the files themselves (`--data`): the same places, read, merged and ranked in one go.
    let mut args = vec!["orient", "--commune", "16249", "--need", "entreprise", "--at", AT, "--json", "--limit", "3"];
    args.extend(data_args(&[file.to_str().unwrap()]));
    let orientation = json(aiguillage(&args));
    let remote = orientation["recommendations"].as_array().unwrap().iter().find(|r| r["id"] == "conseil-a-distance");
    let remote = remote.expect("the remote help is among the first results");
    assert_eq!(remote["distance_km"], Value::Null);
    assert_eq!(remote["locality"], "remote");
    assert!(remote["reasons"].as_array().unwrap().iter().any(|r| r.as_str().unwrap().contains("par téléphone")));
}

#[test]
fn coverage_shows_every_need_answered_locally_or_by_a_national_contact() {
    let mut args = vec!["coverage", "--territory", default_territory::TERRITORY];
    args.extend(data_args(&[]));
    let output = aiguillage(&args);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    let line =
        text.lines().find(|l| l.starts_with("Besoins couverts par les seuls contacts nationaux")).expect("the line");
    assert!(line.contains("securite"), "{line}");
    assert!(!text.contains("SANS RÉPONSE"), "{text}");
}

#[test]
fn a_commune_outside_the_bundle_says_which_territory_it_holds() {
    let output = aiguillage(&["orient", "--bundle", bundle(), "--commune", "75056", "--need", "emploi"]);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success() && !err.contains("panicked"), "{err}");
    assert!(err.contains("commune `75056` is not in") && err.contains("(territory 16, Charente)"), "{err}");
}
