//! Conversions at the JS boundary that never throw.

use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

/// A Rust value as a plain JS object, through JSON (`serde_json` is in the module anyway;
/// a second serializer straight to JS values would add its own code).
pub(crate) fn to_js<T: Serialize>(value: &T) -> JsValue {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::NULL)
}

/// A JS value as JSON: the value goes through `JSON.stringify` (`undefined` reads as
/// `null`); what JSON cannot hold (a BigInt, a cycle) is refused with the engine's message.
/// The options types read what they need from it (`from_json`).
pub(crate) fn from_js(value: JsValue) -> Result<serde_json::Value, String> {
    let text = if value.is_undefined() {
        None
    } else {
        js_sys::JSON::stringify(&value)
            .map_err(|err| error_message(&err, "not representable as JSON"))?
            .as_string()
    };
    // The module's one JSON reader (another would add a second copy of the parser).
    credential::strict_json::parse(text.as_deref().unwrap_or("null").as_bytes())
        .ok_or_else(|| "not representable as JSON".to_owned())
}

/// The message of a thrown JS `Error`, or `otherwise` for anything else that was thrown.
pub(crate) fn error_message(thrown: &JsValue, otherwise: &str) -> String {
    thrown
        .dyn_ref::<js_sys::Error>()
        .map_or_else(|| otherwise.to_owned(), |err| String::from(err.message()))
}

/// The current time, Unix seconds, from the page's clock.
pub(crate) fn now() -> i64 {
    // Date.now() is milliseconds as an f64; whole seconds fit i64 exactly.
    let seconds = (js_sys::Date::now() / 1000.0).floor();
    if seconds.is_finite() {
        seconds as i64
    } else {
        0
    }
}
