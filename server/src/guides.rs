//! The printable local guides (`aiguillage_paper::guide`), public: `GET /guide/` lists the
//! territories' EPCIs, `GET /guide/<code>.html` is the guide of a commune (INSEE code) or an EPCI
//! (SIREN), `?langue=fr-x-falc` or `en`, `&grands-caracteres=oui` for large type. Made from the
//! bundles served now: a publication gives new guides at once (the cache is the bundles').

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use aiguillage_engine::calendar::paris_from_unix;
use aiguillage_engine::html::escape;
use aiguillage_engine::{Lang, Taxonomy, Wording};
use aiguillage_paper::guide;
use aiguillage_stats::Territories;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, Response, StatusCode};
use axum::routing::get;
use axum::Router;

use crate::config::GuideConfig;
use crate::files::plain;
use crate::statistics::TerritoriesNow;

/// Guides kept made, at most; all are dropped when the bundles or the day change.
const CACHED_GUIDES: usize = 64;

/// Where the QR codes of the guides point.
pub enum WidgetPages {
    /// The coordinator's configuration (`[guide]`): a page per territory, or one for all.
    Configured(GuideConfig),
    /// The page at this path on the host the guide was asked from (the demo, whose address is
    /// the one the visitor typed).
    SameHost(&'static str),
}

pub struct Guides {
    territories: TerritoriesNow,
    taxonomy: Taxonomy,
    wording: Wording,
    /// Replaced when the configuration is read again (SIGHUP).
    pub pages: std::sync::RwLock<WidgetPages>,
    /// The time, in seconds since the Unix epoch.
    pub clock: fn() -> i64,
    cache: Mutex<Cache>,
    /// One guide made at a time: asking for many (every commune, every language) queues them
    /// instead of taking the cores from the widget's files and the counts.
    making: tokio::sync::Semaphore,
}

/// How long a request waits for its turn before it is told to come back.
const MAKE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

#[derive(Default)]
struct Cache {
    /// The bundles and the day the guides were made from.
    made_from: Option<(Arc<Territories>, i32)>,
    guides: HashMap<(String, Lang, bool, Option<String>), Arc<guide::Guide>>,
}

impl Guides {
    pub fn new(territories: TerritoriesNow, pages: WidgetPages) -> Result<Guides, String> {
        let (taxonomy, wording, _) = aiguillage_shipped::project::shipped().map_err(|e| e.to_string())?;
        Ok(Guides {
            territories,
            taxonomy,
            wording,
            pages: std::sync::RwLock::new(pages),
            clock: crate::statistics::system_clock,
            cache: Mutex::default(),
            making: tokio::sync::Semaphore::new(1),
        })
    }

    /// The widget's page for the guide of `code` (its own, its EPCI's, its département's, or
    /// the default), with the widget's id there.
    fn widget_page(
        &self,
        territories: &Territories,
        code: &str,
        host: Option<&str>,
    ) -> (Option<String>, Option<String>) {
        match &*self.pages.read().unwrap_or_else(|p| p.into_inner()) {
            WidgetPages::SameHost(path) => (host.map(|host| format!("http://{host}{path}")), None),
            WidgetPages::Configured(config) => {
                let commune = territories.bundles().iter().find_map(|b| {
                    b.communes.get(code).or_else(|| b.communes.iter().find(|c| c.epci.as_deref() == Some(code)))
                });
                let candidates =
                    [Some(code), commune.and_then(|c| c.epci.as_deref()), commune.map(|c| c.departement.as_str())];
                let url = candidates
                    .into_iter()
                    .flatten()
                    .find_map(|key| config.widget_urls.get(key))
                    .or(config.widget_url.as_ref());
                (url.cloned(), config.widget_id.clone())
            }
        }
    }

    fn guide(&self, code: &str, lang: Lang, large: bool, host: Option<&str>) -> Option<Arc<guide::Guide>> {
        let territories = (self.territories)();
        let today = paris_from_unix((self.clock)()).date;
        let (url, widget_id) = self.widget_page(&territories, code, host);
        let key = (code.to_string(), lang, large, url.clone());
        {
            let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            let fresh =
                cache.made_from.as_ref().is_some_and(|(t, day)| Arc::ptr_eq(t, &territories) && *day == today.0);
            if !fresh || cache.guides.len() >= CACHED_GUIDES {
                cache.guides.clear();
                cache.made_from = Some((territories.clone(), today.0));
            }
            if let Some(made) = cache.guides.get(&key) {
                return Some(made.clone());
            }
        }
        let selection = guide::select(territories.bundles(), code).ok()?;
        let fragment_key = guide::fragment_key(widget_id.as_deref());
        let options = guide::Options {
            lang,
            taxonomy: &self.taxonomy,
            wording: &self.wording,
            widget_url: url.as_deref(),
            fragment_key: &fragment_key,
            large,
            from: today,
        };
        let made = Arc::new(guide::guide(&selection, &options));
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.made_from.as_ref().is_some_and(|(t, _)| Arc::ptr_eq(t, &territories)) {
            cache.guides.insert(key, made.clone());
        }
        Some(made)
    }

    /// The EPCIs of the bundles served, by name, with their communes' count.
    fn index(&self) -> String {
        let territories = (self.territories)();
        let mut epcis: BTreeMap<String, (String, usize)> = BTreeMap::new();
        let mut counted = std::collections::HashSet::new();
        for bundle in territories.bundles() {
            // A commune in two bundles (a département's and a région's) is counted once.
            for commune in bundle.communes.iter().filter(|c| counted.insert(c.insee.to_string())) {
                let Some(siren) = commune.epci.as_deref() else { continue };
                let Some(epci) = bundle.communes.epci(siren) else { continue };
                epcis.entry(epci.name.clone()).or_insert_with(|| (siren.to_string(), 0)).1 += 1;
            }
        }
        let mut rows = String::new();
        for (name, (siren, communes)) in &epcis {
            rows.push_str(&format!(
                "<li><a href=\"{siren}.html\">{}</a> ({communes} communes) · <a href=\"{siren}.html?langue=fr-x-falc\">FALC</a> · <a href=\"{siren}.html?grands-caracteres=oui\">grands caractères</a> · <a href=\"{siren}.html?langue=en\" hreflang=\"en\" lang=\"en\">English</a></li>",
                escape(name)
            ));
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Guides imprimables de l'aide numérique</title></head><body><main><h1>Guides imprimables de l'aide numérique</h1>\
             <p>Un guide par intercommunalité, à imprimer pour un accueil de mairie, un bulletin ou un panneau. Le guide d'une commune : \
             <code>/guide/&lt;code INSEE&gt;.html</code> (par exemple <code>/guide/16292.html</code>).</p><ul>{rows}</ul></main></body></html>\n"
        )
    }
}

pub fn routes(guides: Arc<Guides>) -> Router {
    Router::new().route("/guide/", get(index)).route("/guide/{file}", get(page)).with_state(guides)
}

async fn index(State(guides): State<Arc<Guides>>) -> Response<Body> {
    html(guides.index(), "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
}

async fn page(State(guides): State<Arc<Guides>>, Path(file): Path<String>, request: Request) -> Response<Body> {
    let Some(code) = file
        .strip_suffix(".html")
        .filter(|c| (5..=9).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_alphanumeric()))
    else {
        return crate::files::not_found();
    };
    let (mut lang, mut large) = (Lang::Fr, false);
    for pair in request.uri().query().unwrap_or("").split('&') {
        match pair.split_once('=') {
            Some(("langue", "fr-x-falc" | "fr-falc" | "falc")) => lang = Lang::FrFalc,
            Some(("langue", "en")) => lang = Lang::En,
            Some(("grands-caracteres", "oui" | "1")) => large = true,
            _ => {}
        }
    }
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.bytes().all(|b| b.is_ascii_alphanumeric() || b".:-[]".contains(&b)))
        .map(str::to_owned);
    let code = code.to_ascii_uppercase();
    let Ok(Ok(turn)) = tokio::time::timeout(MAKE_WAIT, guides.making.acquire()).await else {
        return plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "Trop de guides demandés à la fois : réessayez dans un instant.\n".into(),
        );
    };
    let making = guides.clone();
    let made =
        tokio::task::spawn_blocking(move || making.guide(&code, lang, large, host.as_deref())).await.ok().flatten();
    drop(turn);
    match made {
        Some(guide) => html(guide.html.clone(), &format!("{}; frame-ancestors 'none'", guide.csp)),
        None => plain(
            StatusCode::NOT_FOUND,
            "Pas de commune (code INSEE) ni d'intercommunalité (SIREN) de ce code sur ce serveur : la liste est à /guide/.\n".into(),
        ),
    }
}

fn html(body: String, csp: &str) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}
