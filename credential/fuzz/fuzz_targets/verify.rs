//! Any bytes, as a presentation, under SD-JWT VC and plain SD-JWT policies, and as a
//! credential for the holder: never a panic, only typed errors.
#![no_main]

use credential::{Credential, Jwks, PublicJwk, TrustedIssuer, VerifyPolicy, verify};
use libfuzzer_sys::fuzz_target;

/// The conformance vectors' issuer key, so that inputs derived from the vectors reach
/// past the signature check.
const ISSUER_JWK: &str = r#"{"kty":"EC","crv":"P-256","x":"b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ","y":"Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8"}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(jwk) = serde_json::from_str(ISSUER_JWK) else {
        return;
    };
    let Ok(key) = PublicJwk::from_json(&jwk) else {
        return;
    };
    let issuer = TrustedIssuer {
        iss: "https://example.com/issuer".into(),
        jwks: Jwks::new(vec![key]),
    };
    let vc = VerifyPolicy::new(vec![issuer], 1_795_347_026, "https://example.com/verifier", "1234567890");
    let _ = verify(text, &vc);
    let _ = verify(text, &vc.clone().plain_sd_jwt().without_key_binding());
    if let Ok(credential) = Credential::parse(text) {
        let _ = credential.present(&credential.select_all());
    }
});
