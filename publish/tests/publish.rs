//! Publishing against a local server that answers as the national sources do, with real data:
//! conditional requests, failures of every kind, the guard, renamed columns, pages.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use aiguillage_engine::bundle;
use aiguillage_publish::build::Project;
use aiguillage_publish::config::Config;
use aiguillage_publish::progress::Progress;
use aiguillage_publish::report::{Outcome, RunReport, SourceStatus};
use aiguillage_publish::{exit_code, publish, Options};
use support::{Answer, Server};

/// A fresh folder for one test.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aiguillage-publish-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// 2026-12-07 10:00 UTC, plus `days`.
fn day(days: i64) -> i64 {
    1_796_637_600 + days * 86_400
}

struct Setup {
    dir: PathBuf,
    config: Config,
    project: Project,
}

impl Setup {
    fn new(name: &str, sources: &str) -> Setup {
        let dir = folder(name);
        let local = support::root().join("data/examples/acteurs-locaux-charente.toml");
        let text = format!(
            "out_dir = \"served/national\"\nstate_dir = \"state\"\nterritories = [\"16\", \"86\"]\n\n\
             [http]\nconnect_timeout = \"2s\"\ntimeout = \"1s\"\nretries = 1\nretry_delay = \"10ms\"\n\n{sources}\n\
             [[local]]\npath = \"{}\"\n",
            local.display()
        );
        std::fs::write(dir.join("publish.toml"), &text).unwrap();
        let project = Project::shipped().unwrap();
        let config = Config::load(&dir.join("publish.toml"), &project.france).unwrap();
        Setup { dir, config, project }
    }

    fn run(&self, days: i64, force: &[&str]) -> RunReport {
        let options = Options { dry_run: false, force: force.iter().map(|s| s.to_string()).collect(), now: day(days) };
        publish(&self.config, &self.project, &options, &Progress::Quiet).unwrap()
    }

    fn live(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.config.out_dir.join(name)).unwrap()
    }

    fn places(&self, code: &str) -> usize {
        bundle::decode(&self.live(&format!("{code}.bin"))).unwrap().directory.len()
    }
}

fn sources(server: &Server) -> String {
    format!(
        "[[source]]\nname = \"mediation\"\nurl = \"{}\"\n\n\
         [[source]]\nname = \"france-services\"\nurl = \"{}\"\nformat = \"france-services-csv\"\n\n\
         [[source]]\nname = \"conseillers\"\nurl = \"{}\"\n",
        server.url("/mediation.json"),
        server.url("/fs.csv"),
        server.url("/cnfs.json")
    )
}

fn serve_real(server: &Server) {
    server.set(
        "/mediation.json",
        Answer::File {
            bytes: support::real("charente-lieux-mediation-numerique-2023.json"),
            content_type: "application/json",
        },
    );
    server.set(
        "/fs.csv",
        Answer::File { bytes: support::france_services(&["16", "86"]), content_type: "text/csv; charset=utf-8" },
    );
    server.set("/cnfs.json", Answer::File { bytes: support::conseillers(&["86"]), content_type: "application/json" });
}

fn status(report: &RunReport, name: &str) -> SourceStatus {
    report.sources.iter().find(|s| s.name == name).unwrap().status
}

#[test]
fn a_first_run_publishes_and_a_second_gets_304s_and_publishes_the_same_bundles() {
    let server = Server::start();
    serve_real(&server);
    let setup = Setup::new("first", &sources(&server));
    let first = setup.run(0, &[]);
    assert!(matches!(first.outcome, Outcome::Published { .. }), "{:?}", first.outcome);
    assert_eq!(exit_code(&first), 0);
    for name in ["mediation", "france-services", "conseillers"] {
        assert_eq!(status(&first, name), SourceStatus::Fresh, "{name}");
    }
    assert!(setup.places("16") > 150 && setup.places("86") > 20, "{} {}", setup.places("16"), setup.places("86"));
    let bundles: Vec<Vec<u8>> =
        ["16.bin", "86.bin", "index.bin", "territoires.json"].iter().map(|n| setup.live(n)).collect();
    let first_requests = server.take_requests();
    assert_eq!(first_requests.len(), 3);
    assert!(first_requests
        .iter()
        .all(|r| r.header("user-agent").is_some_and(|ua| ua.starts_with("aiguillage-publish/"))));
    assert!(first_requests.iter().all(|r| r.header("accept-encoding").is_some_and(|a| a.contains("gzip"))));

    let second = setup.run(0, &[]);
    let requests = server.take_requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.status == 304 && r.header("if-none-match").is_some()), "{requests:?}");
    for name in ["mediation", "france-services", "conseillers"] {
        assert_eq!(status(&second, name), SourceStatus::NotModified, "{name}");
    }
    assert_eq!(
        second.outcome,
        Outcome::Unchanged {
            live: match &first.outcome {
                Outcome::Published { id } => Some(id.clone()),
                _ => None,
            }
        }
    );
    let again: Vec<Vec<u8>> =
        ["16.bin", "86.bin", "index.bin", "territoires.json"].iter().map(|n| setup.live(n)).collect();
    assert!(bundles == again, "the same bundles");
    // Each download is kept once, with its headers.
    let snapshots = std::fs::read_dir(setup.dir.join("state/snapshots/mediation")).unwrap().count();
    assert_eq!(snapshots, 2, "one snapshot and its headers");
    // The France Services list is dated by its Last-Modified, not by the day it was downloaded.
    let fs = first.sources.iter().find(|s| s.name == "france-services").unwrap();
    assert_eq!(fs.figures.as_ref().unwrap().newest_record.as_deref(), Some("2026-11-30"));
}

#[test]
fn a_failing_source_is_replaced_by_its_last_good_snapshot_whatever_the_failure() {
    let server = Server::start();
    serve_real(&server);
    let setup = Setup::new("failing", &sources(&server));
    setup.run(0, &[]);
    let live_16 = setup.live("16.bin");
    let failures = [
        (Answer::Status(500), "status 500"),
        (Answer::Sleep(Duration::from_millis(2500)), "timed out"),
        (Answer::HtmlPage, "HTML page"),
        (Answer::Status(404), "status 404"),
        (Answer::File { bytes: b"\x89PNG\r\n".to_vec(), content_type: "image/png" }, "content type image/png"),
        (
            Answer::File { bytes: b"[{\"id\": 1, \"nom\": \"x\"".to_vec(), content_type: "application/json" },
            "not valid JSON",
        ),
    ];
    for (days, (answer, expected)) in failures.into_iter().enumerate() {
        server.set("/mediation.json", answer);
        let report = setup.run(days as i64 + 3, &[]);
        let mediation = report.sources.iter().find(|s| s.name == "mediation").unwrap();
        assert_eq!(mediation.status, SourceStatus::FailedKept, "{expected}");
        assert!(mediation.error.as_deref().unwrap_or("").contains(expected), "{expected}: {:?}", mediation.error);
        assert_eq!(mediation.snapshot_date.as_deref(), Some("2026-12-07"));
        assert_eq!(status(&report, "france-services"), SourceStatus::NotModified);
        assert_eq!(exit_code(&report), 0, "{expected}");
        let text = report.text(aiguillage_publish::report::utc_date(day(days as i64 + 3)));
        assert!(text.contains(&format!("(downloaded 2026-12-07, {} days ago)", days + 3)), "{text}");
        assert!(text.contains("FAILED, kept"), "{text}");
        // The Charente places of the médiation file are still published.
        assert_eq!(setup.places("16"), bundle::decode(&live_16).unwrap().directory.len(), "{expected}");
    }
    // A 500 is retried (retries = 1): two requests.
    server.set("/mediation.json", Answer::Status(503));
    server.take_requests();
    setup.run(10, &[]);
    assert_eq!(server.take_requests().iter().filter(|r| r.path == "/mediation.json").count(), 2);

    // Every source failing: exit code 4, the live publication stays.
    for path in ["/mediation.json", "/fs.csv", "/cnfs.json"] {
        server.set(path, Answer::Status(500));
    }
    let report = setup.run(11, &[]);
    assert!(report.every_source_failed());
    assert_eq!(exit_code(&report), 4);
    assert_eq!(setup.places("16"), bundle::decode(&live_16).unwrap().directory.len());
}

#[test]
fn a_source_that_never_succeeded_is_absent_and_reported() {
    let server = Server::start();
    serve_real(&server);
    server.set("/cnfs.json", Answer::Status(502));
    let setup = Setup::new("never", &sources(&server));
    let report = setup.run(0, &[]);
    let conseillers = report.sources.iter().find(|s| s.name == "conseillers").unwrap();
    assert_eq!(conseillers.status, SourceStatus::FailedAbsent);
    assert!(conseillers.error.as_deref().unwrap().contains("502"));
    assert!(matches!(report.outcome, Outcome::Published { .. }));
    assert!(report.text(aiguillage_publish::report::utc_date(day(0))).contains("FAILED, absent"));
}

#[test]
fn the_guard_keeps_a_departement_that_would_lose_most_of_its_places_and_force_publishes_it() {
    let server = Server::start();
    serve_real(&server);
    let setup = Setup::new("guard", &sources(&server));
    setup.run(0, &[]);
    let (live_16, live_86) = (setup.live("16.bin"), setup.live("86.bin"));
    // The médiation file loses 60 % of its Charente places (and France Services too, so that
    // the loss is not hidden by merged cards).
    let all: Vec<serde_json::Value> =
        serde_json::from_slice(&support::real("charente-lieux-mediation-numerique-2023.json")).unwrap();
    let kept: Vec<&serde_json::Value> = all.iter().enumerate().filter(|(i, _)| i % 5 < 2).map(|(_, v)| v).collect();
    server.set(
        "/mediation.json",
        Answer::File { bytes: serde_json::to_vec(&kept).unwrap(), content_type: "application/json" },
    );
    server.set("/fs.csv", Answer::File { bytes: support::france_services(&["86"]), content_type: "text/csv" });
    let report = setup.run(1, &[]);
    assert_eq!(exit_code(&report), 3);
    let charente = report.departements.iter().find(|d| d.code == "16").unwrap();
    assert!(charente.refused.as_deref().unwrap().contains("would lose"), "{:?}", charente.refused);
    assert!(!charente.forced);
    assert!(
        charente.changes.removed.len() * 2 > charente.changes.live_places.unwrap(),
        "{:?}",
        charente.changes.removed.len()
    );
    assert!(setup.live("16.bin") == live_16, "the live bundle of 16 stays");
    assert!(report.departements.iter().find(|d| d.code == "86").unwrap().refused.is_none());
    assert!(setup.live("86.bin") != live_86, "86 is published (its border places changed)");
    let text = report.text(aiguillage_publish::report::utc_date(day(1)));
    assert!(text.contains("NOT PUBLISHED") && text.contains("--force 16"), "{text}");

    let forced = setup.run(1, &["16"]);
    assert_eq!(exit_code(&forced), 0);
    assert!(forced.departements.iter().find(|d| d.code == "16").unwrap().forced);
    assert!(setup.places("16") * 2 < bundle::decode(&live_16).unwrap().directory.len());
}

#[test]
fn a_renamed_column_is_reported_and_the_last_good_snapshot_used() {
    let server = Server::start();
    serve_real(&server);
    let setup = Setup::new("renamed", &sources(&server));
    setup.run(0, &[]);
    let before = setup.live("16.bin");
    // The same day, so that only the sources could change the bundles.
    let renamed = String::from_utf8(support::france_services(&["16", "86"])).unwrap().replacen(
        "\"h_lundi\"",
        "\"horaires_lundi\"",
        1,
    );
    server.set("/fs.csv", Answer::File { bytes: renamed.into_bytes(), content_type: "text/csv" });
    let report = setup.run(0, &[]);
    let fs = report.sources.iter().find(|s| s.name == "france-services").unwrap();
    assert_eq!(fs.status, SourceStatus::FailedKept);
    assert!(fs.error.as_deref().unwrap().contains("h_lundi"), "{:?}", fs.error);
    assert!(setup.live("16.bin") == before, "the last good snapshot gives the same bundle");
    // A column every row needs, renamed: the importer's own error.
    let renamed =
        String::from_utf8(support::france_services(&["16", "86"])).unwrap().replacen("\"lib_fs\"", "\"libelle\"", 1);
    server.set("/fs.csv", Answer::File { bytes: renamed.into_bytes(), content_type: "text/csv" });
    let report = setup.run(0, &[]);
    let fs = report.sources.iter().find(|s| s.name == "france-services").unwrap();
    assert_eq!(fs.status, SourceStatus::FailedKept);
    assert!(fs.error.as_deref().unwrap().contains("lib_fs"), "{:?}", fs.error);
}

#[test]
fn the_records_api_followed_page_by_page_gives_the_same_places_as_one_file() {
    let records = support::annuaire_records();
    assert!(records.len() > 60, "{}", records.len());
    let server = Server::start();
    server.set("/records", Answer::OffsetPages(records.clone()));
    let paged = Setup::new(
        "paged",
        &format!(
            "[[source]]\nname = \"annuaire\"\nurl = \"{}\"\npagination = \"offset\"\npage_size = 20\n",
            server.url("/records?where=startswith(code_insee_commune,%2216%22)")
        ),
    );
    let report = paged.run(0, &[]);
    assert_eq!(status(&report, "annuaire"), SourceStatus::Fresh, "{:?}", report.sources[0].error);
    let requests = server.take_requests();
    let expected_pages = records.len().div_ceil(20);
    assert_eq!(requests.len(), expected_pages, "{requests:?}");
    assert!(requests.iter().all(|r| r.query.starts_with("where=startswith") && r.query.contains("limit=20")));
    assert!(requests.last().unwrap().query.ends_with(&format!("offset={}", (expected_pages - 1) * 20)));

    let whole = folder("whole-file").join("annuaire.json");
    std::fs::write(&whole, serde_json::json!({"total_count": records.len(), "results": records}).to_string()).unwrap();
    let single =
        Setup::new("single", &format!("[[source]]\nname = \"annuaire\"\nurl = \"file://{}\"\n", whole.display()));
    single.run(0, &[]);
    assert!(paged.live("16.bin") == single.live("16.bin"), "the same bundle from pages and from one file");
    // Services whose type the taxonomy maps to needs (CCI, Mission locale, CLIC…), and the local file.
    assert!(paged.places("16") > 20, "{}", paged.places("16"));
}

#[test]
fn data_inclusion_pages_are_followed_with_the_key_from_the_environment() {
    let file: serde_json::Value = serde_json::from_slice(
        &std::fs::read(support::root().join("data/examples/data-inclusion-charente.json")).unwrap(),
    )
    .unwrap();
    let structures = file["structures"].as_array().unwrap().clone();
    let services = file["services"].as_array().unwrap().clone();
    let server = Server::start();
    server.set("/api/v1/structures", Answer::PagePages(structures));
    server.set("/api/v1/services", Answer::PagePages(services.clone()));
    std::env::set_var("AIGUILLAGE_TEST_DI_TOKEN", "secret-key");
    let setup = Setup::new(
        "data-inclusion",
        &format!(
            "[[source]]\nname = \"di-structures\"\nurl = \"{}\"\npagination = \"page\"\npage_size = 2\ntoken_env = \"AIGUILLAGE_TEST_DI_TOKEN\"\n\n\
             [[source]]\nname = \"di-services\"\nurl = \"{}\"\npagination = \"page\"\npage_size = 2\ntoken_env = \"AIGUILLAGE_TEST_DI_TOKEN\"\n\n\
             [[source]]\nname = \"di-missing-key\"\nurl = \"{}\"\npagination = \"page\"\ntoken_env = \"AIGUILLAGE_TEST_UNSET_TOKEN\"\n",
            server.url("/api/v1/structures?code_departement=16"),
            server.url("/api/v1/services?code_departement=16"),
            server.url("/api/v1/services"),
        ),
    );
    let report = setup.run(0, &[]);
    assert_eq!(status(&report, "di-structures"), SourceStatus::Fresh, "{:?}", report.sources);
    assert_eq!(status(&report, "di-services"), SourceStatus::Fresh, "{:?}", report.sources);
    let missing = report.sources.iter().find(|s| s.name == "di-missing-key").unwrap();
    assert!(missing.error.as_deref().unwrap().contains("AIGUILLAGE_TEST_UNSET_TOKEN"));
    let requests = server.take_requests();
    assert!(requests.iter().all(|r| r.header("authorization") == Some("Bearer secret-key")), "{requests:?}");
    assert_eq!(requests.iter().filter(|r| r.path == "/api/v1/services").count(), services.len().div_ceil(2));
    let di_places = report.sources.iter().find(|s| s.name == "di-services").unwrap().figures.as_ref().unwrap().places;
    assert!(di_places >= services.len() / 2, "{di_places}");
}

#[test]
fn a_dry_run_publishes_nothing_and_rollback_restores_the_previous_publication() {
    let server = Server::start();
    serve_real(&server);
    let setup = Setup::new("rollback", &sources(&server));
    let options = Options { dry_run: true, force: Vec::new(), now: day(0) };
    let dry = publish(&setup.config, &setup.project, &options, &Progress::Quiet).unwrap();
    assert_eq!(dry.outcome, Outcome::DryRun);
    assert!(!setup.config.out_dir.exists());
    setup.run(0, &[]);
    let first = setup.live("16.bin");
    setup.run(1, &[]);
    let second = setup.live("16.bin");
    assert_ne!(first, second, "a day later, the hours are compiled from another day");
    let (history, live) = aiguillage_publish::history(&setup.config);
    assert_eq!(history.len(), 2);
    assert_eq!(live.as_deref(), Some(history[1].id.as_str()));
    let restored = aiguillage_publish::rollback(&setup.config).unwrap();
    assert_eq!(restored, history[0].id);
    assert!(setup.live("16.bin") == first, "the first publication is live again");
    assert!(aiguillage_publish::rollback(&setup.config).unwrap_err().contains("oldest"));
    let text = aiguillage_publish::history_text(&history, Some(&restored));
    assert!(text.contains(&format!("{} (live)", history[0].id)), "{text}");
}

/// `out_dir` as an existing real folder (published by hand before) is exchanged atomically.
#[test]
fn a_folder_published_by_hand_is_exchanged_and_kept() {
    let server = Server::start();
    serve_real(&server);
    let setup = Setup::new("adopt", &sources(&server));
    std::fs::create_dir_all(&setup.config.out_dir).unwrap();
    std::fs::write(setup.config.out_dir.join("16.bin"), b"old").unwrap();
    setup.run(0, &[]);
    assert!(std::fs::symlink_metadata(&setup.config.out_dir).unwrap().file_type().is_symlink());
    let kept: &Path = &setup.config.out_dir.with_file_name("national.before-publish");
    assert_eq!(std::fs::read(kept.join("16.bin")).unwrap(), b"old");
}

#[test]
fn a_source_larger_than_the_limit_is_refused() {
    let server = Server::start();
    serve_real(&server);
    let setup = Setup::new("too-large", &sources(&server));
    let mut config = setup.config.clone();
    config.http.max_bytes = 50_000;
    let options = Options { dry_run: false, force: Vec::new(), now: day(0) };
    let report = publish(&config, &setup.project, &options, &Progress::Quiet).unwrap();
    // The médiation file (137 KB) is over the limit; the cut France Services list is not.
    let mediation = report.sources.iter().find(|s| s.name == "mediation").unwrap();
    assert_eq!(mediation.status, SourceStatus::FailedAbsent);
    assert!(mediation.error.as_deref().unwrap().contains("larger than 50000 bytes"), "{:?}", mediation.error);
    assert_eq!(status(&report, "france-services"), SourceStatus::Fresh);
}

/// Issue #29: the workspace's corrections (a `[[local]]` file of `[[correction]]`s) hold across
/// publications with fresh sources, and a field changed at its source since is a conflict.
#[test]
fn corrections_survive_fresh_sources_and_a_changed_source_is_a_conflict() {
    let dir = folder("corrections");
    let places = |phone: &str, name: &str| {
        format!(
            "[[lieu]]\nid = \"local--epn-ruffec\"\nnom = \"{name}\"\nbesoins = [\"bases-numeriques\"]\ncode_insee = \"16292\"\ntelephone = \"{phone}\"\n\n\
             [[lieu]]\nid = \"local--club\"\nnom = \"Club informatique\"\nbesoins = [\"bases-numeriques\"]\ncode_insee = \"16292\"\ntelephone = \"05 45 31 99 99\"\n"
        )
    };
    std::fs::write(dir.join("lieux.toml"), places("05 45 31 00 00", "EPN de Ruffec")).unwrap();
    std::fs::write(
        dir.join("corrections.toml"),
        "[[correction]]\nid = \"local--epn-ruffec\"\ntelephone = \"+33545998877\"\n\n[correction.avant]\ntelephone = \"+33545310000\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("publish.toml"),
        "out_dir = \"served\"\nstate_dir = \"state\"\nterritories = [\"16\"]\nmax_loss = 1.0\n\n\
         [[local]]\npath = \"lieux.toml\"\n\n[[local]]\npath = \"corrections.toml\"\n",
    )
    .unwrap();
    let project = Project::shipped().unwrap();
    let config = Config::load(&dir.join("publish.toml"), &project.france).unwrap();
    let run = |days: i64| {
        let options = Options { dry_run: false, force: Vec::new(), now: day(days) };
        publish(&config, &project, &options, &Progress::Quiet).unwrap()
    };
    let phone_and_name = || {
        let bytes = std::fs::read(config.out_dir.join("16.bin")).unwrap();
        let bundle = bundle::decode(&bytes).unwrap();
        let epn = bundle.directory.actors().iter().find(|a| a.id == "local--epn-ruffec").unwrap();
        (epn.phone.as_deref().unwrap_or_default().to_owned(), epn.name.clone())
    };

    let first = run(0);
    assert!(matches!(first.outcome, Outcome::Published { .. }), "{:?}", first.outcome);
    assert_eq!(first.corrected, 1);
    assert!(first.conflicts.is_empty(), "{:?}", first.conflicts);
    assert_eq!(phone_and_name(), ("+33545998877".into(), "EPN de Ruffec".into()));

    // Fresh sources: another name (not corrected: the sources' is taken) and the same phone.
    std::fs::write(dir.join("lieux.toml"), places("05 45 31 00 00", "Espace numérique de Ruffec")).unwrap();
    let second = run(1);
    assert!(matches!(second.outcome, Outcome::Published { .. }), "{:?}", second.outcome);
    assert_eq!(phone_and_name(), ("+33545998877".into(), "Espace numérique de Ruffec".into()));
    assert!(second.conflicts.is_empty());

    // The sources change the corrected phone: the correction still holds, and says so.
    std::fs::write(dir.join("lieux.toml"), places("05 45 31 11 11", "Espace numérique de Ruffec")).unwrap();
    let third = run(2);
    assert_eq!(phone_and_name().0, "+33545998877");
    assert_eq!(
        third.conflicts,
        [aiguillage_publish::report::Conflict {
            place: "local--epn-ruffec".into(),
            field: "telephone".into(),
            now: "+33545311111".into(),
            then: "+33545310000".into()
        }]
    );
    let text = third.text(aiguillage_publish::report::utc_date(day(2)));
    assert!(text.contains("conflict") && text.contains("corrections.toml line 3"), "{text}");
}
