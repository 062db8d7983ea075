//! The statistics over HTTP: `POST /stats` (a widget's beacon), `GET /tableau-de-bord` (the
//! dashboard), `GET /tableau-de-bord.csv`, and the dashboard's stylesheet. Shared by the
//! coordinator's server and the demo.
//!
//! Nothing about the sender is kept or logged: the client's address is only a key of the rate
//! limiter, in memory; the counts are daily totals ([`aiguillage_stats::store`]).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aiguillage_engine::calendar::{paris_from_unix, Calendar};
use aiguillage_engine::{Communes, Date, Taxonomy};
use aiguillage_stats::report::{self, Period, Scope};
use aiguillage_stats::store::{parse_month, MonthRow};
use aiguillage_stats::{beacon, render, Added, Reader, Recorder, Store, Territories};
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Response, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use tokio::sync::{oneshot, Semaphore};

use crate::files::plain;
use crate::limiter::{self, Limiter, Network};
use crate::origins::Origins;

/// The territories served now: fixed (the demo) or re-read when a bundle is published.
pub type TerritoriesNow = Arc<dyn Fn() -> Arc<Territories> + Send + Sync>;

pub struct Statistics {
    pub recorder: Recorder,
    /// Where the dashboard reads: a read-only connection to the database's file (the writer
    /// never waits for it); in memory, through the writer.
    reads: Option<std::path::PathBuf>,
    /// The reports made since the last committed batch, by question.
    reports: Mutex<HashMap<ReportKey, CachedReport>>,
    /// What a report takes from the bundles alone (their communes, the coverage), made once per
    /// set of bundles: it does not change with the counts.
    scopes: Mutex<Option<Arc<TerritoryScope>>>,
    /// One report read and made at a time: a crowd on the dashboard leaves the cores to the
    /// counting (the others wait their turn, at most [`READ_WAIT`], and mostly find it made).
    building: Arc<Semaphore>,
    /// When the writer was last asked to prove it can commit (`/healthz`).
    probed: Mutex<Option<(Instant, Option<String>)>>,
    pub territories: TerritoriesNow,
    pub limiter: Limiter,
    /// The sites allowed to send beacons; replaced when the configuration is reloaded (SIGHUP).
    pub origins: std::sync::RwLock<Origins>,
    /// The reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<Network>,
    /// The shipped taxonomy, with its words (bundles carry none).
    pub taxonomy: Taxonomy,
    /// The time, in seconds since the Unix epoch (fixed in tests).
    pub clock: fn() -> i64,
    /// How long a beacon's body may take to arrive.
    pub body_timeout: Duration,
    /// A section the dashboard shows under the figures (the sources of the data, where the
    /// server publishes by itself), as HTML.
    pub extra_section: Option<ExtraSection>,
    /// Who reads the dashboard at its public address.
    pub access: DashboardAccess,
}

/// Who may read `/tableau-de-bord` (coordinators read theirs in the workspace,
/// `/espace/tableau-de-bord`).
#[derive(Clone)]
pub enum DashboardAccess {
    /// Anyone (the demo; `[stats] public_dashboard = true`).
    Public,
    /// The holders of a share link (`?partage=TOKEN`, made in the workspace for élus who do not
    /// sign in), for the territory of the link only: `check` gives it, for a link not revoked.
    SharedLinks(ShareCheck),
}

/// A share link's token → the département it shows, if it is valid.
pub type ShareCheck = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The HTML of a section, made at each view.
pub type ExtraSection = Arc<dyn Fn(i64) -> String + Send + Sync>;

impl Statistics {
    /// The statistics of `store`, for the territories `territories` gives, with the shipped
    /// taxonomy's words, the system clock and a per-client limit of `per_client_per_minute`.
    pub fn new(
        store: Store,
        territories: TerritoriesNow,
        origins: Origins,
        trusted_proxies: Vec<Network>,
        per_client_per_minute: u32,
    ) -> Result<Statistics, String> {
        let (taxonomy, _, _) = aiguillage_shipped::project::shipped().map_err(|e| e.to_string())?;
        let reads = store.file().map(Path::to_owned);
        Ok(Statistics {
            recorder: Recorder::spawn(store),
            reads,
            reports: Mutex::new(HashMap::new()),
            scopes: Mutex::new(None),
            building: Arc::new(Semaphore::new(1)),
            probed: Mutex::new(None),
            territories,
            limiter: Limiter::new(per_client_per_minute),
            origins: std::sync::RwLock::new(origins),
            trusted_proxies,
            taxonomy,
            clock: system_clock,
            body_timeout: Duration::from_secs(10),
            extra_section: None,
            access: DashboardAccess::Public,
        })
    }

    /// The sites allowed to send beacons now.
    pub fn allowed(&self) -> Origins {
        self.origins.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Today in Paris: the dashboard's periods.
    fn today(&self) -> Date {
        paris_from_unix((self.clock)()).date
    }

    /// The day a count belongs to: the resident commune's own (Réunion's evening is not Paris's).
    fn day_in(&self, commune: &str) -> Date {
        local_day((self.clock)(), commune)
    }
}

fn local_day(unix_seconds: i64, commune: &str) -> Date {
    Calendar::of_insee(commune).zone.local_from_unix(unix_seconds).date
}

pub fn system_clock() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

pub fn routes(statistics: Arc<Statistics>) -> Router {
    Router::new()
        .route("/stats", post(receive).options(preflight))
        .route("/tableau-de-bord", get(dashboard))
        .route("/tableau-de-bord.csv", get(dashboard_csv))
        .route("/tableau-de-bord.css", get(stylesheet))
        .with_state(statistics)
}

/// How long a dashboard request waits for its turn before it is told to come back.
const READ_WAIT: Duration = Duration::from_secs(10);
/// Reports kept, at most; the cache is emptied beyond (and at each committed batch).
const CACHED_REPORTS: usize = 64;
/// A probe of the writer is asked at most this often; `/healthz` answers from the last one in
/// between.
const PROBE_EVERY: Duration = Duration::from_secs(10);

/// A question to the statistics: its départements and months.
type ReportKey = (Vec<String>, Period);

/// The communes of a set of bundles, and the coverage of each list of départements asked.
struct TerritoryScope {
    territories: Arc<Territories>,
    communes: Communes,
    coverage: Mutex<HashMap<Vec<String>, Option<report::CoverageSummary>>>,
}

impl TerritoryScope {
    fn new(territories: Arc<Territories>) -> TerritoryScope {
        let bundles = territories.bundles();
        let communes = Communes::new(
            bundles.iter().flat_map(|b| b.communes.iter().cloned()).collect(),
            bundles.iter().flat_map(|b| b.communes.epcis().iter().cloned()).collect(),
        );
        TerritoryScope { territories, communes, coverage: Mutex::new(HashMap::new()) }
    }

    fn coverage(&self, departements: &[String], needs: &[String]) -> Option<report::CoverageSummary> {
        if let Some(known) = self.coverage.lock().unwrap_or_else(|p| p.into_inner()).get(departements) {
            return known.clone();
        }
        let made = report::coverage_for(self.territories.bundles(), departements, needs);
        self.coverage.lock().unwrap_or_else(|p| p.into_inner()).insert(departements.to_vec(), made.clone());
        made
    }
}

struct CachedReport {
    generation: u64,
    territories: Arc<Territories>,
    rendered: Arc<Rendered>,
}

/// A report and its two renderings, made once.
struct Rendered {
    report: report::Report,
    html: String,
    csv: String,
}

impl Statistics {
    /// The counts of `period`, read on a read-only connection (or through the writer, in memory).
    async fn months(&self, period: Period) -> Result<Vec<MonthRow>, String> {
        let (from, to) = (period.first_day(), period.last_day());
        match &self.reads {
            Some(file) => {
                let file = file.clone();
                tokio::task::spawn_blocking(move || {
                    Reader::open(&file).and_then(|reader| reader.months(from, to)).map_err(|e| e.to_string())
                })
                .await
                .map_err(|e| e.to_string())?
            }
            None => {
                let (sent, received) = oneshot::channel();
                self.recorder.read(move |store| {
                    let _ = sent.send(store.months(from, to).map_err(|e| e.to_string()));
                });
                received.await.map_err(|_| "the statistics thread has stopped".to_owned())?
            }
        }
    }

    /// Why counts cannot be kept now, if they cannot: the last commit's failure, or a probe's
    /// (asked at most every [`PROBE_EVERY`], answered within two seconds).
    pub async fn writer_failing(&self) -> Option<String> {
        if let Some(failing) = self.recorder.state.failing() {
            return Some(failing);
        }
        let recent = self.probed.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some((_, outcome)) = recent.filter(|(at, _)| at.elapsed() < PROBE_EVERY) {
            return outcome;
        }
        let (sent, received) = oneshot::channel();
        self.recorder.probe(move |outcome| {
            let _ = sent.send(outcome);
        });
        let outcome = match tokio::time::timeout(Duration::from_secs(2), received).await {
            Ok(Ok(Ok(()))) => None,
            Ok(Ok(Err(error))) => Some(error),
            Ok(Err(_)) => Some("the statistics thread has stopped".to_owned()),
            Err(_) => Some("the statistics writer does not answer within 2 s".to_owned()),
        };
        *self.probed.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), outcome.clone()));
        outcome
    }
}

/// The client of a request, as the rate limiter knows it (see [`limiter::client`]).
pub(crate) fn client_of(request: &Request, trusted_proxies: &[Network]) -> Option<IpAddr> {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let forwarded_for = request.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
    limiter::client(peer, forwarded_for, trusted_proxies)
}

/// A beacon is sent by `navigator.sendBeacon` with a string: `text/plain;charset=UTF-8`;
/// `application/json` is taken too (a host's own `fetch`).
fn acceptable_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let mime = value.split(';').next().unwrap_or("").trim();
    mime.eq_ignore_ascii_case("text/plain") || mime.eq_ignore_ascii_case("application/json")
}

async fn receive(State(statistics): State<Arc<Statistics>>, request: Request) -> Response<Body> {
    if !acceptable_type(request.headers()) {
        return plain(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "a beacon is sent as text/plain or application/json\n".into(),
        );
    }
    if !statistics.allowed().allows_sender(request.headers()) {
        return plain(StatusCode::FORBIDDEN, "this site is not among the server's allowed origins\n".into());
    }
    if !statistics.limiter.allow(client_of(&request, &statistics.trusted_proxies)) {
        return plain(
            StatusCode::TOO_MANY_REQUESTS,
            "too many beacons from this client; try again in a minute\n".into(),
        );
    }
    let cors = statistics.allowed().allow_origin(request.headers());
    let body = match tokio::time::timeout(statistics.body_timeout, to_bytes(request.into_body(), beacon::MAX_BYTES))
        .await
    {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => {
            return plain(StatusCode::PAYLOAD_TOO_LARGE, format!("a beacon has at most {} bytes\n", beacon::MAX_BYTES))
        }
        Err(_) => return plain(StatusCode::REQUEST_TIMEOUT, "the beacon's body took too long\n".into()),
    };
    let territories = (statistics.territories)();
    let beacon = match beacon::parse(&body, territories.as_ref()) {
        Ok(beacon) => beacon,
        Err(error) => return plain(StatusCode::BAD_REQUEST, format!("refused: {error}\n")),
    };
    let count = territories.count(&beacon, statistics.day_in(&beacon.commune));
    let (sent, received) = oneshot::channel();
    statistics.recorder.add(count, move |added| {
        let _ = sent.send(added);
    });
    let mut response = match received.await {
        Ok(Ok(Added::Counted)) => {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NO_CONTENT;
            response
        }
        Ok(Ok(Added::DayFull)) => {
            plain(StatusCode::TOO_MANY_REQUESTS, "the day's maximum of counts is reached\n".into())
        }
        Ok(Err(_)) | Err(_) => plain(StatusCode::SERVICE_UNAVAILABLE, "the count could not be kept\n".into()),
    };
    if let Some(origin) = cors {
        response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        response.headers_mut().insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}

async fn preflight(State(statistics): State<Arc<Statistics>>, headers: HeaderMap) -> Response<Body> {
    crate::origins::preflight(&statistics.allowed(), &headers)
}

/// The dashboard's question: which départements, which months.
#[derive(Debug)]
struct Question {
    departements: Vec<String>,
    period: Period,
    /// The query string that asks it again (for the CSV link).
    query: String,
}

fn question(query: Option<&str>, served: &[String], today: Date) -> Result<Question, String> {
    let mut departements = served.to_vec();
    let mut period = Period::last_twelve_months(today);
    let mut kept = Vec::new();
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = value.replace("%2C", ",").replace("%2c", ",");
        match key {
            "territoire" if !value.is_empty() => {
                departements = value.split(',').map(|d| d.trim().to_uppercase()).filter(|d| !d.is_empty()).collect();
                departements.sort();
                departements.dedup();
                if let Some(unknown) = departements.iter().find(|d| !served.contains(d)) {
                    return Err(format!(
                        "territoire : « {} » n'est pas un département de ce serveur (il sert : {})",
                        short(unknown),
                        served.join(", ")
                    ));
                }
            }
            "du" => {
                period.from = parse_month(&value).ok_or_else(|| {
                    format!("du : « {} » n'est pas un mois écrit AAAA-MM (par exemple 2026-01)", short(&value))
                })?
            }
            "au" => {
                period.to = parse_month(&value).ok_or_else(|| {
                    format!("au : « {} » n'est pas un mois écrit AAAA-MM (par exemple 2026-12)", short(&value))
                })?
            }
            _ => continue,
        }
        kept.push(format!("{key}={value}"));
    }
    if period.from > period.to {
        return Err("du : le premier mois vient après le dernier".into());
    }
    if period.months().len() > 120 {
        return Err("la période couvre au plus dix ans".into());
    }
    Ok(Question { departements, period, query: kept.join("&") })
}

fn short(text: &str) -> String {
    text.chars().take(20).filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect()
}

/// The report the dashboard shows, or the answer that says why there is none. Made once per
/// question until the next committed batch (or bundle published).
async fn report_for(
    statistics: &Statistics,
    query: Option<&str>,
    allowed: Option<&[String]>,
) -> Result<Arc<Rendered>, Response<Body>> {
    let territories = (statistics.territories)();
    let served: Vec<String> =
        territories.departements().iter().filter(|d| allowed.is_none_or(|a| a.contains(d))).cloned().collect();
    if served.is_empty() {
        return Err(error_page(StatusCode::NOT_FOUND, "aucun des départements de ce tableau de bord n'est servi ici"));
    }
    let question = question(query, &served, statistics.today()).map_err(|e| error_page(StatusCode::BAD_REQUEST, &e))?;
    let key: ReportKey = (question.departements.clone(), question.period);
    let generation = statistics.recorder.state.generation();
    {
        let reports = statistics.reports.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(cached) = reports.get(&key) {
            if cached.generation == generation && Arc::ptr_eq(&cached.territories, &territories) {
                return Ok(cached.rendered.clone());
            }
        }
    }
    // One report made at a time; a request that waited may find it made meanwhile.
    let _turn = tokio::time::timeout(READ_WAIT, statistics.building.clone().acquire_owned())
        .await
        .map_err(|_| plain(StatusCode::SERVICE_UNAVAILABLE, "the statistics are busy: try again in a moment\n".into()))?
        .map_err(|_| plain(StatusCode::SERVICE_UNAVAILABLE, "the statistics are stopping\n".into()))?;
    let generation = statistics.recorder.state.generation();
    if let Some(cached) = statistics.reports.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        if cached.generation == generation && Arc::ptr_eq(&cached.territories, &territories) {
            return Ok(cached.rendered.clone());
        }
    }
    let rows = match statistics.months(question.period).await {
        Ok(rows) => rows,
        Err(error) => {
            return Err(plain(StatusCode::SERVICE_UNAVAILABLE, format!("the statistics cannot be read now: {error}\n")))
        }
    };
    let scope = {
        let mut scopes = statistics.scopes.lock().unwrap_or_else(|p| p.into_inner());
        match scopes.as_ref().filter(|scope| Arc::ptr_eq(&scope.territories, &territories)) {
            Some(scope) => scope.clone(),
            None => {
                let scope = Arc::new(TerritoryScope::new(territories.clone()));
                *scopes = Some(scope.clone());
                scope
            }
        }
    };
    let taxonomy = statistics.taxonomy.clone();
    let made_from = territories.clone();
    let rendered = tokio::task::spawn_blocking(move || {
        let bundles = territories.bundles();
        let needs: Vec<String> = taxonomy.needs.iter().map(|n| n.code.clone()).collect();
        let name = match bundles.iter().find(|b| {
            let mut own: Vec<String> = b.communes.iter().map(|c| c.departement.to_string()).collect();
            own.dedup();
            own == question.departements
        }) {
            Some(bundle) => bundle.territory_name.clone(),
            None => format!("départements {}", question.departements.join(", ")),
        };
        let report = report::build(
            &rows,
            Scope {
                territory: name,
                departements: &question.departements,
                communes: &scope.communes,
                taxonomy: &taxonomy,
                remote_after_km: bundles.first().map_or(0, |b| b.rules.remote_after_km),
                coverage: scope.coverage(&question.departements, &needs),
            },
            question.period,
        );
        let csv_link = if question.query.is_empty() {
            "tableau-de-bord.csv".to_owned()
        } else {
            format!("tableau-de-bord.csv?{}", question.query)
        };
        let html = render::html(&report, render::Styles::Linked("tableau-de-bord.css"), Some(&csv_link));
        let csv = render::csv(&report);
        Rendered { report, html, csv }
    })
    .await
    .map_err(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "the report could not be made\n".into()))?;
    let rendered = Arc::new(rendered);
    let mut reports = statistics.reports.lock().unwrap_or_else(|p| p.into_inner());
    if reports.len() >= CACHED_REPORTS {
        reports.clear();
    }
    reports.insert(key, CachedReport { generation, territories: made_from, rendered: rendered.clone() });
    Ok(rendered)
}

fn page(body: String, content_type: &'static str) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(DASHBOARD_CSP));
    response
}

/// What the dashboard says when a question cannot be answered: a page in French with a title,
/// what was wrong and the way back (the CSV's link gets the same page).
fn error_page(status: StatusCode, why: &str) -> Response<Body> {
    let html = format!(
        "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"tableau-de-bord.css\"><title>Question impossible — Tableau de bord des orientations</title></head>\
         <body><main><h1>Cette question ne peut pas être posée au tableau de bord</h1><p>{}</p>\
         <p><a href=\"tableau-de-bord\">Revenir au tableau de bord (les douze derniers mois, tous les territoires)</a></p></main></body></html>\n",
        aiguillage_engine::html::escape(why)
    );
    let mut response = page(html, "text/html; charset=utf-8");
    *response.status_mut() = status;
    response
}

/// The dashboard needs nothing but its own stylesheet (and an empty icon, so that browsers do
/// not ask for a `/favicon.ico` the server does not have).
const DASHBOARD_CSP: &str =
    "default-src 'none'; style-src 'self'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'self'";

/// The share link's token of a query (`partage=…`), if any.
fn share_token(query: Option<&str>) -> Option<&str> {
    query?.split('&').find_map(|pair| pair.strip_prefix("partage="))
}

/// What the public address may show: every territory, or the share link's alone.
fn public_scope(statistics: &Statistics, query: Option<&str>) -> Result<Option<Vec<String>>, Response<Body>> {
    match &statistics.access {
        DashboardAccess::Public => Ok(None),
        DashboardAccess::SharedLinks(check) => match share_token(query).and_then(|token| check(token)) {
            Some(territory) => Ok(Some(vec![territory])),
            None => Err(error_page(
                StatusCode::FORBIDDEN,
                "ce tableau de bord est réservé : les coordinateurs le lisent dans leur espace (espace/tableau-de-bord), les élus avec le lien de partage que leur coordinateur leur a donné (un lien révoqué ne s'ouvre plus)",
            )),
        },
    }
}

/// A share link's token kept in the page's form and CSV link (the page made once is shared by
/// every link of its territory).
fn with_share(html: String, query: Option<&str>) -> String {
    match share_token(query).filter(|t| t.bytes().all(|b| b.is_ascii_hexdigit())) {
        None => html,
        Some(token) => html
            .replace(
                "<form method=\"get\" class=\"no-print\">",
                &format!("<form method=\"get\" class=\"no-print\"><input type=\"hidden\" name=\"partage\" value=\"{token}\">"),
            )
            .replace("href=\"tableau-de-bord.csv?", &format!("href=\"tableau-de-bord.csv?partage={token}&amp;"))
            .replace("href=\"tableau-de-bord.csv\"", &format!("href=\"tableau-de-bord.csv?partage={token}\"")),
    }
}

async fn dashboard(State(statistics): State<Arc<Statistics>>, request: Request) -> Response<Body> {
    let query = request.uri().query();
    match public_scope(&statistics, query) {
        Ok(allowed) => statistics.dashboard_page(query, allowed.as_deref(), false, None).await,
        Err(response) => response,
    }
}

async fn dashboard_csv(State(statistics): State<Arc<Statistics>>, request: Request) -> Response<Body> {
    let query = request.uri().query();
    match public_scope(&statistics, query) {
        Ok(allowed) => statistics.dashboard_page(query, allowed.as_deref(), true, None).await,
        Err(response) => response,
    }
}

impl Statistics {
    /// The dashboard (its CSV with `csv`) of the question `query`, within the `allowed`
    /// départements (every one served when `None`); `lead`, markup put before its title (the
    /// workspace's way back).
    pub async fn dashboard_page(
        &self,
        query: Option<&str>,
        allowed: Option<&[String]>,
        csv: bool,
        lead: Option<&str>,
    ) -> Response<Body> {
        if csv {
            return self.csv_page(query, allowed).await;
        }
        match report_for(self, query, allowed).await {
            Ok(rendered) => {
                let mut html = with_share(rendered.html.clone(), query);
                if let (Some(lead), Some(main)) = (lead, html.find("<main>")) {
                    html.insert_str(main + "<main>".len(), lead);
                }
                if let Some(section) = &self.extra_section {
                    if let Some(end) = html.rfind("</main>") {
                        html.insert_str(end, &section((self.clock)()));
                    }
                }
                page(html, "text/html; charset=utf-8")
            }
            Err(response) => response,
        }
    }

    async fn csv_page(&self, query: Option<&str>, allowed: Option<&[String]>) -> Response<Body> {
        match report_for(self, query, allowed).await {
            Ok(rendered) => {
                let mut response = page(rendered.csv.clone(), "text/csv; charset=utf-8");
                let (from, to) = (rendered.report.period.from, rendered.report.period.to);
                let name = format!(
                    "attachment; filename=\"orientations-{:04}-{:02}-{:04}-{:02}.csv\"",
                    from.0, from.1, to.0, to.1
                );
                if let Ok(value) = HeaderValue::from_str(&name) {
                    response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
                }
                response
            }
            Err(response) => response,
        }
    }
}

pub async fn stylesheet() -> Response<Body> {
    let mut response = Response::new(Body::from(render::STYLESHEET));
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_belongs_to_the_residents_own_day() {
        // 22:30 UTC is still the 4th in Charente (23:30), the 5th in Réunion (02:30), the 4th in
        // Guadeloupe (18:30).
        let late = 1_764_887_400; // 2025-12-04 22:30 UTC
        let day = |insee: &str| local_day(late, insee).to_string();
        assert_eq!([day("16292"), day("97411"), day("97105")], ["2025-12-04", "2025-12-05", "2025-12-04"]);
    }

    #[test]
    fn the_dashboard_question_is_read_strictly() {
        let served = vec!["16".to_owned(), "86".to_owned()];
        let today = Date::parse("2026-12-04").unwrap();
        let all = question(None, &served, today).unwrap();
        assert_eq!(all.departements, served);
        assert_eq!(all.period, Period { from: (2026, 1), to: (2026, 12) });
        assert_eq!(question(Some("territoire=16,16"), &served, today).unwrap().departements, ["16"], "each once");
        let one = question(Some("territoire=16&du=2026-03&au=2026-05&x=1"), &served, today).unwrap();
        assert_eq!(one.departements, ["16"]);
        assert_eq!(one.period, Period { from: (2026, 3), to: (2026, 5) });
        assert_eq!(one.query, "territoire=16&du=2026-03&au=2026-05");
        assert!(question(Some("territoire=75"), &served, today).unwrap_err().contains("75"));
        assert!(question(Some("du=2026-13"), &served, today).is_err());
        assert!(question(Some("du=2026-05&au=2026-03"), &served, today).is_err());
        let refused = question(Some("territoire=<script>"), &served, today).unwrap_err();
        assert!(!refused.contains('<'), "{refused}");
    }
}
