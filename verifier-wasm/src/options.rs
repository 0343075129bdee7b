//! What JavaScript passes in. TypeScript types are generated from these by tsify.
//!
//! The options are read from the JSON form of the JS value (see [`crate::js::from_js`])
//! member by member, not through `#[derive(Deserialize)]`: serde's derived readers bring
//! its generic error formatting into the module (float printing alone is 14 KB), and
//! reading them here cut the verifier by 21 KB gzipped. Unknown members are ignored and a
//! `null` member counts as absent, as the derive did for optional members.

use credential::openid4vp::{ClaimsQuery, MAX_CLAIM_VALUES, ResponseMode};
use serde_json::{Map, Value};
use tsify::Tsify;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(typescript_custom_section)]
const CLAIM_REQUEST: &str = r#"
/**
 * A claim a site asks for: its claims path (`["age_over_18"]`), or the path with the
 * values the site accepts (`{ path: ["age_over_18"], values: [true] }`). An answer that
 * does not disclose it, or discloses another value, fails with `query_not_satisfied`.
 */
export type ClaimRequest =
  | (string | number | null)[]
  | { path: (string | number | null)[]; values?: (string | number | boolean)[] };
"#;

/// A trusted issuer: its identifier and published keys.
#[derive(Debug, Clone, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct TrustedIssuerOptions {
    /// Compared exactly with the credential's `iss`.
    pub iss: String,
    /// The issuer's JWKS (`{ keys: [...] }`), e.g. from its `/.well-known/jwt-vc-issuer`.
    #[tsify(type = "{ keys: JsonWebKey[] }")]
    pub jwks: Value,
}

/// `new Verifier(options)`.
#[derive(Debug, Clone, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct VerifierOptions {
    /// Issuers whose credentials are accepted.
    pub trusted_issuers: Vec<TrustedIssuerOptions>,
    /// The expected KB-JWT `aud` for [`crate::Verifier::verify`] (the site's client id).
    pub audience: String,
    /// The credential types (`vct`) requests accept when they name none (`vctValues`),
    /// e.g. the `vct` of each of the issuer's credential configurations. An SD-JWT VC
    /// request must name at least one type (OpenID4VP 1.0 §B.3.5).
    #[serde(default)]
    pub credential_types: Vec<String>,
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
    pub signature_backend: SignatureBackend,
}

/// Which code a site asks to check ECDSA signatures (`signatureBackend`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SignatureBackend {
    /// WebCrypto where the page has it, otherwise wasm.
    #[default]
    Auto,
    /// The browser's `crypto.subtle`; refused where the page has none.
    WebCrypto,
    /// Pure Rust in wasm.
    Wasm,
}

impl SignatureBackend {
    fn parse(value: &str) -> Option<Self> {
        match value {
            "auto" => Some(Self::Auto),
            "webcrypto" => Some(Self::WebCrypto),
            "wasm" => Some(Self::Wasm),
            _ => None,
        }
    }
}

/// `verifier.createRequest(options)`.
#[derive(Debug, Clone, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RequestOptions {
    /// Claims asked for: claims path pointers (`[["age_over_18"]]`), or objects with
    /// the path and the values accepted (`[{ path: ["age_over_18"], values: [true] }]`).
    #[tsify(type = "ClaimRequest[]")]
    pub claims: Vec<ClaimsQuery>,
    /// Why the site asks, shown to the person.
    #[serde(default)]
    pub purpose: Option<String>,
    /// `"fragment"` (default: same device, redirect back) or `"direct_post"`.
    #[serde(default)]
    #[tsify(type = "\"fragment\" | \"direct_post\"")]
    pub response_mode: ResponseMode,
    /// Where the response goes: the page's URL (fragment) or the site's endpoint.
    pub redirect_uri: String,
    /// Acceptable credential types (`vct`); default: the verifier's `credentialTypes`.
    #[serde(default)]
    pub vct_values: Vec<String>,
    /// Ask for a pseudonymous credential with this site's pseudonym: the same person is
    /// recognised on every visit, and no other site can link them (default false: an
    /// SD-JWT VC).
    #[serde(default)]
    pub pseudonym: bool,
}

/// `verifier.requestWithBrowser(options)`: a request through the browser's Digital
/// Credentials API.
#[derive(Debug, Clone, Tsify)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BrowserRequestOptions {
    /// Claims asked for: claims path pointers (`[["age_over_18"]]`), or objects with
    /// the path and the values accepted (`[{ path: ["age_over_18"], values: [true] }]`).
    #[tsify(type = "ClaimRequest[]")]
    pub claims: Vec<ClaimsQuery>,
    /// Acceptable credential types (`vct`); default: the verifier's `credentialTypes`.
    #[serde(default)]
    pub vct_values: Vec<String>,
}

/// `verifier.verify(presentation, options)`.
#[derive(Debug, Clone, Default, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct VerifyOptions {
    /// The nonce the site issued for this presentation.
    pub nonce: String,
    /// The time to verify at, Unix seconds (default: now).
    #[serde(default)]
    pub now: Option<i64>,
    /// For a pseudonymous presentation, require and return this site's pseudonym.
    #[serde(default)]
    pub pseudonym: bool,
}

impl TrustedIssuerOptions {
    fn from_json(value: &Value) -> Result<Self, String> {
        let members = Members::of(value, "a trusted issuer")?;
        Ok(Self {
            iss: members.string("iss")?,
            jwks: members.required("jwks")?.clone(),
        })
    }
}

impl VerifierOptions {
    /// Reads the constructor's options.
    ///
    /// # Errors
    /// A message naming the member that is missing or of the wrong type.
    pub fn from_json(value: &Value) -> Result<Self, String> {
        let members = Members::of(value, "the verifier options")?;
        Ok(Self {
            trusted_issuers: members
                .array("trustedIssuers")?
                .iter()
                .map(TrustedIssuerOptions::from_json)
                .collect::<Result<_, _>>()?,
            audience: members.string("audience")?,
            credential_types: members.strings("credentialTypes")?,
            clock_skew_seconds: members.optional_u64("clockSkewSeconds")?,
            max_presentation_age_seconds: members.optional_u64("maxPresentationAgeSeconds")?,
            request_lifetime_seconds: members.optional_u64("requestLifetimeSeconds")?,
            signature_backend: members
                .optional_choice("signatureBackend", SignatureBackend::parse)?
                .unwrap_or_default(),
        })
    }
}

impl RequestOptions {
    /// Reads `createRequest`'s options.
    ///
    /// # Errors
    /// As [`VerifierOptions::from_json`].
    pub fn from_json(value: &Value) -> Result<Self, String> {
        let members = Members::of(value, "the request options")?;
        Ok(Self {
            claims: members.claims("claims")?,
            purpose: members.optional_string("purpose")?,
            response_mode: members
                .optional_choice("responseMode", ResponseMode::parse)?
                .unwrap_or(ResponseMode::Fragment),
            redirect_uri: members.string("redirectUri")?,
            vct_values: members.strings("vctValues")?,
            pseudonym: members.optional_bool("pseudonym")?,
        })
    }
}

impl BrowserRequestOptions {
    /// Reads `requestWithBrowser`'s options.
    ///
    /// # Errors
    /// As [`VerifierOptions::from_json`].
    pub(crate) fn from_json(value: &Value) -> Result<Self, String> {
        let members = Members::of(value, "the request options")?;
        Ok(Self {
            claims: members.claims("claims")?,
            vct_values: members.strings("vctValues")?,
        })
    }
}

impl VerifyOptions {
    /// Reads `verify`'s options.
    ///
    /// # Errors
    /// As [`VerifierOptions::from_json`].
    pub fn from_json(value: &Value) -> Result<Self, String> {
        let members = Members::of(value, "the verify options")?;
        Ok(Self {
            nonce: members.string("nonce")?,
            now: members.optional_i64("now")?,
            pseudonym: members.optional_bool("pseudonym")?,
        })
    }
}

/// The members of one options object, read by name; every error names the member.
struct Members<'a>(&'a Map<String, Value>);

impl<'a> Members<'a> {
    fn of(value: &'a Value, what: &str) -> Result<Self, String> {
        value
            .as_object()
            .map(Self)
            .ok_or_else(|| format!("{what} must be an object"))
    }

    /// The member, or `None` when it is absent or `null`.
    fn optional(&self, name: &str) -> Option<&'a Value> {
        self.0.get(name).filter(|value| !value.is_null())
    }

    fn required(&self, name: &str) -> Result<&'a Value, String> {
        self.optional(name)
            .ok_or_else(|| format!("missing member `{name}`"))
    }

    fn string(&self, name: &str) -> Result<String, String> {
        self.required(name).and_then(|value| as_string(name, value))
    }

    /// A boolean member; absent is false.
    fn optional_bool(&self, name: &str) -> Result<bool, String> {
        self.optional(name).map_or(Ok(false), |value| {
            value
                .as_bool()
                .ok_or_else(|| format!("member `{name}` must be a boolean"))
        })
    }

    fn optional_string(&self, name: &str) -> Result<Option<String>, String> {
        self.optional(name)
            .map(|value| as_string(name, value))
            .transpose()
    }

    /// One of a fixed set of strings, read by `parse`; anything else is refused.
    fn optional_choice<T>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<Option<T>, String> {
        self.optional(name)
            .map(|value| {
                value
                    .as_str()
                    .and_then(parse)
                    .ok_or_else(|| format!("unknown `{name}` {value}"))
            })
            .transpose()
    }

    fn optional_u64(&self, name: &str) -> Result<Option<u64>, String> {
        self.optional(name)
            .map(|value| {
                value
                    .as_u64()
                    .ok_or_else(|| format!("`{name}` must be a whole number of seconds, 0 or more"))
            })
            .transpose()
    }

    fn optional_i64(&self, name: &str) -> Result<Option<i64>, String> {
        self.optional(name)
            .map(|value| {
                value
                    .as_i64()
                    .ok_or_else(|| format!("`{name}` must be a whole number of seconds"))
            })
            .transpose()
    }

    fn array(&self, name: &str) -> Result<&'a [Value], String> {
        self.required(name).and_then(|value| as_array(name, value))
    }

    /// A list of strings; absent reads as empty.
    fn strings(&self, name: &str) -> Result<Vec<String>, String> {
        self.optional(name)
            .map_or(Ok(&[][..]), |value| as_array(name, value))?
            .iter()
            .map(|value| as_string(name, value))
            .collect()
    }

    fn claims(&self, name: &str) -> Result<Vec<ClaimsQuery>, String> {
        self.array(name)?
            .iter()
            .map(|claim| {
                ClaimsQuery::from_json(claim).ok_or_else(|| {
                    format!(
                        "`{name}`: each claim is a claims path (an array of names, indexes and nulls) or {{ path, values }} with 1 to {MAX_CLAIM_VALUES} strings, integers or booleans"
                    )
                })
            })
            .collect()
    }
}

fn as_array<'a>(name: &str, value: &'a Value) -> Result<&'a [Value], String> {
    value
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| format!("`{name}` must be an array"))
}

fn as_string(name: &str, value: &Value) -> Result<String, String> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("`{name}` must be a string"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_every_member_and_ignores_unknown_ones() {
        let options = VerifierOptions::from_json(&json!({
            "trustedIssuers": [{ "iss": "https://issuer.example", "jwks": { "keys": [] } }],
            "audience": "https://shop.example",
            "clockSkewSeconds": 30,
            "maxPresentationAgeSeconds": 120,
            "requestLifetimeSeconds": 900,
            "signatureBackend": "wasm",
            "somethingElse": [1, 2],
        }))
        .unwrap();
        assert_eq!(options.trusted_issuers[0].iss, "https://issuer.example");
        assert_eq!(options.trusted_issuers[0].jwks, json!({ "keys": [] }));
        assert_eq!(options.audience, "https://shop.example");
        assert_eq!(options.clock_skew_seconds, Some(30));
        assert_eq!(options.max_presentation_age_seconds, Some(120));
        assert_eq!(options.request_lifetime_seconds, Some(900));
        assert_eq!(options.signature_backend, SignatureBackend::Wasm);

        let request = RequestOptions::from_json(&json!({
            "claims": [["age_over_18"], ["nationalities", 0, null]],
            "purpose": "Age check",
            "responseMode": "direct_post",
            "redirectUri": "https://shop.example/cb",
            "vctValues": ["urn:eu.europa.ec.eudi:pid:1"],
        }))
        .unwrap();
        assert_eq!(request.claims.len(), 2);
        assert_eq!(request.claims[0].values, None);
        let with_values = RequestOptions::from_json(&json!({
            "claims": [{ "path": ["age_over_18"], "values": [true] }], "redirectUri": "r",
        }))
        .unwrap();
        assert_eq!(with_values.claims[0].values, Some(vec![json!(true)]));
        assert_eq!(request.purpose.as_deref(), Some("Age check"));
        assert_eq!(request.response_mode, ResponseMode::DirectPost);
        assert_eq!(request.redirect_uri, "https://shop.example/cb");
        assert_eq!(request.vct_values, ["urn:eu.europa.ec.eudi:pid:1"]);

        let verify = VerifyOptions::from_json(&json!({ "nonce": "n", "now": -5 })).unwrap();
        assert_eq!((verify.nonce.as_str(), verify.now), ("n", Some(-5)));
    }

    #[test]
    fn absent_and_null_optional_members_take_their_defaults() {
        let options = VerifierOptions::from_json(&json!({
            "trustedIssuers": [], "audience": "a", "clockSkewSeconds": null,
        }))
        .unwrap();
        assert_eq!(options.clock_skew_seconds, None);
        assert_eq!(options.signature_backend, SignatureBackend::Auto);
        let request = BrowserRequestOptions::from_json(&json!({
            "claims": [["age_over_18"]], "vctValues": null,
        }))
        .unwrap();
        assert!(request.vct_values.is_empty());
        let request =
            RequestOptions::from_json(&json!({ "claims": [], "redirectUri": "r" })).unwrap();
        assert_eq!(request.response_mode, ResponseMode::Fragment);
        let verify = VerifyOptions::from_json(&json!({ "nonce": "n" })).unwrap();
        assert_eq!(verify.now, None);
    }

    #[test]
    fn a_wrong_or_missing_member_is_named() {
        let refused = |result: Result<(), String>, needle: &str| {
            let message = result.unwrap_err();
            assert!(
                message.contains(needle),
                "{message:?} should name {needle:?}"
            );
        };
        let issuers = json!([{ "iss": "i", "jwks": {} }]);
        let verifier = |value| VerifierOptions::from_json(&value).map(|_| ());
        refused(verifier(json!(null)), "must be an object");
        refused(verifier(json!("options")), "must be an object");
        refused(verifier(json!({ "audience": "a" })), "`trustedIssuers`");
        refused(
            verifier(json!({ "trustedIssuers": {}, "audience": "a" })),
            "`trustedIssuers`",
        );
        refused(verifier(json!({ "trustedIssuers": issuers })), "`audience`");
        refused(
            verifier(json!({ "trustedIssuers": [{ "iss": "i" }], "audience": "a" })),
            "`jwks`",
        );
        refused(
            verifier(json!({ "trustedIssuers": [7], "audience": "a" })),
            "trusted issuer",
        );
        for (name, value) in [
            ("clockSkewSeconds", json!(-1)),
            ("maxPresentationAgeSeconds", json!(1.5)),
            ("requestLifetimeSeconds", json!("600")),
            ("signatureBackend", json!(true)),
            ("audience", json!(5)),
        ] {
            let mut options = json!({ "trustedIssuers": issuers, "audience": "a" });
            options[name] = value;
            refused(verifier(options), &format!("`{name}`"));
        }

        let request = |value| RequestOptions::from_json(&value).map(|_| ());
        refused(request(json!({ "claims": [["a"]] })), "`redirectUri`");
        refused(request(json!({ "redirectUri": "r" })), "`claims`");
        refused(
            request(json!({ "claims": ["age_over_18"], "redirectUri": "r" })),
            "`claims`",
        );
        refused(
            request(json!({ "claims": [[true]], "redirectUri": "r" })),
            "`claims`",
        );
        refused(
            request(json!({ "claims": [], "redirectUri": "r", "vctValues": [1] })),
            "`vctValues`",
        );
        refused(
            request(json!({ "claims": [], "redirectUri": "r", "purpose": {} })),
            "`purpose`",
        );
        refused(
            request(json!({ "claims": [], "redirectUri": "r", "responseMode": "query" })),
            "`responseMode`",
        );
        refused(VerifyOptions::from_json(&json!({})).map(|_| ()), "`nonce`");
        refused(
            VerifyOptions::from_json(&json!({ "nonce": "n", "now": 1.5 })).map(|_| ()),
            "`now`",
        );
    }
}
