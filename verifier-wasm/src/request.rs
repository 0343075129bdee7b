//! `PresentationRequest`: what `createRequest` returns to the site.

use credential::openid4vp::AuthorizationRequest;
use wasm_bindgen::prelude::*;

/// An OpenID4VP request the site shows as a link or a QR code.
#[wasm_bindgen]
pub struct PresentationRequest {
    request: AuthorizationRequest,
    pending: String,
}

impl PresentationRequest {
    pub(crate) fn new(request: AuthorizationRequest, pending: String) -> Self {
        Self { request, pending }
    }
}

#[wasm_bindgen]
impl PresentationRequest {
    /// The single-use nonce the presentation must carry.
    #[wasm_bindgen(getter)]
    pub fn nonce(&self) -> String {
        self.request.nonce.clone()
    }

    /// What the page keeps (e.g. in `sessionStorage`) while the person is away at the
    /// wallet on this device, and hands to `Verifier.restorePending` when it is back
    /// (the page that made the request is gone by then). It holds the state, nonce,
    /// client identifier and expiry: nothing secret from the page itself.
    #[wasm_bindgen(getter)]
    pub fn pending(&self) -> String {
        self.pending.clone()
    }

    /// The state that matches the response to this request.
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> String {
        self.request.state.clone()
    }

    /// The client identifier (`redirect_uri:...`), which is the KB-JWT's `aud`.
    #[wasm_bindgen(getter, js_name = clientId)]
    pub fn client_id(&self) -> String {
        self.request.client_id.clone()
    }

    /// The authorization request parameters, as an object (`dcql_query` as an object).
    #[wasm_bindgen(getter)]
    pub fn request(&self) -> JsValue {
        let mut params = serde_json::Map::new();
        for (name, value) in self.request.parameters() {
            let value = if name == "dcql_query" {
                credential::strict_json::parse(value.as_bytes())
                    .unwrap_or(serde_json::Value::String(value))
            } else {
                serde_json::Value::String(value)
            };
            params.insert(name.to_owned(), value);
        }
        crate::js::to_js(&params)
    }

    /// A link that opens the wallet at `walletUrl` with this request: in the fragment
    /// for Cachet's web wallet (`https://…#/present?…`, never sent to a server), in the
    /// query for any other scheme (`openid4vp://?…`, OpenID4VP 1.0 §5).
    #[wasm_bindgen(js_name = deepLink)]
    pub fn deep_link(&self, wallet_url: &str) -> String {
        self.request.deep_link(wallet_url)
    }

    /// The deep link as an SVG QR code, for a phone to scan (empty if too long).
    #[wasm_bindgen(js_name = qrSvg)]
    pub fn qr_svg(&self, wallet_url: &str) -> String {
        credential::qr::svg(&self.deep_link(wallet_url)).unwrap_or_default()
    }
}
