//! The pseudonymous format's verifier as a wasm module of its own. The in-page verifier
//! (`verifier-wasm`) keeps the relying party's session and builds what a presentation
//! is checked against ([`NymExpectation`]); only for a pseudonymous presentation does it
//! load this module, which verifies and judges it with [`credential::bbs`] and answers
//! in the verifier's result shape. No logic lives here but that translation.

use credential::ErrorCode;
use credential::bbs::{FORMAT_ID, verify_expected};
use credential::openid4vp::NymExpectation;
use serde_json::{Value, json};
use wasm_bindgen::prelude::wasm_bindgen;

/// The verdict on `presentation` under `expectation` (a [`NymExpectation`] as JSON), as
/// the JSON of a `VerificationResult`: `{ valid: true, format, issuer, claims, expiresAt,
/// pseudonym?, status: "none" }` or `{ valid: false, error: { code, message } }`.
#[wasm_bindgen]
#[must_use]
pub fn verify(presentation: &str, expectation: &str) -> String {
    let expected = credential::strict_json::parse(expectation.as_bytes())
        .and_then(|value| NymExpectation::from_json(&value));
    let result = match expected {
        None => failure("invalid_argument", "not a relying party's expectation"),
        Some(expected) => match verify_expected(presentation, &expected) {
            Ok(verified) => {
                let mut result = json!({
                    "valid": true,
                    "format": FORMAT_ID,
                    "issuer": verified.issuer(),
                    "claims": verified.claims(),
                    "expiresAt": verified.expires_at(),
                    // Revocation is the issuer refusing the next epoch's refresh.
                    "status": "none",
                });
                if let (Some(pseudonym), Some(object)) =
                    (verified.pseudonym(), result.as_object_mut())
                {
                    object.insert("pseudonym".into(), pseudonym.into());
                }
                result
            }
            Err(err) => failure(err.code(), &err.to_string()),
        },
    };
    result.to_string()
}

fn failure(code: &str, message: &str) -> Value {
    json!({ "valid": false, "error": { "code": code, "message": message } })
}
