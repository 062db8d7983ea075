//! The server's own publications: the command it runs and when, `/healthz` saying `degraded`
//! when a source has failed for too long, the dashboard's section on the sources.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

use aiguillage_server::config::Config;
use aiguillage_server::statistics::system_clock;
use aiguillage_server::Server;
use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A stand-in for `aiguillage`: writes its arguments, then what a run leaves behind.
fn fake_command(root: &Path, exit: i32) -> std::path::PathBuf {
    let script = root.join("fake-aiguillage");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$@\" >> '{}/calls'\nmkdir -p '{}/state'\necho '{{\"finished\": '$(date +%s)', \"outcome\": {{\"kind\": \"published\", \"id\": \"x\"}}}}' > '{}/state/last-run.json'\nexit {exit}\n",
            root.display(),
            root.display(),
            root.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

fn server_with_publishing(name: &str, exit: i32) -> (std::path::PathBuf, Arc<Server>) {
    let (root, config) =
        common::site(name, "[publish]\nconfig = \"publish.toml\"\nevery = \"6h\"\ncommand = \"./fake-aiguillage\"\n\n[stats]\npublic_dashboard = true\n");
    std::fs::write(
        root.join("publish.toml"),
        "out_dir = \"widget/data/national\"\nstate_dir = \"state\"\nterritories = [\"16\"]\n",
    )
    .unwrap();
    fake_command(&root, exit);
    let config = Config::load(&config).unwrap();
    (root, Arc::new(Server::new(&config).unwrap()))
}

async fn get(server: &Arc<Server>, path: &str) -> (u16, String) {
    let response = server.clone().app().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[test]
fn the_server_runs_the_publish_command_when_due_and_says_how_it_ended() {
    let (root, server) = server_with_publishing("publish-run", 0);
    let publishing = server.publishing.as_ref().unwrap();
    assert_eq!(publishing.state_dir, root.join("state"));
    assert!(publishing.due(system_clock()), "never run: due");
    publishing.run().unwrap();
    let calls = std::fs::read_to_string(root.join("calls")).unwrap();
    assert_eq!(calls.trim(), format!("publish --config {}", root.join("publish.toml").display()));
    assert!(!publishing.due(system_clock()), "just run: not due for 6 hours");
    assert!(publishing.due(system_clock() + 6 * 3600 + 1));

    let (_, refused) = server_with_publishing("publish-refused", 3);
    let error = refused.publishing.as_ref().unwrap().run().unwrap_err();
    assert!(error.contains("refused by the guard"), "{error}");
}

#[test]
fn a_bad_schedule_is_refused_at_startup() {
    let (_, config) = common::site("publish-bad-every", "[publish]\nconfig = \"publish.toml\"\nevery = \"often\"\n");
    let error = Config::load(&config).unwrap_err().to_string();
    assert!(error.contains("[publish] every: `often`"), "{error}");
    let (_, config) = common::site("publish-no-config", "[publish]\nconfig = \"missing.toml\"\nevery = \"6h\"\n");
    let error = Server::new(&Config::load(&config).unwrap()).err().unwrap();
    assert!(error.contains("missing.toml"), "{error}");
}

#[tokio::test]
async fn health_is_degraded_when_a_source_fails_for_two_periods_and_the_dashboard_shows_the_sources() {
    let (root, server) = server_with_publishing("publish-health", 0);
    let now = system_clock();
    let write_sources = |failing_for: i64| {
        let state = serde_json::json!({"sources": {
            "mediation-numerique": {"last_success": now - failing_for - 3600, "last_error": null, "failing_since": null, "refresh_seconds": 86400},
            "annuaire-16": {"last_success": now - failing_for - 86400, "last_error": "status 500 from <https://x>", "failing_since": now - failing_for, "refresh_seconds": 86400}
        }});
        std::fs::create_dir_all(root.join("state")).unwrap();
        std::fs::write(root.join("state/sources.json"), state.to_string()).unwrap();
    };
    write_sources(86_400);
    assert_eq!(get(&server, "/healthz").await, (200, "ok\n".to_string()), "one day of a daily source: not yet");
    write_sources(3 * 86_400);
    let (status, body) = get(&server, "/healthz").await;
    assert_eq!(status, 200);
    assert!(body.starts_with("degraded: source annuaire-16 has failed since"), "{body}");

    let (status, page) = get(&server, "/tableau-de-bord").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Sources des données") && page.contains("annuaire-16") && page.contains("mediation-numerique"),
        "{page}"
    );
    assert!(page.contains("status 500 from &lt;https://x&gt;"), "errors are escaped: {page}");
    assert!(!page.contains("<https://x>"));
    let section = page.find("Sources des données").unwrap();
    assert!(section < page.rfind("</main>").unwrap(), "the section is inside the page's main");
}
