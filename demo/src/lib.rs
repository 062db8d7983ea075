//! The demo server: sample host pages, the widget's assets and the default territory, all
//! embedded in the binary so that `cargo xtask demo` needs no setup.

use axum::body::Body;
use axum::extract::Path;
use std::sync::Arc;

use aiguillage_engine::bundle;
use aiguillage_server::files::{self, content_type, not_found};
use aiguillage_server::guides::{Guides, WidgetPages};
use aiguillage_server::origins::Origins;
use aiguillage_server::statistics::Statistics;
use aiguillage_stats::{Store, Territories};
use axum::http::{header, HeaderMap, HeaderValue, Response};
use axum::routing::get;
use axum::Router;
use rust_embed::RustEmbed;

/// The built widget (`target/dist/widget`, made by `cargo xtask dist` before this crate builds).
#[derive(RustEmbed)]
#[folder = "../target/dist/widget/"]
#[allow_missing = true]
struct WidgetAssets;

/// The sample host pages.
#[derive(RustEmbed)]
#[folder = "pages/"]
struct Pages;

mod csp;
use csp::{STRICT_CSP, TRUSTED_TYPES_CSP};

/// The pages, the widget and the printable guides (their QR codes open the demo's home page,
/// on the address the visitor used); [`with_statistics`] adds `/stats` and the dashboard.
pub fn app() -> Result<Router, String> {
    let territories = territories();
    let guides = Guides::new(Arc::new(move || territories.clone()), WidgetPages::SameHost("/"))?;
    Ok(Router::new()
        .merge(aiguillage_server::guides::routes(Arc::new(guides)))
        .route("/", get(|| async { page("index.html") }))
        .route("/{page}", get(|Path(name): Path<String>| async move { page(&name) }))
        .route(
            "/widget/{*path}",
            get(|Path(path): Path<String>, headers: HeaderMap| async move { widget_asset(&path, &headers) }),
        ))
}

pub fn with_statistics(statistics: Arc<Statistics>) -> Result<Router, String> {
    Ok(app()?.merge(aiguillage_server::statistics::routes(statistics)))
}

fn page(name: &str) -> Response<Body> {
    // The configurator is shipped with the widget's files, where a coordinator's server has it.
    if name == "integrer.html" {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = axum::http::StatusCode::SEE_OTHER;
        response.headers_mut().insert(header::LOCATION, HeaderValue::from_static("/widget/integrer.html"));
        return response;
    }
    let Some(file) = Pages::get(name) else { return not_found() };
    let mut response = Response::new(Body::from(file.data.into_owned()));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type(name));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if name == "csp.html" || name == "iframe.html" {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(STRICT_CSP));
    }
    if name == "trusted-types.html" {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(TRUSTED_TYPES_CSP));
    }
    response
}

fn widget_asset(path: &str, request: &HeaderMap) -> Response<Body> {
    if files::is_precompressed(path) {
        return not_found();
    }
    let encoded = files::accepted_codings(request)
        .find_map(|(coding, suffix)| WidgetAssets::get(&format!("{path}{suffix}")).map(|file| (coding, file)));
    let (coding, file) = match encoded {
        Some((coding, file)) => (Some(coding), file),
        None => match WidgetAssets::get(path) {
            Some(file) => (None, file),
            None => return not_found(),
        },
    };
    // Built together, the embedded copies always match their source: its hash tags them all.
    let digest: String = WidgetAssets::get(path)
        .map(|source| source.metadata.sha256_hash().iter().map(|b| format!("{b:02x}")).collect())
        .unwrap_or_default();
    let mut response =
        files::tagged(files::asset(path, file.data.into_owned(), coding), request, &files::etag(&digest, coding));
    // Any commune site may embed the widget from here.
    response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

/// The statistics of the demo: the embedded territories, any site allowed, the counts in the
/// SQLite file `database` (`cargo xtask demo`: `target/demo/stats.sqlite`) or, without one, in
/// memory for the server's life.
pub fn statistics(
    database: Option<&std::path::Path>,
    per_client_per_minute: u32,
    max_per_day: u64,
) -> Result<Arc<Statistics>, String> {
    let store = match database {
        Some(path) => Store::open(path, max_per_day),
        None => Store::in_memory(max_per_day),
    }
    .map_err(|e| e.to_string())?;
    let territories = territories();
    let territories: aiguillage_server::statistics::TerritoriesNow = Arc::new(move || territories.clone());
    Ok(Arc::new(Statistics::new(store, territories, Origins::Any, Vec::new(), per_client_per_minute)?))
}

/// The embedded territories, decoded once.
fn territories() -> Arc<Territories> {
    static DECODED: std::sync::OnceLock<Arc<Territories>> = std::sync::OnceLock::new();
    DECODED
        .get_or_init(|| {
            let bundles = WidgetAssets::iter()
                .filter(|name| name.starts_with("data/") && name.ends_with(".bin"))
                .filter_map(|name| WidgetAssets::get(&name).and_then(|file| bundle::decode(&file.data).ok()))
                .collect();
            Arc::new(Territories::new(bundles))
        })
        .clone()
}
