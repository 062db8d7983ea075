//! The current local French time, read from the browser once per orientation.

use aiguillage_engine::LocalDateTime;
use wasm_bindgen::JsValue;

/// The instant to orient at: the configured one, else the browser's clock in Europe/Paris.
pub fn now(fixed: Option<&str>) -> Option<LocalDateTime> {
    if let Some(fixed) = fixed.and_then(LocalDateTime::parse) {
        return Some(fixed);
    }
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &JsValue::from_str("timeZone"), &JsValue::from_str("Europe/Paris")).ok()?;
    // Swedish locale formats as "2026-11-29 21:30:05": ISO order, easy to read back.
    let text: String = js_sys::Date::new_0().to_locale_string("sv-SE", &options).into();
    LocalDateTime::parse(&crate::context::joined(&[text.get(..10)?, "T", text.get(11..16)?]))
}
