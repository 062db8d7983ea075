//! Serving the widget's files: MIME types, the precompressed copies, cache headers. Shared by
//! the demo (files embedded in its binary) and the coordinator's server (files in a folder,
//! read at each request, so that a bundle replaced by a rename is served at once).

use std::path::{Component, Path, PathBuf};

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Response, StatusCode};
use sha2::{Digest, Sha256};

/// Beside `x.bin`, its precompressed copies `x.bin.br` and `x.bin.gz`, and `x.bin.sha256`: the
/// SHA-256 of the `x.bin` they were made from, written with them (`cargo xtask dist`,
/// `aiguillage publish`). A copy is served only while that hash is the file's: a file replaced
/// without its copies is served plain, never stale, whatever the files' dates.
pub const COPIES_SOURCE_SUFFIX: &str = ".sha256";

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

/// The precompressed copies the client accepts, best first: `(coding, file suffix)`. A coding
/// with `q=0` is refused, as RFC 9110 says.
pub fn accepted_codings(request: &HeaderMap) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
    let accepts = request.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("");
    let accepted = move |coding: &str| {
        accepts.split(',').any(|item| {
            let mut parts = item.split(';').map(str::trim);
            parts.next().is_some_and(|name| name.eq_ignore_ascii_case(coding))
                && parts.all(|parameter| {
                    let Some(q) = parameter.strip_prefix("q=").or_else(|| parameter.strip_prefix("Q=")) else {
                        return true;
                    };
                    q.parse::<f32>().is_ok_and(|q| q > 0.0)
                })
        })
    };
    [("br", ".br"), ("gzip", ".gz")].into_iter().filter(move |(coding, _)| accepted(coding))
}

/// A precompressed copy (`.br`, `.gz`) and the hash of its source are made at build time and
/// never served as themselves.
pub fn is_precompressed(path: &str) -> bool {
    path.ends_with(".br") || path.ends_with(".gz") || path.ends_with(COPIES_SOURCE_SUFFIX)
}

/// SHA-256 in hexadecimal: a file's identity for its copies and its `ETag`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The `ETag` of a file whose SHA-256 is `digest`, sent with `coding` (each representation its
/// own tag).
pub fn etag(digest: &str, coding: Option<&str>) -> String {
    let short = digest.get(..20).unwrap_or(digest);
    match coding {
        Some(coding) => format!("\"{short}-{coding}\""),
        None => format!("\"{short}\""),
    }
}

/// `response` with its `ETag`; a `304 Not Modified` without a body when the client already has
/// that version (`If-None-Match`).
pub fn tagged(mut response: Response<Body>, request: &HeaderMap, etag: &str) -> Response<Body> {
    let Ok(value) = HeaderValue::from_str(etag) else { return response };
    let known = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == "*" || t == etag));
    if known && response.status() == StatusCode::OK {
        let mut not_modified = Response::new(Body::empty());
        *not_modified.status_mut() = StatusCode::NOT_MODIFIED;
        for name in [header::CACHE_CONTROL, header::VARY, header::CONTENT_ENCODING] {
            if let Some(kept) = response.headers().get(&name) {
                not_modified.headers_mut().insert(name, kept.clone());
            }
        }
        response = not_modified;
    }
    response.headers_mut().insert(header::ETAG, value);
    response
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
/// whose recorded source is this very file (see [`COPIES_SOURCE_SUFFIX`]), tagged with its
/// hash.
pub async fn from_folder(root: &Path, path: &str, request: &HeaderMap) -> Response<Body> {
    if is_precompressed(path) {
        return not_found();
    }
    let Some(file) = inside(root, path) else { return not_found() };
    if !tokio::fs::metadata(&file).await.is_ok_and(|m| m.is_file()) {
        return not_found();
    }
    let Ok(source) = tokio::fs::read(&file).await else { return not_found() };
    let digest = sha256_hex(&source);
    let sibling = |suffix: &str| {
        let mut name = file.clone().into_os_string();
        name.push(suffix);
        PathBuf::from(name)
    };
    let recorded = tokio::fs::read_to_string(sibling(COPIES_SOURCE_SUFFIX)).await.unwrap_or_default();
    if recorded.trim() == digest {
        for (coding, suffix) in accepted_codings(request) {
            if let Ok(data) = tokio::fs::read(sibling(suffix)).await {
                return tagged(asset(path, data, Some(coding)), request, &etag(&digest, Some(coding)));
            }
        }
    }
    tagged(asset(path, source, None), request, &etag(&digest, None))
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
    fn a_coding_at_q_0_is_refused() {
        let codings = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
            accepted_codings(&headers).map(|(coding, _)| coding).collect::<Vec<_>>()
        };
        assert_eq!(codings("gzip, deflate, br"), ["br", "gzip"]);
        assert_eq!(codings("br;q=0, gzip;q=0.5"), ["gzip"]);
        assert_eq!(codings("br; q=0.0"), Vec::<&str>::new());
        assert_eq!(codings("BR;q=1"), ["br"]);
        assert_eq!(codings("identity"), Vec::<&str>::new());
    }

    #[test]
    fn a_known_version_gets_a_304_without_its_body() {
        let tag = etag(&sha256_hex(b"bundle"), Some("br"));
        let mut request = HeaderMap::new();
        request.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&format!("\"other\", W/{tag}")).unwrap());
        let answer = tagged(asset("data/16.bin", b"x".to_vec(), Some("br")), &request, &tag);
        assert_eq!(answer.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(answer.headers()[header::ETAG], tag.as_str());
        assert_eq!(answer.headers()[header::CACHE_CONTROL], "no-cache");
        let changed = tagged(asset("data/16.bin", b"x".to_vec(), None), &request, &etag(&sha256_hex(b"new"), None));
        assert_eq!(changed.status(), StatusCode::OK);
    }

    #[test]
    fn hashed_names_are_immutable() {
        assert_eq!(cache_control("aiguillage_widget_bg.35812e204671b39a.wasm"), "public, max-age=31536000, immutable");
        assert_eq!(cache_control("data/16.bin"), "no-cache");
    }
}
