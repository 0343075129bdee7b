//! What JavaScript passes in. TypeScript types are generated from these by tsify.

use serde::Deserialize;
use tsify::Tsify;

/// A trusted issuer: its identifier and published keys.
#[derive(Debug, Clone, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct TrustedIssuerOptions {
    /// Compared exactly with the credential's `iss`.
    pub iss: String,
    /// The issuer's JWKS (`{ keys: [...] }`), e.g. from its `/.well-known/jwt-vc-issuer`.
    #[tsify(type = "{ keys: JsonWebKey[] }")]
    pub jwks: serde_json::Value,
}

/// `new Verifier(options)`.
#[derive(Debug, Clone, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct VerifierOptions {
    /// Issuers whose credentials are accepted.
    pub trusted_issuers: Vec<TrustedIssuerOptions>,
    /// The expected KB-JWT `aud` for [`crate::Verifier::verify`] (the site's client id).
    pub audience: String,
    /// Tolerated clock difference, seconds (default 60).
    #[serde(default)]
    pub clock_skew_seconds: Option<u64>,
    /// Maximum age of a presentation's KB-JWT, seconds (default 300).
    #[serde(default)]
    pub max_presentation_age_seconds: Option<u64>,
    /// How long a created request can be answered, seconds (default 600).
    #[serde(default)]
    pub request_lifetime_seconds: Option<u64>,
    /// Which code checks ECDSA signatures: `"webcrypto"` (the browser's
    /// `crypto.subtle`, fast), `"wasm"` (pure Rust, works without a secure context), or
    /// `"auto"` (default: WebCrypto where the page has it, otherwise wasm).
    #[serde(default)]
    #[tsify(type = "\"auto\" | \"webcrypto\" | \"wasm\"")]
    pub signature_backend: Option<String>,
}

/// `verifier.createRequest(options)`.
#[derive(Debug, Clone, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RequestOptions {
    /// Claims asked for, as claims path pointers, e.g. `[["age_over_18"]]`.
    #[tsify(type = "(string | number | null)[][]")]
    pub claims: Vec<serde_json::Value>,
    /// Why the site asks, shown to the person.
    #[serde(default)]
    pub purpose: Option<String>,
    /// `"fragment"` (same device, redirect back) or `"direct_post"`.
    #[serde(default)]
    pub response_mode: Option<String>,
    /// Where the response goes: the page's URL (fragment) or the site's endpoint.
    pub redirect_uri: String,
    /// Acceptable credential types (`vct`); empty accepts any.
    #[serde(default)]
    pub vct_values: Vec<String>,
}

/// `verifier.requestWithBrowser(options)`: a request through the browser's Digital
/// Credentials API.
#[derive(Debug, Clone, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct BrowserRequestOptions {
    /// Claims asked for, as claims path pointers, e.g. `[["age_over_18"]]`.
    #[tsify(type = "(string | number | null)[][]")]
    pub claims: Vec<serde_json::Value>,
    /// Acceptable credential types (`vct`); empty accepts any.
    #[serde(default)]
    pub vct_values: Vec<String>,
}

/// `verifier.verify(presentation, options)`.
#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct VerifyOptions {
    /// The nonce the site issued for this presentation.
    pub nonce: String,
    /// The time to verify at, Unix seconds (default: now).
    #[serde(default)]
    pub now: Option<i64>,
}
