//! The size floor of an in-page verifier built on `credential`: a module that exports
//! only `verify` (the pure-Rust P-256 backend, strings in and out; no WebCrypto, no
//! options objects, no requests, status lists or QR codes).
//!
//! Not for websites. `cargo xtask bench` builds it like the real verifier and prints both
//! sizes, so the distance between what the core costs and what the API adds is measured
//! in one run rather than estimated.

use credential::ErrorCode;
use credential::{Jwks, TrustedIssuer, VerifyPolicy};
use wasm_bindgen::prelude::wasm_bindgen;

/// Verifies `presentation` from issuer `iss` (keys: `jwks`, JSON) for `aud` and `nonce` at
/// `now` (Unix seconds): the disclosed claims as JSON, or the error code.
#[wasm_bindgen]
#[must_use]
pub fn verify(
    presentation: &str,
    iss: &str,
    jwks: &str,
    aud: &str,
    nonce: &str,
    now: i64,
) -> String {
    let Some(jwks) = credential::strict_json::parse(jwks.as_bytes())
        .and_then(|value| Jwks::from_json(&value).ok())
    else {
        return "invalid_config".to_owned();
    };
    let issuers = vec![TrustedIssuer {
        iss: iss.to_owned(),
        jwks,
    }];
    let policy = VerifyPolicy::new(issuers, now, aud, nonce);
    match credential::verify(presentation, &policy) {
        Ok(verified) => serde_json::Value::Object(verified.into_claims()).to_string(),
        Err(err) => err.code().to_owned(),
    }
}
