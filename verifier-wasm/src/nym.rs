//! Pseudonymous presentations: verified by a wasm module of their own (`nym-verifier/`,
//! in the package's `nym/`) that `js/on_demand.js` loads on demand, so a page that never asks
//! for pseudonyms downloads no BBS code. This module hands over the presentation and
//! the relying party's expectation (as JSON); the Promise is `js/on_demand.js`'s, which
//! resolves to the module's result or to `pseudonyms_unavailable` and never rejects.

use credential::openid4vp::NymExpectation;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(module = "/js/on_demand.js")]
extern "C" {
    /// Loads the module (`options` as its `init` takes them).
    fn load_nym(options: JsValue) -> js_sys::Promise;

    /// The module's result for a presentation.
    fn verify_nym(presentation: &str, expectation: &str) -> js_sys::Promise;
}

/// Verifies `presentation` under `expected` in the on-demand module (loading it first).
pub(crate) fn verify(presentation: &str, expected: &NymExpectation) -> js_sys::Promise {
    verify_nym(
        presentation,
        &serde_json::to_string(expected).unwrap_or_default(),
    )
}

/// Loads the module that verifies pseudonymous presentations ahead of the first one
/// (otherwise it loads then). `options` as `init` takes them: `undefined` fetches
/// `nym/nym_verifier_bg.wasm`; a page whose policy forbids fetch, or Node, passes
/// `{ module_or_path: bytes }` with the bytes from `nym/nym_verifier_bytes.js`. Resolves
/// to `{ valid: true }`, or to `{ valid: false, error }` with code
/// `pseudonyms_unavailable`; never rejects.
#[wasm_bindgen(js_name = initPseudonyms, unchecked_return_type = "Promise<VerificationResult>")]
pub fn init_pseudonyms(
    #[wasm_bindgen(
        unchecked_param_type = "{ module_or_path: BufferSource | string | URL } | undefined"
    )]
    options: JsValue,
) -> js_sys::Promise {
    load_nym(options)
}
