//! The statistics over HTTP: `POST /stats` (a widget's beacon), `GET /tableau-de-bord` (the
//! dashboard), `GET /tableau-de-bord.csv`, and the dashboard's stylesheet. Shared by the
//! coordinator's server and the demo.
//!
//! Nothing about the sender is kept or logged: the client's address is only a key of the rate
//! limiter, in memory; the counts are daily totals ([`aiguillage_stats::store`]).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use aiguillage_engine::calendar::{paris_from_unix, Calendar};
use aiguillage_engine::{Communes, Date, Taxonomy};
use aiguillage_stats::report::{self, Period, Scope};
use aiguillage_stats::store::{parse_month, MonthRow};
use aiguillage_stats::{beacon, render, Added, Recorder, Store, Territories};
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Response, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use tokio::sync::oneshot;

use crate::files::plain;
use crate::limiter::Limiter;
use crate::origins::Origins;

/// The territories served now: fixed (the demo) or re-read when a bundle is published.
pub type TerritoriesNow = Arc<dyn Fn() -> Arc<Territories> + Send + Sync>;

pub struct Statistics {
    pub recorder: Recorder,
    pub territories: TerritoriesNow,
    pub limiter: Limiter,
    /// The sites allowed to send beacons; replaced when the configuration is reloaded (SIGHUP).
    pub origins: std::sync::RwLock<Origins>,
    /// Behind a reverse proxy: the client is the last address of `X-Forwarded-For`.
    pub trust_forwarded_for: bool,
    /// The shipped taxonomy, with its words (bundles carry none).
    pub taxonomy: Taxonomy,
    /// The time, in seconds since the Unix epoch (fixed in tests).
    pub clock: fn() -> i64,
    /// A section the dashboard shows under the figures (the sources of the data, where the
    /// server publishes by itself), as HTML.
    pub extra_section: Option<ExtraSection>,
}

/// The HTML of a section, made at each view.
pub type ExtraSection = Arc<dyn Fn(i64) -> String + Send + Sync>;

impl Statistics {
    /// The statistics of `store`, for the territories `territories` gives, with the shipped
    /// taxonomy's words, the system clock and a per-client limit of `per_client_per_minute`.
    pub fn new(
        store: Store,
        territories: TerritoriesNow,
        origins: Origins,
        trust_forwarded_for: bool,
        per_client_per_minute: u32,
    ) -> Result<Statistics, String> {
        let (taxonomy, _, _) = aiguillage_import::project::shipped().map_err(|e| e.to_string())?;
        Ok(Statistics {
            recorder: Recorder::spawn(store),
            territories,
            limiter: Limiter::new(per_client_per_minute),
            origins: std::sync::RwLock::new(origins),
            trust_forwarded_for,
            taxonomy,
            clock: system_clock,
            extra_section: None,
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

/// Sends the counts through the recorder; `None` when it has stopped.
pub async fn read_months(recorder: &Recorder, period: Period) -> Option<Result<Vec<MonthRow>, String>> {
    let (sent, received) = oneshot::channel();
    recorder.read(move |store| {
        let _ = sent.send(store.months(period.first_day(), period.last_day()).map_err(|e| e.to_string()));
    });
    received.await.ok()
}

/// The rate limiter's key: the client's address; for IPv6, its first 64 bits (one household's
/// network, which may hold many addresses).
fn client_key(request: &Request, trust_forwarded_for: bool) -> String {
    let forwarded = trust_forwarded_for
        .then(|| request.headers().get("x-forwarded-for")?.to_str().ok()?.rsplit(',').next()?.trim().parse().ok())
        .flatten();
    let address: Option<IpAddr> =
        forwarded.or_else(|| request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()));
    match address {
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(v4) => v4.to_string(),
        None => String::new(),
    }
}

/// A beacon is sent by `navigator.sendBeacon` with a string: `text/plain;charset=UTF-8`;
/// `application/json` is taken too (a host's own `fetch`).
fn acceptable_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let mime = value.split(';').next().unwrap_or("").trim();
    mime.eq_ignore_ascii_case("text/plain") || mime.eq_ignore_ascii_case("application/json")
}

/// A beacon from a page of this server, or from a site the configuration allows.
fn allowed_sender(statistics: &Statistics, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let same_site = origin.split_once("://").is_some_and(|(_, authority)| !host.is_empty() && authority == host);
    same_site || statistics.allowed().allows(origin)
}

async fn receive(State(statistics): State<Arc<Statistics>>, request: Request) -> Response<Body> {
    if !acceptable_type(request.headers()) {
        return plain(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "a beacon is sent as text/plain or application/json\n".into(),
        );
    }
    if !allowed_sender(&statistics, request.headers()) {
        return plain(StatusCode::FORBIDDEN, "this site is not among the server's allowed origins\n".into());
    }
    if !statistics.limiter.allow(&client_key(&request, statistics.trust_forwarded_for)) {
        return plain(
            StatusCode::TOO_MANY_REQUESTS,
            "too many beacons from this client; try again in a minute\n".into(),
        );
    }
    let cors = statistics.allowed().allow_origin(request.headers());
    let Ok(body) = to_bytes(request.into_body(), beacon::MAX_BYTES).await else {
        return plain(StatusCode::PAYLOAD_TOO_LARGE, format!("a beacon has at most {} bytes\n", beacon::MAX_BYTES));
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
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    if let Some(origin) = statistics.allowed().allow_origin(&headers) {
        let out = response.headers_mut();
        out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        out.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("POST"));
        out.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("content-type"));
        out.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
        out.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
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
                        "territoire: `{}` is not a département this server serves ({})",
                        short(unknown),
                        served.join(", ")
                    ));
                }
            }
            "du" => {
                period.from = parse_month(&value).ok_or_else(|| format!("du: `{}`: expected YYYY-MM", short(&value)))?
            }
            "au" => {
                period.to = parse_month(&value).ok_or_else(|| format!("au: `{}`: expected YYYY-MM", short(&value)))?
            }
            _ => continue,
        }
        kept.push(format!("{key}={value}"));
    }
    if period.from > period.to {
        return Err("du: the first month comes after the last one".into());
    }
    if period.months().len() > 120 {
        return Err("the period is at most ten years".into());
    }
    Ok(Question { departements, period, query: kept.join("&") })
}

fn short(text: &str) -> String {
    text.chars().take(20).filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect()
}

/// The report the dashboard shows, or the answer that says why there is none.
async fn report_for(statistics: &Statistics, query: Option<&str>) -> Result<(report::Report, String), Response<Body>> {
    let territories = (statistics.territories)();
    let served = territories.departements();
    let question =
        question(query, &served, statistics.today()).map_err(|e| plain(StatusCode::BAD_REQUEST, format!("{e}\n")))?;
    let rows = match read_months(&statistics.recorder, question.period).await {
        Some(Ok(rows)) => rows,
        _ => return Err(plain(StatusCode::SERVICE_UNAVAILABLE, "the statistics cannot be read now\n".into())),
    };
    let taxonomy = statistics.taxonomy.clone();
    let report = tokio::task::spawn_blocking(move || {
        let bundles = territories.bundles();
        let communes = Communes::new(
            bundles.iter().flat_map(|b| b.communes.iter().cloned()).collect(),
            bundles.iter().flat_map(|b| b.communes.epcis().iter().cloned()).collect(),
        );
        let needs: Vec<String> = taxonomy.needs.iter().map(|n| n.code.clone()).collect();
        let name = match bundles.iter().find(|b| {
            let mut own: Vec<String> = b.communes.iter().map(|c| c.departement.to_string()).collect();
            own.dedup();
            own == question.departements
        }) {
            Some(bundle) => bundle.territory_name.clone(),
            None => format!("départements {}", question.departements.join(", ")),
        };
        report::build(
            &rows,
            Scope {
                territory: name,
                departements: &question.departements,
                communes: &communes,
                taxonomy: &taxonomy,
                remote_after_km: bundles.first().map_or(0, |b| b.rules.remote_after_km),
                coverage: report::coverage_for(bundles, &question.departements, &needs),
            },
            question.period,
        )
    })
    .await
    .map_err(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "the report could not be made\n".into()))?;
    Ok((report, question.query))
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

/// The dashboard needs nothing but its own stylesheet (and an empty icon, so that browsers do
/// not ask for a `/favicon.ico` the server does not have).
const DASHBOARD_CSP: &str =
    "default-src 'none'; style-src 'self'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'self'";

async fn dashboard(State(statistics): State<Arc<Statistics>>, request: Request) -> Response<Body> {
    match report_for(&statistics, request.uri().query()).await {
        Ok((report, query)) => {
            let csv = if query.is_empty() {
                "tableau-de-bord.csv".to_owned()
            } else {
                format!("tableau-de-bord.csv?{query}")
            };
            let mut html = render::html(&report, render::Styles::Linked("tableau-de-bord.css"), Some(&csv));
            if let Some(section) = &statistics.extra_section {
                if let Some(end) = html.rfind("</main>") {
                    html.insert_str(end, &section((statistics.clock)()));
                }
            }
            page(html, "text/html; charset=utf-8")
        }
        Err(response) => response,
    }
}

async fn dashboard_csv(State(statistics): State<Arc<Statistics>>, request: Request) -> Response<Body> {
    match report_for(&statistics, request.uri().query()).await {
        Ok((report, _)) => {
            let mut response = page(render::csv(&report), "text/csv; charset=utf-8");
            let (from, to) = (report.period.from, report.period.to);
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

async fn stylesheet() -> Response<Body> {
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
