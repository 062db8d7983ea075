//! The server a coordinator runs: the widget's files and the territory bundles from a folder
//! (a bundle published by a rename is served at once), CORS for the communes' sites, long
//! caching of hashed files, the precompressed copies, `/healthz`, the anonymous statistics and
//! the dashboard. The demo server shares its file and statistics code.

/// `user add|list|remove|password`, `corrections export`.
pub mod admin;
/// The territory bundles of the folder, re-read when one is published.
pub mod bundles;
/// The TOML configuration.
pub mod config;
/// The coordinator's workspace, `/espace`.
pub mod espace;
/// MIME types, precompressed copies, caching; files from a folder.
pub mod files;
/// The printable local guides, `/guide/`.
pub mod guides;
/// Per-client rate limiting, in memory.
pub mod limiter;
/// The sites allowed to embed the widget and send beacons.
pub mod origins;
/// Publishing by itself on a schedule (`aiguillage publish`), and the sources' state.
pub mod publishing;
/// Accepting connections, with time limits for slow clients and a graceful stop.
pub mod serve;
/// `POST /stats`, the dashboard and its CSV.
pub mod statistics;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use aiguillage_stats::Store;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Response, StatusCode};
use axum::routing::get;
use axum::Router;

use crate::bundles::{BundleFolder, Served};
use crate::config::Config;
use crate::espace::Workspace;
use crate::files::plain;
use crate::guides::{Guides, WidgetPages};
use crate::origins::Origins;
use crate::publishing::Publishing;
use crate::statistics::Statistics;

/// How often the bundle folder is looked at for a newly published bundle.
pub const REFRESH_EVERY: Duration = Duration::from_secs(2);

/// What the server works with, made once from the configuration.
pub struct Server {
    pub widget_dir: PathBuf,
    pub bundles: Arc<BundleFolder>,
    pub statistics: Option<Arc<Statistics>>,
    pub publishing: Option<Arc<Publishing>>,
    pub guides: Arc<Guides>,
    pub workspace: Option<Arc<Workspace>>,
}

impl Server {
    pub fn new(config: &Config) -> Result<Server, String> {
        let bundles = Arc::new(BundleFolder::open(&config.widget_dir.join("data")));
        let origins = Origins::new(&config.allowed_origins);
        let publishing = match &config.publish {
            None => None,
            Some(publish) => {
                let every = Duration::from_secs(config::schedule_seconds(&publish.every).unwrap_or(21_600));
                let command = publish.command.clone().unwrap_or_else(default_command);
                Some(Arc::new(Publishing::new(publish.config.clone(), every, command)?))
            }
        };
        let statistics = if config.stats.enabled {
            let mut store = Store::open(&config.stats.database, config.stats.max_per_day).map_err(|e| e.to_string())?;
            if config.stats.max_megabytes > 0 {
                store.limit_size(config.stats.max_megabytes).map_err(|e| e.to_string())?;
            }
            let folder = bundles.clone();
            let mut statistics = Statistics::new(
                store,
                Arc::new(move || folder.current()),
                origins.clone(),
                config.trusted_proxies.clone(),
                config.stats.per_client_per_minute,
            )?;
            statistics.body_timeout = Duration::from_secs(config.client_timeout_seconds.max(1));
            if !config.stats.public_dashboard {
                statistics.access = statistics::DashboardAccess::SharedLinks(share_check(config)?);
            }
            if let Some(publishing) = &publishing {
                let publishing = publishing.clone();
                statistics.extra_section = Some(Arc::new(move |now| publishing.html(now)));
            }
            Some(Arc::new(statistics))
        } else {
            None
        };
        let folder = bundles.clone();
        let guides =
            Arc::new(Guides::new(Arc::new(move || folder.current()), WidgetPages::Configured(config.guide.clone()))?);
        let workspace = if config.workspace.enabled {
            let store = aiguillage_workspace::Store::open(&config.workspace.database).map_err(|e| e.to_string())?;
            let folder = bundles.clone();
            let mut workspace = Workspace::new(
                store,
                Arc::new(move || folder.current()),
                config.trusted_proxies.clone(),
                Some(config.workspace.corrections.clone()),
            )?;
            workspace.origins = std::sync::RwLock::new(origins.clone());
            workspace.publication = publishing.clone().map(|publishing| {
                let folder = bundles.clone();
                espace::Publication {
                    publishing,
                    refresh: Arc::new(move || {
                        folder.refresh();
                    }),
                }
            });
            workspace.statistics = statistics.clone();
            // The file exists from the start: `publish.toml` may name it before any correction.
            workspace.export()?;
            Some(Arc::new(workspace))
        } else {
            None
        };
        Ok(Server { widget_dir: config.widget_dir.clone(), bundles, statistics, publishing, guides, workspace })
    }

    /// The configuration read again (SIGHUP): the sites allowed to send counts, the guides' widget
    /// pages, and the bundles' folder. Counts in flight are not touched: the recorder keeps running.
    pub fn reload(&self, config: &Config) {
        if let Some(statistics) = &self.statistics {
            *statistics.origins.write().unwrap_or_else(|p| p.into_inner()) = Origins::new(&config.allowed_origins);
        }
        *self.guides.pages.write().unwrap_or_else(|p| p.into_inner()) = WidgetPages::Configured(config.guide.clone());
        if let Some(workspace) = &self.workspace {
            *workspace.origins.write().unwrap_or_else(|p| p.into_inner()) = Origins::new(&config.allowed_origins);
        }
        self.bundles.refresh();
    }

    pub fn app(self: Arc<Self>) -> Router {
        let mut router = Router::new()
            .route("/widget/data/territoires.json", get(territory_list))
            .route("/widget/{*path}", get(widget_file))
            .route("/healthz", get(health))
            .with_state(self.clone())
            .merge(guides::routes(self.guides.clone()));
        if let Some(statistics) = &self.statistics {
            router = router.merge(statistics::routes(statistics.clone()));
        }
        if let Some(workspace) = &self.workspace {
            router = router.merge(espace::routes(workspace.clone()));
        }
        router
    }
}

/// Whether a share link's token opens the dashboard, and for which territory: read on a
/// connection of its own to the workspace's database (none without the workspace: the public
/// dashboard is then closed).
fn share_check(config: &Config) -> Result<statistics::ShareCheck, String> {
    if !config.workspace.enabled {
        return Ok(Arc::new(|_| None));
    }
    let store = aiguillage_workspace::Store::open(&config.workspace.database).map_err(|e| e.to_string())?;
    let store = std::sync::Mutex::new(store);
    Ok(Arc::new(move |token| {
        let store = store.lock().unwrap_or_else(|p| p.into_inner());
        store.shared_territory(token).unwrap_or_else(|error| {
            eprintln!("aiguillage-server: share link: {error}");
            None
        })
    }))
}

/// The `aiguillage` command beside this server's binary (as installed together), else the
/// PATH's.
pub fn default_command() -> PathBuf {
    std::env::current_exe()
        .ok()
        .map(|exe| exe.with_file_name("aiguillage"))
        .filter(|beside| beside.is_file())
        .unwrap_or_else(|| PathBuf::from("aiguillage"))
}

async fn widget_file(
    State(server): State<Arc<Server>>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Response<Body> {
    let mut response = match bundle_in_folder(&server, &path).await {
        Some(Served::LastGood(bytes)) => {
            let tag = files::etag(&files::sha256_hex(&bytes), None);
            files::tagged(files::asset(&path, bytes.as_ref().clone(), None), &headers, &tag)
        }
        Some(Served::Nothing) => files::not_found(),
        Some(Served::File) | None => files::from_folder(&server.widget_dir, &path, &headers).await,
    };
    // The widget's files and the bundles are public and asked without credentials: any site may
    // load them (a commune site missing from the list would otherwise show an empty box).
    // `allowed_origins` decides who may send counts.
    if matches!(response.status(), StatusCode::OK | StatusCode::NOT_MODIFIED) {
        response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, axum::http::HeaderValue::from_static("*"));
    }
    response
}

/// For a bundle of the folder: whether its file can be sent, or its last good version instead.
async fn bundle_in_folder(server: &Arc<Server>, path: &str) -> Option<Served> {
    if !path.ends_with(".bin") {
        return None;
    }
    let file = files::inside(&server.widget_dir, path)?;
    let folder = server.bundles.clone();
    tokio::task::spawn_blocking(move || folder.served(&file)).await.ok()
}

/// The territories the folder serves, for the configurator; always the folder's own.
async fn territory_list(State(server): State<Arc<Server>>) -> Response<Body> {
    let mut response = Response::new(Body::from(server.bundles.territories_json().as_str().to_owned()));
    response.headers_mut().insert(header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/json"));
    response.headers_mut().insert(header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-cache"));
    response
}

/// `200 ok` when the widget's files and at least one bundle are there and the statistics' writer
/// can commit (its last batch did, and a probe every ten seconds at most); `200 degraded: …` when a source of the publication has failed for more than two of
/// its refresh periods (residents are still served, from the last good data); `503` with the
/// reason otherwise (for the supervisor or the proxy's health check).
async fn health(State(server): State<Arc<Server>>) -> Response<Body> {
    if !server.widget_dir.join("aiguillage.js").is_file() {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "the widget's files are missing\n".into());
    }
    if server.bundles.current().bundles().is_empty() {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "no territory bundle can be read\n".into());
    }
    if let Some(statistics) = &server.statistics {
        if let Some(why) = statistics.writer_failing().await {
            return plain(StatusCode::SERVICE_UNAVAILABLE, format!("counts cannot be kept: {why}\n"));
        }
    }
    if let Some(why) = server.bundles.broken() {
        return plain(
            StatusCode::OK,
            format!("degraded: bundles that cannot be read (the last good ones are served): {why}\n"),
        );
    }
    if let Some(why) = server.publishing.as_ref().and_then(|p| p.degraded(statistics::system_clock())) {
        return plain(StatusCode::OK, format!("degraded: {why}\n"));
    }
    plain(StatusCode::OK, "ok\n".into())
}
