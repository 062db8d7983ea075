//! The `aiguillage` command as scripts and coordinators use it: exit codes, messages and output
//! contracts, run on the real files shipped in `data/`.

mod common;

use std::process::Output;

use aiguillage_shipped::default_territory;

use common::{aiguillage, bundle, data_args, scratch, stderr, stdout};

use serde_json::Value;

const CHARENTE: &str = "data/real/charente-lieux-mediation-numerique-2023.json";
const LOCAL: &str = "data/examples/acteurs-locaux-charente.toml";

/// Fails on a crash: a clean refusal exits with a code and a message, never a panic.
fn assert_refused(output: &Output, expected: &str) {
    let err = stderr(output);
    assert!(!output.status.success(), "should fail: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(expected), "expected `{expected}` in:\n{err}");
}

fn is_local_minute(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 16
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

#[test]
fn help_lists_the_commands() {
    let text = stdout(&aiguillage(&["--help"]));
    for command in ["orient", "validate", "bundle", "coverage"] {
        assert!(text.contains(command), "{command} missing from:\n{text}");
    }
}

#[test]
fn orient_json_keeps_its_contract() {
    let output = aiguillage(&[
        "orient",
        "--data",
        CHARENTE,
        "--data",
        LOCAL,
        "--commune",
        "16292",
        "--need",
        "bases-numeriques",
        "--public",
        "seniors",
        "--at",
        "2026-12-01T15:00",
        "--json",
        "--limit",
        "8",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("one JSON object");
    let recommendations = json["recommendations"].as_array().expect("recommendations");
    assert_eq!(recommendations.len(), 8);
    let mut scores = Vec::new();
    for rec in recommendations {
        assert!(rec["id"].as_str().is_some_and(|s| !s.is_empty()), "{rec}");
        assert!(rec["name"].as_str().is_some_and(|s| !s.is_empty()), "{rec}");
        assert!(rec["distance_km"].is_number() || rec["distance_km"].is_null(), "{rec}");
        assert!(rec["open_now"].is_boolean() || rec["open_now"].is_null(), "{rec}");
        let next = &rec["next_opening"];
        assert!(next.is_null() || next.as_str().is_some_and(is_local_minute), "{rec}");
        let reasons = rec["reasons"].as_array().expect("reasons");
        assert!(
            !reasons.is_empty() && reasons.iter().all(|r| r.as_str().is_some_and(|s| !s.trim().is_empty())),
            "{rec}"
        );
        scores.push(rec["score"].as_i64().expect("score"));
    }
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");
    // The club des aînés of the example file, in Ruffec, for seniors, on Tuesday afternoon.
    let first = &recommendations[0];
    assert_eq!(first["id"], "exemple-club-aines-ruffec");
    assert_eq!(first["open_now"], true);
    assert_eq!(first["next_opening"], "2026-12-08T14:00");
}

#[test]
fn orient_refuses_unknown_commune_need_and_options() {
    let unknown_commune = aiguillage(&["orient", "--data", CHARENTE, "--commune", "99999", "--need", "demarches"]);
    assert_refused(&unknown_commune, "unknown commune `99999`: expected the INSEE code of a current commune");
    let unknown_need = aiguillage(&["orient", "--data", CHARENTE, "--commune", "16292", "--need", "tricot"]);
    assert_refused(&unknown_need, "unknown need `tricot`: expected one of demarches, ");
    let bad_option = aiguillage(&[
        "orient",
        "--data",
        CHARENTE,
        "--commune",
        "16292",
        "--need",
        "demarches",
        "--autonomy",
        "pour-moi",
    ]);
    assert_refused(&bad_option, "expected one of learn, help, for-me");
    let bad_time =
        aiguillage(&["orient", "--data", CHARENTE, "--commune", "16292", "--need", "demarches", "--at", "demain"]);
    assert_refused(&bad_time, "expected local French time as YYYY-MM-DDTHH:MM");
    let missing_file =
        aiguillage(&["orient", "--data", "nulle-part.json", "--commune", "16292", "--need", "demarches"]);
    assert_refused(&missing_file, "cannot read nulle-part.json");
}

/// `error: FILE:LINE: FIELD: message` or `warning: …`, nothing else on standard output.
fn assert_diagnostic_lines(text: &str) {
    for line in text.lines() {
        let (severity, rest) = line.split_once(": ").expect(line);
        assert!(severity == "error" || severity == "warning", "{line}");
        let mut parts = rest.splitn(4, ':');
        let (file, number, field, message) = (parts.next(), parts.next(), parts.next(), parts.next());
        assert!(file.is_some_and(|f| !f.is_empty()), "{line}");
        assert!(number.is_some_and(|n| n.parse::<usize>().is_ok()), "{line}");
        assert!(field.is_some_and(|f| f.starts_with(' ') && f.len() > 1), "{line}");
        assert!(message.is_some_and(|m| m.starts_with(' ') && m.len() > 1), "{line}");
    }
}

#[test]
fn validate_exits_0_on_warnings_and_1_on_errors() {
    let clean = aiguillage(&["validate", "--date", "2026-06-01", LOCAL, "data/examples/data-inclusion-charente.json"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    assert_eq!(
        stdout(&clean),
        "warning: data/examples/data-inclusion-charente.json:66: thematiques: 1 service(s) (the first here) have no thematique of the taxonomy's needs: outside digital inclusion, left out\n"
    );
    assert!(stderr(&clean).ends_with("0 errors, 1 warnings\n"), "{}", stderr(&clean));

    let dir = scratch("validate");
    let bad = dir.join("lieux.csv");
    std::fs::write(&bad, "id,nom,services,code_insee\na,EPN,Aide aux démarches administratives,16292\n,Sans id,Aide aux démarches administratives,16292\n")
        .unwrap();
    let output = aiguillage(&["validate", "--date", "2026-06-01", bad.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert_diagnostic_lines(&text);
    assert!(
        text.contains(&format!("error: {}:3: id: missing: every place needs a stable identifier\n", bad.display())),
        "{text}"
    );
    assert!(stderr(&output).contains("lieux.csv: 1 places usable"), "{}", stderr(&output));
}

#[test]
fn validate_real_files_reports_in_the_line_format() {
    let output =
        aiguillage(&["validate", "--date", "2026-06-01", CHARENTE, "data/real/charente-bus-france-services-2023.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert_diagnostic_lines(&text);
    // 124, the 4 `http:` links passed on as `https:`, and 13 dates that cannot be true (every
    // stop of the bus file says `1969-12-31`, one place `1970-01-01`) read as unknown, instead of
    // the bus file's one line about records older than a year.
    assert_eq!(text.lines().count(), 140);
    let impossible: Vec<&str> =
        text.lines().filter(|l| l.contains("cannot be the date of this record (before 2000)")).collect();
    assert_eq!(impossible.len(), 13, "{impossible:?}");
    assert!(impossible
        .iter()
        .any(|l| l.contains("charente-bus-france-services-2023.json:") && l.contains("date_maj: `1969-12-31`")));
    assert_eq!(text.lines().filter(|l| l.contains("is not a secure link: passed on as `https://")).count(), 4);
    assert!(text.contains("warning: data/real/charente-bus-france-services-2023.json:66: latitude: (43.45133, 5.41187) is 485 km from the centre of Valence (16392)"), "{text}");
    let refused = aiguillage(&["validate", "--format", "excel", CHARENTE]);
    assert_refused(&refused, "expected one of mediation-csv, mediation-json, data-inclusion-json, native-toml");
}

#[test]
fn bundle_writes_a_decodable_bundle() {
    let dir = scratch("bundle");
    let out = dir.join("charente.bin");
    let output = aiguillage(&[
        "bundle",
        "--data",
        CHARENTE,
        "--data",
        LOCAL,
        "--data",
        "data/examples/data-inclusion-charente.json",
        "--territory",
        "16",
        "--from",
        "2026-06-01",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let bytes = std::fs::read(&out).expect("bundle written");
    let bundle = aiguillage_engine::bundle::decode(&bytes).expect("a bundle the widget can decode");
    assert_eq!((bundle.territory.as_str(), bundle.territory_name.as_str()), ("16", "Charente"));
    // One card per place: every record is a card, or is merged into one (and said).
    let merged = stderr(&output).lines().filter(|l| l.contains(": (merge): ")).count();
    assert_eq!(bundle.directory.len() + merged, 188 + 5 + 4);
    let ids: Vec<&str> = bundle.directory.actors().iter().map(|a| a.id.as_str()).collect();
    assert!(ids.contains(&"exemple-club-aines-ruffec") && ids.contains(&"exemple--ccas-cognac--demarches"));
    let zoned = bundle.directory.actors().iter().find(|a| a.id == "exemple-mission-locale-confolens").unwrap();
    assert_eq!(
        zoned.zone.as_ref().map(|z| z.epcis.clone()),
        Some(vec![aiguillage_engine::CompactStr::from("200072049")])
    );
    let refused = aiguillage(&["bundle", "--data", CHARENTE, "--territory", "99", "--out", out.to_str().unwrap()]);
    assert_refused(&refused, "unknown territory `99`");
    // Several départements in one bundle: every commune of each, and both names.
    let two = dir.join("16-86.bin");
    let output = aiguillage(&["bundle", "--data", LOCAL, "--territory", "16,86", "--out", two.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let bundle = aiguillage_engine::bundle::decode(&std::fs::read(&two).unwrap()).unwrap();
    assert_eq!((bundle.territory.as_str(), bundle.territory_name.as_str()), ("16,86", "Charente, Vienne"));
    let in_departement = |code: &str| bundle.communes.iter().filter(|c| c.departement == code).count();
    assert_eq!((in_departement("16"), in_departement("86")), (359, 265));
    // A département named twice is one département.
    let output = aiguillage(&["bundle", "--data", LOCAL, "--territory", "16, 16", "--out", two.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let bundle = aiguillage_engine::bundle::decode(&std::fs::read(&two).unwrap()).unwrap();
    assert_eq!((bundle.territory.as_str(), bundle.territory_name.as_str()), ("16", "Charente"));
    let refused = aiguillage(&["bundle", "--data", LOCAL, "--territory", "16,99", "--out", two.to_str().unwrap()]);
    assert_refused(&refused, "unknown territory `99`");
}

#[test]
fn bundle_uses_an_edited_rules_file_and_says_which_examples_it_changes() {
    let dir = scratch("rules");
    let shipped = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/rules.toml")).unwrap();
    // A coordinator gives the intercommunality a weight far above distance again.
    let edited = shipped.replace("same_epci = 1 ", "same_epci = 100 ");
    assert_ne!(edited, shipped, "the weight is still written as `same_epci = 1`");
    let rules = dir.join("rules.toml");
    std::fs::write(&rules, edited).unwrap();
    let out = dir.join("16.bin");
    let args = ["bundle", "--data", LOCAL, "--territory", "16", "--from", "2026-06-01", "--out", out.to_str().unwrap()];
    let output = aiguillage(&[&args[..], &["--rules", rules.to_str().unwrap()]].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    let bundle = aiguillage_engine::bundle::decode(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(bundle.rules.same_epci, 100, "the bundle carries the edited weight");
    let err = stderr(&output);
    assert!(
        err.contains("example « Une habitante d'une commune à la limite du département : le lieu le plus proche d'abord, même de l'autre côté »: now a-confolens"),
        "{err}"
    );
    // Without --rules, the shipped weights.
    assert!(aiguillage(&args).status.success());
    let bundle = aiguillage_engine::bundle::decode(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(bundle.rules.same_epci, 1);
    // A rules file that is not one is refused with its name.
    std::fs::write(&rules, "[weights]\nsame_commune = \"trente\"\n").unwrap();
    assert_refused(&aiguillage(&[&args[..], &["--rules", rules.to_str().unwrap()]].concat()), "rules.toml");
}

#[test]
fn coverage_text_names_each_epci_and_its_worst_served_commune() {
    let output = aiguillage(&["coverage", "--data", CHARENTE, "--data", LOCAL, "--territory", "16"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("Couverture de Charente (16) : 9 intercommunalités, "), "{text}");
    assert!(text.contains("\n== Créer ou développer mon entreprise (entreprise)\n"), "{text}");
    // Only the CCI example offers help to businesses: it is in Angoulême.
    let block = text.split("(entreprise)\n").nth(1).unwrap();
    let angouleme = block.lines().find(|l| l.starts_with("CA du Grand Angoulême")).unwrap();
    assert!(angouleme.split_whitespace().any(|w| w == "1"), "{angouleme}");
    assert_eq!(text.matches("\n== ").count(), 8, "one table per top-level need");
}

#[test]
fn coverage_csv_has_a_row_per_need_and_place() {
    let dir = scratch("coverage-csv");
    let out = dir.join("couverture.csv");
    let output = aiguillage(&[
        "coverage",
        "--data",
        CHARENTE,
        "--territory",
        "16",
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).is_empty(), "written to the file, not the terminal");
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("niveau,besoin,code,nom,epci,population,lieux,distance_km,commune_la_moins_servie,distance_moyenne_km,lieu_le_plus_proche")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let epci_rows = rows.iter().filter(|r| r[0] == "epci").count();
    let commune_rows = rows.iter().filter(|r| r[0] == "commune").count();
    assert_eq!((epci_rows, commune_rows % 8, epci_rows / 8), (8 * 9, 0, 9));
    // Ruffec has places for démarches: its nearest is in the commune.
    let ruffec = rows.iter().find(|r| r[0] == "commune" && r[1] == "demarches" && r[2] == "16292").unwrap();
    assert_eq!(ruffec[4], "200043016");
    assert!(ruffec[6].parse::<usize>().unwrap() >= 1 && ruffec[7].parse::<f64>().unwrap() < 2.0, "{ruffec:?}");
}

#[test]
fn coverage_html_is_a_self_contained_french_page() {
    let output = aiguillage(&["coverage", "--data", CHARENTE, "--territory", "16", "--format", "html"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let html = stdout(&output);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"), "{}", &html[..80]);
    assert!(html.contains("<title>Couverture de l&#39;inclusion numérique — Charente (16)</title>"));
    assert!(
        html.contains("<svg")
            && html.contains("role=\"img\"")
            && html.contains("aria-labelledby=\"carte-titre carte-desc\"")
    );
    assert!(html.contains("<table>") && html.contains("<th scope=\"col\">") && html.contains("<th scope=\"row\">"));
    assert!(html.contains("CA du Grand Angoulême"));
    // Nothing fetched from elsewhere: no scripts, no external styles, images or fonts.
    for forbidden in ["<script", "src=", "<link", "@import", "url(", "http://", "https://"] {
        assert!(!html.contains(forbidden), "{forbidden}");
    }
    assert!(html.trim_end().ends_with("</html>"));
    let refused = aiguillage(&["coverage", "--data", CHARENTE, "--territory", "16", "--format", "pdf"]);
    assert_refused(&refused, "invalid value 'pdf'");
}

// --- Every need gets a real answer (issue 8) --------------------------------------------------
// The scenarios of the mission on the default territory: on the bundle built from the files
// `cargo xtask dist` ships for Charente (what the widget and the JS package load), through
// `orient --bundle --json`; and on the files themselves through `coverage` and `orient --data`.

/// The day the questions are asked: the bundle's hours are compiled from the day before.
const AT: &str = "2026-12-08T10:00";

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
    // Creating comes first among the national contacts (the single desk, the chambers), then the
    // service for existing firms, whose terms exclude creation projects.
    let fallbacks: Vec<&str> =
        orientation["fallbacks"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(
        fallbacks[..4],
        ["guichet-unique-entreprises", "chambres-cci", "chambres-cma", "conseillers-entreprises"]
    );
}

#[test]
fn each_national_contact_answers_only_the_needs_within_its_domain() {
    let codes = |need: &str| -> Vec<String> {
        orient("16292", need, &[])["fallbacks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    for need in ["demarches-caf", "demarches-retraite", "demarches-impots", "demarches-sante", "demarches-ants"] {
        assert!(!codes(need).contains(&"allo-service-public".to_string()), "39 39 does not handle {need}");
    }
    assert!(codes("demarches-logement").contains(&"allo-service-public".to_string()));
    let pensions = codes("demarches-retraite");
    assert!(
        pensions.contains(&"assurance-retraite".to_string()) && pensions.contains(&"info-retraite".to_string()),
        "{pensions:?}"
    );
    assert!(codes("demarches-autonomie").contains(&"handicap-360".to_string()));
}

#[test]
fn a_border_resident_gets_the_nearest_place_first_and_no_ccas_of_another_commune() {
    // Étagnac (16), at the Haute-Vienne line: every place of the list is ranked by distance
    // apart from reserved ones, whatever side of the line it is on.
    let orientation = orient("16132", "bases-numeriques", &["--limit", "6"]);
    let distances: Vec<f64> =
        orientation["recommendations"].as_array().unwrap().iter().filter_map(|r| r["distance_km"].as_f64()).collect();
    assert!(distances.len() >= 3, "{orientation}");
    assert!(distances.windows(2).all(|w| w[0] <= w[1] + 1.0), "nearest first, within the kilometre: {distances:?}");
    let everywhere = orient("16292", "demarches", &["--limit", "10"]);
    for recommendation in everywhere["recommendations"].as_array().unwrap() {
        let name = recommendation["name"].as_str().unwrap();
        assert!(!name.contains("CCAS") || name.contains("Ruffec"), "a CCAS of another commune: {name}");
    }
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
    let dir = scratch("remote");
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
    assert_refused(&output, "commune `75056` is not in");
    assert!(stderr(&output).contains("(territory 16, Charente)"), "{}", stderr(&output));
}

#[test]
fn stats_reports_a_servers_counts_offline() {
    use aiguillage_engine::calendar::Date;
    use aiguillage_stats::{Count, Store};
    let dir = scratch("stats");
    let database = dir.join("stats.sqlite");
    let count = |day: &str, commune: &str, far: bool| Count {
        day: Date::parse(day).unwrap(),
        need: "emploi".into(),
        commune: commune.into(),
        lang: "fr",
        mode: "desk",
        without_help_near: far,
    };
    let mut counts = vec![count("2026-03-02", "16292", false); 6];
    counts.push(count("2026-04-01", "16015", true));
    counts.push(count("2026-04-01", "86194", true)); // Vienne: not asked for
    Store::open(&database, 0).unwrap().add(&counts).unwrap();
    let db = database.to_str().unwrap();

    let csv = aiguillage(&[
        "stats",
        "--db",
        db,
        "--territory",
        "16",
        "--format",
        "csv",
        "--from",
        "2026-01",
        "--to",
        "2026-12",
    ]);
    assert!(csv.status.success(), "{}", stderr(&csv));
    let text = stdout(&csv);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "mois,besoin,departement,code_epci,epci,orientations,sans_aide_proche");
    assert_eq!(lines.len(), 2, "the cell of 1 is in no line: {text}");
    assert!(lines[1].starts_with("2026-03,emploi,16,") && lines[1].ends_with(",6,0"), "{text}");

    let bundle = dir.join("16.bin");
    let built = aiguillage(&["bundle", "--data", CHARENTE, "--territory", "16", "--out", bundle.to_str().unwrap()]);
    assert!(built.status.success(), "{}", stderr(&built));
    let page = dir.join("stats.html");
    let html = aiguillage(&[
        "stats",
        "--db",
        db,
        "--territory",
        "16",
        "--format",
        "html",
        "--from",
        "2026-01",
        "--to",
        "2026-12",
        "--bundle",
        bundle.to_str().unwrap(),
        "--out",
        page.to_str().unwrap(),
    ]);
    assert!(html.status.success(), "{}", stderr(&html));
    let page = std::fs::read_to_string(page).unwrap();
    assert!(page.contains("<style>") && page.contains("Charente (16)") && page.contains("Ruffec"));
    assert!(page.contains("zones blanches sont calculées"), "the bundle gives the coverage");

    assert_refused(&aiguillage(&["stats", "--db", db, "--territory", "99"]), "unknown territory `99`");
    assert_refused(
        &aiguillage(&["stats", "--db", "nowhere.sqlite", "--territory", "16"]),
        "no such statistics database",
    );
    assert_refused(&aiguillage(&["stats", "--db", db, "--territory", "16", "--from", "2026-13"]), "YYYY-MM");
}

#[test]
fn orient_reads_each_communes_holidays_and_time_zone() {
    let places =
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/lieux-metz-saint-denis.toml"));
    let places = places.to_str().unwrap();
    let first = |args: &[&str]| -> Value {
        let output = aiguillage(&[&["orient", "--data", places, "--need", "demarches", "--json"], args].concat());
        assert!(output.status.success(), "{}", stderr(&output));
        serde_json::from_str(&stdout(&output)).unwrap()
    };
    // Good Friday 2026 in Metz: closed, next opening on Tuesday after Easter Monday.
    let metz = first(&["--commune", "57463", "--at", "2026-04-03T10:00"]);
    assert_eq!(metz["time_zone"], "Europe/Paris");
    assert_eq!(metz["recommendations"][0]["id"], "metz");
    assert_eq!(metz["recommendations"][0]["open_now"], false);
    assert_eq!(metz["recommendations"][0]["next_opening"], "2026-04-07T09:00");
    let thursday = first(&["--commune", "57463", "--at", "2026-04-02T10:00"]);
    assert_eq!(thursday["recommendations"][0]["open_now"], true);
    // 20 December 2027 in La Réunion, on its own clock.
    let reunion = first(&["--commune", "97411", "--at", "2027-12-20T10:00"]);
    assert_eq!(reunion["time_zone"], "Indian/Reunion");
    assert_eq!(reunion["recommendations"][0]["id"], "saint-denis");
    assert_eq!(reunion["recommendations"][0]["open_now"], false);
    assert_eq!(reunion["recommendations"][0]["next_opening"], "2027-12-21T09:00");
    // Without --at, the time is La Réunion's now: it says so, with a local minute.
    let utc_hour = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() / 3600 % 24;
    let now = first(&["--commune", "97411"]);
    assert_eq!(now["time_zone"], "Indian/Reunion");
    let local = now["at"].as_str().unwrap();
    assert!(is_local_minute(local));
    let hour: u64 = local[11..13].parse().unwrap();
    assert!([(utc_hour + 4) % 24, (utc_hour + 5) % 24].contains(&hour), "{local} is not UTC+4 (UTC hour {utc_hour})");
}

/// The national data the project ships: the France Services list, the médiation numérique
/// directories and the Annuaire extract.
const NATIONAL: &[&str] = &[
    "data/real/france-services-2024-08-01.csv",
    "data/real/charente-lieux-mediation-numerique-2023.json",
    "data/real/charente-bus-france-services-2023.json",
    "data/real/conseillers-numeriques-nouvelle-aquitaine-2022.json",
    "data/real/hinaura-auvergne-rhone-alpes-2022.json",
    "data/real/annuaire-service-public-2019-charente.csv",
];

#[test]
fn bundle_all_writes_every_departement_and_each_decodes_and_orients() {
    use aiguillage_engine::bundle;
    use aiguillage_engine::{orient, LocalDateTime, Profile};
    let dir = scratch("national");
    let mut args = vec!["bundle", "--territory", "all", "--from", "2026-12-07", "--out-dir", dir.to_str().unwrap()];
    args.extend(NATIONAL.iter().flat_map(|file| ["--data", file]));
    let output = aiguillage(&args);
    assert!(output.status.success(), "{}", stderr(&output));

    // Every département of the commune reference has its bundle.
    let reference =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/geo/communes-2026-points.csv")).unwrap();
    let mut departements: Vec<&str> = reference.lines().skip(1).filter_map(|l| l.split(',').nth(3)).collect();
    departements.sort_unstable();
    departements.dedup();
    assert!(departements.len() > 100 && departements.contains(&"2A") && departements.contains(&"974"));
    let at = LocalDateTime::parse("2026-12-08T10:00").unwrap();
    let mut places = 0;
    for code in &departements {
        let path = dir.join(format!("{code}.bin"));
        let bundle = bundle::decode(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(bundle.communes.iter().all(|c| c.departement.as_str() == *code), "{code}: only its own communes");
        let first = bundle.communes.iter().next().unwrap_or_else(|| panic!("{code}: no commune"));
        let profile = Profile { commune: first.insee.to_string(), need: "demarches".into(), ..Profile::default() };
        let orientation = orient(bundle.territory(), &profile, at, 5).unwrap_or_else(|e| panic!("{code}: {e}"));
        assert!(!orientation.fallbacks.is_empty(), "{code}: national contacts at least");
        places += orientation.recommendations.len();
    }
    assert!(places > 400, "France Services everywhere: {places} places proposed in all");
    // The index: every commune, no place, read by the same decoder.
    let index = bundle::decode(&std::fs::read(dir.join("index.bin")).unwrap()).unwrap();
    assert_eq!(index.communes.len(), reference.lines().count() - 1);
    assert!(index.directory.is_empty());
    assert_eq!(
        index.communes.search("Ruffec", 5).iter().filter(|c| c.name.as_str() == "Ruffec").count(),
        2,
        "Ruffec (16) and Ruffec (36)"
    );
    // The population kept as a size class still lists the larger homonym first, even where its
    // code comes last: La Réunion's Saint-Pierre (85,038) before the Alps' (99).
    let saint_pierre: Vec<String> =
        index.communes.search("Saint-Pierre", 3).iter().map(|c| c.insee.to_string()).collect();
    assert_eq!(saint_pierre[0], "97416", "{saint_pierre:?}");
    // And the same split by what is typed, for the widget (aiguillage_engine::index): its start,
    // its manifest and its parts.
    let start = bundle::decode(&std::fs::read(dir.join("start.bin")).unwrap()).unwrap();
    assert!(start.communes.is_empty() && !start.taxonomy.needs.is_empty());
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("index.json")).unwrap()).unwrap();
    let listed = manifest["complete"].as_array().unwrap().len() + manifest["top"].as_array().unwrap().len();
    let parts = std::fs::read_dir(dir.join("index")).unwrap().count();
    assert!(parts > 500, "{parts} parts");
    assert_eq!(listed, parts, "one file per part listed in index.json");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), departements.len() + 4);
}

#[test]
fn bundle_takes_a_list_or_a_region_and_refuses_an_unknown_one() {
    let dir = scratch("region");
    let out = dir.to_str().unwrap();
    let region = aiguillage(&["bundle", "--data", LOCAL, "--territory", "region:75", "--out-dir", out]);
    assert!(region.status.success(), "{}", stderr(&region));
    let mut files: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    files.sort();
    // Nouvelle-Aquitaine: twelve départements.
    assert_eq!(
        files,
        [
            "16.bin",
            "17.bin",
            "19.bin",
            "23.bin",
            "24.bin",
            "33.bin",
            "40.bin",
            "47.bin",
            "64.bin",
            "79.bin",
            "86.bin",
            "87.bin",
            "index",
            "index.bin",
            "index.json",
            "start.bin"
        ]
    );
    let list = dir.join("list.bin");
    let output =
        aiguillage(&["bundle", "--data", LOCAL, "--territory", "16,region:75,86", "--out", list.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let bundle = aiguillage_engine::bundle::decode(&std::fs::read(&list).unwrap()).unwrap();
    assert_eq!(bundle.territory, "16,17,19,23,24,33,40,47,64,79,86,87", "each once, in the order given");
    assert_refused(
        &aiguillage(&["bundle", "--data", LOCAL, "--territory", "region:99", "--out-dir", out]),
        "unknown région `99`",
    );
    assert_refused(&aiguillage(&["bundle", "--data", LOCAL, "--territory", "16"]), "--out");
}

#[test]
fn no_resident_is_told_of_a_date_that_cannot_be_true() {
    // Every stop of the shipped bus file is dated `1969-12-31`.
    let output = aiguillage(&[
        "orient",
        "--data",
        "data/real/charente-bus-france-services-2023.json",
        "--commune",
        "16292",
        "--need",
        "demarches",
        "--at",
        "2026-12-01T10:00",
        "--limit",
        "12",
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let answer: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let recommendations = answer["recommendations"].as_array().unwrap();
    assert!(recommendations.len() >= 3, "{answer}");
    let text = stdout(&output);
    assert!(!text.contains("1969") && !text.contains("data-age"), "{text}");
}
