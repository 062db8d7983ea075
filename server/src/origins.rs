//! The sites allowed to embed the widget from this server and to send it beacons.

use axum::http::{header, HeaderMap, HeaderValue};

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
