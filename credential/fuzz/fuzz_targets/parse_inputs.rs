//! The CLI's input parsing: key files (JWK or JWKS), JSON Pointers, status lists; and
//! authorization responses (form or compact QR text) as a site's verifier reads them.
#![no_main]

use credential::openid4vp::AuthorizationResponse;
use credential::{JsonPointer, Jwks, PrivateJwk, PublicJwk, StatusList};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = JsonPointer::parse(text);
    let _ = AuthorizationResponse::parse(text);
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        let _ = PrivateJwk::from_json(&value);
        let _ = PublicJwk::from_json(&value);
        let _ = Jwks::from_json(&value);
        let _ = StatusList::from_claim(&value);
    }
});
