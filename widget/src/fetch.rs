//! Loading the data bundle: the widget's only request besides its own assets.

use aiguillage_engine::bundle::{self, Bundle};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Fetches and decodes a bundle; the error is a sentence for the person in front of the screen
/// (details go to the console for the webmaster).
pub async fn load_bundle(url: &str) -> Result<Bundle, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(url)).await.map_err(|e| format!("network error: {e:?}"))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| "not a response".to_string())?;
    if !response.ok() {
        return Err(format!("HTTP {} for {url}", response.status()));
    }
    let buffer = response.array_buffer().map_err(|e| format!("{e:?}"))?;
    let buffer = JsFuture::from(buffer).await.map_err(|e| format!("{e:?}"))?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    bundle::decode(&bytes).map_err(|e| e.to_string())
}
