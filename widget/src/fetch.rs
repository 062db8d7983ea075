//! Loading the data bundle: the widget's only request besides its own assets.

use aiguillage_engine::bundle::{self, Bundle};
use aiguillage_engine::texts;
use wasm_bindgen::{JsCast, JsValue};

use crate::config::Requested;
use wasm_bindgen_futures::JsFuture;

/// The territory bundle with the words of its language pack, from the bytes the loader
/// requested. The error is for the webmaster's console (the person in front of the screen gets
/// the offline message and the national contacts).
pub async fn load_bundle(requested: Requested) -> Result<Bundle, String> {
    let data = JsFuture::from(requested.data).await.map_err(describe)?;
    let texts = JsFuture::from(requested.texts).await.map_err(describe)?;
    let mut bundle = bundle::decode(&js_sys::Uint8Array::new(&data).to_vec()).map_err(|e| e.to_string())?;
    texts::decode(&js_sys::Uint8Array::new(&texts).to_vec()).map_err(|e| e.to_string())?.apply(&mut bundle);
    Ok(bundle)
}

/// A JavaScript error as text, without Rust's `Debug` formatting machinery in the bundle.
fn describe(error: JsValue) -> String {
    match error.dyn_ref::<js_sys::Error>() {
        Some(error) => error.message().into(),
        None => error.as_string().unwrap_or_else(|| "unknown error".into()),
    }
}
