//! `Verifier`: the class websites construct. Each method translates JS values into the
//! core's types, calls the core, and translates the outcome back.

use credential::openid4vp::{
    AuthorizationRequest, AuthorizationResponse, CredentialQuery, DcqlQuery, PendingRequest,
    PendingRequests,
};
use std::rc::Rc;

use credential::crypto::RustCryptoP256;
use credential::crypto::deferred::DeferredVerification;
use credential::time::UnixTime;
use credential::{
    Jwks, StatusCheck, StatusLists, TrustedIssuer, Verified, VerifyError, VerifyPolicy, base64url,
    verify, verify_status_list,
};
use rand_core::{OsRng, RngCore};
use wasm_bindgen::prelude::*;

use crate::browser_request::BrowserRequest;
use crate::js::{from_js, now};
use crate::options::{RequestOptions, SignatureBackend, VerifierOptions, VerifyOptions};
use crate::request::PresentationRequest;
use crate::result::{VerificationResult, accepted};
use crate::webcrypto::WebCrypto;

/// Default lifetime of a created request, seconds.
const DEFAULT_REQUEST_LIFETIME: u64 = 600;
/// The credential query id Cachet's requests use.
const QUERY_ID: &str = "cachet";

/// Checks presentations in the page, against the site's trusted issuers.
#[wasm_bindgen]
pub struct Verifier {
    config: Result<Config, String>,
    pending: PendingRequests,
    status_lists: StatusLists,
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

/// The result for JavaScript; with `query`, a presentation that verifies but does not
/// answer the site's question is refused (`query_not_satisfied`).
fn result_of(
    outcome: Result<Verified, VerifyError>,
    query: Option<&CredentialQuery>,
) -> VerificationResult {
    let unanswered = match (&outcome, query) {
        (Ok(verified), Some(query)) => query.check_answer(verified.claims()).err(),
        _ => None,
    };
    if let Some(err) = unanswered {
        return VerificationResult::failure(err.code(), err.to_string());
    }
    match outcome {
        Ok(verified) => VerificationResult {
            valid: true,
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
        Err(err) => VerificationResult::failure(err.code(), err.to_string()),
    }
}

/// Verifies on the backend: at once in wasm (one synchronous pass), or in two phases
/// around WebCrypto's signature checks. The Promise owns everything it needs, so no
/// borrow of the verifier outlives the call and overlapping calls cannot collide.
fn settle(
    backend: &Backend,
    presentation: String,
    policy: VerifyPolicy,
    query: Option<CredentialQuery>,
) -> js_sys::Promise {
    match backend {
        Backend::Wasm => settled(result_of(verify(&presentation, &policy), query.as_ref()).to_js()),
        Backend::WebCrypto(webcrypto) => {
            let webcrypto = Rc::clone(webcrypto);
            let deferred = DeferredVerification::start(presentation, policy);
            wasm_bindgen_futures::future_to_promise(async move {
                let outcome = match webcrypto.verify_all(deferred.checks()).await {
                    Ok(valid) => deferred.finish(&valid),
                    Err(_) => deferred.finish_with(&RustCryptoP256),
                };
                Ok(result_of(outcome, query.as_ref()).to_js())
            })
        }
    }
}

fn settled(result: JsValue) -> js_sys::Promise {
    js_sys::Promise::resolve(&result)
}

#[derive(Clone)]
struct Config {
    issuers: Vec<TrustedIssuer>,
    audience: String,
    clock_skew: Option<u64>,
    max_age: Option<u64>,
    request_lifetime: u64,
}

impl Config {
    /// The trusted issuers' identifiers, which requests name (DCQL `trusted_authorities`)
    /// so that a wallet offers only credentials this site accepts.
    fn issuer_ids(&self) -> Vec<String> {
        self.issuers
            .iter()
            .map(|issuer| issuer.iss.clone())
            .collect()
    }
}

fn parse_config(options: JsValue) -> Result<(Config, Backend), String> {
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
    if issuers.is_empty() {
        return Err("trustedIssuers must name at least one issuer".into());
    }
    let config = Config {
        issuers,
        audience: options.audience,
        clock_skew: options.clock_skew_seconds,
        max_age: options.max_presentation_age_seconds,
        request_lifetime: options
            .request_lifetime_seconds
            .unwrap_or(DEFAULT_REQUEST_LIFETIME),
    };
    Ok((config, backend))
}

fn policy_for(
    config: &Config,
    status_lists: &StatusLists,
    now: i64,
    audience: &str,
    nonce: &str,
) -> VerifyPolicy {
    let mut policy = VerifyPolicy::new(config.issuers.clone(), now, audience, nonce);
    if let Some(skew) = config.clock_skew {
        policy = policy.clock_skew(skew);
    }
    if let Some(max_age) = config.max_age {
        policy = policy.max_key_binding_age(max_age);
    }
    policy.status_lists(status_lists.clone())
}

/// 128 random bits from `crypto.getRandomValues`, base64url.
fn random_token() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    base64url::encode(&bytes)
}

fn invalid_argument(message: String) -> JsValue {
    VerificationResult::failure("invalid_argument", message).to_js()
}

fn invalid_config(message: &str) -> VerificationResult {
    VerificationResult::failure("invalid_config", message)
}

#[wasm_bindgen]
impl Verifier {
    /// A verifier for these trusted issuers and this audience. Never throws: a bad
    /// configuration makes every method answer `{ valid: false, error: { code:
    /// "invalid_config" } }`.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "VerifierOptions")] options: JsValue) -> Self {
        let (config, backend) = match parse_config(options) {
            Ok((config, backend)) => (Ok(config), backend),
            Err(message) => (Err(message), Backend::Wasm),
        };
        Self {
            config,
            pending: PendingRequests::default(),
            status_lists: StatusLists::default(),
            backend,
        }
    }

    /// The configuration, or why the constructor's options were not usable.
    fn config(&self) -> Result<&Config, &str> {
        self.config.as_ref().map_err(String::as_str)
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
        let config = match self.config() {
            Ok(config) => config.clone(),
            Err(message) => return settled(invalid_config(message).to_js()),
        };
        let request =
            match BrowserRequest::new(options, random_token(), QUERY_ID, &config.issuer_ids()) {
                Ok(request) => request,
                Err(result) => return settled(result.to_js()),
            };
        let status_lists = self.status_lists.clone();
        let backend = self.backend.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let presentation = match request.ask(QUERY_ID).await {
                Ok(presentation) => presentation,
                Err(result) => return Ok(result.to_js()),
            };
            let policy = policy_for(
                &config,
                &status_lists,
                now(),
                &request.audience,
                &request.nonce,
            );
            let promise = settle(&backend, presentation, policy, Some(request.query.clone()));
            wasm_bindgen_futures::JsFuture::from(promise).await
        })
    }

    /// Starts verifying `presentation` for `audience` and `nonce` at `now` (and, if
    /// given, against the `query` it answers), and returns the Promise of its result.
    fn check(
        &self,
        presentation: String,
        audience: &str,
        nonce: &str,
        now: i64,
        query: Option<CredentialQuery>,
    ) -> js_sys::Promise {
        let config = match self.config() {
            Ok(config) => config,
            Err(message) => return settled(invalid_config(message).to_js()),
        };
        let policy = policy_for(config, &self.status_lists, now, audience, nonce);
        settle(&self.backend, presentation, policy, query)
    }

    /// Creates a single-use OpenID4VP request (DCQL query for an SD-JWT VC). Returns a
    /// `PresentationRequest`, or `{ valid: false, error }` for bad options.
    #[wasm_bindgen(js_name = createRequest, unchecked_return_type = "PresentationRequest | VerificationResult")]
    pub fn create_request(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "RequestOptions")] options: JsValue,
    ) -> JsValue {
        let (lifetime, trusted) = match self.config() {
            Ok(config) => (config.request_lifetime, config.issuer_ids()),
            Err(message) => return invalid_config(message).to_js(),
        };
        let options = match from_js(options).and_then(|json| RequestOptions::from_json(&json)) {
            Ok(options) => options,
            Err(message) => return invalid_argument(message),
        };
        let query =
            DcqlQuery::sd_jwt_vc(QUERY_ID, &options.vct_values, options.claims).trusting(&trusted);
        let Some(expected) = query.credentials.first().cloned() else {
            return invalid_argument("the request has no credential query".into());
        };
        let (nonce, state) = (random_token(), random_token());
        let request = match AuthorizationRequest::new(
            options.response_mode,
            &options.redirect_uri,
            &nonce,
            &state,
            query,
            options.purpose,
        ) {
            Ok(request) => request,
            Err(err) => return VerificationResult::failure(err.code(), err.to_string()).to_js(),
        };
        let now = now();
        let expires_at = now.saturating_add(i64::try_from(lifetime).unwrap_or(i64::MAX));
        let pending = PendingRequest {
            nonce,
            client_id: request.client_id.clone(),
            query: expected,
            expires_at,
        };
        let saved = pending.save(&state);
        let _ = self.pending.insert(state, pending, now);
        PresentationRequest::new(request, saved).into()
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
        let audience = match self.config() {
            Ok(config) => config.audience.clone(),
            Err(message) => return invalid_config(message).to_js(),
        };
        match PendingRequest::restore(&saved) {
            Ok((_, pending)) if site_origin(&pending.client_id) != site_origin(&audience) => {
                VerificationResult::failure("aud_mismatch", "the saved request is for another site")
                    .to_js()
            }
            Ok((state, _)) if crate::answered::load().contains(&state) => {
                let err = credential::openid4vp::ResponseError::UnknownState;
                VerificationResult::failure(err.code(), "this request was already answered").to_js()
            }
            Ok((state, pending)) => {
                if self.pending.insert(state, pending, i64::MIN) {
                    accepted()
                } else {
                    let err = credential::openid4vp::ResponseError::UnknownState;
                    VerificationResult::failure(err.code(), "this request was already answered")
                        .to_js()
                }
            }
            Err(err) => VerificationResult::failure(err.code(), err.to_string()).to_js(),
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
        let parsed = match AuthorizationResponse::parse(&text) {
            Ok(parsed) => parsed,
            Err(err) => {
                return settled(VerificationResult::failure(err.code(), err.to_string()).to_js());
            }
        };
        let now = now();
        let pending = match self.pending.take(&parsed.state, now) {
            Ok(pending) => {
                // Taken for good, also for this site's later page loads.
                crate::answered::record(&parsed.state, pending.expires_at, now);
                pending
            }
            Err(err) => {
                return settled(VerificationResult::failure(err.code(), err.to_string()).to_js());
            }
        };
        match parsed.presentation(&pending.query.id) {
            Ok(presentation) => self.check(
                presentation.to_owned(),
                &pending.client_id,
                &pending.nonce,
                now,
                Some(pending.query),
            ),
            Err(err) => settled(VerificationResult::failure(err.code(), err.to_string()).to_js()),
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
        let audience = match self.config() {
            Ok(config) => config.audience.clone(),
            Err(message) => return settled(invalid_config(message).to_js()),
        };
        let now = options.now.unwrap_or_else(now);
        self.check(presentation, &audience, &options.nonce, now, None)
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
        let issuers = match self.config() {
            Ok(config) => config.issuers.clone(),
            Err(message) => return invalid_config(message).to_js(),
        };
        let now = now();
        let mut last_error = None;
        for issuer in &issuers {
            match verify_status_list(&token, issuer, UnixTime::from_secs(now), &RustCryptoP256) {
                Ok(list) => {
                    self.status_lists.insert(list);
                    return accepted();
                }
                Err(err) => last_error = Some(err),
            }
        }
        match last_error {
            Some(err) => VerificationResult::failure(err.code(), err.to_string()).to_js(),
            None => VerificationResult::failure("invalid_config", "no trusted issuer").to_js(),
        }
    }

    /// The text of a QR code in a camera frame (`ImageData`), or `null`.
    #[wasm_bindgen(js_name = scanQr, unchecked_return_type = "string | null")]
    pub fn scan_qr(&self, frame: JsValue) -> JsValue {
        crate::qr::scan(&frame).map_or(JsValue::NULL, |text| JsValue::from_str(&text))
    }
}

/// The origin of a client identifier or audience (`redirect_uri:` prefix or not).
fn site_origin(id: &str) -> Option<credential::openid4vp::Origin> {
    credential::openid4vp::Origin::of(
        id.strip_prefix(credential::openid4vp::REDIRECT_URI_PREFIX)
            .unwrap_or(id),
    )
}
