//! The demo server: sample host pages, the widget's assets and the default territory, all
//! embedded in the binary so that `cargo xtask demo` needs no setup.

use axum::body::Body;
use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, Response, StatusCode};
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
use csp::STRICT_CSP;

pub fn app() -> Router {
    Router::new()
        .route("/", get(|| async { page("index.html") }))
        .route("/{page}", get(|Path(name): Path<String>| async move { page(&name) }))
        .route(
            "/widget/{*path}",
            get(|Path(path): Path<String>, headers: HeaderMap| async move { widget_asset(&path, &headers) }),
        )
}

fn page(name: &str) -> Response<Body> {
    let Some(file) = Pages::get(name) else { return not_found() };
    let mut response = Response::new(Body::from(file.data.into_owned()));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type(name));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if name == "csp.html" {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(STRICT_CSP));
    }
    response
}

fn widget_asset(path: &str, request: &HeaderMap) -> Response<Body> {
    // Precompressed copies (`.br`, `.gz`) are made at build time; never served as themselves.
    if path.ends_with(".br") || path.ends_with(".gz") {
        return not_found();
    }
    let accepts = request.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("");
    let encoded = [("br", ".br"), ("gzip", ".gz")]
        .into_iter()
        .filter(|(coding, _)| accepts.split(',').any(|a| a.trim().split(';').next() == Some(*coding)))
        .find_map(|(coding, suffix)| WidgetAssets::get(&format!("{path}{suffix}")).map(|file| (coding, file)));
    let (coding, file) = match encoded {
        Some((coding, file)) => (Some(coding), file),
        None => match WidgetAssets::get(path) {
            Some(file) => (None, file),
            None => return not_found(),
        },
    };
    let mut response = Response::new(Body::from(file.data.into_owned()));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type(path));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if let Some(coding) = coding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    // Any commune site may embed the widget from here.
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(header::CACHE_CONTROL, cache_control(path));
    response
}

/// Content-hashed files never change: cached for a year. Stable names (the loader, the data)
/// are revalidated, so a new version reaches residents at once.
fn cache_control(path: &str) -> HeaderValue {
    let hashed = path.split('.').any(|part| part.len() == 16 && part.bytes().all(|b| b.is_ascii_hexdigit()));
    HeaderValue::from_static(if hashed { "public, max-age=31536000, immutable" } else { "no-cache" })
}

fn content_type(path: &str) -> HeaderValue {
    let mime = match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("bin") => "application/octet-stream",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    };
    HeaderValue::from_static(mime)
}

fn not_found() -> Response<Body> {
    let mut response = Response::new(Body::from("Not found"));
    *response.status_mut() = StatusCode::NOT_FOUND;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}
