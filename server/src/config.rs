//! The server's configuration, a TOML file (README, "Héberger le widget": an example).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::limiter::Network;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address and port to listen on, e.g. `127.0.0.1:8080` behind a reverse proxy.
    #[serde(deserialize_with = "listen_address")]
    pub listen: SocketAddr,
    /// The widget's files, as `cargo xtask dist` writes them (`target/dist/widget`); the
    /// territory bundles are in its `data/` folder. Relative to the configuration file.
    pub widget_dir: PathBuf,
    /// The sites that embed the widget from this server and may send it beacons, e.g.
    /// `["https://www.ruffec.fr"]`; `["*"]` for any.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// The reverse proxies in front of the server (addresses or networks, e.g. `["127.0.0.1"]`):
    /// from them only, the client's address is read from `X-Forwarded-For`.
    #[serde(default, deserialize_with = "networks")]
    pub trusted_proxies: Vec<Network>,
    /// Replaced by `trusted_proxies`; kept to say so.
    #[serde(default)]
    trust_forwarded_for: Option<bool>,
    /// Seconds a client has to send a request's headers, and a beacon's body; beyond, the
    /// connection is closed (a slow client cannot hold the server).
    #[serde(default = "default_client_timeout")]
    pub client_timeout_seconds: u64,
    /// One line per request on the standard output (see [`crate::serve`] for its format).
    #[serde(default = "yes")]
    pub log_requests: bool,
    /// The client's address at the end of each line; off by default (a resident's address is
    /// personal data).
    #[serde(default)]
    pub log_client_address: bool,
    #[serde(default)]
    pub stats: StatsConfig,
    /// Publishing by itself (`aiguillage publish`) on a schedule.
    pub publish: Option<PublishConfig>,
    /// The printable guides (`/guide/`): where their QR codes open the widget.
    #[serde(default)]
    pub guide: GuideConfig,
    /// The coordinator's workspace (`/espace`).
    #[serde(default)]
    pub workspace: WorkspaceConfig,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Accounts, sessions, corrections and the journal; created when missing. Relative to this
    /// file.
    #[serde(default = "default_workspace_database")]
    pub database: PathBuf,
    /// The corrections as native TOML, written again after every change: list it as a
    /// `[[local]]` file of `publish.toml` so that every publication applies them. Relative to
    /// this file.
    #[serde(default = "default_corrections")]
    pub corrections: PathBuf,
}

impl Default for WorkspaceConfig {
    fn default() -> Self {
        WorkspaceConfig { enabled: true, database: default_workspace_database(), corrections: default_corrections() }
    }
}

fn default_workspace_database() -> PathBuf {
    PathBuf::from("espace.sqlite")
}

fn default_corrections() -> PathBuf {
    PathBuf::from("corrections.toml")
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuideConfig {
    /// The page of the site where the widget is, e.g. `"https://www.ruffec.fr/aide-numerique"`;
    /// without it (and without `widget_urls`), the guides have no QR code.
    pub widget_url: Option<String>,
    /// The widget's `id` on those pages, if it has one.
    pub widget_id: Option<String>,
    /// A page per territory: a commune's INSEE code, an EPCI's SIREN or a département's code,
    /// the most precise first; e.g. `{ "200043016" = "https://www.cc-valdecharente.fr/numerique" }`.
    #[serde(default)]
    pub widget_urls: std::collections::BTreeMap<String, String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishConfig {
    /// The publication's configuration (`publish.toml`). Relative to this file.
    pub config: PathBuf,
    /// How often: `"6h"`, `"30m"`, `"1d"`.
    pub every: String,
    /// The `aiguillage` command; by default the one beside this server's binary, else the
    /// one on the PATH.
    pub command: Option<PathBuf>,
}

/// `"30m"`, `"6h"`, `"1d"` in seconds; at least a minute.
pub fn schedule_seconds(text: &str) -> Option<u64> {
    let text = text.trim();
    let unit_at = text.find(|c: char| !c.is_ascii_digit())?;
    let count: u64 = text[..unit_at].parse().ok()?;
    let unit = match &text[unit_at..] {
        "m" | "min" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return None,
    };
    Some(count.checked_mul(unit)?).filter(|s| *s >= 60)
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatsConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The SQLite file; created with its schema when missing. Relative to the configuration file.
    #[serde(default = "default_database")]
    pub database: PathBuf,
    /// Beacons per minute from one client (bursts up to as many); 0: no limit.
    #[serde(default = "default_per_client")]
    pub per_client_per_minute: u32,
    /// Counts kept per day and département (a count's day is its commune's own); beyond, that
    /// day's beacons from that département are refused. 0: no maximum.
    #[serde(default = "default_max_per_day")]
    pub max_per_day: u64,
    /// The database's largest size in megabytes: beyond, counts are refused and `/healthz`
    /// says so, rather than the disk filling up. 0: no limit but the disk's.
    #[serde(default)]
    pub max_megabytes: u64,
    /// `/tableau-de-bord` open to anyone; by default coordinators read it in their workspace
    /// and élus with a share link made there.
    #[serde(default)]
    pub public_dashboard: bool,
}

/// `127.0.0.1:8080`, or a message that says what to write instead (a host name such as
/// `localhost` is not an address).
fn listen_address<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<SocketAddr, D::Error> {
    let text = String::deserialize(deserializer)?;
    text.trim().parse().map_err(|_| {
        serde::de::Error::custom(format!(
            "`{text}` is not an IP address and a port: write e.g. \"127.0.0.1:8080\" (this machine only, behind a proxy), \"0.0.0.0:8080\" (every IPv4 interface) or \"[::]:8080\"; a name such as localhost is not accepted"
        ))
    })
}

fn networks<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<Network>, D::Error> {
    let texts = Vec::<String>::deserialize(deserializer)?;
    texts
        .iter()
        .map(|text| {
            Network::parse(text).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "`{text}` is not an address or a network: write e.g. \"127.0.0.1\", \"::1\" or \"10.0.0.0/8\""
                ))
            })
        })
        .collect()
}

fn default_client_timeout() -> u64 {
    10
}

fn yes() -> bool {
    true
}
fn default_database() -> PathBuf {
    PathBuf::from("stats.sqlite")
}
fn default_per_client() -> u32 {
    30
}
fn default_max_per_day() -> u64 {
    500_000
}

impl Default for StatsConfig {
    fn default() -> Self {
        StatsConfig {
            enabled: true,
            database: default_database(),
            per_client_per_minute: default_per_client(),
            max_per_day: default_max_per_day(),
            max_megabytes: 0,
            public_dashboard: false,
        }
    }
}

#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Config {
    /// Reads `path`; relative paths in it are taken from its folder.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text =
            std::fs::read_to_string(path).map_err(|e| ConfigError(format!("{}: cannot read: {e}", path.display())))?;
        Config::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| ConfigError(format!("{}: {e}", path.display())))?;
        if config.trust_forwarded_for.is_some() {
            return Err(ConfigError(format!(
                "{}: trust_forwarded_for is replaced by trusted_proxies: name the proxy in front of the server, e.g. trusted_proxies = [\"127.0.0.1\"] (X-Forwarded-For from anyone else is not believed)",
                path.display()
            )));
        }
        let base = path.parent().unwrap_or(Path::new("."));
        config.widget_dir = base.join(&config.widget_dir);
        config.stats.database = base.join(&config.stats.database);
        config.workspace.database = base.join(&config.workspace.database);
        config.workspace.corrections = base.join(&config.workspace.corrections);
        if let Some(publish) = &mut config.publish {
            publish.config = base.join(&publish.config);
            if schedule_seconds(&publish.every).is_none() {
                return Err(ConfigError(format!(
                    "{}: [publish] every: `{}` is not a period: expected e.g. \"30m\", \"6h\" or \"1d\" (at least a minute)",
                    path.display(),
                    publish.every
                )));
            }
            publish.command = publish.command.take().map(|c| if c.components().count() > 1 { base.join(c) } else { c });
        }
        for url in config.guide.widget_url.iter().chain(config.guide.widget_urls.values()) {
            if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains(char::is_whitespace) {
                return Err(ConfigError(format!(
                    "{}: [guide] `{url}` is not the address of a page: expected e.g. \"https://www.ruffec.fr/aide-numerique\"",
                    path.display()
                )));
            }
        }
        if !config.widget_dir.join("aiguillage.js").is_file() {
            let what = if config.widget_dir.is_dir() { "has no aiguillage.js" } else { "does not exist" };
            return Err(ConfigError(format!(
                "{}: widget_dir: {} {what}: check the path (relative paths start from this file's folder), or copy there the folder `cargo xtask dist` writes (target/dist/widget)",
                path.display(),
                config.widget_dir.display()
            )));
        }
        if config.stats.enabled {
            let folder = config.stats.database.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            if !folder.is_dir() {
                return Err(ConfigError(format!(
                    "{}: [stats] database: the folder {} does not exist: create it and let the service's user write in it (systemd: StateDirectory=aiguillage gives /var/lib/aiguillage)",
                    path.display(),
                    folder.display()
                )));
            }
        }
        if let Some(bad) =
            config.allowed_origins.iter().find(|o| *o != "*" && !o.starts_with("https://") && !o.starts_with("http://"))
        {
            return Err(ConfigError(format!(
                "{}: allowed_origins: `{bad}` is not an origin; expected e.g. \"https://www.ruffec.fr\" or \"*\"",
                path.display()
            )));
        }
        Ok(config)
    }

    /// What a coordinator should know at startup but that does not stop the server.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.allowed_origins.is_empty() {
            warnings.push(
                "allowed_origins is empty: the widget loads on any site, but no site may send counts; list the communes' sites, e.g. allowed_origins = [\"https://www.ruffec.fr\"]".to_string(),
            );
        }
        warnings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A configuration file beside a widget folder, as a coordinator writes them.
    fn load(name: &str, text: &str) -> Result<Config, ConfigError> {
        let dir = std::env::temp_dir().join(format!("aiguillage-server-config-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("widget")).unwrap();
        std::fs::write(dir.join("widget/aiguillage.js"), "").unwrap();
        std::fs::write(dir.join("aiguillage.toml"), text).unwrap();
        Config::load(&dir.join("aiguillage.toml"))
    }

    #[test]
    fn mistakes_get_a_message_that_says_what_to_do() {
        let good =
            "listen = \"127.0.0.1:8214\"\nwidget_dir = \"widget\"\nallowed_origins = [\"https://www.ruffec.fr\"]\n";
        let config = load("good", good).unwrap();
        assert!(config.warnings().is_empty());
        let cases = [
            (
                good.replace("127.0.0.1:8214", "localhost:8214"),
                "`localhost:8214` is not an IP address and a port: write e.g. \"127.0.0.1:8080\"",
            ),
            (good.replace("\"widget\"", "\"widgte\""), "widgte does not exist: check the path"),
            (format!("{good}[stats]\ndatabase = \"missing/stats.sqlite\"\n"), "the folder"),
            (format!("trust_forwarded_for = true\n{good}"), "replaced by trusted_proxies"),
            (format!("trusted_proxies = [\"proxy.local\"]\n{good}"), "`proxy.local` is not an address or a network"),
        ];
        for (text, expected) in cases {
            let error = load("bad", &text).unwrap_err().to_string();
            assert!(error.contains(expected), "{expected}: {error}");
        }
        let error =
            load("bad", &format!("{good}[stats]\ndatabase = \"missing/stats.sqlite\"\n")).unwrap_err().to_string();
        assert!(error.contains("does not exist: create it"), "{error}");
        let open = load("open", &good.replace("allowed_origins = [\"https://www.ruffec.fr\"]\n", "")).unwrap();
        assert!(open.warnings()[0]
            .starts_with("allowed_origins is empty: the widget loads on any site, but no site may send counts"));
    }
}
