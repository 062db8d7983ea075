//! `publish.toml`: where to publish, which territories, which sources (README, « Garder les
//! données à jour », and `publish.example.toml`). Every mistake is an error naming its line,
//! found before anything is downloaded or written.

use std::path::{Path, PathBuf};
use std::time::Duration;

use aiguillage_engine::Communes;
use aiguillage_import::sources::Format;
use aiguillage_import::territory::departements_of;
use serde::Deserialize;
use toml::Spanned;

/// A configuration, checked, with its paths made absolute from the file's folder.
#[derive(Clone, Debug)]
pub struct Config {
    /// The folder the server serves (e.g. `widget/data/national`): a link to the live
    /// publication, swapped atomically.
    pub out_dir: PathBuf,
    /// Snapshots, publications, the sources' state and the history.
    pub state_dir: PathBuf,
    /// The départements published, in order, each once.
    pub departements: Vec<String>,
    /// The largest share of a département's places a publication may lose (0.2: a fifth).
    pub max_loss: f64,
    /// Publications and snapshots kept per source.
    pub keep: usize,
    pub http: Http,
    pub sources: Vec<Source>,
    pub locals: Vec<Local>,
}

/// How sources are downloaded.
#[derive(Clone, Debug)]
pub struct Http {
    pub connect_timeout: Duration,
    /// The whole of one request (one page of a paginated source).
    pub timeout: Duration,
    /// Retries after a server error (5xx), a time-out or a broken connection.
    pub retries: u32,
    /// The first wait before a retry, doubled at each one.
    pub retry_delay: Duration,
    /// The largest body accepted, whole source.
    pub max_bytes: u64,
}

#[derive(Clone, Debug)]
pub struct Source {
    /// Its name in reports and snapshot folders: letters, digits, `-` and `_`.
    pub name: String,
    pub url: String,
    pub format: Option<Format>,
    pub licence: Option<String>,
    /// Not asked again before this long after its last success (`None`: at every run).
    pub refresh: Option<Duration>,
    /// The environment variable holding the source's key, sent as `token_header`.
    pub token_env: Option<String>,
    /// `Authorization` (as `Bearer KEY`) unless another header is named (sent as `KEY`).
    pub token_header: String,
    pub pagination: Option<Pagination>,
    /// Parameters added to the address, written plainly and encoded when sent (a records
    /// API's `where`).
    pub query: Vec<(String, String)>,
}

impl Source {
    /// The address asked, with the query's parameters percent-encoded.
    pub fn address(&self) -> String {
        let mut url = self.url.clone();
        for (name, value) in &self.query {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&percent_encoded(name));
            url.push('=');
            url.push_str(&percent_encoded(value));
        }
        url
    }
}

/// Every byte but the unreserved ones (RFC 3986) as `%XX`.
fn percent_encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// How a paginated API is followed to its last page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pagination {
    /// `limit` and `offset` parameters, records in `results`, the total in `total_count`
    /// (Opendatasoft's Explore API: the Annuaire's records). `size`: at most 100 there.
    Offset { size: u32 },
    /// `page` (from 1) and `size` parameters, records in `items`, the count of pages in `pages`
    /// (data·inclusion's API).
    Page { size: u32 },
}

/// A file the coordinator keeps (places no national source knows), merged last.
#[derive(Clone, Debug)]
pub struct Local {
    pub path: PathBuf,
    pub format: Option<Format>,
}

/// A configuration that cannot be used: the file, the line, what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for ConfigError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    out_dir: Spanned<String>,
    state_dir: Spanned<String>,
    territories: Spanned<Vec<Spanned<String>>>,
    max_loss: Option<Spanned<f64>>,
    keep: Option<Spanned<i64>>,
    http: Option<RawHttp>,
    #[serde(default, rename = "source")]
    sources: Vec<Spanned<RawSource>>,
    #[serde(default, rename = "local")]
    locals: Vec<Spanned<RawLocal>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHttp {
    connect_timeout: Option<Spanned<String>>,
    timeout: Option<Spanned<String>>,
    retries: Option<Spanned<i64>>,
    retry_delay: Option<Spanned<String>>,
    max_bytes: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    name: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    format: Option<Spanned<String>>,
    licence: Option<String>,
    refresh: Option<Spanned<String>>,
    token_env: Option<Spanned<String>>,
    token_header: Option<Spanned<String>>,
    pagination: Option<Spanned<String>>,
    page_size: Option<Spanned<i64>>,
    #[serde(default)]
    query: std::collections::BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLocal {
    path: Option<Spanned<String>>,
    format: Option<Spanned<String>>,
}

impl Config {
    /// Reads and checks `path`; relative paths in it are taken from its folder.
    pub fn load(path: &Path, france: &Communes) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: path.display().to_string(),
            line: 0,
            message: format!("cannot read the configuration: {e}"),
        })?;
        Config::parse(&text, path, france)
    }

    pub fn parse(text: &str, path: &Path, france: &Communes) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let error = |offset: usize, message: String| ConfigError { file: file.clone(), line: line_of(offset), message };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            error(offset, e.message().trim().to_string())
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let folder = |value: &Spanned<String>, key: &str| {
            if value.get_ref().trim().is_empty() {
                return Err(error(value.span().start, format!("{key}: expected a folder")));
            }
            Ok(base.join(value.get_ref()))
        };
        let out_dir = folder(&raw.out_dir, "out_dir")?;
        let state_dir = folder(&raw.state_dir, "state_dir")?;
        if out_dir == state_dir || out_dir.starts_with(&state_dir) || state_dir.starts_with(&out_dir) {
            return Err(error(
                raw.state_dir.span().start,
                "state_dir: expected a folder apart from out_dir (the served folder must hold the publication only)"
                    .into(),
            ));
        }

        let mut departements = Vec::new();
        if raw.territories.get_ref().is_empty() {
            return Err(error(
                raw.territories.span().start,
                "territories: expected at least one: a département (\"16\"), \"region:75\" or \"all\"".into(),
            ));
        }
        for territory in raw.territories.get_ref() {
            let codes = departements_of(territory.get_ref(), france)
                .map_err(|e| error(territory.span().start, format!("territories: {e}")))?;
            for code in codes {
                if !departements.contains(&code) {
                    departements.push(code);
                }
            }
        }

        let max_loss = match &raw.max_loss {
            None => 0.2,
            Some(value) if (0.0..=1.0).contains(value.get_ref()) => *value.get_ref(),
            Some(value) => {
                return Err(error(
                    value.span().start,
                    "max_loss: expected a share between 0 and 1 (0.2: a fifth of the places)".into(),
                ))
            }
        };
        let keep = match &raw.keep {
            None => 10,
            Some(value) if (2..=1000).contains(value.get_ref()) => *value.get_ref() as usize,
            Some(value) => {
                return Err(error(
                    value.span().start,
                    "keep: expected a count from 2 to 1000 (publications and snapshots kept)".into(),
                ))
            }
        };

        let duration = |value: &Spanned<String>, key: &str| {
            parse_duration(value.get_ref()).ok_or_else(|| {
                error(
                    value.span().start,
                    format!(
                        "{key}: `{}` is not a duration: expected e.g. \"30s\", \"10m\", \"6h\", \"1d\"",
                        value.get_ref()
                    ),
                )
            })
        };
        let mut http = Http {
            connect_timeout: Duration::from_secs(15),
            timeout: Duration::from_secs(300),
            retries: 3,
            retry_delay: Duration::from_secs(2),
            max_bytes: 200_000_000,
        };
        if let Some(raw_http) = &raw.http {
            if let Some(v) = &raw_http.connect_timeout {
                http.connect_timeout = duration(v, "http.connect_timeout")?;
            }
            if let Some(v) = &raw_http.timeout {
                http.timeout = duration(v, "http.timeout")?;
            }
            if let Some(v) = &raw_http.retry_delay {
                http.retry_delay = duration(v, "http.retry_delay")?;
            }
            if let Some(v) = &raw_http.retries {
                http.retries = u32::try_from(*v.get_ref())
                    .ok()
                    .filter(|r| *r <= 10)
                    .ok_or_else(|| error(v.span().start, "http.retries: expected a count from 0 to 10".into()))?;
            }
            if let Some(v) = &raw_http.max_bytes {
                http.max_bytes = u64::try_from(*v.get_ref()).ok().filter(|m| *m >= 1024).ok_or_else(|| {
                    error(v.span().start, "http.max_bytes: expected a size in bytes, at least 1024".into())
                })?;
            }
        }

        let format = |value: &Option<Spanned<String>>| -> Result<Option<Format>, ConfigError> {
            match value {
                None => Ok(None),
                Some(v) => Format::from_name(v.get_ref()).map(Some).ok_or_else(|| {
                    error(
                        v.span().start,
                        format!("format: unknown format `{}`: expected one of {}", v.get_ref(), Format::NAMES),
                    )
                }),
            }
        };

        let mut sources: Vec<Source> = Vec::new();
        for spanned in &raw.sources {
            let at = spanned.span().start;
            let raw_source = spanned.get_ref();
            let name = raw_source.name.as_ref().ok_or_else(|| {
                error(at, "[[source]]: missing `name` (a short name such as \"mediation-numerique\")".into())
            })?;
            if name.get_ref().is_empty()
                || !name.get_ref().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(error(
                    name.span().start,
                    format!(
                        "name: `{}`: expected letters, digits, `-` and `_` only (it names a folder)",
                        name.get_ref()
                    ),
                ));
            }
            if sources.iter().any(|s| &s.name == name.get_ref()) {
                return Err(error(
                    name.span().start,
                    format!("name: `{}` names two sources: expected each name once", name.get_ref()),
                ));
            }
            let url = raw_source.url.as_ref().ok_or_else(|| {
                error(at, format!("[[source]] `{}`: missing `url` (https:, http: or file:)", name.get_ref()))
            })?;
            let scheme_ok = ["https://", "http://", "file:"].iter().any(|s| url.get_ref().starts_with(s));
            if !scheme_ok || url.get_ref().contains(char::is_whitespace) {
                return Err(error(
                    url.span().start,
                    format!("url: `{}`: expected an address starting with https://, http:// or file:", url.get_ref()),
                ));
            }
            let pagination = match (&raw_source.pagination, &raw_source.page_size) {
                (None, None) => None,
                (None, Some(size)) => {
                    return Err(error(
                        size.span().start,
                        "page_size: only with `pagination` (\"offset\" or \"page\")".into(),
                    ))
                }
                (Some(kind), size) => {
                    let size = match size {
                        None => None,
                        Some(s) => {
                            Some(u32::try_from(*s.get_ref()).ok().filter(|n| (1..=10_000).contains(n)).ok_or_else(
                                || error(s.span().start, "page_size: expected a count from 1 to 10000".into()),
                            )?)
                        }
                    };
                    match kind.get_ref().as_str() {
                        "offset" => Some(Pagination::Offset { size: size.unwrap_or(100) }),
                        "page" => Some(Pagination::Page { size: size.unwrap_or(500) }),
                        other => {
                            return Err(error(kind.span().start, format!("pagination: `{other}`: expected \"offset\" (limit/offset, as the Annuaire's records API) or \"page\" (page/size, as data·inclusion's API)")))
                        }
                    }
                }
            };
            if pagination.is_some() && url.get_ref().starts_with("file:") {
                return Err(error(url.span().start, "url: a file: source has no pages: remove `pagination`".into()));
            }
            let token_env = match &raw_source.token_env {
                Some(v) if v.get_ref().is_empty() || v.get_ref().contains(['=', '\0']) => {
                    return Err(error(v.span().start, "token_env: expected the name of an environment variable".into()))
                }
                v => v.as_ref().map(|v| v.get_ref().clone()),
            };
            let token_header = match &raw_source.token_header {
                None => "Authorization".to_string(),
                Some(v)
                    if v.get_ref().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        && !v.get_ref().is_empty() =>
                {
                    v.get_ref().clone()
                }
                Some(v) => {
                    return Err(error(v.span().start, format!("token_header: `{}` is not a header name", v.get_ref())))
                }
            };
            // A file's path is taken from the configuration's folder, as `[[local]]` paths are.
            let address = match url.get_ref().strip_prefix("file:") {
                Some(path) => {
                    let path = path.strip_prefix("//").unwrap_or(path);
                    format!("file://{}", base.join(path).display())
                }
                None => url.get_ref().clone(),
            };
            sources.push(Source {
                name: name.get_ref().clone(),
                url: address,
                format: format(&raw_source.format)?,
                licence: raw_source.licence.clone(),
                refresh: raw_source.refresh.as_ref().map(|v| duration(v, "refresh")).transpose()?,
                token_env,
                token_header,
                pagination,
                query: raw_source.query.clone().into_iter().collect(),
            });
        }
        let mut locals = Vec::new();
        for spanned in &raw.locals {
            let raw_local = spanned.get_ref();
            let path = raw_local.path.as_ref().ok_or_else(|| {
                error(spanned.span().start, "[[local]]: missing `path` (a TOML or CSV file of places)".into())
            })?;
            locals.push(Local { path: base.join(path.get_ref()), format: format(&raw_local.format)? });
        }
        if sources.is_empty() && locals.is_empty() {
            return Err(error(text.len(), "expected at least one [[source]] or [[local]] file".into()));
        }
        Ok(Config { out_dir, state_dir, departements, max_loss, keep, http, sources, locals })
    }
}

/// `"500ms"`, `"30s"`, `"10m"`, `"6h"`, `"1d"`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "ms" => return Some(Duration::from_millis(number)),
        "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" | "j" => 86_400,
        _ => return None,
    };
    number.checked_mul(seconds).map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/etc/aiguillage/publish.toml"), &aiguillage_import::reference::france())
    }

    const GOOD: &str = r#"
out_dir = "national"
state_dir = "/var/lib/aiguillage/publish"
territories = ["16", "region:94"]

[[source]]
name = "annuaire"
url = "https://example.org/records?where=x"
format = "annuaire-json"
pagination = "offset"
refresh = "6h"

[[local]]
path = "locaux.toml"
"#;

    #[test]
    fn a_good_file_is_read_with_its_defaults() {
        let config = parse(GOOD).unwrap();
        assert_eq!(config.out_dir, Path::new("/etc/aiguillage/national"));
        assert_eq!(config.departements, ["16", "2A", "2B"]);
        assert_eq!(config.max_loss, 0.2);
        assert_eq!(config.keep, 10);
        assert_eq!(config.sources[0].pagination, Some(Pagination::Offset { size: 100 }));
        assert_eq!(config.sources[0].refresh, Some(Duration::from_secs(6 * 3600)));
        assert_eq!(config.locals[0].path, Path::new("/etc/aiguillage/locaux.toml"));
        let unpaged = GOOD.replace("pagination = \"offset\"\n", "");
        let files = parse(&unpaged.replace("https://example.org/records?where=x", "file:exports/lieux.json")).unwrap();
        assert_eq!(files.sources[0].url, "file:///etc/aiguillage/exports/lieux.json");
        let absolute =
            parse(&unpaged.replace("https://example.org/records?where=x", "file:///srv/lieux.json")).unwrap();
        assert_eq!(absolute.sources[0].url, "file:///srv/lieux.json");
    }

    #[test]
    fn the_example_file_is_a_good_configuration() {
        let config = parse(include_str!("../publish.example.toml")).unwrap();
        assert_eq!(config.departements, ["16"]);
        let names: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "mediation-numerique",
                "france-services",
                "annuaire-16",
                "data-inclusion-structures",
                "data-inclusion-services"
            ]
        );
        assert!(config.sources.iter().all(|s| s.url.starts_with("https://")));
        assert!(config.sources[2].address().contains("where=startswith%28code_insee_commune"));
        assert_eq!(config.sources[3].token_env.as_deref(), Some("DATA_INCLUSION_TOKEN"));
    }

    #[test]
    fn query_parameters_are_written_plainly_and_sent_encoded() {
        let text = GOOD.replace(
            "refresh = \"6h\"",
            "refresh = \"6h\"\nquery = { where = 'startswith(code_insee_commune, \"16\")' }",
        );
        let config = parse(&text).unwrap();
        assert_eq!(
            config.sources[0].address(),
            "https://example.org/records?where=x&where=startswith%28code_insee_commune%2C%20%2216%22%29"
        );
    }

    #[test]
    fn mistakes_name_their_line() {
        let cases = [
            (GOOD.replace("refresh = \"6h\"", "refresh = \"6h\"\nrefesh = 1"), 12, "unknown field `refesh`"),
            (GOOD.replace("url = \"https://example.org/records?where=x\"\n", ""), 6, "missing `url`"),
            (GOOD.replace("\"region:94\"", "\"99\""), 4, "unknown territory `99`"),
            (GOOD.replace("\"region:94\"", "\"region:99\""), 4, "unknown région `99`"),
            (GOOD.replace("https://example.org", "ftp://example.org"), 8, "expected an address"),
            (GOOD.replace("annuaire-json", "annuaire"), 9, "unknown format `annuaire`"),
            (GOOD.replace("\"offset\"", "\"cursor\""), 10, "pagination: `cursor`"),
            (GOOD.replace("\"6h\"", "\"six hours\""), 11, "not a duration"),
            (GOOD.replace("territories", "max_loss = 3\nterritories"), 4, "max_loss"),
            (GOOD.replace("name = \"annuaire\"", "name = \"../x\""), 7, "letters, digits"),
            (
                GOOD.replace("state_dir = \"/var/lib/aiguillage/publish\"", "state_dir = \"national/state\""),
                3,
                "apart from out_dir",
            ),
        ];
        for (text, line, expected) in cases {
            let error = parse(&text).unwrap_err();
            assert!(error.message.contains(expected), "{expected}: {error}");
            assert_eq!(error.line, line, "{expected}: {error}");
            assert!(error.to_string().starts_with("/etc/aiguillage/publish.toml:"), "{error}");
        }
    }

    #[test]
    fn durations_read_as_written() {
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("6h"), Some(Duration::from_secs(21_600)));
        assert_eq!(parse_duration("1d"), Some(Duration::from_secs(86_400)));
        assert_eq!(parse_duration("6"), None);
        assert_eq!(parse_duration("h"), None);
    }
}
