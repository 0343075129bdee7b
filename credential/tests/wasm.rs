//! Tests that run inside headless Chromium (`cargo test --target wasm32-unknown-unknown`),
//! where the core actually runs for the wallet and the in-page verifier.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn base64url_is_strict_in_the_browser() {
    assert_eq!(credential::base64url::encode(&[0xfb, 0xff]), "-_8");
    assert!(credential::base64url::decode("QR").is_err());
}
