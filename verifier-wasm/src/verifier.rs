//! `Verifier`: the class websites construct. Each method translates JS values into the
//! core's types, calls the core, and translates the outcome back.

use std::rc::Rc;

use credential::crypto::RustCryptoP256;
use credential::deferred::DeferredVerification;
use credential::openid4vp::{
    DEFAULT_REQUEST_LIFETIME, Expected, QUERY_ID, Rejection, RelyingParty, RelyingPartySettings,
    RequestParams, RequestedFormat, judge,
};
use credential::time::UnixTime;
use credential::{Jwks, StatusCheck, TrustedIssuer, Verified, verify};
use rand_core::OsRng;
use wasm_bindgen::prelude::*;

use crate::browser_request::BrowserRequest;
use crate::error::FacadeError;
use crate::js::{from_js, now};
use crate::options::{RequestOptions, SignatureBackend, VerifierOptions, VerifyOptions};
use crate::request::PresentationRequest;
use crate::result::{VerificationResult, accepted};
use crate::webcrypto::WebCrypto;

/// Checks presentations in the page, against the site's trusted issuers.
#[wasm_bindgen]
pub struct Verifier {
    party: Result<RelyingParty, String>,
    backend: Backend,
}

/// Where ECDSA signatures are checked.
#[derive(Clone)]
enum Backend {
    /// The page's `crypto.subtle`.
    WebCrypto(Rc<WebCrypto>),
    /// Pure Rust (`p256`) in wasm.
    Wasm,
}

fn backend(choice: SignatureBackend) -> Result<Backend, String> {
    let webcrypto = || WebCrypto::detect().map(|w| Backend::WebCrypto(Rc::new(w)));
    match choice {
        SignatureBackend::Auto => Ok(webcrypto().unwrap_or(Backend::Wasm)),
        SignatureBackend::WebCrypto => webcrypto().ok_or_else(|| {
            "signatureBackend \"webcrypto\": this page has no crypto.subtle (not a secure context)".to_owned()
        }),
        SignatureBackend::Wasm => Ok(Backend::Wasm),
    }
}

/// The verdict for JavaScript.
fn result_of(verdict: Result<Verified, Rejection>) -> VerificationResult {
    match verdict {
        Ok(verified) => VerificationResult {
            valid: true,
            format: Some(credential::names::TYP_DC_SD_JWT.to_owned()),
            pseudonym: None,
            issuer: Some(verified.issuer().to_owned()),
            expires_at: verified.expires_at(),
            status: Some(
                match verified.status() {
                    StatusCheck::Valid => "valid",
                    StatusCheck::Unchecked => "unchecked",
                    _ => "none",
                }
                .to_owned(),
            ),
            claims: Some(serde_json::Value::Object(verified.into_claims())),
            error: None,
        },
        Err(err) => VerificationResult::failure(&err),
    }
}

/// Verifies on the backend: at once in wasm (one synchronous pass), or in two phases
/// around WebCrypto's signature checks. The Promise owns everything it needs, so no
/// borrow of the verifier outlives the call and overlapping calls cannot collide.
fn settle(backend: &Backend, expected: Expected) -> js_sys::Promise {
    let Expected {
        presentation,
        policy,
        query,
        pseudonymous,
    } = expected;
    if let Some(nym) = pseudonymous {
        return crate::nym::verify(&presentation, &nym);
    }
    match backend {
        Backend::Wasm => {
            let outcome = verify(&presentation, &policy);
            settled(result_of(judge(query.as_ref(), outcome)).to_js())
        }
        Backend::WebCrypto(webcrypto) => {
            let webcrypto = Rc::clone(webcrypto);
            let deferred = DeferredVerification::start(presentation, policy);
            wasm_bindgen_futures::future_to_promise(async move {
                let outcome = match webcrypto.verify_all(deferred.checks()).await {
                    Ok(valid) => deferred.finish(&valid),
                    Err(_) => deferred.finish_with(&RustCryptoP256),
                };
                Ok(result_of(judge(query.as_ref(), outcome)).to_js())
            })
        }
    }
}

fn settled(result: JsValue) -> js_sys::Promise {
    js_sys::Promise::resolve(&result)
}

fn parse_config(options: JsValue) -> Result<(RelyingParty, Backend), String> {
    let options = from_js(options).and_then(|json| VerifierOptions::from_json(&json))?;
    let backend = backend(options.signature_backend)?;
    let issuers = options
        .trusted_issuers
        .into_iter()
        .map(|issuer| {
            Jwks::from_json(&issuer.jwks)
                .map(|jwks| TrustedIssuer {
                    iss: issuer.iss.clone(),
                    jwks,
                })
                .map_err(|err| format!("trusted issuer {}: {err}", issuer.iss))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let party = RelyingParty::new(RelyingPartySettings {
        issuers,
        audience: options.audience,
        clock_skew: options.clock_skew_seconds,
        max_presentation_age: options.max_presentation_age_seconds,
        request_lifetime: options
            .request_lifetime_seconds
            .unwrap_or(DEFAULT_REQUEST_LIFETIME),
        credential_types: options.credential_types,
    })
    .map_err(|err| err.to_string())?;
    Ok((party, backend))
}

fn invalid_argument(message: String) -> JsValue {
    VerificationResult::failure(&FacadeError::InvalidArgument(message)).to_js()
}

fn invalid_config(message: &str) -> VerificationResult {
    VerificationResult::failure(&FacadeError::InvalidConfig(message.to_owned()))
}

#[wasm_bindgen]
impl Verifier {
    /// A verifier for these trusted issuers and this audience. Never throws: a bad
    /// configuration makes every method answer `{ valid: false, error: { code:
    /// "invalid_config" } }`.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "VerifierOptions")] options: JsValue) -> Self {
        let (party, backend) = match parse_config(options) {
            Ok((party, backend)) => (Ok(party), backend),
            Err(message) => (Err(message), Backend::Wasm),
        };
        Self { party, backend }
    }

    /// The relying party, or why the constructor's options were not usable.
    fn party(&self) -> Result<&RelyingParty, &str> {
        self.party.as_ref().map_err(String::as_str)
    }

    /// As [`Self::party`], to change it.
    fn party_mut(&mut self) -> Result<&mut RelyingParty, &str> {
        self.party.as_mut().map_err(|message| message.as_str())
    }

    /// Asks for a presentation through the browser's Digital Credentials API
    /// (`navigator.credentials.get({ digital })`, protocol `openid4vp-v1-unsigned`), so
    /// that wallets the browser knows can answer too, and verifies it: bound to this call's
    /// fresh nonce and to `origin:<this page's origin>`. Resolves to the same result shape
    /// as `verify`; `dc_api_unavailable` where the browser lacks the API, `access_denied`
    /// when the person declines.
    #[wasm_bindgen(js_name = requestWithBrowser, unchecked_return_type = "Promise<VerificationResult>")]
    pub fn request_with_browser(
        &self,
        #[wasm_bindgen(unchecked_param_type = "BrowserRequestOptions")] options: JsValue,
    ) -> js_sys::Promise {
        let party = match self.party() {
            Ok(party) => party,
            Err(message) => return settled(invalid_config(message).to_js()),
        };
        let request = match BrowserRequest::new(options, party, &mut OsRng) {
            Ok(request) => request,
            Err(result) => return settled(result.to_js()),
        };
        let backend = self.backend.clone();
        // What the answer is checked against, as the relying party stands when it comes.
        let expectations = party.expectations();
        wasm_bindgen_futures::future_to_promise(async move {
            let presentation = match request.ask(QUERY_ID).await {
                Ok(presentation) => presentation,
                Err(result) => return Ok(result.to_js()),
            };
            let expected = expectations.expect(
                presentation,
                &request.audience,
                &request.nonce,
                UnixTime::from_secs(now()),
                Some(request.query.clone()),
            );
            let promise = settle(&backend, expected);
            wasm_bindgen_futures::JsFuture::from(promise).await
        })
    }

    /// Creates a single-use OpenID4VP request (DCQL query for an SD-JWT VC). Returns a
    /// `PresentationRequest`, or `{ valid: false, error }` for bad options.
    #[wasm_bindgen(js_name = createRequest, unchecked_return_type = "PresentationRequest | VerificationResult")]
    pub fn create_request(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "RequestOptions")] options: JsValue,
    ) -> JsValue {
        let options = match from_js(options).and_then(|json| RequestOptions::from_json(&json)) {
            Ok(options) => options,
            Err(message) => return invalid_argument(message),
        };
        let party = match self.party_mut() {
            Ok(party) => party,
            Err(message) => return invalid_config(message).to_js(),
        };
        let params = RequestParams {
            format: if options.pseudonym {
                RequestedFormat::Pseudonymous {
                    site_pseudonym: true,
                }
            } else {
                RequestedFormat::SdJwtVc
            },
            claims: options.claims,
            vct_values: &options.vct_values,
            purpose: options.purpose,
            response_mode: options.response_mode,
            redirect_uri: &options.redirect_uri,
        };
        match party.create_request(params, &mut OsRng, UnixTime::from_secs(now())) {
            Ok(created) => PresentationRequest::new(created.request, created.saved).into(),
            Err(err) => VerificationResult::failure(&err).to_js(),
        }
    }

    /// Takes back a request this page made before it navigated to the wallet
    /// (`request.pending`), so that `verifyResponse` accepts its answer once. Only a
    /// request of the site this verifier's `audience` names (same origin) is accepted; an
    /// expired request is kept and later refused as `expired_request`. A request that this
    /// site's pages already answered (remembered in `localStorage` across reloads) is
    /// refused as `unknown_state`.
    #[wasm_bindgen(js_name = restorePending, unchecked_return_type = "VerificationResult")]
    pub fn restore_pending(&mut self, saved: JsValue) -> JsValue {
        let Some(saved) = saved.as_string() else {
            return invalid_argument("the saved request must be a string".into());
        };
        let party = match self.party_mut() {
            Ok(party) => party,
            Err(message) => return invalid_config(message).to_js(),
        };
        match party.restore(&saved, &crate::answered::load()) {
            Ok(()) => accepted(),
            Err(err) => VerificationResult::failure(&err).to_js(),
        }
    }

    /// Verifies a wallet's response (the URL fragment, or a scanned response): its state
    /// must be of an open request of this verifier (used once, not expired), and its
    /// presentation bound to that request's nonce and client identifier.
    ///
    /// The state is consumed before the call returns; the Promise settles once the
    /// signatures are checked and holds no borrow of the verifier, so overlapping calls
    /// cannot collide.
    #[wasm_bindgen(js_name = verifyResponse, unchecked_return_type = "Promise<VerificationResult>")]
    pub fn verify_response(&mut self, response: JsValue) -> js_sys::Promise {
        let Some(text) = response.as_string() else {
            return settled(invalid_argument("the response must be a string".into()));
        };
        let backend = self.backend.clone();
        let party = match self.party_mut() {
            Ok(party) => party,
            Err(message) => return settled(invalid_config(message).to_js()),
        };
        let now = now();
        match party.take_response(&text, UnixTime::from_secs(now)) {
            Ok(taken) => {
                // Taken for good, also for this site's later page loads.
                crate::answered::record(&taken.state, taken.expires_at, now);
                settle(&backend, taken.expected)
            }
            Err(err) => settled(VerificationResult::failure(&err).to_js()),
        }
    }

    /// Verifies one presentation for the configured audience and the given nonce (a
    /// Promise, as [`Verifier::verify_response`]).
    #[wasm_bindgen(unchecked_return_type = "Promise<VerificationResult>")]
    pub fn verify(
        &self,
        presentation: JsValue,
        #[wasm_bindgen(unchecked_param_type = "VerifyOptions")] options: JsValue,
    ) -> js_sys::Promise {
        let Some(presentation) = presentation.as_string() else {
            return settled(invalid_argument("the presentation must be a string".into()));
        };
        let options = match from_js(options).and_then(|json| VerifyOptions::from_json(&json)) {
            Ok(options) => options,
            Err(message) => return settled(invalid_argument(message)),
        };
        let party = match self.party() {
            Ok(party) => party,
            Err(message) => return settled(invalid_config(message).to_js()),
        };
        let now = UnixTime::from_secs(options.now.unwrap_or_else(now));
        let mut expected =
            party
                .expectations()
                .expect(presentation, party.audience(), &options.nonce, now, None);
        if options.pseudonym {
            expected = expected.with_site_pseudonym();
        }
        settle(&self.backend, expected)
    }

    /// Checks a status list token (fetched by the site from anywhere) against the trusted
    /// issuers and keeps it beside the others held (one per issuer and URI, a newer one
    /// replacing an older). Later verifications check each credential's status bit in the
    /// list of its own issuer for its URI, and refuse a list past its `exp` or older than
    /// its `ttl` (`status_list_expired`, `status_list_stale`: fetch it again).
    #[wasm_bindgen(js_name = useStatusList, unchecked_return_type = "VerificationResult")]
    pub fn use_status_list(&mut self, token: JsValue) -> JsValue {
        let Some(token) = token.as_string() else {
            return invalid_argument("the status list token must be a string".into());
        };
        let party = match self.party_mut() {
            Ok(party) => party,
            Err(message) => return invalid_config(message).to_js(),
        };
        match party.use_status_list(&token, UnixTime::from_secs(now()), &RustCryptoP256) {
            Ok(()) => accepted(),
            Err(err) => VerificationResult::failure(&err).to_js(),
        }
    }

    /// The text of a QR code in a camera frame (`ImageData`), or `null`.
    #[wasm_bindgen(js_name = scanQr, unchecked_return_type = "string | null")]
    pub fn scan_qr(&self, frame: JsValue) -> JsValue {
        crate::qr::scan(&frame).map_or(JsValue::NULL, |text| JsValue::from_str(&text))
    }
}
