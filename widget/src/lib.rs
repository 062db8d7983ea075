//! The Aiguillage widget: a Yew application mounted inside the open Shadow DOM of the
//! `<aiguillage-orientation>` custom element (registered by the small JS loader, `static/aiguillage.js`).
//!
//! The widget only translates: it loads a bundle, asks the engine, and shows the answer.

mod app;
mod clock;
mod config;
mod fetch;
mod flow;
mod results;

use wasm_bindgen::prelude::*;

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
/// element itself, which receives the widget's events.
#[wasm_bindgen]
pub fn mount(root: web_sys::Element, host: web_sys::HtmlElement, attributes: js_sys::Object) -> WidgetHandle {
    let config = Config::from_attributes(&attributes, host);
    let app = yew::Renderer::<App>::with_root_and_props(root, config).render();
    WidgetHandle { app }
}
