//! `verifier.requestWithBrowser()`: OpenID4VP over the W3C Digital Credentials API, so a
//! site can also accept wallets the browser knows (native ones included). The browser
//! tells the wallet the page's origin; the presentation must be bound to
//! `origin:<origin>` and to this call's fresh nonce, which the call's own Promise holds
//! (single use by construction).

use credential::openid4vp::{
    AuthorizationResponse, CredentialQuery, DC_API_PROTOCOL, Origin, RelyingParty,
};
use js_sys::{Array, Function, Object, Promise, Reflect};
use rand_core::CryptoRngCore;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::error::FacadeError;
use crate::js::{from_js, to_js};
use crate::options::BrowserRequestOptions;
use crate::result::{Failure, VerificationResult};

/// What the page must ask the browser: `navigator.credentials` and the nonce/audience
/// the answer must carry.
pub(crate) struct BrowserRequest {
    /// `navigator.credentials`.
    credentials: JsValue,
    /// `navigator.credentials.get`.
    get: Function,
    /// The `{ digital: { requests: [...] } }` argument.
    pub argument: JsValue,
    /// The fresh nonce.
    pub nonce: String,
    /// `origin:<the page's origin>`.
    pub audience: String,
    /// The credential query the answer must satisfy.
    pub query: CredentialQuery,
}

/// A refusal, boxed: `VerificationResult` is large and this is the rare path.
type Refusal = Box<VerificationResult>;

fn failure(error: &dyn Failure) -> Refusal {
    Box::new(VerificationResult::failure(error))
}

fn property(object: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(object, &JsValue::from_str(name))
        .ok()
        .filter(|value| !value.is_undefined() && !value.is_null())
}

impl BrowserRequest {
    /// Prepares the request, or says why this page cannot make one.
    pub(crate) fn new(
        options: JsValue,
        party: &RelyingParty,
        rng: &mut (impl CryptoRngCore + ?Sized),
    ) -> Result<Self, Refusal> {
        let options = from_js(options)
            .and_then(|json| BrowserRequestOptions::from_json(&json))
            .map_err(|message| failure(&FacadeError::InvalidArgument(message)))?;
        let asked = party
            .dc_api_request(&options.vct_values, options.claims, rng)
            .map_err(|err| failure(&err))?;
        let global = js_sys::global();
        let origin = property(&global, "location")
            .and_then(|location| property(&location, "origin"))
            .and_then(|origin| origin.as_string())
            .and_then(|origin| Origin::of(&origin))
            .ok_or_else(|| failure(&FacadeError::DcApiUnavailable("the page has no web origin")))?;
        let credentials = property(&global, "navigator")
            .and_then(|navigator| property(&navigator, "credentials"))
            .ok_or_else(|| {
                failure(&FacadeError::DcApiUnavailable(
                    "this browser has no navigator.credentials",
                ))
            })?;
        let get = property(&credentials, "get")
            .and_then(|get| get.dyn_into::<Function>().ok())
            .ok_or_else(|| {
                failure(&FacadeError::DcApiUnavailable(
                    "this browser has no navigator.credentials.get",
                ))
            })?;
        if property(&global, "DigitalCredential").is_none() {
            return Err(failure(&FacadeError::DcApiUnavailable(
                "this browser does not support the Digital Credentials API",
            )));
        }
        let request = Object::new();
        let data = to_js(&asked.data);
        let set = |object: &Object, name: &str, value: &JsValue| {
            Reflect::set(object, &JsValue::from_str(name), value).map(|_| ())
        };
        let digital = Object::new();
        let argument = Object::new();
        set(&request, "protocol", &JsValue::from_str(DC_API_PROTOCOL))
            .and_then(|()| set(&request, "data", &data))
            .and_then(|()| set(&digital, "requests", &Array::of1(&request)))
            .and_then(|()| set(&argument, "digital", &digital))
            .map_err(|_| {
                failure(&FacadeError::DcApiUnavailable(
                    "could not build the request",
                ))
            })?;
        Ok(Self {
            credentials,
            get,
            argument: argument.into(),
            audience: asked.audience(&origin),
            nonce: asked.nonce,
            query: asked.query,
        })
    }

    /// Asks the browser; returns the presentation for `query_id`, or why there is none.
    pub(crate) async fn ask(&self, query_id: &str) -> Result<String, Refusal> {
        let promise = self
            .get
            .call1(&self.credentials, &self.argument)
            .ok()
            .and_then(|value| value.dyn_into::<Promise>().ok())
            .ok_or_else(|| {
                failure(&FacadeError::DcApiError(
                    "navigator.credentials.get did not start".into(),
                ))
            })?;
        let credential = JsFuture::from(promise).await.map_err(|error| {
            let name = property(&error, "name")
                .and_then(|n| n.as_string())
                .unwrap_or_default();
            if name == "NotAllowedError" || name == "AbortError" {
                failure(&FacadeError::AccessDenied(
                    "the person declined or closed the request",
                ))
            } else {
                failure(&FacadeError::DcApiError(format!(
                    "the browser refused the request ({name})"
                )))
            }
        })?;
        if credential.is_null() || credential.is_undefined() {
            return Err(failure(&FacadeError::AccessDenied(
                "no credential was chosen",
            )));
        }
        let protocol = property(&credential, "protocol").and_then(|p| p.as_string());
        if protocol.as_deref().is_some_and(|p| p != DC_API_PROTOCOL) {
            return Err(failure(&FacadeError::MalformedResponse(
                "the answer is for another protocol".into(),
            )));
        }
        let data = property(&credential, "data")
            .map(|data| {
                data.as_string()
                    .map_or_else(|| from_js(data), |text| Ok(serde_json::Value::String(text)))
            })
            .transpose()
            .map_err(|message| failure(&FacadeError::MalformedResponse(message)))?
            .ok_or_else(|| {
                failure(&FacadeError::MalformedResponse(
                    "the answer has no data".into(),
                ))
            })?;
        let response = AuthorizationResponse::from_dc_api(&data).map_err(|err| failure(&err))?;
        response
            .presentation(query_id)
            .map(str::to_owned)
            .map_err(|err| failure(&err))
    }
}
