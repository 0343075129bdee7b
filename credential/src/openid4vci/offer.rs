//! Credential offers (OpenID4VCI 1.0 §4.1) for the pre-authorized code flow: what the
//! issuer hands a person after enrollment (as a link or QR), and what the wallet opens.

use serde_json::{Value, json};

use super::OfferError;
use crate::openid4vp::Origin;

pub use crate::names::OFFER_SCHEME;
pub use crate::names::PRE_AUTHORIZED_GRANT;
/// Largest offer accepted, in bytes (a URI or the JSON).
pub const MAX_OFFER_BYTES: usize = 8 * 1024;
/// Most credential configurations one offer may name.
const MAX_CONFIGURATIONS: usize = 16;
/// Longest pre-authorized code accepted.
const MAX_CODE_BYTES: usize = 512;

/// A credential offer with a pre-authorized code and no transaction code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialOffer {
    credential_issuer: String,
    configuration_ids: Vec<String>,
    pre_authorized_code: String,
}

impl CredentialOffer {
    /// An offer of `configuration_ids` from `credential_issuer`, redeemable with `code`.
    ///
    /// # Errors
    /// [`OfferError`] when the parts would not parse back (an insecure issuer URL, no
    /// configuration, an empty or oversized code).
    pub fn new(
        credential_issuer: &str,
        configuration_ids: Vec<String>,
        pre_authorized_code: &str,
    ) -> Result<Self, OfferError> {
        let offer = Self {
            credential_issuer: credential_issuer.to_owned(),
            configuration_ids,
            pre_authorized_code: pre_authorized_code.to_owned(),
        };
        offer.check()?;
        Ok(offer)
    }

    fn check(&self) -> Result<(), OfferError> {
        let origin = Origin::of(&self.credential_issuer)
            .ok_or(OfferError::Malformed("credential_issuer"))?;
        if !origin.is_potentially_trustworthy() || self.credential_issuer.contains(['?', '#']) {
            return Err(OfferError::InsecureIssuer);
        }
        if self.configuration_ids.is_empty()
            || self.configuration_ids.len() > MAX_CONFIGURATIONS
            || self.configuration_ids.iter().any(String::is_empty)
        {
            return Err(OfferError::Malformed("credential_configuration_ids"));
        }
        if self.pre_authorized_code.is_empty() || self.pre_authorized_code.len() > MAX_CODE_BYTES {
            return Err(OfferError::Malformed("pre-authorized_code"));
        }
        Ok(())
    }

    /// The issuer identifier (an URL, without query or fragment).
    #[must_use]
    pub fn credential_issuer(&self) -> &str {
        &self.credential_issuer
    }

    /// The offered credential configurations.
    #[must_use]
    pub fn configuration_ids(&self) -> &[String] {
        &self.configuration_ids
    }

    /// The single-use code to exchange at the token endpoint.
    #[must_use]
    pub fn pre_authorized_code(&self) -> &str {
        &self.pre_authorized_code
    }

    /// The offer as JSON (§4.1.1).
    #[must_use]
    pub fn to_json(&self) -> Value {
        json!({
            "credential_issuer": self.credential_issuer,
            "credential_configuration_ids": self.configuration_ids,
            "grants": {
                PRE_AUTHORIZED_GRANT: { "pre-authorized_code": self.pre_authorized_code }
            }
        })
    }

    /// The offer by value: `credential_offer=<url-encoded JSON>`, to append to a wallet
    /// URL or to [`OFFER_SCHEME`] + `?`.
    #[must_use]
    pub fn to_query(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("credential_offer", &self.to_json().to_string())
            .finish()
    }

    /// `openid-credential-offer://?credential_offer=...`.
    #[must_use]
    pub fn to_uri(&self) -> String {
        format!("{OFFER_SCHEME}?{}", self.to_query())
    }

    /// Parses what a person brought to the wallet: a URI or deep link whose query has
    /// `credential_offer=`, a bare query, or the offer's JSON.
    ///
    /// # Errors
    /// [`OfferError`] for anything but one well-formed pre-authorized offer.
    pub fn parse(text: &str) -> Result<Self, OfferError> {
        if text.len() > MAX_OFFER_BYTES {
            return Err(OfferError::TooLarge);
        }
        let text = text.trim();
        let json = if text.starts_with('{') {
            text.to_owned()
        } else {
            offer_parameter(text)?
        };
        let value =
            crate::strict_json::parse(json.as_bytes()).ok_or(OfferError::Malformed("not JSON"))?;
        Self::from_json(&value)
    }

    fn from_json(value: &Value) -> Result<Self, OfferError> {
        let object = value
            .as_object()
            .ok_or(OfferError::Malformed("not an object"))?;
        let credential_issuer = object
            .get("credential_issuer")
            .and_then(Value::as_str)
            .ok_or(OfferError::Malformed("credential_issuer"))?;
        let configuration_ids = object
            .get("credential_configuration_ids")
            .and_then(Value::as_array)
            .ok_or(OfferError::Malformed("credential_configuration_ids"))?
            .iter()
            .map(|id| id.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or(OfferError::Malformed("credential_configuration_ids"))?;
        let grant = object
            .get("grants")
            .and_then(|grants| grants.get(PRE_AUTHORIZED_GRANT))
            .ok_or(OfferError::NoPreAuthorizedCode)?;
        if grant.get("tx_code").is_some() {
            return Err(OfferError::TransactionCodeUnsupported);
        }
        let code = grant
            .get("pre-authorized_code")
            .and_then(Value::as_str)
            .ok_or(OfferError::NoPreAuthorizedCode)?;
        let offer = Self {
            credential_issuer: credential_issuer.to_owned(),
            configuration_ids,
            pre_authorized_code: code.to_owned(),
        };
        offer.check()?;
        Ok(offer)
    }
}

/// The one `credential_offer` parameter of a URI, deep link (`…#/receive?…`) or query.
fn offer_parameter(text: &str) -> Result<String, OfferError> {
    let query = text.rsplit_once('?').map_or(text, |(_, query)| query);
    let mut offer = None;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match name.as_ref() {
            "credential_offer" if offer.is_none() => offer = Some(value.into_owned()),
            "credential_offer" => return Err(OfferError::Malformed("repeated credential_offer")),
            "credential_offer_uri" => return Err(OfferError::ByReference),
            _ => {}
        }
    }
    offer.ok_or(OfferError::NotAnOffer)
}
