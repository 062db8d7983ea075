//! The demo server: sample host pages, the widget's assets and the default territory, all
//! embedded in the binary so that `cargo xtask demo` needs no setup.

use axum::body::Body;
use axum::extract::Path;
use std::sync::Arc;

use aiguillage_engine::bundle;
use aiguillage_server::bundles::BundleFolder;
use aiguillage_server::espace::{Publication, Workspace};
use aiguillage_server::files::{self, content_type, not_found};
use aiguillage_server::guides::{Guides, WidgetPages};
use aiguillage_server::origins::Origins;
use aiguillage_server::publishing::Publishing;
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

/// The demo with its statistics and the coordinator's workspace (`/espace`, the reports of
/// `/signalements`); a publication from the workspace replaces the default territory.
pub fn with_workspace(statistics: Arc<Statistics>, workspace: &DemoWorkspace) -> Result<Router, String> {
    let published = workspace.published.clone();
    let router = with_statistics(statistics)?
        // Routes of the router built last win: the published territory over the embedded one.
        .route(
            "/widget/data/{file}",
            get(move |Path(file): Path<String>, headers: HeaderMap| {
                let published = published.clone();
                async move { data_file(&file, &headers, published.as_deref()).await }
            }),
        )
        .merge(aiguillage_server::espace::routes(workspace.workspace.clone()));
    Ok(router)
}

/// `data/default.bin` (and its copies) from the demo's last publication when there is one, else
/// as embedded; the other data files as embedded.
async fn data_file(file: &str, headers: &HeaderMap, published: Option<&BundleFolder>) -> Response<Body> {
    if let (Some(folder), Some(rest)) = (published, file.strip_prefix("default.bin")) {
        let name = format!("{}.bin{rest}", aiguillage_shipped::default_territory::TERRITORY);
        if !folder.current().bundles().is_empty() && folder.dir().join(&name).is_file() {
            let mut response = files::from_folder(folder.dir(), &name, headers).await;
            response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
            return response;
        }
    }
    widget_asset(&format!("data/{file}"), headers)
}

/// The demo's account in its workspace.
pub const DEMO_ACCOUNT: &str = "demo";

/// Makes the demo's account (Charente and Vienne) with a new password, or the one of
/// `AIGUILLAGE_DEMO_PASSWORD`; returns the password, to be printed.
pub fn demo_account(workspace: &Workspace) -> Result<String, String> {
    let password = match std::env::var("AIGUILLAGE_DEMO_PASSWORD") {
        Ok(password) if !password.is_empty() => password,
        _ => {
            // Four groups of five letters and digits: long enough, easy to type from a terminal.
            let token = aiguillage_workspace::store::random_token()?;
            let letters: Vec<char> = token.chars().collect();
            letters.chunks(5).take(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
        }
    };
    let hash = aiguillage_workspace::accounts::hash_password(&password)?;
    let account =
        aiguillage_workspace::Account { name: DEMO_ACCOUNT.into(), territories: vec!["16".into(), "86".into()] };
    workspace.set_account(&account, &hash)?;
    Ok(password)
}

/// The coordinator's workspace of the demo.
pub struct DemoWorkspace {
    pub workspace: Arc<Workspace>,
    /// The demo's publications (`--state-dir`): `aiguillage publish` on the files the default
    /// territory is built from, with the workspace's corrections.
    pub published: Option<Arc<BundleFolder>>,
}

/// The demo's workspace: its accounts and corrections in `database` (in memory without one);
/// with a `state_dir`, the workspace publishes the default territory again, from the real files
/// it is built from (`shipped::default_territory::DATA`, read from the project's folder) and the
/// corrections, with `aiguillage publish` (beside this program, else on the PATH).
pub fn workspace(
    database: Option<&std::path::Path>,
    state_dir: Option<&std::path::Path>,
) -> Result<DemoWorkspace, String> {
    let store = match database {
        Some(path) => aiguillage_workspace::Store::open(path),
        None => aiguillage_workspace::Store::in_memory(),
    }
    .map_err(|e| e.to_string())?;
    let Some(state_dir) = state_dir else {
        let embedded = territories();
        let mut workspace = Workspace::new(store, Arc::new(move || embedded.clone()), Vec::new(), None)?;
        workspace.origins = std::sync::RwLock::new(Origins::Any);
        return Ok(DemoWorkspace { workspace: Arc::new(workspace), published: None });
    };
    std::fs::create_dir_all(state_dir).map_err(|e| format!("cannot create {}: {e}", state_dir.display()))?;
    let project = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut config = format!(
        "# Written by the demo at each start.\nout_dir = \"published\"\nstate_dir = \"publish-state\"\nterritories = [\"{}\"]\n",
        aiguillage_shipped::default_territory::TERRITORY
    );
    for file in aiguillage_shipped::default_territory::DATA.iter() {
        config.push_str(&format!("\n[[local]]\npath = {:?}\n", project.join(file).display().to_string()));
    }
    config.push_str("\n[[local]]\npath = \"corrections.toml\"\n");
    let publish_toml = state_dir.join("publish.toml");
    std::fs::write(&publish_toml, config).map_err(|e| format!("cannot write {}: {e}", publish_toml.display()))?;
    let published = Arc::new(BundleFolder::open(&state_dir.join("published")));
    let embedded = territories();
    let folder = published.clone();
    let current = Arc::new(move || {
        let now = folder.current();
        if now.bundles().is_empty() {
            embedded.clone()
        } else {
            now
        }
    });
    let mut workspace = Workspace::new(store, current, Vec::new(), Some(state_dir.join("corrections.toml")))?;
    workspace.origins = std::sync::RwLock::new(Origins::Any);
    let publishing =
        Publishing::new(publish_toml, std::time::Duration::from_secs(86_400), aiguillage_server::default_command())?;
    let folder = published.clone();
    workspace.publication = Some(Publication {
        publishing: Arc::new(publishing),
        refresh: Arc::new(move || {
            folder.refresh();
        }),
    });
    workspace.export()?;
    Ok(DemoWorkspace { workspace: Arc::new(workspace), published: Some(published) })
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
