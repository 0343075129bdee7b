//! The authorization request (OpenID4VP 1.0 §5): built by the verifier, carried in a deep
//! link or QR code as URL query parameters, parsed and checked by the wallet.

use std::collections::HashMap;

use super::RequestError;
use super::dcql::DcqlQuery;
use super::origin::{MAX_URL_BYTES, Origin};

/// Largest request accepted (query string, in bytes).
pub const MAX_REQUEST_BYTES: usize = 16 * 1024;
/// Largest response accepted (a presentation can be a few kilobytes).
pub(super) const MAX_RESPONSE_BYTES: usize = 4 * MAX_REQUEST_BYTES;
/// Longest `nonce` or `state` accepted.
const MAX_TOKEN_BYTES: usize = 256;
pub use crate::names::REDIRECT_URI_PREFIX;

/// How the wallet returns the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMode {
    /// Redirect to `redirect_uri` with the response in the URL fragment.
    Fragment,
    /// HTTP POST of the response to `response_uri`.
    DirectPost,
}

impl ResponseMode {
    /// The parameter value.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Fragment => "fragment",
            Self::DirectPost => "direct_post",
        }
    }

    /// The mode a parameter value names, if Cachet supports it.
    #[must_use]
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Fragment, Self::DirectPost]
            .into_iter()
            .find(|mode| mode.as_str() == value)
    }
}

/// A checked authorization request.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorizationRequest {
    /// The full client identifier (`redirect_uri:<uri>`); the KB-JWT's `aud`.
    pub client_id: String,
    /// How the response comes back.
    pub response_mode: ResponseMode,
    /// Where the response goes (`redirect_uri` or `response_uri`).
    pub response_target: String,
    /// The nonce the KB-JWT must carry.
    pub nonce: String,
    /// Opaque value the verifier matches the response with.
    pub state: String,
    /// What is asked for.
    pub dcql_query: DcqlQuery,
    /// Why it is asked (a Cachet extension parameter; other wallets ignore it).
    pub purpose: Option<String>,
}

impl AuthorizationRequest {
    /// A request whose response goes to `response_target`, identified by it
    /// (`client_id = "redirect_uri:" + response_target`).
    ///
    /// # Errors
    /// [`RequestError`] if the target is not an http(s) URL or the query is invalid.
    pub fn new(
        response_mode: ResponseMode,
        response_target: &str,
        nonce: &str,
        state: &str,
        dcql_query: DcqlQuery,
        purpose: Option<String>,
    ) -> Result<Self, RequestError> {
        let request = Self {
            client_id: format!("{REDIRECT_URI_PREFIX}{response_target}"),
            response_mode,
            response_target: response_target.to_owned(),
            nonce: nonce.to_owned(),
            state: state.to_owned(),
            dcql_query,
            purpose,
        };
        request.check()?;
        Ok(request)
    }

    /// The origin of the verifier, which the wallet shows prominently.
    #[must_use]
    pub fn verifier_origin(&self) -> Option<Origin> {
        Origin::of(&self.response_target)
    }

    fn check(&self) -> Result<(), RequestError> {
        if Origin::of(&self.response_target).is_none() {
            return Err(RequestError::Malformed(match self.response_mode {
                ResponseMode::Fragment => "redirect_uri",
                ResponseMode::DirectPost => "response_uri",
            }));
        }
        for (name, value) in [("nonce", &self.nonce), ("state", &self.state)] {
            if value.is_empty() || value.len() > MAX_TOKEN_BYTES {
                return Err(RequestError::Malformed(name));
            }
        }
        if self.purpose.as_ref().is_some_and(|p| p.len() > 512) {
            return Err(RequestError::Malformed("purpose"));
        }
        self.dcql_query.validate()
    }

    /// The request's parameters, in order, as (name, value); `dcql_query` as JSON text.
    #[must_use]
    pub fn parameters(&self) -> Vec<(&'static str, String)> {
        let target = match self.response_mode {
            ResponseMode::Fragment => "redirect_uri",
            ResponseMode::DirectPost => "response_uri",
        };
        let mut params = vec![
            ("response_type", "vp_token".to_owned()),
            ("client_id", self.client_id.clone()),
            ("response_mode", self.response_mode.as_str().to_owned()),
            (target, self.response_target.clone()),
            ("nonce", self.nonce.clone()),
            ("state", self.state.clone()),
            (
                "dcql_query",
                serde_json::to_string(&self.dcql_query).unwrap_or_default(),
            ),
        ];
        if let Some(purpose) = &self.purpose {
            params.push(("purpose", purpose.clone()));
        }
        params
    }

    /// The link that opens the wallet at `wallet_url` with this request. Cachet's web
    /// wallet (an `http` or `https` URL) routes in the fragment (`…#/present?…`), which the
    /// browser never sends to any server, so the request stays on the device; any other
    /// scheme (`openid4vp://`, a native wallet's own) gets the request in the query, where
    /// OpenID4VP 1.0 §5 and RFC 6749 §4.1.1 put it.
    #[must_use]
    pub fn deep_link(&self, wallet_url: &str) -> String {
        let base = wallet_url.split('#').next().unwrap_or(wallet_url);
        let scheme = base.split(':').next().unwrap_or_default();
        if scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http") {
            format!("{base}#/present?{}", self.to_query())
        } else {
            let separator = if base.contains('?') { '&' } else { '?' };
            format!("{base}{separator}{}", self.to_query())
        }
    }

    /// The request as URL query parameters (without the leading `?`).
    #[must_use]
    pub fn to_query(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in self.parameters() {
            query.append_pair(name, &value);
        }
        query.finish()
    }

    /// Parses and checks a request from URL query parameters (with or without `?`).
    ///
    /// # Errors
    /// [`RequestError`] for anything a wallet must refuse.
    pub fn from_query(query: &str) -> Result<Self, RequestError> {
        if query.len() > MAX_REQUEST_BYTES {
            return Err(RequestError::TooLarge);
        }
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut params: HashMap<String, String> = HashMap::new();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            if params
                .insert(name.into_owned(), value.into_owned())
                .is_some()
            {
                return Err(RequestError::Malformed("repeated parameter"));
            }
        }
        let take = |name: &'static str| params.get(name).map(String::as_str);
        if take("transaction_data").is_some() {
            return Err(RequestError::TransactionDataUnsupported);
        }
        if take("response_type") != Some("vp_token") {
            return Err(RequestError::UnsupportedResponseType);
        }
        let response_mode = match take("response_mode") {
            None => ResponseMode::Fragment,
            Some(mode) => ResponseMode::parse(mode).ok_or(RequestError::UnsupportedResponseMode)?,
        };
        let client_id = take("client_id").ok_or(RequestError::Malformed("client_id"))?;
        let named = client_id
            .strip_prefix(REDIRECT_URI_PREFIX)
            .ok_or(RequestError::UnsupportedClientId)?;
        if named.len() > MAX_URL_BYTES {
            return Err(RequestError::Malformed("client_id"));
        }
        let target_name = match response_mode {
            ResponseMode::Fragment => "redirect_uri",
            ResponseMode::DirectPost => "response_uri",
        };
        // §5.9.3: the identifier *is* the URI the response goes to; it may be omitted.
        let response_target = match take(target_name) {
            Some(target) if target != named => return Err(RequestError::ClientIdMismatch),
            _ => named,
        };
        let dcql_text = take("dcql_query").ok_or(RequestError::Malformed("dcql_query"))?;
        let dcql_query: DcqlQuery = match crate::strict_json::parse(dcql_text.as_bytes()) {
            Some(value) => serde_json::from_value(value)
                .map_err(|_| RequestError::InvalidQuery("not a DCQL query object"))?,
            None => return Err(RequestError::Malformed("dcql_query")),
        };
        let request = Self {
            client_id: client_id.to_owned(),
            response_mode,
            response_target: response_target.to_owned(),
            nonce: take("nonce")
                .ok_or(RequestError::Malformed("nonce"))?
                .to_owned(),
            state: take("state")
                .ok_or(RequestError::Malformed("state"))?
                .to_owned(),
            dcql_query,
            purpose: take("purpose").map(str::to_owned),
        };
        request.check()?;
        Ok(request)
    }
}
