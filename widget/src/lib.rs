//! The Aiguillage widget: a Yew application mounted inside the open Shadow DOM of the
//! `<aiguillage-orientation>` custom element (registered by the small JS loader, `static/aiguillage.js`).
//!
//! The widget only translates: it loads a bundle, asks the engine, and shows the answer.

/// The root component, loading and the shared context.
pub mod app;
/// The current local time.
mod clock;
/// The embedding contract (attributes).
pub mod config;
/// Desk mode for social workers.
pub mod desk;
/// Loading the data bundle.
mod fetch;
/// The resident flow and its reducer.
pub mod flow;
/// Answers in the URL fragment.
pub mod fragment;
/// The page around the widget: fragment, events, clipboard, print, focus.
mod host;
/// Safe links from data.
pub mod links;
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

/// What the loader keeps to unmount the widget when the element leaves the page.
#[wasm_bindgen]
pub struct WidgetHandle {
    app: yew::AppHandle<App>,
}

#[wasm_bindgen]
impl WidgetHandle {
    pub fn destroy(self) {
        self.app.destroy();
    }
}

/// Mounts the widget into `root` (a node of the element's shadow root). `host` is the custom
/// element itself, which receives the widget's events. `data` and `texts` are the territory
/// bundle's and the language pack's bytes already on their way (promises of `ArrayBuffer`s,
/// requested by the loader with everything else).
#[wasm_bindgen]
pub fn mount(
    root: web_sys::Element,
    host: web_sys::HtmlElement,
    attributes: js_sys::Object,
    data: js_sys::Promise,
    texts: js_sys::Promise,
) -> WidgetHandle {
    let mut config = Config::from_attributes(&attributes, host);
    config.requested = Some(config::Requested { data, texts });
    let app = yew::Renderer::<App>::with_root_and_props(root, config).render();
    WidgetHandle { app }
}
