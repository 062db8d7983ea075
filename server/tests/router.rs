//! The coordinator's server, request by request (no socket): beacons accepted and refused, the
//! dashboard and its CSV, files from the folder, CORS, a bundle published without a restart.

mod common;

use std::sync::Arc;

use aiguillage_server::config::Config;
use aiguillage_server::Server;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use common::{site, BEACON};

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn send(server: &Arc<Server>, request: Request<Body>) -> Answer {
    let response = server.clone().app().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    Answer { status: parts.status, headers: parts.headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

fn post(body: impl Into<Body>, content_type: &str) -> Request<Body> {
    Request::post("/stats").header(header::CONTENT_TYPE, content_type).body(body.into()).unwrap()
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

async fn total(server: &Arc<Server>) -> u64 {
    let (sent, received) = tokio::sync::oneshot::channel();
    server.statistics.as_ref().unwrap().recorder.read(move |store| {
        let _ = sent.send(store.total().unwrap());
    });
    received.await.unwrap()
}

fn server(name: &str, extra: &str) -> (std::path::PathBuf, Arc<Server>) {
    let (root, config) = site(name, extra);
    let config = Config::load(&config).unwrap();
    (root, Arc::new(Server::new(&config).unwrap()))
}

#[tokio::test]
async fn bad_beacons_are_refused_and_change_no_count() {
    let (root, server) = server("refused", "[stats]\nper_client_per_minute = 0\n");
    let replace = |field: &str, value: &str| {
        let mut object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(BEACON).unwrap();
        object.insert(field.into(), serde_json::from_str(value).unwrap());
        serde_json::Value::Object(object).to_string()
    };
    let cases: Vec<(&str, Request<Body>, StatusCode)> = vec![
        ("truncated JSON", post(&BEACON[..50], "text/plain"), StatusCode::BAD_REQUEST),
        ("unknown need", post(replace("need", "\"astrologie\""), "text/plain"), StatusCode::BAD_REQUEST),
        ("unknown commune", post(replace("commune", "\"75056\""), "text/plain"), StatusCode::BAD_REQUEST),
        (
            "markup in a field",
            post(replace("commune", "\"<img src=x onerror=alert(1)>\""), "text/plain"),
            StatusCode::BAD_REQUEST,
        ),
        ("markup in the mode", post(replace("mode", "\"<b>desk</b>\""), "text/plain"), StatusCode::BAD_REQUEST),
        ("an extra field", post(replace("ip", "\"1.2.3.4\""), "text/plain"), StatusCode::BAD_REQUEST),
        (
            "200 KB body",
            post(format!("{BEACON}{}", " ".repeat(200 * 1024)), "text/plain"),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "wrong method",
            Request::put("/stats").header(header::CONTENT_TYPE, "text/plain").body(Body::from(BEACON)).unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        ("GET", get("/stats"), StatusCode::METHOD_NOT_ALLOWED),
        ("form content type", post(BEACON, "application/x-www-form-urlencoded"), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (
            "no content type",
            Request::post("/stats").body(Body::from(BEACON)).unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "a site not allowed",
            Request::post("/stats")
                .header(header::CONTENT_TYPE, "text/plain")
                .header(header::ORIGIN, "https://evil.example")
                .body(Body::from(BEACON))
                .unwrap(),
            StatusCode::FORBIDDEN,
        ),
    ];
    for (what, request, expected) in cases {
        let answer = send(&server, request).await;
        assert_eq!(answer.status, expected, "{what}: {}", answer.body);
    }
    assert_eq!(total(&server).await, 0, "no refused beacon was counted");

    let allowed = Request::post("/stats")
        .header(header::CONTENT_TYPE, "text/plain;charset=UTF-8")
        .header(header::ORIGIN, "https://www.ruffec.fr")
        .body(Body::from(BEACON))
        .unwrap();
    let answer = send(&server, allowed).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", answer.body);
    assert_eq!(answer.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://www.ruffec.fr");
    assert_eq!(send(&server, post(BEACON, "application/json")).await.status, StatusCode::NO_CONTENT);
    assert_eq!(total(&server).await, 2);
    std::fs::remove_dir_all(root).unwrap();
}

#[tokio::test]
async fn a_client_is_limited_and_the_day_has_a_maximum() {
    let (root, server) = server("limits", "[stats]\nper_client_per_minute = 3\nmax_per_day = 100\n");
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(send(&server, post(BEACON, "text/plain")).await.status);
    }
    assert_eq!(statuses[..3], [StatusCode::NO_CONTENT; 3]);
    assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(total(&server).await, 3);

    let (root_full, full) = server_with_day_max(2);
    for expected in [StatusCode::NO_CONTENT, StatusCode::NO_CONTENT, StatusCode::TOO_MANY_REQUESTS] {
        assert_eq!(send(&full, post(BEACON, "text/plain")).await.status, expected);
    }
    assert_eq!(total(&full).await, 2);
    std::fs::remove_dir_all(root).unwrap();
    std::fs::remove_dir_all(root_full).unwrap();
}

fn server_with_day_max(max: u64) -> (std::path::PathBuf, Arc<Server>) {
    server("day-max", &format!("[stats]\nper_client_per_minute = 0\nmax_per_day = {max}\n"))
}

#[tokio::test]
async fn the_dashboard_and_the_csv_show_the_counts_with_the_small_count_rule() {
    let (root, server) = server("dashboard", "[stats]\nper_client_per_minute = 0\npublic_dashboard = true\n");
    // Ruffec (16292) five times, Angoulême (16015) four times: only Ruffec is named.
    for _ in 0..5 {
        assert_eq!(send(&server, post(BEACON, "text/plain")).await.status, StatusCode::NO_CONTENT);
    }
    let far = BEACON.replace("16292", "16015").replace("1.2", "null");
    for _ in 0..4 {
        assert_eq!(send(&server, post(far.clone(), "text/plain")).await.status, StatusCode::NO_CONTENT);
    }
    let page = send(&server, get("/tableau-de-bord?territoire=16")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csp = page.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && !csp.contains("unsafe"), "{csp}");
    assert!(page.body.contains("<li>Ruffec "), "Ruffec has 5: named");
    assert!(!page.body.contains("<li>Angoulême "), "Angoulême has 4: not named");
    assert!(page.body.contains("1 cellule de 1 à 4 orientations ne compte dans aucun nombre"));
    assert!(page.body.contains("<svg") && page.body.contains("role=\"img\""));
    assert!(!page.body.contains("<script") && !page.body.contains("style="));

    let csv = send(&server, get("/tableau-de-bord.csv?territoire=16")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[0], "mois,besoin,departement,code_epci,epci,orientations,sans_aide_proche");
    assert_eq!(lines.len(), 2, "Angoulême's cell of 4 is in no line: {}", csv.body);
    assert!(lines[1].contains(",demarches,16,") && lines[1].ends_with(",5,0"), "{}", csv.body);

    let wrong = send(&server, get("/tableau-de-bord?territoire=75")).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(
        wrong.body.contains("<html lang=\"fr\">")
            && wrong.body.contains("<title>")
            && wrong.body.contains("« 75 » n&#39;est pas un département de ce serveur")
            && wrong.body.contains("<a href=\"tableau-de-bord\">"),
        "in French, with a title and the way back: {}",
        wrong.body
    );
    assert_eq!(send(&server, get("/tableau-de-bord?du=2026-13")).await.status, StatusCode::BAD_REQUEST);
    let css = send(&server, get("/tableau-de-bord.css")).await;
    assert!(css.body.contains("@page{size:A4 landscape"));
    std::fs::remove_dir_all(root).unwrap();
}

#[tokio::test]
async fn files_are_served_from_the_folder_and_a_published_bundle_replaces_the_old_one() {
    let (root, server) = server("files", "");
    let health = send(&server, get("/healthz")).await;
    assert_eq!((health.status, health.body.as_str()), (StatusCode::OK, "ok\n"));

    let request = |accept: &str| {
        Request::get("/widget/data/default.bin")
            .header(header::ACCEPT_ENCODING, accept)
            .header(header::ORIGIN, "https://www.ruffec.fr")
            .body(Body::empty())
            .unwrap()
    };
    let brotli = send(&server, request("br")).await;
    assert_eq!(brotli.status, StatusCode::OK);
    assert_eq!(brotli.headers[header::CONTENT_ENCODING], "br");
    assert_eq!(brotli.headers[header::CACHE_CONTROL], "no-cache");
    assert_eq!(brotli.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let embed = send(&server, get("/widget/embed.html")).await;
    assert!(embed.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().ends_with("frame-ancestors *"));
    let configurator = send(&server, get("/widget/integrer.html")).await;
    assert!(configurator.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("frame-ancestors 'self'"));
    // A commune site missing from allowed_origins still loads the widget and its data (public,
    // no credentials); it only cannot send counts.
    let other = Request::get("/widget/aiguillage.js")
        .header(header::ORIGIN, "https://www.confolens.fr")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&server, other).await.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let beacon = Request::post("/stats")
        .header(header::ORIGIN, "https://www.confolens.fr")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(common::BEACON))
        .unwrap();
    assert_eq!(send(&server, beacon).await.status, StatusCode::FORBIDDEN);
    for path in [
        "/widget/../aiguillage.toml",
        "/widget/data/default.bin.br",
        "/widget/%2e%2e/aiguillage.toml",
        "/widget/.hidden",
    ] {
        assert_eq!(send(&server, get(path)).await.status, StatusCode::NOT_FOUND, "{path}");
    }

    // The configurator's list is the folder's own.
    let list = send(&server, get("/widget/data/territoires.json")).await;
    assert_eq!(list.headers[header::CONTENT_TYPE], "application/json");
    let parsed: serde_json::Value = serde_json::from_str(&list.body).unwrap();
    assert_eq!(parsed[0]["file"], "data/default.bin");
    assert_eq!(parsed[0]["code"], "16");
    assert_eq!(parsed[0]["name"], "Charente");

    // The bundle as built, with its copy: the copy is served, tagged; asked again with its tag,
    // a 304 without a body.
    let data = root.join("widget/data");
    let good = std::fs::read(data.join("default.bin")).unwrap();
    let served = send(&server, request("br")).await;
    assert_eq!(served.headers[header::CONTENT_ENCODING], "br");
    let tag = served.headers[header::ETAG].to_str().unwrap().to_owned();
    let again = Request::get("/widget/data/default.bin")
        .header(header::ACCEPT_ENCODING, "br")
        .header(header::IF_NONE_MATCH, &tag)
        .body(Body::empty())
        .unwrap();
    let again = send(&server, again).await;
    assert_eq!((again.status, again.body.as_str()), (StatusCode::NOT_MODIFIED, ""));
    assert_eq!(again.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let refused = Request::get("/widget/data/default.bin")
        .header(header::ACCEPT_ENCODING, "br;q=0, gzip;q=0")
        .body(Body::empty())
        .unwrap();
    assert!(send(&server, refused).await.headers.get(header::CONTENT_ENCODING).is_none(), "q=0 refuses a coding");

    // A coordinator publishes a new bundle (written beside, renamed into place) without its
    // precompressed copies, whatever the files' dates: it is served at once, plain, never the
    // stale copy; its tag is new.
    let mut newer = aiguillage_engine::bundle::decode(&good).unwrap();
    newer.built_on = aiguillage_engine::Date(newer.built_on.0 + 1);
    let newer = aiguillage_engine::bundle::encode(&newer);
    let publish = |bytes: &[u8]| {
        std::fs::write(data.join("default.bin.tmp"), bytes).unwrap();
        std::fs::rename(data.join("default.bin.tmp"), data.join("default.bin")).unwrap();
    };
    publish(&newer);
    let copy = std::fs::OpenOptions::new().write(true).open(data.join("default.bin.br")).unwrap();
    copy.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(3600)).unwrap();
    let served = send(&server, request("br")).await;
    assert_eq!(served.status, StatusCode::OK);
    assert!(served.headers.get(header::CONTENT_ENCODING).is_none(), "the stale .br is not served, even dated later");
    assert!(served.body == String::from_utf8_lossy(&newer), "the new file");
    assert_ne!(served.headers[header::ETAG], tag.as_str());
    // A bundle cut short by a copy is never served: its last good version is, and /healthz says
    // what cannot be read (the residents are still served).
    publish(&good[..good.len() / 2]);
    let served = send(&server, request("br")).await;
    assert_eq!(served.status, StatusCode::OK);
    assert!(served.body == String::from_utf8_lossy(&newer), "the last good version, not the cut one");
    let health = send(&server, get("/healthz")).await;
    assert_eq!(health.status, StatusCode::OK);
    assert!(
        health.body.starts_with("degraded: bundles that cannot be read") && health.body.contains("default.bin"),
        "{}",
        health.body
    );
    // The same territory in two files: the newer is used, once, in the configurator's list.
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(data.join("16.bin"), &good).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(data.join("default.bin"), &good).unwrap();
    server.bundles.refresh();
    let list: serde_json::Value =
        serde_json::from_str(&send(&server, get("/widget/data/territoires.json")).await.body).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["file"], "data/default.bin", "the newer of the two");
    assert_eq!(send(&server, get("/healthz")).await.body, "ok\n");
    std::fs::remove_dir_all(root).unwrap();
}

#[tokio::test]
async fn healthz_is_red_when_the_database_is_full_and_says_why() {
    let (root, config) = site("full", "[stats]\nper_client_per_minute = 0\nmax_megabytes = 1\n");
    // A database already past its megabyte, as a disk that has filled up.
    let mut store = aiguillage_stats::Store::open(&root.join("stats.sqlite"), 0).unwrap();
    let day = aiguillage_engine::Date::parse("2026-01-01").unwrap();
    let filler: Vec<aiguillage_stats::Count> = (0..30_000)
        .map(|i| aiguillage_stats::Count {
            day: aiguillage_engine::Date(day.0 + i / 100),
            need: "emploi".into(),
            commune: format!("16{:03}", i % 100),
            lang: "fr",
            mode: "resident",
            without_help_near: false,
        })
        .collect();
    store.add(&filler).unwrap();
    drop(store);
    let server = Arc::new(Server::new(&Config::load(&config).unwrap()).unwrap());
    assert_eq!(send(&server, get("/healthz")).await.status, StatusCode::OK, "nothing has failed yet");
    // New rows, until one needs a page the limit refuses.
    let communes: Vec<String> =
        server.bundles.current().bundles()[0].communes.iter().map(|c| c.insee.to_string()).collect();
    let mut refused = None;
    'sending: for need in ["emploi", "demarches-caf", "demarches-impots", "securite", "materiel"] {
        for commune in &communes {
            let beacon = BEACON.replace("demarches-caf", need).replace("16292", commune);
            let answer = send(&server, post(beacon, "text/plain")).await;
            if answer.status != StatusCode::NO_CONTENT {
                refused = Some(answer);
                break 'sending;
            }
        }
    }
    let refused = refused.expect("a full database refuses a count");
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE, "{}", refused.body);
    let health = send(&server, get("/healthz")).await;
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(health.body.starts_with("counts cannot be kept:") && health.body.contains("full"), "{}", health.body);
    std::fs::remove_dir_all(root).unwrap();
}

#[tokio::test]
async fn the_guides_are_public_pages_whose_codes_open_their_territorys_widget_page() {
    let (_root, server) = server(
        "guides",
        "[guide]\nwidget_url = \"https://www.charente.fr/aide\"\n[guide.widget_urls]\n\
         \"200043016\" = \"https://www.cc-valdecharente.fr/numerique\"\n\"16015\" = \"https://www.angouleme.fr/numerique\"\n",
    );
    // Ruffec, in the CC Val de Charente: its EPCI's page.
    let ruffec = send(&server, get("/guide/16292.html")).await;
    assert_eq!(ruffec.status, StatusCode::OK);
    assert_eq!(ruffec.headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    let csp = ruffec.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.starts_with("default-src 'none'; style-src 'sha256-") && csp.ends_with("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(ruffec
        .body
        .contains("https://www.cc-valdecharente.fr/numerique#aiguillage=step.results~need.emploi~commune.16292"));
    // Angoulême has a page of its own; Cognac has the default.
    let angouleme = send(&server, get("/guide/16015.html")).await;
    assert!(angouleme
        .body
        .contains("https://www.angouleme.fr/numerique#aiguillage=step.results~need.demarches~commune.16015"));
    let cognac = send(&server, get("/guide/16102.html")).await;
    assert!(cognac.body.contains("https://www.charente.fr/aide#aiguillage=step.results~need.demarches~commune.16102"));
    // The EPCI's guide, in simple French: its codes ask the commune.
    let epci = send(&server, get("/guide/200043016.html?langue=fr-x-falc&grands-caracteres=oui")).await;
    assert_eq!(epci.status, StatusCode::OK);
    assert!(epci.body.contains("<html lang=\"fr\" class=\"large\">"));
    assert!(epci.body.contains("Qui peut m&#39;aider avec internet ? CC Val de Charente"), "the FALC title");
    assert!(epci.body.contains("https://www.cc-valdecharente.fr/numerique#aiguillage=step.commune~need.demarches"));
    // The list of guides, and what is not a guide.
    let index = send(&server, get("/guide/")).await;
    assert!(index.body.contains("<a href=\"200043016.html\">CC Val de Charente</a> (32 communes)"), "{}", index.body);
    for path in ["/guide/99999.html", "/guide/16292", "/guide/..%2Faiguillage.js", "/guide/16292.html.br"] {
        assert_eq!(send(&server, get(path)).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[test]
fn a_guide_page_that_is_not_an_address_is_refused_at_startup() {
    let (_root, config) = site("guide-config", "[guide]\nwidget_url = \"javascript:alert(1)\"\n");
    let error = Config::load(&config).unwrap_err().to_string();
    assert!(error.contains("[guide] `javascript:alert(1)` is not the address of a page"), "{error}");
}
