//! The coordinator's workspace, request by request (issue #29): nothing without a session,
//! sign-in limits, CSRF, one territory's coordinator kept out of another's places, and markup
//! typed in a field shown as text.

mod common;

use std::sync::Arc;

use aiguillage_server::config::Config;
use aiguillage_server::Server;
use aiguillage_workspace::{accounts, Account, Store};
use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use common::site;

const PASSWORD: &str = "la charente numérique";

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    /// The value a `Set-Cookie` header gives `name`, and the whole header.
    fn cookie(&self, name: &str) -> Option<(String, String)> {
        self.headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|line| {
            let value = line.strip_prefix(&format!("{name}="))?.split(';').next()?.to_owned();
            Some((value, line.to_owned()))
        })
    }

    /// The form token of the page.
    fn csrf(&self) -> String {
        let at = self.body.find("name=\"csrf\" value=\"").expect("a form with its token") + 19;
        self.body[at..at + 64].to_owned()
    }

    /// Where a redirection leads, from the page at `from` (the server writes it relative).
    fn location(&self, from: &str) -> String {
        let location = self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let mut folder: Vec<&str> = from.split('/').collect();
        folder.pop();
        for part in location.split('/') {
            match part {
                ".." => {
                    folder.pop();
                }
                "." => {}
                part => folder.push(part),
            }
        }
        folder.join("/")
    }
}

async fn send(server: &Arc<Server>, request: Request<Body>) -> Answer {
    let response = server.clone().app().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    Answer { status: parts.status, headers: parts.headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

fn get(path: &str, cookie: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap()
}

fn post(path: &str, cookie: &str, form: &[(&str, &str)]) -> Request<Body> {
    let body: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
    Request::post(path)
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

/// A server on the default territory with two accounts: `charente` (16) and `vienne` (86).
fn server(name: &str) -> (std::path::PathBuf, Arc<Server>) {
    server_with(name, "", |_| {})
}

/// The same, with more configuration, and files written in its folder first.
fn server_with(name: &str, extra: &str, prepare: impl FnOnce(&std::path::Path)) -> (std::path::PathBuf, Arc<Server>) {
    let (root, config) = site(name, extra);
    prepare(&root);
    let config = Config::load(&config).unwrap();
    let store = Store::open(&config.workspace.database).unwrap();
    let hash = accounts::hash_password(PASSWORD).unwrap();
    for (name, territory) in [("charente", "16"), ("vienne", "86")] {
        let account = Account { name: name.into(), territories: vec![territory.into()] };
        store.add_account(&account, &hash, 0).unwrap();
    }
    drop(store);
    (root, Arc::new(Server::new(&config).unwrap()))
}

/// Signs in through the form; the session cookie's value.
async fn sign_in(server: &Arc<Server>, name: &str, password: &str) -> Result<String, Answer> {
    let form = send(server, get("/espace/connexion", "")).await;
    let (token, _) = form.cookie("aiguillage_connexion").expect("the sign-in form's cookie");
    assert_eq!(form.csrf(), token);
    let answer = send(
        server,
        post(
            "/espace/connexion",
            &format!("aiguillage_connexion={token}"),
            &[("csrf", &token), ("identifiant", name), ("mot_de_passe", password)],
        ),
    )
    .await;
    match answer.cookie("aiguillage_espace") {
        Some((session, _)) if answer.status == StatusCode::SEE_OTHER => Ok(session),
        _ => Err(answer),
    }
}

/// A place of the default bundle in `departement`: its id.
fn a_place_in(departement: &str) -> String {
    let bytes = std::fs::read(common::dist().join("data/default.bin")).unwrap();
    let bundle = aiguillage_engine::bundle::decode(&bytes).unwrap();
    let actor = bundle
        .directory
        .actors()
        .iter()
        .find(|a| a.insee.as_deref().is_some_and(|i| i.starts_with(departement)) && a.phone.is_some())
        .expect("a place with a phone");
    actor.id.clone()
}

fn path_of(id: &str) -> String {
    format!("/espace/lieux/{}", aiguillage_workspace::pages::percent(id))
}

#[tokio::test]
async fn every_page_without_a_session_leads_to_the_sign_in() {
    let (_root, server) = server("espace-no-session");
    let place = path_of(&a_place_in("16"));
    for path in [
        "/espace",
        "/espace/lieux",
        place.as_str(),
        "/espace/journal",
        "/espace/journal.csv",
        "/espace/publication",
        "/espace/signalements",
        "/espace/tableau-de-bord",
        "/espace/partage",
        "/espace/lieux/nouveau",
        "/espace/autre",
    ] {
        for cookie in ["", "aiguillage_espace=0123456789abcdef"] {
            let answer = send(&server, get(path, cookie)).await;
            assert_eq!(answer.status, StatusCode::SEE_OTHER, "{path} {cookie}");
            let expected = if path == "/espace" { "/espace/lieux" } else { "/espace/connexion" };
            assert_eq!(answer.location(path), expected, "{path}");
        }
    }
    for path in [place.as_str(), "/espace/deconnexion", "/espace/publication", "/espace/signalements"] {
        let answer = send(&server, post(path, "", &[("csrf", "x"), ("action", "confirmer")])).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(answer.location(path), "/espace/connexion");
    }
    let page = send(&server, get("/espace/connexion", "")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<label for=\"identifiant\">Identifiant</label>"), "{}", page.body);
    assert!(page.body.contains("<label for=\"mot-de-passe\">Mot de passe</label>"));
    let csp = page.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"), "{csp}");
}

#[tokio::test]
async fn a_sign_in_gives_a_new_strict_cookie_and_wrong_tries_lock_with_back_off() {
    let (_root, server) = server("espace-sign-in");
    let first = sign_in(&server, "charente", PASSWORD).await.ok().unwrap();
    let second = sign_in(&server, "charente", PASSWORD).await.ok().unwrap();
    assert_ne!(first, second, "a new identifier at every sign-in");
    assert_eq!(send(&server, get("/espace/lieux", &format!("aiguillage_espace={first}"))).await.status, StatusCode::OK);

    // A session identifier planted before sign-in is not the one after it.
    let form = send(&server, get("/espace/connexion", "")).await;
    let (token, _) = form.cookie("aiguillage_connexion").unwrap();
    let planted = "f".repeat(64);
    let answer = send(
        &server,
        post(
            "/espace/connexion",
            &format!("aiguillage_connexion={token}; aiguillage_espace={planted}"),
            &[("csrf", &token), ("identifiant", "charente"), ("mot_de_passe", PASSWORD)],
        ),
    )
    .await;
    let (session, line) = answer.cookie("aiguillage_espace").unwrap();
    assert_ne!(session, planted);
    for attribute in ["HttpOnly", "SameSite=Strict"] {
        assert!(line.contains(attribute), "{line}");
    }
    // Scoped to the folder it is set from (`/espace`, or a proxy's `/aiguillage/espace`).
    assert!(!line.contains("Path="), "{line}");
    assert_eq!(answer.location("/espace/connexion"), "/espace/lieux");
    assert!(!line.contains("Secure"), "no Secure on loopback: {line}");

    // Without the form's own token: refused, whatever the password.
    let answer = send(
        &server,
        post("/espace/connexion", "", &[("csrf", &token), ("identifiant", "charente"), ("mot_de_passe", PASSWORD)]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(answer.cookie("aiguillage_espace").is_none());

    // One message for a wrong name and a wrong password.
    let unknown = sign_in(&server, "personne", PASSWORD).await.err().unwrap();
    let wrong = sign_in(&server, "vienne", "pas le bon mot de passe").await.err().unwrap();
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(unknown.body.contains("Identifiant ou mot de passe incorrect."));
    assert!(wrong.body.contains("Identifiant ou mot de passe incorrect."));
    // Five wrong in a row lock the account, even for the right password, and say for how long.
    for _ in 0..4 {
        let _ = sign_in(&server, "vienne", "pas le bon mot de passe").await.err().unwrap();
    }
    let locked = sign_in(&server, "vienne", PASSWORD).await.err().unwrap();
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.body.contains("Trop d'essais : réessayez dans 1 minute."), "{}", locked.body);
    // The other account is not locked by them.
    assert!(sign_in(&server, "charente", PASSWORD).await.is_ok());

    // Signing out closes the session on the server, not only in the browser.
    let cookie = format!("aiguillage_espace={second}");
    let page = send(&server, get("/espace/lieux", &cookie)).await;
    let out = send(&server, post("/espace/deconnexion", &cookie, &[("csrf", &page.csrf())])).await;
    assert_eq!(out.location("/espace/deconnexion"), "/espace/connexion");
    assert_eq!(send(&server, get("/espace/lieux", &cookie)).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_cookie_is_secure_when_the_workspace_is_not_on_loopback() {
    let (_root, server) = server("espace-secure");
    let request =
        Request::get("/espace/connexion").header(header::HOST, "espace.charente.fr").body(Body::empty()).unwrap();
    let answer = send(&server, request).await;
    let (_, line) = answer.cookie("aiguillage_connexion").unwrap();
    assert!(line.contains("; Secure"), "{line}");
}

#[tokio::test]
async fn a_correction_needs_its_token_and_its_territory() {
    let (root, server) = server("espace-territory");
    let charente_place = a_place_in("16");
    let vienne = format!("aiguillage_espace={}", sign_in(&server, "vienne", PASSWORD).await.ok().unwrap());
    let charente = format!("aiguillage_espace={}", sign_in(&server, "charente", PASSWORD).await.ok().unwrap());

    // Vienne's coordinator neither sees nor changes a place of Charente, even by its id.
    let list = send(&server, get("/espace/lieux", &vienne)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains(&path_of(&charente_place)), "a Charente place listed for Vienne");
    let page = send(&server, get(&path_of(&charente_place), &vienne)).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let vienne_csrf = list.csrf();
    let attempt = send(
        &server,
        post(&path_of(&charente_place), &vienne, &[("csrf", &vienne_csrf), ("action", "masquer"), ("raison", "fermé")]),
    )
    .await;
    assert_eq!(attempt.status, StatusCode::NOT_FOUND);

    // Charente's sees it; a form without the session's token changes nothing.
    let page = send(&server, get(&path_of(&charente_place), &charente)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for token in ["", vienne_csrf.as_str()] {
        let refused = send(
            &server,
            post(&path_of(&charente_place), &charente, &[("csrf", token), ("action", "masquer"), ("raison", "fermé")]),
        )
        .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "token {token:?}");
    }
    let journal = send(&server, get("/espace/journal", &charente)).await;
    assert!(journal.body.contains("Aucune modification"), "{}", journal.body);
    // The file exists from the start, with no correction in it.
    assert!(!std::fs::read_to_string(root.join("corrections.toml")).unwrap().contains("[[correction]]"));

    // With it: kept, in the journal, in the corrections file.
    let done = send(
        &server,
        post(
            &path_of(&charente_place),
            &charente,
            &[("csrf", &page.csrf()), ("action", "masquer"), ("raison", "fermé")],
        ),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("Lieu masqué"));
    let exported = std::fs::read_to_string(root.join("corrections.toml")).unwrap();
    assert!(
        exported.contains(&format!("id = \"{charente_place}\"")) && exported.contains("masque = \"fermé\""),
        "{exported}"
    );
    let csv = send(&server, get("/espace/journal.csv", &charente)).await;
    assert!(csv.body.contains(&charente_place) && csv.body.contains("charente;16"), "{}", csv.body);
    let vienne_csv = send(&server, get("/espace/journal.csv", &vienne)).await;
    assert!(!vienne_csv.body.contains(&charente_place), "Vienne reads Charente's journal");
}

#[tokio::test]
async fn markup_typed_in_a_field_is_kept_and_shown_as_text() {
    let (root, server) = server("espace-markup");
    let place = a_place_in("16");
    let cookie = format!("aiguillage_espace={}", sign_in(&server, "charente", PASSWORD).await.ok().unwrap());
    let page = send(&server, get(&path_of(&place), &cookie)).await;
    let name = "<script>alert(\"x\")</script> & <b>EPN</b>";
    let answer = send(
        &server,
        post(
            &path_of(&place),
            &cookie,
            &[("csrf", &page.csrf()), ("action", "corriger"), ("nom", name), ("telephone", "05 45 31 01 02")],
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(answer.body.contains("2 correction(s) enregistrée(s)"), "{}", answer.body);
    for page in [answer.body, send(&server, get("/espace/journal", &cookie)).await.body] {
        assert!(!page.contains("<script>alert"), "markup shown as markup");
        assert!(
            page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;EPN&lt;/b&gt;"),
            "{page}"
        );
    }
    let exported: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("corrections.toml")).unwrap()).unwrap();
    assert_eq!(exported["correction"][0]["nom"].as_str(), Some(name));
    assert_eq!(exported["correction"][0]["telephone"].as_str(), Some("+33545310102"));

    // A value that cannot be used is said, next to its field, and nothing of the form is kept.
    let refused = send(
        &server,
        post(
            &path_of(&place),
            &cookie,
            &[("csrf", &page.csrf()), ("action", "corriger"), ("nom", "EPN"), ("horaires", "le lundi")],
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("#horaires\">Horaires</a>") && refused.body.contains("format OpenStreetMap"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("(erreur au caractère 1)"), "{}", refused.body);
    let journal = send(&server, get("/espace/journal.csv", &cookie)).await;
    assert_eq!(journal.body.lines().count(), 3, "{}", journal.body);
}

#[tokio::test]
async fn every_address_of_a_page_is_relative_so_that_a_proxy_may_serve_it_under_a_prefix() {
    let (_root, server) = server("espace-prefix");
    let place = a_place_in("16");
    let cookie = format!("aiguillage_espace={}", sign_in(&server, "charente", PASSWORD).await.ok().unwrap());
    for (path, base) in [("/espace/lieux", "./"), (path_of(&place).as_str(), "../"), ("/espace/journal", "./")] {
        let page = send(&server, get(path, &cookie)).await;
        assert!(page.body.contains(&format!("<base href=\"{base}\">")), "{path}: {}", page.body);
        for attribute in ["href=\"/", "action=\"/", "src=\"/"] {
            assert!(!page.body.contains(attribute), "{path} has an absolute address: {attribute}");
        }
    }
}

#[tokio::test]
async fn the_workspace_shows_what_a_publication_would_change_then_publishes() {
    use std::os::unix::fs::PermissionsExt;
    let (root, server) = server_with(
        "espace-publish",
        "[publish]\nconfig = \"publish.toml\"\nevery = \"6h\"\ncommand = \"./fake-aiguillage\"\n",
        |root| {
            std::fs::write(root.join("publish.toml"), "out_dir = \"widget/data/national\"\nstate_dir = \"state\"\n")
                .unwrap();
            // A stand-in for `aiguillage`: notes its arguments, prints a report as the command does.
            let script = root.join("fake-aiguillage");
            std::fs::write(
                &script,
                format!(
                    "#!/bin/sh\necho \"$@\" >> '{}/calls'\ncase \"$*\" in *--dry-run*) echo '16 Charente: 1 place changed <b>Ruffec</b>'; echo 'Dry run: nothing was published.';; *) echo 'Publication x is live.';; esac\n",
                    root.display()
                ),
            )
            .unwrap();
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        },
    );
    let cookie = format!("aiguillage_espace={}", sign_in(&server, "charente", PASSWORD).await.ok().unwrap());
    let page = send(&server, get("/espace/publication", &cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Publier maintenant"), "{}", page.body);

    let refused = send(&server, post("/espace/publication", &cookie, &[("action", "publier")])).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!root.join("calls").exists(), "nothing run without the form's token");

    let preview =
        send(&server, post("/espace/publication", &cookie, &[("csrf", &page.csrf()), ("action", "prevoir")])).await;
    assert!(preview.body.contains("Ce que la prochaine publication changerait"), "{}", preview.body);
    assert!(
        preview.body.contains("1 place changed &lt;b&gt;Ruffec&lt;/b&gt;"),
        "the report shown as text: {}",
        preview.body
    );
    let done =
        send(&server, post("/espace/publication", &cookie, &[("csrf", &page.csrf()), ("action", "publier")])).await;
    assert!(done.body.contains("Publié") && done.body.contains("Publication x is live."), "{}", done.body);
    let calls = std::fs::read_to_string(root.join("calls")).unwrap();
    let config = root.join("publish.toml").display().to_string();
    assert_eq!(calls, format!("publish --config {config} --dry-run\npublish --config {config}\n"));
}

fn report(body: &str, origin: Option<&str>, content_type: &str) -> Request<Body> {
    let mut request = Request::post("/signalements")
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::CONTENT_TYPE, content_type);
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    request.body(Body::from(body.to_owned())).unwrap()
}

#[tokio::test]
async fn a_report_is_refused_as_a_count_is_and_kept_for_its_territory_only() {
    let (root, server) = server("espace-reports");
    let place = a_place_in("16");
    let ruffec = Some("https://www.ruffec.fr");
    let good = format!(
        r#"{{"place":"{place}","kind":"telephone","text":"Le numéro ne répond plus <script>alert(1)</script>"}}"#
    );
    let answer = send(&server, report(&good, ruffec, "text/plain;charset=UTF-8")).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(answer.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://www.ruffec.fr");
    let refused = [
        (report(&good, Some("https://evil.example"), "text/plain"), StatusCode::FORBIDDEN),
        (report(&good, ruffec, "application/x-www-form-urlencoded"), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (
            report(
                &format!(r#"{{"place":"{place}","kind":"telephone","text":"{}"}}"#, "é".repeat(800)),
                ruffec,
                "text/plain",
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            report(
                &format!(r#"{{"place":"{place}","kind":"telephone","text":"{}"}}"#, "a".repeat(281)),
                ruffec,
                "text/plain",
            ),
            StatusCode::BAD_REQUEST,
        ),
        (report(&format!(r#"{{"place":"{place}","kind":"rien"}}"#), ruffec, "text/plain"), StatusCode::BAD_REQUEST),
        (
            report(&format!(r#"{{"place":"{place}","kind":"ferme","email":"a@b.fr"}}"#), ruffec, "text/plain"),
            StatusCode::BAD_REQUEST,
        ),
        (report(r#"{"place":"pas-un-lieu","kind":"ferme"}"#, ruffec, "text/plain"), StatusCode::BAD_REQUEST),
        // The client's seventh report in a minute (the refused ones count too): refused for it.
        (report(&good, ruffec, "text/plain"), StatusCode::TOO_MANY_REQUESTS),
    ];
    for (request, status) in refused {
        assert_eq!(send(&server, request).await.status, status);
    }

    // Kept with its day only: nothing of the sender, no time of day.
    let database = rusqlite::Connection::open(root.join("espace.sqlite")).unwrap();
    let columns: Vec<String> = database
        .prepare("SELECT name FROM pragma_table_info('reports')")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(columns, ["id", "territory", "place", "kind", "text", "day", "resolved_by", "resolved_at"]);
    let day: String = database.query_row("SELECT day FROM reports LIMIT 1", [], |row| row.get(0)).unwrap();
    assert_eq!(day.len(), 10, "{day}");

    let charente = format!("aiguillage_espace={}", sign_in(&server, "charente", PASSWORD).await.ok().unwrap());
    let vienne = format!("aiguillage_espace={}", sign_in(&server, "vienne", PASSWORD).await.ok().unwrap());
    let queue = send(&server, get("/espace/signalements", &charente)).await;
    assert!(queue.body.contains("À traiter (1)"), "{}", queue.body);
    assert!(queue.body.contains("Le numéro ne répond plus &lt;script&gt;alert(1)&lt;/script&gt;"), "{}", queue.body);
    assert!(!queue.body.contains("<script>alert"));
    assert!(queue.body.contains(&format!("href=\"lieux/{}\"", aiguillage_workspace::pages::percent(&place))));
    let listed = send(&server, get("/espace/lieux?signal=signale", &charente)).await;
    assert!(listed.body.contains("1 lieux affichés"), "{}", listed.body);
    let other = send(&server, get("/espace/signalements", &vienne)).await;
    assert!(other.body.contains("À traiter (0)") && !other.body.contains("ne répond plus"), "{}", other.body);

    // Resolved by its territory's coordinator only, who and when recorded.
    let id = {
        let at = queue.body.find("name=\"signalement\" value=\"").unwrap() + 26;
        queue.body[at..].split('"').next().unwrap().to_owned()
    };
    let by_vienne =
        send(&server, post("/espace/signalements", &vienne, &[("csrf", &other.csrf()), ("signalement", &id)])).await;
    assert_eq!(by_vienne.status, StatusCode::NOT_FOUND);
    let without_token = send(&server, post("/espace/signalements", &charente, &[("signalement", &id)])).await;
    assert_eq!(without_token.status, StatusCode::FORBIDDEN);
    let done =
        send(&server, post("/espace/signalements", &charente, &[("csrf", &queue.csrf()), ("signalement", &id)])).await;
    assert!(done.body.contains("À traiter (0)") && done.body.contains("traité par charente"), "{}", done.body);
    let journal = send(&server, get("/espace/journal.csv", &charente)).await;
    assert!(journal.body.contains("signalement;") && journal.body.contains(";résolu"), "{}", journal.body);
}

#[tokio::test]
async fn a_correction_the_sources_changed_since_is_shown_to_review() {
    let place = a_place_in("16");
    let conflict = format!(
        r#"{{"finished": 0, "outcome": {{"kind": "published", "id": "x"}}, "conflicts": [{{"place": "{place}", "field": "telephone", "now": "+33545311111", "then": "+33545310000"}}]}}"#
    );
    let (_root, server) = server_with(
        "espace-conflict",
        "[publish]\nconfig = \"publish.toml\"\nevery = \"6h\"\ncommand = \"/bin/false\"\n",
        |root| {
            std::fs::write(root.join("publish.toml"), "out_dir = \"widget/data/national\"\nstate_dir = \"state\"\n")
                .unwrap();
            std::fs::create_dir_all(root.join("state")).unwrap();
            std::fs::write(root.join("state/last-run.json"), &conflict).unwrap();
        },
    );
    let cookie = format!("aiguillage_espace={}", sign_in(&server, "charente", PASSWORD).await.ok().unwrap());
    let listed = send(&server, get("/espace/lieux?signal=conflit", &cookie)).await;
    assert!(listed.body.contains("1 lieux affichés") && listed.body.contains(&path_of(&place)[8..]), "{}", listed.body);
    // Shown on the place once it has its correction of that field.
    let page = send(&server, get(&path_of(&place), &cookie)).await;
    assert!(!page.body.contains("Corrections à revoir"));
    let corrected = send(
        &server,
        post(
            &path_of(&place),
            &cookie,
            &[("csrf", &page.csrf()), ("action", "corriger"), ("telephone", "05 45 99 88 77")],
        ),
    )
    .await;
    assert!(corrected.body.contains("Corrections à revoir"), "{}", corrected.body);
    assert!(corrected
        .body
        .contains("les sources disent maintenant « +33545311111 » ; elles disaient « +33545310000 »"));
    // Made against what the sources say now: the next publication finds no conflict.
    let exported = std::fs::read_to_string(_root.join("corrections.toml")).unwrap();
    assert!(exported.contains("telephone = \"+33545311111\""), "the sources' value now, under avant: {exported}");
    // The sources' value typed back: the correction is withdrawn.
    let back = send(
        &server,
        post(
            &path_of(&place),
            &cookie,
            &[("csrf", &page.csrf()), ("action", "corriger"), ("telephone", "05 45 31 11 11")],
        ),
    )
    .await;
    assert!(back.body.contains("1 correction(s) enregistrée(s)"), "{}", back.body);
    assert!(!std::fs::read_to_string(_root.join("corrections.toml")).unwrap().contains("[[correction]]"));
}

#[tokio::test]
async fn a_field_left_untouched_is_not_checked_again() {
    use aiguillage_workspace::fields;
    let (_root, server) = server("espace-untouched");
    let bytes = std::fs::read(common::dist().join("data/default.bin")).unwrap();
    let bundle = aiguillage_engine::bundle::decode(&bytes).unwrap();
    let (taxonomy, wording, _) = aiguillage_shipped::project::shipped().unwrap();
    let checking = fields::Checking {
        vocabulary: fields::Vocabulary { taxonomy: &taxonomy, wording: &wording },
        today: aiguillage_engine::calendar::Date::from_ymd(2026, 12, 7).unwrap(),
        holidays: Default::default(),
    };
    // A place of Charente one of whose values, as the sources give it, the form would refuse
    // (hours in words, a short number, a name too long…), with a phone field to correct.
    let (place, refused) = bundle
        .directory
        .actors()
        .iter()
        .filter(|a| a.insee.as_deref().is_some_and(|i| i.starts_with("16")))
        .find_map(|actor| {
            fields::FIELDS.iter().filter(|f| f.code != "telephone").find_map(|field| {
                let value = fields::shown(field, &fields::current(actor, field, &taxonomy));
                fields::check(field, &value, &checking).is_err().then(|| (actor.id.clone(), (field.code, value)))
            })
        })
        .expect("a place with a value the form refuses");
    let cookie = format!("aiguillage_espace={}", sign_in(&server, "charente", PASSWORD).await.ok().unwrap());
    let page = send(&server, get(&path_of(&place), &cookie)).await;
    let csrf = page.csrf();
    let pairs = [
        ("csrf", csrf.as_str()),
        ("action", "corriger"),
        (refused.0, refused.1.as_str()),
        ("telephone", "05 45 31 01 02"),
    ];
    let answer = send(&server, post(&path_of(&place), &cookie, &pairs)).await;
    assert_eq!(answer.status, StatusCode::OK, "{} {:?}: {}", place, refused, answer.body);
    assert!(answer.body.contains("1 correction(s) enregistrée(s)"), "{}", answer.body);
}

#[tokio::test]
async fn the_dashboard_is_for_signed_in_coordinators_and_the_holders_of_a_share_link() {
    let (_root, server) = server("espace-dashboard");
    // Closed by default at its public address.
    for path in ["/tableau-de-bord", "/tableau-de-bord.csv?territoire=16", "/tableau-de-bord?partage=0123abcd"] {
        let answer = send(&server, get(path, "")).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
        assert!(answer.body.contains("réservé"), "{}", answer.body);
    }
    // In the workspace, for the account's territories only.
    let charente = format!("aiguillage_espace={}", sign_in(&server, "charente", PASSWORD).await.ok().unwrap());
    let vienne = format!("aiguillage_espace={}", sign_in(&server, "vienne", PASSWORD).await.ok().unwrap());
    let own = send(&server, get("/espace/tableau-de-bord", &charente)).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("Tableau de bord des orientations — Charente"), "{}", own.body);
    assert!(own.body.contains("<main><p class=\"no-print\"><a href=\"lieux\">← Espace de coordination</a></p><h1>"));
    assert!(send(&server, get("/espace/tableau-de-bord.csv", &charente)).await.body.starts_with("mois,besoin"));
    assert_eq!(send(&server, get("/espace/tableau-de-bord.css", &charente)).await.status, StatusCode::OK);
    assert_eq!(
        send(&server, get("/espace/tableau-de-bord", &vienne)).await.status,
        StatusCode::NOT_FOUND,
        "Vienne is not served here"
    );
    assert_eq!(send(&server, get("/espace/tableau-de-bord", "")).await.status, StatusCode::SEE_OTHER);

    // A share link, made once, opens its territory's dashboard without an account, until revoked.
    let page = send(&server, get("/espace/partage", &charente)).await;
    let refused = send(&server, post("/espace/partage", &charente, &[("action", "creer"), ("territoire", "16")])).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let made = send(
        &server,
        post("/espace/partage", &charente, &[("csrf", &page.csrf()), ("action", "creer"), ("territoire", "16")]),
    )
    .await;
    let at = made.body.find("partage=").expect("the new link") + 8;
    let token = made.body[at..at + 64].to_owned();
    let shared = send(&server, get(&format!("/tableau-de-bord?territoire=16&partage={token}"), "")).await;
    assert_eq!(shared.status, StatusCode::OK);
    assert!(shared.body.contains(&format!("name=\"partage\" value=\"{token}\"")), "the period form keeps the link");
    assert!(
        shared.body.contains(&format!("tableau-de-bord.csv?partage={token}")),
        "so does the CSV link: {}",
        shared.body
    );
    let csv = send(&server, get(&format!("/tableau-de-bord.csv?partage={token}&territoire=16"), "")).await;
    assert!(csv.body.starts_with("mois,besoin"));
    // Only its territory.
    let other = send(&server, get(&format!("/tableau-de-bord?territoire=86&partage={token}"), "")).await;
    assert_eq!(other.status, StatusCode::BAD_REQUEST);
    // Vienne's coordinator neither sees nor revokes it.
    let listed = send(&server, get("/espace/partage", &vienne)).await;
    assert!(listed.body.contains("Aucun lien"), "{}", listed.body);
    let id = {
        let list = send(&server, get("/espace/partage", &charente)).await;
        let at = list.body.find("name=\"lien\" value=\"").unwrap() + 19;
        list.body[at..at + 64].to_owned()
    };
    assert_ne!(id, token, "the list names a link by its hash, not its token");
    let by_vienne = send(
        &server,
        post("/espace/partage", &vienne, &[("csrf", &listed.csrf()), ("action", "revoquer"), ("lien", &id)]),
    )
    .await;
    assert_eq!(by_vienne.status, StatusCode::NOT_FOUND);
    let revoked = send(
        &server,
        post("/espace/partage", &charente, &[("csrf", &page.csrf()), ("action", "revoquer"), ("lien", &id)]),
    )
    .await;
    assert!(revoked.body.contains("révoqué le"), "{}", revoked.body);
    let closed = send(&server, get(&format!("/tableau-de-bord?territoire=16&partage={token}"), "")).await;
    assert_eq!(closed.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_place_no_source_knows_is_added_and_published_as_a_native_place() {
    let (root, server) = server("espace-add");
    let charente = format!("aiguillage_espace={}", sign_in(&server, "charente", PASSWORD).await.ok().unwrap());
    let vienne = format!("aiguillage_espace={}", sign_in(&server, "vienne", PASSWORD).await.ok().unwrap());
    let page = send(&server, get("/espace/lieux/nouveau", &charente)).await;
    assert_eq!(page.status, StatusCode::OK);
    let form = |csrf: &str| {
        vec![
            ("csrf".to_owned(), csrf.to_owned()),
            ("nom".to_owned(), "Club informatique des aînés".to_owned()),
            ("besoins".to_owned(), String::new()),
            ("besoins".to_owned(), "bases-numeriques".to_owned()),
            ("code_postal".to_owned(), "16700".to_owned()),
            ("commune".to_owned(), "Ruffec".to_owned()),
            ("telephone".to_owned(), "05 45 31 22 33".to_owned()),
            ("horaires".to_owned(), "We 14:00-17:00".to_owned()),
        ]
    };
    let send_form = |cookie: String, fields: Vec<(String, String)>| {
        let server = server.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            send(&server, post("/espace/lieux/nouveau", &cookie, &pairs)).await
        }
    };
    // What is missing is said next to its field, and nothing is kept.
    let mut missing = form(&page.csrf());
    missing.retain(|(k, _)| k != "nom");
    let refused = send_form(charente.clone(), missing).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("ce champ est nécessaire") && refused.body.contains("lieux/nouveau#nom"),
        "{}",
        refused.body
    );
    // Ruffec is not Vienne's.
    let other_page = send(&server, get("/espace/lieux/nouveau", &vienne)).await;
    let elsewhere = send_form(vienne.clone(), form(&other_page.csrf())).await;
    assert_eq!(elsewhere.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(elsewhere.body.contains("une commune de vos départements"), "{}", elsewhere.body);

    let added = send_form(charente.clone(), form(&page.csrf())).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let list = send(&server, get("/espace/lieux", &charente)).await;
    assert!(
        list.body.contains("Lieux ajoutés, à publier") && list.body.contains("Club informatique des aînés"),
        "{}",
        list.body
    );

    // Exported as a [[lieu]], read by the importers as any local place.
    let path = root.join("corrections.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("[[lieu]]") && !text.contains("[[correction]]") && !text.contains("territoire"), "{text}");
    let (taxonomy, _, _) = aiguillage_shipped::project::shipped().unwrap();
    let communes = aiguillage_import::reference::france();
    let context = aiguillage_import::Context {
        taxonomy: &taxonomy,
        communes: &communes,
        today: aiguillage_engine::calendar::Date::from_ymd(2026, 12, 7).unwrap(),
        horizon_days: 30,
    };
    let imported = aiguillage_import::sources::import(&path, text.as_bytes(), None, &context);
    assert!(imported.report.diagnostics.is_empty(), "{:?}", imported.report.diagnostics);
    let place = &imported.entries[0].actor;
    assert!(place.id.starts_with("espace--club-informatique-des-aines-"), "{}", place.id);
    assert_eq!(place.insee.as_deref(), Some("16292"));
    assert_eq!(place.phone.as_deref(), Some("+33545312233"));
    assert_eq!(place.source.as_ref() as &str, "espace de coordination");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_sent_together_cannot_all_pass_the_lock() {
    let (_root, server) = server("espace-crowd");
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let server = server.clone();
        attempts
            .spawn(async move { sign_in(&server, "vienne", "pas le bon mot de passe").await.err().unwrap().status });
    }
    let mut checked = 0;
    while let Some(status) = attempts.join_next().await {
        match status.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("{other}"),
        }
    }
    // Five free tries, each counted before its password is checked: the others wait the lock.
    assert_eq!(checked, 5, "passwords checked");
    assert_eq!(sign_in(&server, "vienne", PASSWORD).await.err().unwrap().status, StatusCode::TOO_MANY_REQUESTS);
    // A name that cannot be an account's leaves no row of its own.
    let _ = sign_in(&server, &"x".repeat(5_000), PASSWORD).await;
    let database = rusqlite::Connection::open(_root.join("espace.sqlite")).unwrap();
    let longest: i64 = database.query_row("SELECT max(length(key)) FROM attempts", [], |row| row.get(0)).unwrap();
    assert!(longest < 100, "{longest}");
}
