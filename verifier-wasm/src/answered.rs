//! Single use across reloads: the states this site's pages have answered, kept in the
//! page's `localStorage` (the core's `AnsweredStates` decides what is kept). Where the page
//! has no usable storage (a sandboxed frame, storage blocked), single use holds within the
//! page only, as it did before.

use credential::openid4vp::AnsweredStates;
use wasm_bindgen::JsCast;

fn storage() -> Option<web_sys::Storage> {
    js_sys::Reflect::get(&js_sys::global(), &"localStorage".into())
        .ok()?
        .dyn_into::<web_sys::Storage>()
        .ok()
}

/// The states answered so far by this site's pages.
pub(crate) fn load() -> AnsweredStates {
    storage()
        .and_then(|storage| storage.get_item(AnsweredStates::STORAGE_KEY).ok().flatten())
        .map(|text| AnsweredStates::parse(&text))
        .unwrap_or_default()
}

/// Records that `state` (open until `expires_at`) was answered.
pub(crate) fn record(state: &str, expires_at: i64, now: i64) {
    let Some(storage) = storage() else {
        return;
    };
    let mut answered = load();
    answered.record(state, expires_at, now);
    let _ = storage.set_item(AnsweredStates::STORAGE_KEY, &answered.to_text());
}
