//! Serving the widget's files: MIME types, the precompressed copies, cache headers. Shared by
//! the demo (files embedded in its binary) and the coordinator's server (files in a folder,
//! read at each request, so that a bundle replaced by a rename is served at once).

use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Response, StatusCode};

pub fn content_type(path: &str) -> HeaderValue {
    let mime = match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("bin") => "application/octet-stream",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("csv") => "text/csv; charset=utf-8",
        _ => "application/octet-stream",
    };
    HeaderValue::from_static(mime)
}

/// Content-hashed files never change: cached for a year. Stable names (the loader, the data)
/// are revalidated, so a new version reaches residents at once.
pub fn cache_control(path: &str) -> HeaderValue {
    let hashed = path.split('.').any(|part| part.len() == 16 && part.bytes().all(|b| b.is_ascii_hexdigit()));
    HeaderValue::from_static(if hashed { "public, max-age=31536000, immutable" } else { "no-cache" })
}

/// The precompressed copies the client accepts, best first: `(coding, file suffix)`.
pub fn accepted_codings(request: &HeaderMap) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
    let accepts = request.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("");
    [("br", ".br"), ("gzip", ".gz")]
        .into_iter()
        .filter(move |(coding, _)| accepts.split(',').any(|a| a.trim().split(';').next() == Some(*coding)))
}

/// A precompressed copy (`.br`, `.gz`) is made at build time and never served as itself.
pub fn is_precompressed(path: &str) -> bool {
    path.ends_with(".br") || path.ends_with(".gz")
}

/// A widget file's answer: its type, coding, caching; any commune site may fetch it when
/// `allow_origin` says so.
pub fn asset(path: &str, data: Vec<u8>, coding: Option<&'static str>) -> Response<Body> {
    let mut response = Response::new(Body::from(data));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type(path));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if let Some(coding) = coding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    headers.insert(header::CACHE_CONTROL, cache_control(path));
    if let Some(csp) = page_csp(path) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    }
    response
}

/// The pages shipped with the widget get a strict policy of their own: the widget alone
/// (`embed.html`) may be framed by any commune site; the configurator only by its own server.
fn page_csp(path: &str) -> Option<&'static str> {
    match path.rsplit('/').next()? {
        "embed.html" => Some("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors *"),
        name if name.ends_with(".html") => Some("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"),
        _ => None,
    }
}

pub fn not_found() -> Response<Body> {
    plain(StatusCode::NOT_FOUND, "Not found".into())
}

pub fn plain(status: StatusCode, text: String) -> Response<Body> {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

/// `path` (as requested, already percent-decoded) inside `root`, or `None` when it would leave
/// it or name something odd: only plain names, no `..`, no hidden files, no backslash.
pub fn inside(root: &Path, path: &str) -> Option<PathBuf> {
    if path.is_empty() || path.contains(['\\', '\0', ':']) {
        return None;
    }
    let mut full = root.to_path_buf();
    for component in Path::new(path).components() {
        match component {
            Component::Normal(name) if !name.to_string_lossy().starts_with('.') => full.push(name),
            _ => return None,
        }
    }
    Some(full)
}

/// Reads a widget file from a folder, with the best precompressed copy the client accepts
/// that is not older than the file itself (a bundle published without its copies is served
/// plain, never stale).
pub async fn from_folder(root: &Path, path: &str, request: &HeaderMap) -> Response<Body> {
    if is_precompressed(path) {
        return not_found();
    }
    let Some(file) = inside(root, path) else { return not_found() };
    let Ok(metadata) = tokio::fs::metadata(&file).await else { return not_found() };
    if !metadata.is_file() {
        return not_found();
    }
    let modified = metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    for (coding, suffix) in accepted_codings(request) {
        let mut copy = file.clone().into_os_string();
        copy.push(suffix);
        let fresh =
            tokio::fs::metadata(&copy).await.ok().and_then(|m| m.modified().ok()).is_some_and(|m| m >= modified);
        if fresh {
            if let Ok(data) = tokio::fs::read(&copy).await {
                return asset(path, data, Some(coding));
            }
        }
    }
    match tokio::fs::read(&file).await {
        Ok(data) => asset(path, data, None),
        Err(_) => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_inside_the_folder() {
        let root = Path::new("/srv/widget");
        assert_eq!(inside(root, "data/16.bin"), Some(PathBuf::from("/srv/widget/data/16.bin")));
        for bad in ["../etc/passwd", "data/../../x", "/etc/passwd", ".env", "data/.hidden", "a\\b", "c:x", "", "a\0b"] {
            assert_eq!(inside(root, bad), None, "{bad}");
        }
    }

    #[test]
    fn hashed_names_are_immutable() {
        assert_eq!(cache_control("aiguillage_widget_bg.35812e204671b39a.wasm"), "public, max-age=31536000, immutable");
        assert_eq!(cache_control("data/16.bin"), "no-cache");
    }
}
