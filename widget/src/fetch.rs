//! Loading the data bundle: the widget's only request besides its own assets.

use aiguillage_engine::bundle::{self, Bundle};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Decodes a bundle, from the bytes the loader already requested or else by fetching `url`; the
/// error is for the webmaster's console (the person in front of the screen gets the offline
/// message and the national contacts).
pub async fn load_bundle(url: &str, requested: Option<js_sys::Promise>) -> Result<Bundle, String> {
    let buffer = match requested {
        Some(bytes) => JsFuture::from(bytes).await.map_err(describe)?,
        None => {
            let window = web_sys::window().ok_or("no window")?;
            let response = JsFuture::from(window.fetch_with_str(url)).await.map_err(describe)?;
            let response: web_sys::Response = response.dyn_into().map_err(describe)?;
            if !response.ok() {
                return Err(format!("HTTP {} for {url}", response.status()));
            }
            JsFuture::from(response.array_buffer().map_err(describe)?).await.map_err(describe)?
        }
    };
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    bundle::decode(&bytes).map_err(|e| e.to_string())
}

/// A JavaScript error as text, without Rust's `Debug` formatting machinery in the bundle.
fn describe(error: JsValue) -> String {
    match error.dyn_ref::<js_sys::Error>() {
        Some(error) => error.message().into(),
        None => error.as_string().unwrap_or_else(|| "unknown error".into()),
    }
}
