//! Entry point of the wallet: mounts the app and registers the service worker that lets
//! it open offline.

fn main() {
    leptos::mount::mount_to_body(wallet_ui::App);
    if let Some(window) = web_sys::window() {
        let workers = window.navigator().service_worker();
        // Not available on insecure origins or in some private modes: the wallet then
        // simply needs the network to load.
        if !wasm_bindgen::JsValue::from(workers.clone()).is_undefined() {
            let _ = workers.register("/sw.js");
        }
    }
}
