//! Downloading a source: conditional requests, time-outs, retries with back-off, compressed
//! transfer, a size limit, every page of a paginated API, and the refusal of what is not data
//! (an error page served with status 200, a wrong content type).

use serde_json::Value;

use crate::config::{Http, Pagination, Source};

/// Sent with every request, so that a source's operators know who asks.
pub const USER_AGENT: &str =
    concat!("aiguillage-publish/", env!("CARGO_PKG_VERSION"), " (orientation inclusion numerique; annuaire local)");

/// What the server said last time, to ask only for a change.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug)]
pub enum Fetched {
    /// 304: what was kept is still current.
    NotModified,
    Body(Download),
}

#[derive(Debug)]
pub struct Download {
    pub bytes: Vec<u8>,
    pub validators: Validators,
    /// The response headers worth keeping beside the snapshot.
    pub headers: Vec<(String, String)>,
    /// Pages followed (1 for a plain file).
    pub pages: u32,
}

/// Why a source could not be downloaded; each says what to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// No answer: connection refused, name not found, time-out, broken transfer.
    Network(String),
    /// An answer with an error status.
    Status {
        status: u16,
        url: String,
    },
    TooLarge {
        limit: u64,
    },
    /// An answer that is not data (an HTML page, an image…).
    NotData(String),
    /// The key named by `token_env` is not in the environment.
    MissingToken(String),
    /// A paginated answer that does not have the expected shape.
    Pages(String),
    File(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Network(e) => write!(f, "no answer: {e}"),
            FetchError::Status { status, url } => write!(f, "status {status} from {url}"),
            FetchError::TooLarge { limit } => {
                write!(f, "larger than {limit} bytes: raise http.max_bytes if the source really is that large")
            }
            FetchError::NotData(what) => write!(f, "not data: {what}"),
            FetchError::MissingToken(name) => {
                write!(f, "the environment variable {name} (token_env) is not set: expected the source's API key")
            }
            FetchError::Pages(what) => write!(f, "pages: {what}"),
            FetchError::File(what) => write!(f, "{what}"),
        }
    }
}

pub struct Fetcher {
    agent: ureq::Agent,
    http: Http,
}

/// Opendatasoft's Explore API serves at most this many records through `offset` (its
/// documented `offset + limit` maximum); beyond, only its export does.
const OFFSET_MAX_RECORDS: u64 = 10_000;
/// A paginated source that never ends is a broken one.
const MAX_PAGES: u32 = 10_000;

impl Fetcher {
    pub fn new(http: &Http) -> Fetcher {
        let agent = ureq::Agent::config_builder()
            .timeout_connect(Some(http.connect_timeout))
            .timeout_global(Some(http.timeout))
            .http_status_as_error(false)
            .user_agent(USER_AGENT)
            .build()
            .new_agent();
        Fetcher { agent, http: http.clone() }
    }

    /// Downloads `source`, asking only for a change since `previous` (a plain file).
    pub fn fetch(&self, source: &Source, previous: &Validators) -> Result<Fetched, FetchError> {
        if let Some(path) = source.url.strip_prefix("file:") {
            return self.read_file(path.strip_prefix("//").unwrap_or(path));
        }
        let token = match &source.token_env {
            None => None,
            Some(name) => Some(std::env::var(name).map_err(|_| FetchError::MissingToken(name.clone()))?),
        };
        let auth = token.map(|key| {
            if source.token_header.eq_ignore_ascii_case("authorization") {
                (source.token_header.clone(), format!("Bearer {key}"))
            } else {
                (source.token_header.clone(), key)
            }
        });
        let url = source.address();
        match source.pagination {
            None => self.fetch_one(&url, auth.as_ref(), previous),
            Some(pagination) => self.fetch_pages(&url, auth.as_ref(), pagination).map(Fetched::Body),
        }
    }

    fn read_file(&self, path: &str) -> Result<Fetched, FetchError> {
        let metadata = std::fs::metadata(path).map_err(|e| FetchError::File(format!("cannot read {path}: {e}")))?;
        if metadata.len() > self.http.max_bytes {
            return Err(FetchError::TooLarge { limit: self.http.max_bytes });
        }
        let bytes = std::fs::read(path).map_err(|e| FetchError::File(format!("cannot read {path}: {e}")))?;
        refuse_non_data(None, &bytes)?;
        Ok(Fetched::Body(Download { bytes, validators: Validators::default(), headers: Vec::new(), pages: 1 }))
    }

    fn fetch_one(
        &self,
        url: &str,
        auth: Option<&(String, String)>,
        previous: &Validators,
    ) -> Result<Fetched, FetchError> {
        let mut conditional: Vec<(String, String)> = auth.into_iter().cloned().collect();
        if let Some(etag) = &previous.etag {
            conditional.push(("If-None-Match".into(), etag.clone()));
        }
        if let Some(date) = &previous.last_modified {
            conditional.push(("If-Modified-Since".into(), date.clone()));
        }
        let answer = self.get(url, &conditional, self.http.max_bytes)?;
        if answer.status == 304 {
            return Ok(Fetched::NotModified);
        }
        refuse_non_data(answer.content_type.as_deref(), &answer.bytes)?;
        let validators = Validators { etag: answer.header("etag"), last_modified: answer.header("last-modified") };
        let headers = answer.kept_headers();
        Ok(Fetched::Body(Download { bytes: answer.bytes, validators, headers, pages: 1 }))
    }

    /// Follows every page and writes the records as one answer of the same shape, one record a
    /// line (so that diagnostics name useful lines).
    fn fetch_pages(
        &self,
        url: &str,
        auth: Option<&(String, String)>,
        pagination: Pagination,
    ) -> Result<Download, FetchError> {
        let headers: Vec<(String, String)> = auth.into_iter().cloned().collect();
        let separator = if url.contains('?') { '&' } else { '?' };
        let mut records: Vec<Value> = Vec::new();
        let mut budget = self.http.max_bytes;
        let mut pages = 0;
        let mut kept_headers = Vec::new();
        loop {
            pages += 1;
            if pages > MAX_PAGES {
                return Err(FetchError::Pages(format!(
                    "more than {MAX_PAGES} pages: the source never says it is done"
                )));
            }
            let page_url = match pagination {
                Pagination::Offset { size } => format!("{url}{separator}limit={size}&offset={}", records.len()),
                Pagination::Page { size } => format!("{url}{separator}page={pages}&size={size}"),
            };
            let answer = self.get(&page_url, &headers, budget)?;
            if answer.status != 200 {
                return Err(FetchError::Status { status: answer.status, url: page_url });
            }
            refuse_non_data(answer.content_type.as_deref(), &answer.bytes)?;
            budget = budget.saturating_sub(answer.bytes.len() as u64);
            if pages == 1 {
                kept_headers = answer.kept_headers();
            }
            let value: Value = serde_json::from_slice(&answer.bytes)
                .map_err(|e| FetchError::Pages(format!("page {pages} ({page_url}) is not JSON: {e}")))?;
            let (key, expected) = match pagination {
                Pagination::Offset { .. } => {
                    ("results", "an object with `results` and `total_count` (Opendatasoft's records API)")
                }
                Pagination::Page { .. } => ("items", "an object with `items` and `pages` (data·inclusion's API)"),
            };
            let Some(Value::Array(items)) = value.get(key) else {
                return Err(FetchError::Pages(format!("page {pages} ({page_url}): expected {expected}")));
            };
            let got = items.len();
            records.extend(items.iter().cloned());
            let done = match pagination {
                Pagination::Offset { size } => {
                    let total = value.get("total_count").and_then(Value::as_u64);
                    if let Some(total) = total.filter(|t| *t > OFFSET_MAX_RECORDS) {
                        return Err(FetchError::Pages(format!(
                            "{total} records, but the API gives at most {OFFSET_MAX_RECORDS} through pages: narrow the query (a `where` by département) or use its export"
                        )));
                    }
                    got < size as usize || total.is_some_and(|t| records.len() as u64 >= t)
                }
                Pagination::Page { .. } => {
                    let last = value.get("pages").and_then(Value::as_u64);
                    got == 0 || last.is_none_or(|last| u64::from(pages) >= last)
                }
            };
            if done {
                break;
            }
        }
        let mut text = String::from(match pagination {
            Pagination::Offset { .. } => "{\"total_count\": ",
            Pagination::Page { .. } => "{\"total\": ",
        });
        text.push_str(&records.len().to_string());
        text.push_str(match pagination {
            Pagination::Offset { .. } => ", \"results\": [\n",
            Pagination::Page { .. } => ", \"items\": [\n",
        });
        for (index, record) in records.iter().enumerate() {
            if index > 0 {
                text.push_str(",\n");
            }
            text.push_str(&record.to_string());
        }
        text.push_str("\n]}\n");
        Ok(Download { bytes: text.into_bytes(), validators: Validators::default(), headers: kept_headers, pages })
    }

    /// One GET, retried after a server error, a time-out or a broken connection, waiting
    /// `retry_delay`, then twice as long, and so on.
    fn get(&self, url: &str, headers: &[(String, String)], limit: u64) -> Result<Answer, FetchError> {
        let mut attempt = 0;
        loop {
            let outcome = self.get_once(url, headers, limit);
            let retry = match &outcome {
                Ok(answer) => answer.status >= 500 || answer.status == 429,
                Err(FetchError::Network(_)) => true,
                Err(_) => false,
            };
            if !retry || attempt >= self.http.retries {
                return match outcome {
                    Ok(answer) if answer.status >= 400 => {
                        Err(FetchError::Status { status: answer.status, url: url.to_string() })
                    }
                    other => other,
                };
            }
            std::thread::sleep(self.http.retry_delay.saturating_mul(1 << attempt.min(16)));
            attempt += 1;
        }
    }

    fn get_once(&self, url: &str, headers: &[(String, String)], limit: u64) -> Result<Answer, FetchError> {
        let mut request = self.agent.get(url);
        for (name, value) in headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let mut response = request.call().map_err(network)?;
        let status = response.status().as_u16();
        let response_headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter_map(|(name, value)| Some((name.as_str().to_ascii_lowercase(), value.to_str().ok()?.to_string())))
            .collect();
        let content_type = response_headers.iter().find(|(n, _)| n == "content-type").map(|(_, v)| v.clone());
        let bytes = if status == 304 {
            Vec::new()
        } else {
            response.body_mut().with_config().limit(limit).read_to_vec().map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge { limit: self.http.max_bytes },
                other => network(other),
            })?
        };
        Ok(Answer { status, headers: response_headers, content_type, bytes })
    }
}

fn network(error: ureq::Error) -> FetchError {
    FetchError::Network(match error {
        ureq::Error::Timeout(what) => format!("timed out ({what:?})"),
        other => other.to_string(),
    })
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<String> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    }

    fn kept_headers(&self) -> Vec<(String, String)> {
        const KEPT: &[&str] = &["content-type", "etag", "last-modified", "date", "content-length", "content-encoding"];
        self.headers.iter().filter(|(n, _)| KEPT.contains(&n.as_str())).cloned().collect()
    }
}

/// An HTML page (a portal's error or maintenance page, often with status 200), an image, a PDF
/// or XML is not a directory.
fn refuse_non_data(content_type: Option<&str>, bytes: &[u8]) -> Result<(), FetchError> {
    let media = content_type.unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if media.contains("html") {
        return Err(FetchError::NotData(format!(
            "an HTML page ({media}), not a data file: the address may have moved"
        )));
    }
    let refused = ["image/", "audio/", "video/", "application/pdf", "application/xml", "text/xml", "application/zip"];
    if refused.iter().any(|r| media.starts_with(r)) {
        return Err(FetchError::NotData(format!("content type {media}: expected CSV or JSON")));
    }
    let head: String = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).trim_start().chars().take(64).collect();
    let head = head.to_ascii_lowercase();
    if head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<?xml")
        || head.starts_with("<head")
    {
        return Err(FetchError::NotData("an HTML or XML page, not a data file: the address may have moved".into()));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FetchError::NotData("an empty answer".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_pages_are_not_data() {
        assert!(refuse_non_data(Some("text/html; charset=utf-8"), b"id,nom").is_err());
        assert!(refuse_non_data(Some("text/plain"), b"  <!DOCTYPE html><title>Maintenance</title>").is_err());
        assert!(refuse_non_data(Some("image/png"), b"\x89PNG").is_err());
        assert!(refuse_non_data(None, b"\n \n").is_err());
        assert!(refuse_non_data(Some("text/csv"), b"id,nom\n1,a").is_ok());
        assert!(refuse_non_data(Some("application/json"), b"[{\"id\": 1}]").is_ok());
        assert!(refuse_non_data(Some("application/octet-stream"), b"{\"results\": []}").is_ok());
    }
}
