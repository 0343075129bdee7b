//! Conversions at the JS boundary that never throw.

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

/// A Rust value as a plain JS object (maps become objects).
pub fn to_js<T: Serialize>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).unwrap_or(JsValue::NULL)
}

/// A JS value as a Rust value, or a message saying why it is not one.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, String> {
    serde_wasm_bindgen::from_value(value).map_err(|err| err.to_string())
}

/// The current time, Unix seconds, from the page's clock.
pub fn now() -> i64 {
    // Date.now() is milliseconds as an f64; whole seconds fit i64 exactly.
    let seconds = (js_sys::Date::now() / 1000.0).floor();
    if seconds.is_finite() {
        seconds as i64
    } else {
        0
    }
}
