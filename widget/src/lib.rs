//! The Aiguillage widget: a Yew application mounted inside the open Shadow DOM of the
//! `<aiguillage-orientation>` custom element (registered by the small JS loader, `static/aiguillage.js`).
//!
//! The widget only translates: it loads a bundle, asks the engine, and shows the answer.

/// The shared context and the screen, the one Yew component: the views are functions of its
/// state, since each component costs about 2 KB of Yew's machinery in the browser.
pub mod app;
/// The current local time.
mod clock;
/// The embedding contract (attributes).
pub mod config;
/// Desk mode for social workers.
pub mod desk;
/// The resident flow and its reducer.
pub mod flow;
/// Answers in the URL fragment.
pub mod fragment;
/// The page around the widget: fragment, events, clipboard, print, focus.
mod host;
/// Safe links from data.
pub mod links;
/// The data bundle and its words, from the loader's bytes.
mod load;
/// What is said when the data cannot be loaded.
pub mod offline;
/// Commune type-ahead.
pub mod picker;
/// Results, fallbacks and the slip.
pub mod results;
/// Situation questions.
pub mod situation;

use wasm_bindgen::prelude::*;

/// Talc rather than the standard library's dlmalloc: 1.8 KB less to download (brotli). The
/// engine's JS package keeps dlmalloc, which decodes a national bundle about 10 % faster.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub use app::App;
pub use config::{Config, Mode};

/// Mounts the widget into `root` (a node of the element's shadow root). `host` is the custom
/// element itself, which receives the widget's events. `data` and `texts` are the territory
/// bundle's and the language pack's bytes, downloaded by the loader alongside the engine
/// (`null` when a download failed). Returns what the loader calls to unmount the widget when
/// the element leaves the page: a function (a plain closure, not a class: less glue), or
/// `undefined` when there is nothing to unmount (without data the message is plain HTML).
#[wasm_bindgen]
pub fn mount(
    root: web_sys::Element,
    host: web_sys::HtmlElement,
    attributes: js_sys::Object,
    data: Option<js_sys::Uint8Array>,
    texts: Option<js_sys::Uint8Array>,
) -> JsValue {
    let config = Config::from_attributes(&attributes, host);
    match load::bundle(data.map(|d| d.to_vec()).as_deref(), texts.map(|t| t.to_vec()).as_deref()) {
        Ok(bundle) => {
            let ctx = app::Ctx::new(config, app::BundleRef(std::rc::Rc::new(bundle)));
            let app = yew::Renderer::<App>::with_root_and_props(root, app::AppProps { ctx }).render();
            Closure::once_into_js(move || app.destroy())
        }
        Err(error) => {
            web_sys::console::warn_1(&format!("aiguillage: cannot use {}: {error}", config.data_src).into());
            // Without data the early first question leads nowhere: the message takes its place.
            host::remove_early(config.host.as_ref());
            root.set_inner_html(&offline::page(&config));
            JsValue::UNDEFINED
        }
    }
}
