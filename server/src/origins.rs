//! The sites allowed to embed the widget from this server and to send it beacons.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Response, StatusCode};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origins {
    /// Any site (`allowed_origins = ["*"]`, the demo).
    Any,
    /// These origins only (`https://www.ruffec.fr`), compared without a trailing slash.
    List(Vec<String>),
}

impl Origins {
    pub fn new(configured: &[String]) -> Origins {
        if configured.iter().any(|o| o == "*") {
            return Origins::Any;
        }
        Origins::List(configured.iter().map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase()).collect())
    }

    pub fn allows(&self, origin: &str) -> bool {
        match self {
            Origins::Any => true,
            Origins::List(list) => list.iter().any(|o| o.eq_ignore_ascii_case(origin)),
        }
    }

    /// Whether a `POST` (a count, a report) comes from a page of this server, or of a site
    /// allowed; a request without an `Origin` is not a page's (a script's, a test's).
    pub fn allows_sender(&self, headers: &HeaderMap) -> bool {
        let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        let same_site = origin.split_once("://").is_some_and(|(_, authority)| !host.is_empty() && authority == host);
        same_site || self.allows(origin)
    }

    /// The `Access-Control-Allow-Origin` to answer a request with, if any.
    pub fn allow_origin(&self, request: &HeaderMap) -> Option<HeaderValue> {
        match self {
            Origins::Any => Some(HeaderValue::from_static("*")),
            Origins::List(_) => {
                let origin = request.get(header::ORIGIN)?;
                self.allows(origin.to_str().ok()?).then(|| origin.clone())
            }
        }
    }
}

/// The answer to a CORS preflight of a `POST` (a count, a report) from a page of `origins`.
pub fn preflight(origins: &Origins, headers: &HeaderMap) -> Response<Body> {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    if let Some(origin) = origins.allow_origin(headers) {
        let out = response.headers_mut();
        out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        out.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("POST"));
        out.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("content-type"));
        out.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
        out.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_origins_are_echoed_and_others_get_nothing() {
        let origins = Origins::new(&["https://www.ruffec.fr/".into()]);
        let mut request = HeaderMap::new();
        request.insert(header::ORIGIN, HeaderValue::from_static("https://www.ruffec.fr"));
        assert_eq!(origins.allow_origin(&request).unwrap(), "https://www.ruffec.fr");
        request.insert(header::ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert_eq!(origins.allow_origin(&request), None);
        assert_eq!(Origins::new(&["*".into()]).allow_origin(&HeaderMap::new()).unwrap(), "*");
    }
}
