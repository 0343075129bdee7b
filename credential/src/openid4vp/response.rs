//! The authorization response (OpenID4VP 1.0 §8): `vp_token` (a JSON object mapping each
//! credential query id to its presentations) and `state`, or an OAuth error.

use std::collections::BTreeMap;

use serde_json::Value;

use super::ResponseError;
use super::compact::{self, COMPACT_PREFIX, CompactError};
use super::request::MAX_RESPONSE_BYTES;

/// A parsed (not yet verified) authorization response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationResponse {
    /// The `state` of the request it answers.
    pub state: String,
    /// Presentations per credential query id.
    pub vp_token: BTreeMap<String, Vec<String>>,
}

impl AuthorizationResponse {
    /// A response carrying one presentation for the credential query `id`.
    #[must_use]
    pub fn new(state: &str, id: &str, presentation: &str) -> Self {
        Self {
            state: state.to_owned(),
            vp_token: BTreeMap::from([(id.to_owned(), vec![presentation.to_owned()])]),
        }
    }

    /// The response in compact form, for a QR code ([`compact`]).
    ///
    /// # Errors
    /// [`CompactError`] if it has other than one presentation or that is not a compact
    /// SD-JWT+KB.
    pub fn to_compact(&self) -> Result<String, CompactError> {
        let mut entries = self.vp_token.iter();
        match (entries.next(), entries.next()) {
            (Some((id, presentations)), None) => match presentations.as_slice() {
                [one] => compact::encode(&self.state, id, one),
                _ => Err(CompactError::NotOnePresentation),
            },
            _ => Err(CompactError::NotOnePresentation),
        }
    }

    /// Reads the compact form; `text` must start with [`COMPACT_PREFIX`].
    ///
    /// # Errors
    /// [`ResponseError::TooLarge`] past the response limit (compressed or inflated),
    /// otherwise [`ResponseError::Malformed`] naming `compact`.
    pub fn from_compact(text: &str) -> Result<Self, ResponseError> {
        let parts = compact::decode(text)?;
        Ok(Self::new(&parts.state, &parts.id, &parts.presentation))
    }

    /// The response as form parameters (for a URL fragment or a POST body).
    #[must_use]
    pub fn to_form(&self) -> String {
        let vp_token = serde_json::to_string(&self.vp_token).unwrap_or_default();
        form_urlencoded::Serializer::new(String::new())
            .append_pair("vp_token", &vp_token)
            .append_pair("state", &self.state)
            .finish()
    }

    /// Parses a URL fragment (`#vp_token=...&state=...`), a form body, or the compact
    /// form a wallet shows as a QR code ([`super::compact`]).
    ///
    /// # Errors
    /// [`ResponseError::WalletError`] when the wallet answered with `error` (e.g. the
    /// person declined: `access_denied`), otherwise malformed-input errors.
    pub fn parse(text: &str) -> Result<Self, ResponseError> {
        if text.len() > MAX_RESPONSE_BYTES {
            return Err(ResponseError::TooLarge);
        }
        let text = text
            .strip_prefix('#')
            .or_else(|| text.strip_prefix('?'))
            .unwrap_or(text);
        if text.starts_with(COMPACT_PREFIX) {
            return Self::from_compact(text);
        }
        let mut state = None;
        let mut vp_token = None;
        let mut error = None;
        for (name, value) in form_urlencoded::parse(text.as_bytes()) {
            let slot = match name.as_ref() {
                "state" => &mut state,
                "vp_token" => &mut vp_token,
                "error" => &mut error,
                _ => continue,
            };
            if slot.replace(value.into_owned()).is_some() {
                return Err(ResponseError::Malformed("repeated parameter"));
            }
        }
        if let Some(error) = error {
            let error = if error.len() <= 64 && error.chars().all(|c| c.is_ascii_graphic()) {
                error
            } else {
                "invalid_error".to_owned()
            };
            return Err(ResponseError::WalletError { error });
        }
        let state = state.ok_or(ResponseError::Malformed("state"))?;
        let vp_token = vp_token.ok_or(ResponseError::Malformed("vp_token"))?;
        let vp_token = crate::strict_json::parse(vp_token.as_bytes())
            .ok_or(ResponseError::Malformed("vp_token"))?;
        Ok(Self {
            state,
            vp_token: parse_vp_token(vp_token)?,
        })
    }

    /// Parses the `data` of a Digital Credentials API response (OpenID4VP 1.0 Appendix
    /// A.3): an object (or its JSON text) with `vp_token`, or with `error`. It has no
    /// `state`: the page's own Promise ties it to its request.
    ///
    /// # Errors
    /// As [`AuthorizationResponse::parse`].
    pub fn from_dc_api(data: &Value) -> Result<Self, ResponseError> {
        let parsed;
        let data = match data {
            Value::String(text) if text.len() > MAX_RESPONSE_BYTES => {
                return Err(ResponseError::TooLarge);
            }
            Value::String(text) => {
                parsed = crate::strict_json::parse(text.as_bytes())
                    .ok_or(ResponseError::Malformed("data"))?;
                &parsed
            }
            other => other,
        };
        let object = data.as_object().ok_or(ResponseError::Malformed("data"))?;
        if let Some(error) = object.get("error") {
            let error = error
                .as_str()
                .filter(|e| e.len() <= 64 && e.chars().all(|c| c.is_ascii_graphic()))
                .unwrap_or("invalid_error")
                .to_owned();
            return Err(ResponseError::WalletError { error });
        }
        let vp_token = object
            .get("vp_token")
            .cloned()
            .ok_or(ResponseError::Malformed("vp_token"))?;
        Ok(Self {
            state: String::new(),
            vp_token: parse_vp_token(vp_token)?,
        })
    }

    /// The single presentation for credential query `id`.
    ///
    /// # Errors
    /// [`ResponseError::MissingPresentation`] if there is none, or more than one.
    pub fn presentation(&self, id: &str) -> Result<&str, ResponseError> {
        match self.vp_token.get(id).map(Vec::as_slice) {
            Some([one]) => Ok(one),
            _ => Err(ResponseError::MissingPresentation),
        }
    }
}

/// `vp_token`: an object mapping each credential query id to an array of presentations.
fn parse_vp_token(vp_token: Value) -> Result<BTreeMap<String, Vec<String>>, ResponseError> {
    let Value::Object(entries) = vp_token else {
        return Err(ResponseError::Malformed("vp_token"));
    };
    let mut parsed = BTreeMap::new();
    for (id, presentations) in entries {
        let presentations = match presentations {
            Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    Value::String(text) => Ok(text),
                    _ => Err(ResponseError::Malformed("vp_token")),
                })
                .collect::<Result<Vec<_>, _>>()?,
            _ => return Err(ResponseError::Malformed("vp_token")),
        };
        parsed.insert(id, presentations);
    }
    Ok(parsed)
}
