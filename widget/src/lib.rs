//! The Aiguillage widget: a Yew application mounted inside the open Shadow DOM of the
//! `<aiguillage-orientation>` custom element (registered by the small JS loader, `static/aiguillage.js`).
//!
//! The widget only translates: it loads a bundle, asks the engine, and shows the answer.
//!
//! # Rules for the browser path
//!
//! Everything in this crate is downloaded by a resident on a phone, often on a poor rural line;
//! the code is capped at 100 KB brotli, 95 KB the aim (`tests/node/size.test.mjs`; `cargo xtask size`
//! measures the wasm and glue alone in seconds). A few rules keep it there, with Aiguillage's copy
//! of Yew (`vendor/yew/AIGUILLAGE.md`: no portal, suspense, raw HTML or keyed list); measure
//! before bending ordinary Rust for bytes:
//!
//! - **`format!` is fine** (issue #28 measured it: replacing the parts pushed by hand at thirteen
//!   places with `format!` saved 66 B). The size build strips `Debug` output and panic messages
//!   (`SIZE_RUSTFLAGS` in `xtask/src/steps.rs`), so `{:?}` and panic texts print nothing in the
//!   browser.
//! - **Few components, one reducer each**: each Yew component costs about 1 KB brotli, each hook
//!   a few hundred bytes. Two components: the screen ([`app::App`], its state in
//!   [`reducer::Flow`]) and the commune search ([`picker::CommunePicker`], its own
//!   [`picker::Search`]); the other views are functions of the screen's state, and state that a
//!   hook would hold (the focused heading's `NodeRef`) lives in the screen's reducer.
//! - **No new dependency** without measuring its size: run `cargo xtask dist` and
//!   `node --test tests/node/size.test.mjs` (docs/PERFORMANCE.md lists each addition's cost).
//! - **Talc** as the allocator (below), smaller than the standard library's.

/// The screen, a Yew component whose views are functions of its state.
pub mod app;
/// The current local time.
pub mod clock;
/// The embedding contract (attributes).
pub mod config;
/// What every view needs: bundle, configuration, language, instant.
pub mod context;
/// Desk mode for social workers.
pub mod desk;
/// The resident flow's steps.
pub mod flow;
/// Answers in the URL fragment (the engine's codec).
pub use aiguillage_engine::fragment;
/// The page around the widget: fragment, events, clipboard, print, focus.
mod host;
/// The data bundle and its words, from the loader's bytes.
mod load;
/// A schematic map of the answer.
pub mod map;
/// The commune search, a component with its own state.
pub mod picker;
/// The screen's state and its one reducer.
pub mod reducer;
/// Results, fallbacks and the slip.
pub mod results;
/// Situation questions.
pub mod situation;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

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
/// (`null` when a download failed). Returns what the loader calls next (a plain closure, not a
/// class: less glue): without arguments, to unmount the widget when the element leaves the page;
/// with a searched text and a part of a folder's commune index (a `Uint8Array`; `undefined` when
/// no commune can match; `null` when it could not be loaded), to answer the commune search the
/// widget asked for (`host::communes_for`). Or a text, why the widget cannot start: the loader
/// then says it in the console, and shows its message and the national contacts
/// (`unavailable.<lang>.json`), as when the engine itself cannot start.
#[wasm_bindgen]
pub fn mount(
    root: web_sys::Element,
    host: web_sys::HtmlElement,
    attributes: js_sys::Object,
    data: Option<js_sys::Uint8Array>,
    texts: Option<js_sys::Uint8Array>,
) -> JsValue {
    let config = Config::from_attributes(&attributes, host);
    match load::load(data.map(|d| d.to_vec()).as_deref(), texts.map(|t| t.to_vec()).as_deref()) {
        Ok(bundle) => {
            let mut ctx = context::Ctx::new(config, context::BundleRef(std::rc::Rc::new(bundle)));
            let mut app =
                Some(yew::Renderer::<App>::with_root_and_props(root, app::AppProps { ctx: ctx.clone() }).render());
            let next = move |text: JsValue, part: JsValue| {
                let Some(text) = text.as_string() else {
                    if let Some(app) = app.take() {
                        app.destroy();
                    }
                    return;
                };
                let communes = if part.is_undefined() {
                    Some(Default::default())
                } else {
                    part.dyn_into::<js_sys::Uint8Array>().ok().and_then(|bytes| load::communes(&bytes.to_vec()))
                };
                ctx.found = Some(std::rc::Rc::new(context::Found { text, communes }));
                if let Some(app) = app.as_mut() {
                    app.update(app::AppProps { ctx: ctx.clone() });
                }
            };
            Closure::<dyn FnMut(JsValue, JsValue)>::new(next).into_js_value()
        }
        Err(error) => JsValue::from_str(&format!("cannot use {}: {error}", config.data_src)),
    }
}
