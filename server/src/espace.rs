//! The coordinator's workspace over HTTP, `/espace` (issue #29): sign-in with limits and
//! back-off, sessions in an `HttpOnly`, `SameSite=Strict` cookie scoped to `/espace`, a CSRF
//! token on every form, the places of the account's territories, their correction, and the
//! journal. The pages and the rules are `aiguillage_workspace`'s; this module only translates.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use aiguillage_engine::calendar::{paris_from_unix, Calendar, Date};
use aiguillage_engine::{Taxonomy, Wording};
use aiguillage_workspace::fields::{self, Checking, Vocabulary, FIELDS};
use aiguillage_workspace::pages::{self, FieldState, Filters, Here, PlacePage, ROOT};
use aiguillage_workspace::places::{self, Flag};
use aiguillage_workspace::store::{random_token, same_token};
use aiguillage_workspace::{accounts, throttle, Correction, Session, Store};
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Response, StatusCode, Uri};
use axum::routing::get;
use axum::Router;

use crate::files::plain;
use crate::limiter::{Limiter, Network};
use crate::origins::Origins;
use crate::statistics::TerritoriesNow;

/// The session's cookie, sent to `/espace` only.
const SESSION_COOKIE: &str = "aiguillage_espace";
/// The sign-in form's own token, before there is a session.
const SIGN_IN_COOKIE: &str = "aiguillage_connexion";
/// The largest form accepted (the correction form with long hours is far smaller).
const MAX_FORM_BYTES: usize = 64 * 1024;
/// How long a form's body may take to arrive (a slow client cannot hold a connection).
const FORM_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
/// The journal's page shows this many changes; the CSV has them all.
const JOURNAL_PAGE: usize = 200;

const CSS: &str = include_str!("espace.css");
/// The tab's icon (a browser asks for one; without it, a 404 at every page).
const ICON: &str = include_str!("espace-favicon.svg");

pub struct Workspace {
    store: Mutex<Store>,
    territories: TerritoriesNow,
    taxonomy: Taxonomy,
    wording: Wording,
    trusted_proxies: Vec<Network>,
    /// Written again after every change: the native TOML the publication reads.
    corrections_file: Option<PathBuf>,
    /// The time, in seconds since the Unix epoch.
    pub clock: fn() -> i64,
    /// Publishing from the workspace, where the server publishes by itself (`[publish]`).
    pub publication: Option<Publication>,
    /// One publication asked at a time.
    publishing_now: tokio::sync::Mutex<()>,
    /// Password verifications running at once, at most two.
    verifying: tokio::sync::Semaphore,
    /// One export of the corrections at a time.
    exporting: Mutex<()>,
    /// The sites that may send reports: those that may send counts (re-read on SIGHUP).
    pub origins: std::sync::RwLock<Origins>,
    /// Reports per client and minute.
    reports_limiter: Limiter,
    /// The counts, whose dashboard coordinators read here.
    pub statistics: Option<Arc<crate::statistics::Statistics>>,
}

/// Reports a client may send per minute (a few places wrong at once, not a flood).
pub const REPORTS_PER_CLIENT_PER_MINUTE: u32 = 6;

/// How the workspace publishes: the server's own command, then the served folder read again.
pub struct Publication {
    pub publishing: Arc<crate::publishing::Publishing>,
    pub refresh: Arc<dyn Fn() + Send + Sync>,
}

impl Workspace {
    pub fn new(
        store: Store,
        territories: TerritoriesNow,
        trusted_proxies: Vec<Network>,
        corrections_file: Option<PathBuf>,
    ) -> Result<Workspace, String> {
        let (taxonomy, wording, _) = aiguillage_shipped::project::shipped().map_err(|e| e.to_string())?;
        Ok(Workspace {
            store: Mutex::new(store),
            territories,
            taxonomy,
            wording,
            trusted_proxies,
            corrections_file,
            clock: crate::statistics::system_clock,
            publication: None,
            publishing_now: tokio::sync::Mutex::new(()),
            verifying: tokio::sync::Semaphore::new(2),
            exporting: Mutex::new(()),
            origins: std::sync::RwLock::new(Origins::List(Vec::new())),
            reports_limiter: Limiter::new(REPORTS_PER_CLIENT_PER_MINUTE),
            statistics: None,
        })
    }

    /// The corrections the last publication found in conflict with the sources.
    fn conflicts(&self) -> Vec<crate::publishing::Conflict> {
        self.publication.as_ref().map(|p| p.publishing.conflicts()).unwrap_or_default()
    }

    fn vocabulary(&self) -> Vocabulary<'_> {
        Vocabulary { taxonomy: &self.taxonomy, wording: &self.wording }
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds `account` with the password hash `hash`, or gives it that password (the demo's own
    /// account, made at every start).
    pub fn set_account(&self, account: &aiguillage_workspace::Account, hash: &str) -> Result<(), String> {
        let store = self.store();
        let now = (self.clock)();
        if store.account(&account.name).map_err(|e| e.to_string())?.is_some() {
            return store.set_password(&account.name, hash).map(|_| ()).map_err(|e| e.to_string());
        }
        store.add_account(account, hash, now).map_err(|e| e.to_string())
    }

    /// Writes the corrections file again (beside, then renamed: the publication never reads half).
    pub fn export(&self) -> Result<(), String> {
        let Some(path) = &self.corrections_file else { return Ok(()) };
        // One export at a time, from reading to renaming: a later one never loses to an earlier.
        let _turn = self.exporting.lock().unwrap_or_else(|p| p.into_inner());
        let corrections = self.store().corrections(None).map_err(|e| e.to_string())?;
        let text = aiguillage_workspace::export::to_toml(&corrections, &day((self.clock)()).to_string())?;
        let beside = path.with_extension("toml.new");
        std::fs::write(&beside, text)
            .and_then(|()| std::fs::rename(&beside, path))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    }
}

pub fn routes(workspace: Arc<Workspace>) -> Router {
    Router::new()
        .route(ROOT, get(home))
        .route("/espace/", get(home))
        .route("/espace/espace.css", get(stylesheet))
        .route("/espace/favicon.svg", get(icon))
        .route("/espace/connexion", get(sign_in_page).post(sign_in))
        .route("/espace/deconnexion", axum::routing::post(sign_out))
        .route("/espace/lieux", get(place_list))
        .route("/espace/lieux/nouveau", get(new_place_page).post(add_place))
        .route("/espace/lieux/{id}", get(place_page).post(place_change))
        .route("/espace/journal", get(journal))
        .route("/espace/publication", get(publication_page).post(publish))
        .route("/espace/signalements", get(report_list).post(resolve_report))
        .route("/espace/tableau-de-bord", get(dashboard))
        .route("/espace/tableau-de-bord.csv", get(dashboard))
        .route("/espace/tableau-de-bord.css", get(crate::statistics::stylesheet))
        .route("/espace/partage", get(share_page).post(share_change))
        .route("/signalements", axum::routing::post(receive_report).options(report_preflight))
        .route("/espace/journal.csv", get(journal_csv))
        .route("/espace/{*rest}", get(not_found).post(not_found))
        .with_state(workspace)
}

fn day(now: i64) -> Date {
    paris_from_unix(now).date
}

// Responses.

/// A page with the workspace's headers: a CSP with no inline script or style, no caching, not
/// framed.
fn html(status: StatusCode, page: String) -> Response<Body> {
    let mut response = Response::new(Body::from(page));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    secure_headers(headers);
    response
}

fn secure_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'",
        ),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

/// A `303` to `to`, an address within the workspace (`lieux`), written relative to `here`: the
/// server does not know the prefix a proxy serves it under.
fn redirect(here: &Here, to: &str) -> Response<Body> {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(location) = HeaderValue::from_str(&format!("{}{to}", here.base)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    secure_headers(response.headers_mut());
    response
}

fn problem(here: &Here, status: StatusCode, message: &str, signed_in: Option<&Session>) -> Response<Body> {
    let account = signed_in.map(|s| (&s.account, s.csrf.as_str()));
    html(status, pages::page("Impossible", here, account, pages::problem(message)))
}

fn failure(here: &Here, error: impl std::fmt::Display) -> Response<Body> {
    eprintln!("aiguillage-server: workspace: {error}");
    problem(here, StatusCode::INTERNAL_SERVER_ERROR, "Le serveur n'a pas pu enregistrer ou lire ses données ; réessayez, et prévenez son administrateur si cela dure.", None)
}

// Cookies.

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// `Secure` unless the page was asked of this machine by its own name (`cargo xtask demo`, a
/// test): a browser would not send a `Secure` cookie over plain HTTP there.
fn is_loopback(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let name = if host.starts_with('[') { host.split(']').next().map(|h| &h[1..]) } else { host.split(':').next() };
    match name {
        Some("localhost") => true,
        Some(name) => name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

fn set_cookie(response: &mut Response<Body>, headers: &HeaderMap, name: &str, value: Option<&str>) {
    // No `Path`: the browser scopes the cookie to the folder of the address it was set from,
    // `/espace` here, `/aiguillage/espace` behind a proxy's prefix (which this server cannot see).
    let secure = if is_loopback(headers) { "" } else { "; Secure" };
    let text = match value {
        Some(value) => format!("{name}={value}; HttpOnly; SameSite=Strict{secure}"),
        None => format!("{name}=; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    };
    if let Ok(value) = HeaderValue::from_str(&text) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

// Sessions and forms.

/// The session of the request's cookie, if it is open.
fn session(workspace: &Workspace, here: &Here, headers: &HeaderMap) -> Result<Option<Session>, Response<Body>> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else { return Ok(None) };
    workspace.store().session(&token, (workspace.clock)()).map_err(|e| failure(here, e))
}

/// The session, or the way to the sign-in page.
fn signed_in(workspace: &Workspace, here: &Here, headers: &HeaderMap) -> Result<Session, Response<Body>> {
    session(workspace, here, headers)?.ok_or_else(|| redirect(here, "connexion"))
}

/// A submitted form's fields, in order (a field may come several times: checkboxes).
type Form = Vec<(String, String)>;

async fn read_form(here: &Here, request: Request) -> Result<(HeaderMap, Form), Response<Body>> {
    let (parts, body) = request.into_parts();
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(problem(
            here,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Ce formulaire n'a pas été envoyé par une page de l'espace.",
            None,
        ));
    }
    let bytes = match tokio::time::timeout(FORM_WAIT, to_bytes(body, MAX_FORM_BYTES)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => return Err(problem(here, StatusCode::PAYLOAD_TOO_LARGE, "Ce formulaire est trop long.", None)),
        Err(_) => {
            return Err(problem(
                here,
                StatusCode::REQUEST_TIMEOUT,
                "Ce formulaire a mis trop de temps à arriver.",
                None,
            ))
        }
    };
    Ok((parts.headers, form_urlencoded::parse(&bytes).into_owned().collect()))
}

fn value<'f>(form: &'f Form, name: &str) -> Option<&'f str> {
    form.iter().find(|(key, _)| key == name).map(|(_, v)| v.as_str())
}

/// A form posted in a session: where it was posted, its headers, its fields and the session —
/// or the answer when it has no session or not its token.
async fn posted(workspace: &Workspace, request: Request) -> Result<(Here, HeaderMap, Form, Session), Response<Body>> {
    let here = Here::of(request.uri().path());
    let (headers, form) = read_form(&here, request).await?;
    let session = signed_in(workspace, &here, &headers)?;
    check_csrf(&here, &form, &session.csrf)?;
    Ok((here, headers, form, session))
}

/// A form of a session carries its token, or nothing is done.
fn check_csrf(here: &Here, form: &Form, expected: &str) -> Result<(), Response<Body>> {
    match value(form, "csrf") {
        Some(given) if same_token(given, expected) => Ok(()),
        _ => Err(problem(
            here,
            StatusCode::FORBIDDEN,
            "Ce formulaire a expiré ou ne vient pas de l'espace : rechargez la page et recommencez.",
            None,
        )),
    }
}

// Handlers.

async fn home(uri: Uri) -> Response<Body> {
    redirect(&Here::of(uri.path()), "lieux")
}

async fn not_found(State(workspace): State<Arc<Workspace>>, request: Request) -> Response<Body> {
    let here = Here::of(request.uri().path());
    match signed_in(&workspace, &here, request.headers()) {
        Ok(session) => problem(&here, StatusCode::NOT_FOUND, "Cette page n'existe pas.", Some(&session)),
        Err(to_sign_in) => to_sign_in,
    }
}

async fn stylesheet() -> Response<Body> {
    static_file(CSS, "text/css; charset=utf-8")
}

async fn icon() -> Response<Body> {
    static_file(ICON, "image/svg+xml")
}

fn static_file(text: &'static str, content_type: &'static str) -> Response<Body> {
    let mut response = Response::new(Body::from(text));
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

async fn sign_in_page(State(workspace): State<Arc<Workspace>>, uri: Uri, headers: HeaderMap) -> Response<Body> {
    let here = Here::of(uri.path());
    match session(&workspace, &here, &headers) {
        Ok(Some(_)) => return redirect(&here, "lieux"),
        Ok(None) => {}
        Err(response) => return response,
    }
    sign_in_form(&here, &headers, "", None, StatusCode::OK)
}

/// The sign-in form with a new token of its own, in its cookie and in the form.
fn sign_in_form(
    here: &Here,
    headers: &HeaderMap,
    name: &str,
    message: Option<&str>,
    status: StatusCode,
) -> Response<Body> {
    let token = match random_token() {
        Ok(token) => token,
        Err(error) => return failure(here, error),
    };
    let mut response = html(status, pages::page("Connexion", here, None, pages::sign_in(&token, name, message)));
    set_cookie(&mut response, headers, SIGN_IN_COOKIE, Some(&token));
    response
}

/// The one message for a wrong name or a wrong password: which was wrong is not said.
const WRONG: &str = "Identifiant ou mot de passe incorrect.";
/// When the password checks are all taken for longer than [`VERIFY_WAIT`].
const BUSY: &str = "Le serveur est très sollicité : réessayez dans un instant.";
/// How long a sign-in waits for its turn to have its password checked.
const VERIFY_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The client as the sign-in's limit counts it: an IPv4 address, an IPv6 client's /64 (one
/// machine may use many addresses of its network).
fn client_key(client: Option<std::net::IpAddr>) -> String {
    match client {
        Some(std::net::IpAddr::V6(address)) => {
            let segments = address.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", segments[0], segments[1], segments[2], segments[3])
        }
        Some(address) => address.to_string(),
        None => String::new(),
    }
}

async fn sign_in(State(workspace): State<Arc<Workspace>>, request: Request) -> Response<Body> {
    let client = crate::statistics::client_of(&request, &workspace.trusted_proxies);
    let here = Here::of(request.uri().path());
    let (headers, form) = match read_form(&here, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let expected = cookie(&headers, SIGN_IN_COOKIE).unwrap_or_default();
    if expected.is_empty() || check_csrf(&here, &form, &expected).is_err() {
        return sign_in_form(
            &here,
            &headers,
            "",
            Some("La page de connexion a expiré : recommencez."),
            StatusCode::FORBIDDEN,
        );
    }
    let name = value(&form, "identifiant").unwrap_or_default().trim().to_ascii_lowercase();
    let password = value(&form, "mot_de_passe").unwrap_or_default().to_owned();
    // A name that cannot be an account's is not written anywhere (the per-client count is).
    let name_key = accounts::check_name(&name).is_ok().then(|| (format!("compte:{name}"), throttle::PER_ACCOUNT));
    let keys: Vec<(String, throttle::Policy)> =
        name_key.into_iter().chain([(format!("client:{}", client_key(client)), throttle::PER_CLIENT)]).collect();
    // argon2 takes tens of milliseconds of a core and 19 MiB: not on the threads that answer
    // requests, two at a time, and a request that waits too long is told to come back.
    let turn = tokio::time::timeout(VERIFY_WAIT, workspace.verifying.acquire()).await;
    let Ok(Ok(_turn)) = turn else {
        return sign_in_form(&here, &headers, &name, Some(BUSY), StatusCode::SERVICE_UNAVAILABLE);
    };
    // Looked at once the turn has come, and counted as failed before the password is checked:
    // requests sent together cannot all pass the lock.
    let now = (workspace.clock)();
    let (locked, stored) = {
        let store = workspace.store();
        let mut until = None;
        for (key, _) in &keys {
            match store.locked_until(key, now) {
                Ok(found) => until = until.max(found),
                Err(error) => return failure(&here, error),
            }
        }
        if until.is_none() {
            for (key, policy) in &keys {
                // This attempt is checked even if its failure would lock: the lock is for the next.
                if let Err(error) = store.failed(key, *policy, now) {
                    return failure(&here, error);
                }
            }
        }
        match store.account(&name) {
            Ok(stored) => (until, stored),
            Err(error) => return failure(&here, error),
        }
    };
    if let Some(until) = locked {
        return sign_in_form(&here, &headers, &name, Some(&wait_message(until - now)), StatusCode::TOO_MANY_REQUESTS);
    }
    let (account, hash) = match stored {
        Some((account, hash)) => (Some(account), Some(hash)),
        None => (None, None),
    };
    let matches = tokio::task::spawn_blocking(move || accounts::verify_password(&password, hash.as_deref()))
        .await
        .unwrap_or(false);
    let store = workspace.store();
    let Some(account) = account.filter(|_| matches) else {
        // The failure is counted already; whether it locks now is said.
        let mut until = None;
        for (key, _) in &keys {
            match store.locked_until(key, now) {
                Ok(found) => until = until.max(found),
                Err(error) => return failure(&here, error),
            }
        }
        drop(store);
        let message = until.map_or_else(|| WRONG.to_owned(), |until| format!("{WRONG} {}", wait_message(until - now)));
        return sign_in_form(&here, &headers, &name, Some(&message), StatusCode::UNAUTHORIZED);
    };
    // A success forgets the account's failures, and the one just counted for the client.
    let client = &keys[keys.len() - 1];
    if let Err(error) = store.forget_failures(&keys[0].0).and_then(|()| store.forgive_one(&client.0, client.1)) {
        return failure(&here, error);
    }
    // A new identifier at every sign-in: one planted before it opens nothing.
    if let Some(old) = cookie(&headers, SESSION_COOKIE) {
        let _ = store.close_session(&old);
    }
    let opened = match store.open_session(&account.name, now) {
        Ok(opened) => opened,
        Err(error) => return failure(&here, error),
    };
    drop(store);
    let mut response = redirect(&here, "lieux");
    set_cookie(&mut response, &headers, SESSION_COOKIE, Some(&opened.token));
    set_cookie(&mut response, &headers, SIGN_IN_COOKIE, None);
    response
}

fn wait_message(seconds: i64) -> String {
    let minutes = (seconds + 59) / 60;
    format!("Trop d'essais : réessayez dans {minutes} minute{}.", if minutes > 1 { "s" } else { "" })
}

async fn sign_out(State(workspace): State<Arc<Workspace>>, request: Request) -> Response<Body> {
    let (here, headers, _, _) = match posted(&workspace, request).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        if let Err(error) = workspace.store().close_session(&token) {
            return failure(&here, error);
        }
    }
    let mut response = redirect(&here, "connexion");
    set_cookie(&mut response, &headers, SESSION_COOKIE, None);
    response
}

async fn place_list(State(workspace): State<Arc<Workspace>>, request: Request) -> Response<Body> {
    let here = Here::of(request.uri().path());
    let session = match signed_in(&workspace, &here, request.headers()) {
        Ok(session) => session,
        Err(response) => return response,
    };
    let query: Form =
        form_urlencoded::parse(request.uri().query().unwrap_or_default().as_bytes()).into_owned().collect();
    let wanted = |name| value(&query, name).filter(|v| !v.is_empty()).map(str::to_owned);
    let filters = Filters {
        epci: wanted("epci"),
        need: wanted("besoin"),
        flag: wanted("signal").as_deref().and_then(Flag::from_code),
    };
    let (corrections, reports) = {
        let store = workspace.store();
        match (store.corrections(Some(&session.account.territories)), store.reports(&session.account.territories)) {
            (Ok(corrections), Ok(reports)) => (corrections, reports),
            (Err(error), _) | (_, Err(error)) => return failure(&here, error),
        }
    };
    let reported: Vec<String> = reports.into_iter().filter(|r| r.resolved.is_none()).map(|r| r.place).collect();
    let conflicts: Vec<String> = workspace.conflicts().into_iter().map(|c| c.place).collect();
    let territories = (workspace.territories)();
    let now = (workspace.clock)();
    let known = places::Known { corrections: &corrections, reported: &reported, conflicts: &conflicts };
    let all = places::places(territories.bundles(), &session.account, &known, day(now));
    let need = filters.need.as_deref().and_then(|code| workspace.taxonomy.needs.iter().position(|n| n.code == code));
    let shown: Vec<&places::Place<'_>> = all
        .iter()
        .filter(|p| filters.epci.is_none() || p.epci == filters.epci)
        .filter(|p| need.is_none_or(|id| p.actor.needs.contains(id as u8)))
        .filter(|p| filters.flag.is_none_or(|flag| p.flags.contains(&flag)))
        .collect();
    let mut sirens: Vec<&str> = all.iter().filter_map(|p| p.epci.as_deref()).collect();
    sirens.sort_unstable();
    sirens.dedup();
    let mut epcis: Vec<(String, String)> = sirens
        .into_iter()
        .filter_map(|siren| territories.bundles().iter().find_map(|b| b.communes.epci(siren)))
        .map(|e| (e.siren.to_string(), e.name.clone()))
        .collect();
    epcis.sort_by(|a, b| a.1.cmp(&b.1));
    let needs: Vec<(String, String)> =
        workspace.taxonomy.needs.iter().map(|n| (n.code.clone(), n.label.fr.clone())).collect();
    // Places added here and not published yet: not in the bundles.
    let added: Vec<String> = corrections
        .iter()
        .filter(|c| c.field == fields::ADDED && !all.iter().any(|p| p.actor.id == c.place))
        .filter(|c| !corrections.iter().any(|h| h.place == c.place && h.field == fields::HIDDEN))
        .map(|c| {
            corrections
                .iter()
                .find(|n| n.place == c.place && n.field == "nom")
                .map_or(c.place.clone(), |n| n.value.clone())
        })
        .collect();
    let body = pages::places(&shown, &all, &added, &filters, &epcis, &needs);
    html(StatusCode::OK, pages::page("Lieux", &here, Some((&session.account, &session.csrf)), body))
}

/// The id of `/espace/lieux/<id>`, decoded.
fn place_id(request: &Request) -> String {
    let path = request.uri().path();
    let raw = path.strip_prefix("/espace/lieux/").unwrap_or_default();
    form_urlencoded::parse(format!("id={}", raw.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

async fn place_page(State(workspace): State<Arc<Workspace>>, request: Request) -> Response<Body> {
    let here = Here::of(request.uri().path());
    let session = match signed_in(&workspace, &here, request.headers()) {
        Ok(session) => session,
        Err(response) => return response,
    };
    let id = place_id(&request);
    render_place(&workspace, &here, &session, &id, &[], None)
}

/// The place's page: its fields as they would be published (its corrections on top), or as
/// they were typed with what was expected (`typed`, after a refused submission).
fn render_place(
    workspace: &Workspace,
    here: &Here,
    session: &Session,
    id: &str,
    typed: &[(String, String, Option<String>)],
    notice: Option<String>,
) -> Response<Body> {
    let territories = (workspace.territories)();
    let Some(place) = places::place(territories.bundles(), &session.account, id) else {
        // The same answer for a place that does not exist and one of another territory.
        return problem(
            here,
            StatusCode::NOT_FOUND,
            "Aucun lieu de vos territoires n'a cet identifiant.",
            Some(session),
        );
    };
    let pending = match workspace.store().corrections(Some(&session.account.territories)) {
        Ok(all) => all.into_iter().filter(|c| c.place == id).collect::<Vec<Correction>>(),
        Err(error) => return failure(&here, error),
    };
    let corrected = |code: &str| pending.iter().find(|c| c.field == code).map(|c| c.value.clone());
    let fields_shown = field_states(workspace, typed, |field| {
        let kept = corrected(field.code).unwrap_or_else(|| fields::current(place.actor, field, &workspace.taxonomy));
        fields::shown(field, &kept)
    });
    let hours = fields_shown.iter().find(|f| f.field.code == "horaires").map(|f| f.value.clone()).unwrap_or_default();
    let checking = checking_for(workspace, &place);
    let page = PlacePage {
        place: &place,
        preview: fields::week_preview(&hours, &checking),
        fields: fields_shown,
        csrf: &session.csrf,
        hidden: corrected(fields::HIDDEN),
        checked_on: corrected(fields::CHECKED).or_else(|| place.actor.updated.map(|d| d.to_string())),
        notice,
        pending: pending.iter().map(|c| (c.field.clone(), c.value.clone())).collect(),
        conflicts: workspace
            .conflicts()
            .into_iter()
            .filter(|c| c.place == id && pending.iter().any(|p| p.field == c.field))
            .map(|c| (c.field, c.now, c.then))
            .collect(),
    };
    let status = if typed.iter().any(|t| t.2.is_some()) { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    html(status, pages::page(&place.actor.name, here, Some((&session.account, &session.csrf)), pages::place(&page)))
}

/// The form's fields: as typed (with what was expected) after a refused submission, else `shown`.
fn field_states(
    workspace: &Workspace,
    typed: &[(String, String, Option<String>)],
    shown: impl Fn(&'static fields::Field) -> String,
) -> Vec<FieldState<'static>> {
    FIELDS
        .iter()
        .map(|field| {
            let typed = typed.iter().find(|(code, _, _)| code == field.code);
            FieldState {
                field,
                value: typed.map_or_else(|| shown(field), |t| t.1.clone()),
                error: typed.and_then(|t| t.2.clone()),
                choices: fields::choices(field.kind, workspace.vocabulary()),
            }
        })
        .collect()
}

fn checking_for<'a>(workspace: &'a Workspace, place: &places::Place<'_>) -> Checking<'a> {
    let holidays = place.actor.insee.as_deref().map(|i| Calendar::of_insee(i).holidays).unwrap_or_default();
    Checking { vocabulary: workspace.vocabulary(), today: day((workspace.clock)()), holidays }
}

async fn place_change(State(workspace): State<Arc<Workspace>>, request: Request) -> Response<Body> {
    let id = place_id(&request);
    let (here, _, form, session) = match posted(&workspace, request).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let territories = (workspace.territories)();
    let Some(place) = places::place(territories.bundles(), &session.account, &id) else {
        return problem(
            &here,
            StatusCode::NOT_FOUND,
            "Aucun lieu de vos territoires n'a cet identifiant.",
            Some(&session),
        );
    };
    let now = (workspace.clock)();
    let pending = match workspace.store().corrections(Some(&session.account.territories)) {
        Ok(all) => all.into_iter().filter(|c| c.place == id).collect::<Vec<Correction>>(),
        Err(error) => return failure(&here, error),
    };
    let correction = |field: &str, value: String, source_value: String| Correction {
        territory: place.departement.clone(),
        place: id.clone(),
        field: field.to_owned(),
        value,
        source_value,
        account: session.account.name.clone(),
        at: now,
    };
    // (correction, the value shown before, whether it withdraws the correction)
    let mut changes: Vec<(Correction, String, bool)> = Vec::new();
    let notice;
    match value(&form, "action") {
        Some("corriger") => {
            let checking = checking_for(&workspace, &place);
            let conflicts: Vec<_> = workspace.conflicts().into_iter().filter(|c| c.place == id).collect();
            let mut typed = Vec::new();
            for field in FIELDS {
                // A field not in the form is kept; a list's hidden empty value says it is in.
                let given: Vec<&str> = form.iter().filter(|(k, _)| k == field.code).map(|(_, v)| v.as_str()).collect();
                if given.is_empty() {
                    continue;
                }
                let given = given.into_iter().filter(|v| !v.is_empty()).collect::<Vec<_>>().join(",");
                let source = fields::current(place.actor, field, &workspace.taxonomy);
                let earlier = pending.iter().find(|c| c.field == field.code);
                let shown = earlier.map_or_else(|| source.clone(), |c| c.value.clone());
                // Untouched: kept as it is, even a source's value the form would refuse (hours
                // in words, a short number), so that another field can still be corrected.
                if given == fields::shown(field, &shown) {
                    typed.push((field.code.to_owned(), given, None));
                    continue;
                }
                // What the sources say now: the published value for a field not corrected yet;
                // for a corrected one, what the last publication found there when it changed.
                let sources_now = conflicts
                    .iter()
                    .find(|c| c.field == field.code)
                    .map(|c| c.now.clone())
                    .or_else(|| earlier.map(|c| c.source_value.clone()))
                    .unwrap_or(source);
                match fields::check(field, &given, &checking) {
                    Err(expected) => typed.push((field.code.to_owned(), given, Some(expected))),
                    Ok(checked) if checked == shown => typed.push((field.code.to_owned(), given, None)),
                    Ok(checked) => {
                        typed.push((field.code.to_owned(), given, None));
                        let withdraws = checked == sources_now;
                        changes.push((correction(field.code, checked, sources_now), shown, withdraws));
                    }
                }
            }
            if typed.iter().any(|t| t.2.is_some()) {
                return render_place(&workspace, &here, &session, &id, &typed, None);
            }
            notice = if changes.is_empty() {
                "Rien n'a changé.".to_owned()
            } else {
                format!(
                    "{} correction(s) enregistrée(s) ; elles seront visibles des habitants à la prochaine publication.",
                    changes.len()
                )
            };
        }
        Some("confirmer") => {
            let today = day(now).to_string();
            let before = place.actor.updated.map(|d| d.to_string()).unwrap_or_default();
            changes.push((correction(fields::CHECKED, today.clone(), before.clone()), before, false));
            notice = format!("Lieu vérifié le {today}.");
        }
        Some("masquer") => {
            let reason = value(&form, "raison").unwrap_or_default().trim();
            if reason.is_empty() || reason.chars().count() > 280 || reason.chars().any(char::is_control) {
                return problem(
                    &here,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Donnez la raison (280 caractères au plus) : fermé, déménagé…",
                    Some(&session),
                );
            }
            changes.push((correction(fields::HIDDEN, reason.to_owned(), String::new()), String::new(), false));
            notice = "Lieu masqué : il ne sera plus proposé aux habitants après la prochaine publication.".to_owned();
        }
        Some("afficher") => {
            let reason =
                pending.iter().find(|c| c.field == fields::HIDDEN).map(|c| c.value.clone()).unwrap_or_default();
            changes.push((correction(fields::HIDDEN, String::new(), String::new()), reason, true));
            notice = "Le lieu sera de nouveau proposé aux habitants après la prochaine publication.".to_owned();
        }
        _ => return problem(&here, StatusCode::BAD_REQUEST, "Ce formulaire ne dit pas quoi faire.", Some(&session)),
    }
    {
        let mut store = workspace.store();
        for (correction, before, withdraws) in &changes {
            if let Err(error) = store.correct(correction, before, *withdraws) {
                return failure(&here, error);
            }
        }
    }
    if !changes.is_empty() {
        if let Err(error) = workspace.export() {
            eprintln!("aiguillage-server: workspace: {error}");
        }
    }
    render_place(&workspace, &here, &session, &id, &[], Some(notice))
}

async fn journal(State(workspace): State<Arc<Workspace>>, uri: Uri, headers: HeaderMap) -> Response<Body> {
    let here = Here::of(uri.path());
    let session = match signed_in(&workspace, &here, &headers) {
        Ok(session) => session,
        Err(response) => return response,
    };
    let changes = match workspace.store().journal(&session.account.territories, JOURNAL_PAGE) {
        Ok(changes) => changes,
        Err(error) => return failure(&here, error),
    };
    let body = pages::journal(&changes, time_of);
    html(StatusCode::OK, pages::page("Journal", &here, Some((&session.account, &session.csrf)), body))
}

/// `2026-12-07 14:05` in Paris time.
fn time_of(unix: i64) -> String {
    let local = paris_from_unix(unix);
    format!("{} {:02}:{:02}", local.date, local.minute / 60, local.minute % 60)
}

async fn journal_csv(
    State(workspace): State<Arc<Workspace>>,
    uri: Uri,
    headers: HeaderMap,
    method: Method,
) -> Response<Body> {
    let here = Here::of(uri.path());
    let session = match signed_in(&workspace, &here, &headers) {
        Ok(session) => session,
        Err(response) => return response,
    };
    let changes = match workspace.store().journal(&session.account.territories, usize::MAX >> 1) {
        Ok(changes) => changes,
        Err(error) => return failure(&here, error),
    };
    let text = aiguillage_workspace::export::journal_csv(&changes, time_of);
    let mut response = Response::new(if method == Method::HEAD { Body::empty() } else { Body::from(text) });
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"journal-aiguillage.csv\""),
    );
    secure_headers(headers);
    response
}

async fn publication_page(State(workspace): State<Arc<Workspace>>, uri: Uri, headers: HeaderMap) -> Response<Body> {
    let here = Here::of(uri.path());
    match signed_in(&workspace, &here, &headers) {
        Ok(session) => render_publication(&workspace, &here, &session, None),
        Err(response) => response,
    }
}

fn render_publication(
    workspace: &Workspace,
    here: &Here,
    session: &Session,
    outcome: Option<&pages::Published>,
) -> Response<Body> {
    let pending = match workspace.store().corrections(Some(&session.account.territories)) {
        Ok(corrections) => corrections.len(),
        Err(error) => return failure(here, error),
    };
    let body = pages::publication(&session.csrf, workspace.publication.is_some(), pending, outcome);
    html(StatusCode::OK, pages::page("Publication", here, Some((&session.account, &session.csrf)), body))
}

async fn publish(State(workspace): State<Arc<Workspace>>, request: Request) -> Response<Body> {
    let (here, _, form, session) = match posted(&workspace, request).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let dry_run = match value(&form, "action") {
        Some("prevoir") => true,
        Some("publier") => false,
        _ => return problem(&here, StatusCode::BAD_REQUEST, "Ce formulaire ne dit pas quoi faire.", Some(&session)),
    };
    let Some(publication) = &workspace.publication else {
        return render_publication(&workspace, &here, &session, None);
    };
    let Ok(_running) = workspace.publishing_now.try_lock() else {
        return problem(
            &here,
            StatusCode::CONFLICT,
            "Une publication est déjà en cours : son rapport sera sur cette page ; revenez dans quelques minutes.",
            Some(&session),
        );
    };
    let (publishing, refresh) = (publication.publishing.clone(), publication.refresh.clone());
    let outcome = tokio::task::spawn_blocking(move || {
        let (ok, report) = publishing.run_reporting(dry_run);
        if ok && !dry_run {
            refresh();
        }
        (ok, report)
    })
    .await;
    let (ok, report) = outcome.unwrap_or_else(|_| (false, "la publication s'est arrêtée".into()));
    if !dry_run {
        eprintln!(
            "aiguillage-server: workspace: {} published ({})",
            session.account.name,
            if ok { "ok" } else { "failed" }
        );
    }
    render_publication(&workspace, &here, &session, Some(&pages::Published { dry_run, ok, report }))
}

// Reports.

/// `POST /signalements`: a report from the widget, checked as a count is (type, origin, rate,
/// size, shape, a place served), kept with its day only.
async fn receive_report(State(workspace): State<Arc<Workspace>>, request: Request) -> Response<Body> {
    let headers = request.headers().clone();
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mime = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if mime != "text/plain" && mime != "application/json" {
        return plain(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "a report is sent as text/plain or application/json\n".into(),
        );
    }
    let origins = workspace.origins.read().unwrap_or_else(|p| p.into_inner()).clone();
    if !origins.allows_sender(&headers) {
        return plain(StatusCode::FORBIDDEN, "this site is not among the server's allowed origins\n".into());
    }
    if !workspace.reports_limiter.allow(crate::statistics::client_of(&request, &workspace.trusted_proxies)) {
        return plain(
            StatusCode::TOO_MANY_REQUESTS,
            "too many reports from this client; try again in a minute\n".into(),
        );
    }
    let body = match tokio::time::timeout(
        std::time::Duration::from_secs(10),
        to_bytes(request.into_body(), aiguillage_workspace::reports::MAX_BYTES),
    )
    .await
    {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => {
            let most = aiguillage_workspace::reports::MAX_BYTES;
            return plain(StatusCode::PAYLOAD_TOO_LARGE, format!("a report has at most {most} bytes\n"));
        }
        Err(_) => return plain(StatusCode::REQUEST_TIMEOUT, "the report's body took too long\n".into()),
    };
    let territories = (workspace.territories)();
    let departement_of = |id: &str| {
        territories.bundles().iter().find_map(|bundle| {
            let actor = bundle.directory.actors().iter().find(|a| a.id == id)?;
            Some(actor.insee.as_deref().map_or(bundle.territory.clone(), |i| places::departement_of(i).to_owned()))
        })
    };
    let sent = match aiguillage_workspace::reports::parse(&body, |id| departement_of(id).is_some()) {
        Ok(sent) => sent,
        Err(error) => return plain(StatusCode::BAD_REQUEST, format!("refused: {error}\n")),
    };
    let territory = departement_of(&sent.place).unwrap_or_default();
    let today = day((workspace.clock)()).to_string();
    let kept = workspace.store().add_report(&territory, &sent, &today);
    let mut response = match kept {
        Ok(true) => {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NO_CONTENT;
            response
        }
        Ok(false) => plain(StatusCode::TOO_MANY_REQUESTS, "this place has had the day's reports already\n".into()),
        Err(error) => {
            eprintln!("aiguillage-server: workspace: {error}");
            plain(StatusCode::SERVICE_UNAVAILABLE, "the report could not be kept\n".into())
        }
    };
    if let Some(origin) = origins.allow_origin(&headers) {
        response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        response.headers_mut().insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}

async fn report_preflight(State(workspace): State<Arc<Workspace>>, headers: HeaderMap) -> Response<Body> {
    let origins = workspace.origins.read().unwrap_or_else(|p| p.into_inner()).clone();
    crate::origins::preflight(&origins, &headers)
}

async fn report_list(State(workspace): State<Arc<Workspace>>, uri: Uri, headers: HeaderMap) -> Response<Body> {
    let here = Here::of(uri.path());
    match signed_in(&workspace, &here, &headers) {
        Ok(session) => render_reports(&workspace, &here, &session, StatusCode::OK),
        Err(response) => response,
    }
}

fn render_reports(workspace: &Workspace, here: &Here, session: &Session, status: StatusCode) -> Response<Body> {
    let reports = match workspace.store().reports(&session.account.territories) {
        Ok(reports) => reports,
        Err(error) => return failure(here, error),
    };
    let territories = (workspace.territories)();
    let name_of = |id: &str| {
        territories
            .bundles()
            .iter()
            .find_map(|b| b.directory.actors().iter().find(|a| a.id == id).map(|a| a.name.as_str()))
    };
    let group = |open: bool| {
        let mut groups: Vec<pages::ReportedPlace<'_>> = Vec::new();
        for report in reports.iter().filter(|r| r.resolved.is_none() == open) {
            match groups.iter_mut().find(|g| g.id == report.place) {
                Some(group) => group.reports.push(report),
                None => groups.push(pages::ReportedPlace {
                    id: &report.place,
                    name: name_of(&report.place),
                    reports: vec![report],
                }),
            }
        }
        groups
    };
    let (open, resolved) = (group(true), group(false));
    let body = pages::reports(&session.csrf, &open, &resolved, time_of);
    html(status, pages::page("Signalements", here, Some((&session.account, &session.csrf)), body))
}

async fn resolve_report(State(workspace): State<Arc<Workspace>>, request: Request) -> Response<Body> {
    let (here, _, form, session) = match posted(&workspace, request).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let Some(id) = value(&form, "signalement").and_then(|v| v.parse::<i64>().ok()) else {
        return problem(&here, StatusCode::BAD_REQUEST, "Ce formulaire ne dit pas quel signalement.", Some(&session));
    };
    let resolved = workspace.store().resolve_report(id, &session.account, (workspace.clock)());
    match resolved {
        Ok(true) => render_reports(&workspace, &here, &session, StatusCode::OK),
        // The same answer for a report that does not exist, is resolved, or is another territory's.
        Ok(false) => problem(
            &here,
            StatusCode::NOT_FOUND,
            "Aucun signalement à traiter de vos territoires n'a ce numéro.",
            Some(&session),
        ),
        Err(error) => failure(&here, error),
    }
}

// The dashboard, for the account's territories; share links for élus.

async fn dashboard(State(workspace): State<Arc<Workspace>>, request: Request) -> Response<Body> {
    let here = Here::of(request.uri().path());
    let session = match signed_in(&workspace, &here, request.headers()) {
        Ok(session) => session,
        Err(response) => return response,
    };
    let Some(statistics) = &workspace.statistics else {
        return problem(
            &here,
            StatusCode::NOT_FOUND,
            "Les statistiques ne sont pas activées sur ce serveur ([stats] enabled).",
            Some(&session),
        );
    };
    let csv = request.uri().path().ends_with(".csv");
    let back = "<p class=\"no-print\"><a href=\"lieux\">← Espace de coordination</a></p>";
    statistics.dashboard_page(request.uri().query(), Some(&session.account.territories), csv, Some(back)).await
}

async fn share_page(State(workspace): State<Arc<Workspace>>, uri: Uri, headers: HeaderMap) -> Response<Body> {
    let here = Here::of(uri.path());
    match signed_in(&workspace, &here, &headers) {
        Ok(session) => render_share_links(&workspace, &here, &session, None),
        Err(response) => response,
    }
}

fn render_share_links(
    workspace: &Workspace,
    here: &Here,
    session: &Session,
    created: Option<(&str, &str)>,
) -> Response<Body> {
    let links = match workspace.store().share_links(&session.account.territories) {
        Ok(links) => links,
        Err(error) => return failure(here, error),
    };
    let body = pages::share_links(&session.csrf, &session.account.territories, &links, created, time_of);
    html(StatusCode::OK, pages::page("Liens de partage", here, Some((&session.account, &session.csrf)), body))
}

async fn share_change(State(workspace): State<Arc<Workspace>>, request: Request) -> Response<Body> {
    let (here, _, form, session) = match posted(&workspace, request).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let now = (workspace.clock)();
    match value(&form, "action") {
        Some("creer") => {
            let territory = value(&form, "territoire").unwrap_or_default().to_owned();
            if !session.account.covers(&territory) {
                return problem(
                    &here,
                    StatusCode::NOT_FOUND,
                    "Ce département n'est pas l'un des vôtres.",
                    Some(&session),
                );
            }
            let token = match workspace.store().create_share_link(&territory, &session.account.name, now) {
                Ok(token) => token,
                Err(error) => return failure(&here, error),
            };
            render_share_links(&workspace, &here, &session, Some((&territory, &token)))
        }
        Some("revoquer") => {
            let id = value(&form, "lien").unwrap_or_default();
            // Bound first: the store's lock is released before the page reads it again.
            let revoked = workspace.store().revoke_share_link(id, &session.account, now);
            match revoked {
                Ok(true) => render_share_links(&workspace, &here, &session, None),
                Ok(false) => problem(
                    &here,
                    StatusCode::NOT_FOUND,
                    "Aucun lien actif de vos territoires n'a cet identifiant.",
                    Some(&session),
                ),
                Err(error) => failure(&here, error),
            }
        }
        _ => problem(&here, StatusCode::BAD_REQUEST, "Ce formulaire ne dit pas quoi faire.", Some(&session)),
    }
}

// « Ajouter un lieu ».

async fn new_place_page(State(workspace): State<Arc<Workspace>>, uri: Uri, headers: HeaderMap) -> Response<Body> {
    let here = Here::of(uri.path());
    match signed_in(&workspace, &here, &headers) {
        Ok(session) => render_new_place(&workspace, &here, &session, &[]),
        Err(response) => response,
    }
}

fn render_new_place(
    workspace: &Workspace,
    here: &Here,
    session: &Session,
    typed: &[(String, String, Option<String>)],
) -> Response<Body> {
    let fields_shown = field_states(workspace, typed, |_| String::new());
    let hours = fields_shown.iter().find(|f| f.field.code == "horaires").map(|f| f.value.clone()).unwrap_or_default();
    let checking =
        Checking { vocabulary: workspace.vocabulary(), today: day((workspace.clock)()), holidays: Default::default() };
    let body = pages::new_place(&session.csrf, &fields_shown, &fields::week_preview(&hours, &checking));
    let status = if typed.iter().any(|t| t.2.is_some()) { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    html(status, pages::page("Ajouter un lieu", here, Some((&session.account, &session.csrf)), body))
}

async fn add_place(State(workspace): State<Arc<Workspace>>, request: Request) -> Response<Body> {
    let (here, _, form, session) = match posted(&workspace, request).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let checking =
        Checking { vocabulary: workspace.vocabulary(), today: day((workspace.clock)()), holidays: Default::default() };
    let mut typed: Vec<(String, String, Option<String>)> = Vec::new();
    let mut values: Vec<(&str, String)> = Vec::new();
    for field in FIELDS {
        let given = form.iter().filter(|(k, _)| k == field.code).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty());
        let given = given.collect::<Vec<_>>().join(",");
        let required = ["nom", "code_postal", "commune"].contains(&field.code) && given.trim().is_empty();
        match fields::check(field, &given, &checking) {
            _ if required => typed.push((field.code.to_owned(), given, Some("ce champ est nécessaire".into()))),
            Err(expected) => typed.push((field.code.to_owned(), given, Some(expected))),
            Ok(checked) => {
                typed.push((field.code.to_owned(), given, None));
                if !checked.is_empty() {
                    values.push((field.code, checked));
                }
            }
        }
    }
    // Where it is: a commune of the account's départements, by its postal code and name.
    let value_of = |code: &str| values.iter().find(|(c, _)| *c == code).map(|(_, v)| v.as_str()).unwrap_or_default();
    let territories = (workspace.territories)();
    let folded = aiguillage_engine::territory::fold(value_of("commune"));
    let departement = territories.bundles().iter().find_map(|bundle| {
        bundle
            .communes
            .with_postal_code(value_of("code_postal"))
            .find(|c| bundle.communes.folded_name(c) == folded && session.account.covers(&c.departement))
            .map(|c| c.departement.to_string())
    });
    if departement.is_none() && !typed.iter().any(|t| t.2.is_some()) {
        if let Some(commune) = typed.iter_mut().find(|t| t.0 == "commune") {
            commune.2 =
                Some("une commune de vos départements, avec son code postal (par exemple 16700 et Ruffec)".into());
        }
    }
    let (Some(departement), false) = (departement, typed.iter().any(|t| t.2.is_some())) else {
        return render_new_place(&workspace, &here, &session, &typed);
    };
    let suffix = match random_token() {
        Ok(token) => token[..8].to_owned(),
        Err(error) => return failure(&here, error),
    };
    let slug: String = aiguillage_engine::territory::fold(value_of("nom"))
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
        .collect::<Vec<_>>()
        .join("-");
    let id = format!("{}{slug}-{suffix}", fields::ADDED_PREFIX);
    let now = (workspace.clock)();
    let today = day(now).to_string();
    let rows = values
        .iter()
        .map(|(field, value)| ((*field).to_owned(), value.clone()))
        .chain([(fields::ADDED.to_owned(), "oui".to_owned()), (fields::CHECKED.to_owned(), today)]);
    {
        let mut store = workspace.store();
        for (field, value) in rows {
            let correction = Correction {
                territory: departement.clone(),
                place: id.clone(),
                field,
                value,
                source_value: String::new(),
                account: session.account.name.clone(),
                at: now,
            };
            if let Err(error) = store.correct(&correction, "", false) {
                return failure(&here, error);
            }
        }
    }
    if let Err(error) = workspace.export() {
        eprintln!("aiguillage-server: workspace: {error}");
    }
    redirect(&here, "lieux")
}
