//! What JavaScript gets back: `{ valid: true, ... }` or `{ valid: false, error }`.

use credential::ErrorCode;
use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::JsValue;

/// An error a page can be told about: a stable code and a message.
pub trait Failure: ErrorCode + core::fmt::Display {}

impl<E: ErrorCode + core::fmt::Display> Failure for E {}

/// A stable error code and a human-readable message.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct ErrorInfo {
    /// Stable snake-case code (see the README's table).
    #[tsify(type = "ErrorCode")]
    pub code: String,
    /// What went wrong, for people.
    pub message: String,
}

/// The outcome of a verification.
#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct VerificationResult {
    /// Whether every check passed.
    pub valid: bool,
    /// The credential format, when valid: `"dc+sd-jwt"` or `"x-cachet-nym+jwp"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub format: Option<String>,
    /// This site's pseudonym for the person, when the request asked for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub pseudonym: Option<String>,
    /// The disclosed claims (with `iss`, `vct`, `exp`, ...), when valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "Record<string, unknown>")]
    pub claims: Option<serde_json::Value>,
    /// The trusted issuer that signed it, when valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub issuer: Option<String>,
    /// The credential's `exp`, when valid and present.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub expires_at: Option<i64>,
    /// `"valid"` (checked against a status list), `"unchecked"` or `"none"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub status: Option<String>,
    /// Why it is not valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub error: Option<ErrorInfo>,
}

impl VerificationResult {
    /// The failure `error`: its code, and its message. (One copy for every error type:
    /// the in-page verifier's size is budgeted.)
    pub fn failure(error: &dyn Failure) -> Self {
        Self::failed(error.code(), error.to_string())
    }

    fn failed(code: &str, message: String) -> Self {
        Self {
            valid: false,
            format: None,
            pseudonym: None,
            claims: None,
            issuer: None,
            expires_at: None,
            status: None,
            error: Some(ErrorInfo {
                code: code.to_owned(),
                message,
            }),
        }
    }

    /// As a plain JS object.
    pub fn to_js(&self) -> JsValue {
        crate::js::to_js(self)
    }
}

/// `{ valid: true }`: what the methods that only accept or refuse (`useStatusList`,
/// `restorePending`, `initScanner`) answer on success.
pub(crate) fn accepted() -> JsValue {
    crate::js::to_js(&serde_json::json!({ "valid": true }))
}
