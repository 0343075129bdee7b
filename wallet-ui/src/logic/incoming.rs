//! What reaches the wallet from outside (a deep link, a scanned QR code, pasted text),
//! turned into a typed offer or request at the edge, or refused with a reason.

use credential::openid4vci::{CredentialOffer, OfferError};
use credential::openid4vp::{AuthorizationRequest, MAX_REQUEST_BYTES, RequestError};

/// Longest text accepted from a scan or paste.
pub const MAX_INCOMING_BYTES: usize = MAX_REQUEST_BYTES;

/// What a piece of text asks the wallet to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// Receive credentials (OpenID4VCI credential offer).
    Offer(CredentialOffer),
    /// Present credentials (OpenID4VP authorization request).
    Request(Box<AuthorizationRequest>),
}

/// Why text was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IncomingError {
    /// Too long to be an offer or request.
    #[error("the text is too long")]
    TooLarge,
    /// Neither an offer nor a request.
    #[error("this is not a credential offer or a presentation request")]
    Unrecognised,
    /// An offer, but not one the wallet can use.
    #[error("the credential offer is not valid: {0}")]
    Offer(#[from] OfferError),
    /// A request, but not one the wallet may answer.
    #[error("the request is not valid: {0}")]
    Request(#[from] RequestError),
}

credential::error_codes! {
    IncomingError {
        Self::TooLarge => "too_large",
        Self::Unrecognised => "unrecognised",
    }
    delegate {
        Offer => credential::openid4vci::OfferError,
        Request => credential::openid4vp::RequestError,
    }
}

/// Reads an offer or a request from a wallet deep link (`…#/receive?…`,
/// `…#/present?…`), an `openid-credential-offer://` or `openid4vp://` URI, a bare query
/// string, or offer JSON.
///
/// # Errors
/// [`IncomingError`] naming what is wrong.
pub fn parse(text: &str) -> Result<Incoming, IncomingError> {
    let text = text.trim();
    if text.len() > MAX_INCOMING_BYTES {
        return Err(IncomingError::TooLarge);
    }
    if text.starts_with('{') || text.contains("credential_offer") {
        return Ok(Incoming::Offer(CredentialOffer::parse(text)?));
    }
    let query = if let Some((_, query)) = text.split_once("#/present?") {
        query
    } else if let Some(rest) = text.strip_prefix("openid4vp://") {
        rest.split_once('?').map_or("", |(_, query)| query)
    } else if text.contains("response_type=") && !text.contains("://") {
        text.strip_prefix('?').unwrap_or(text)
    } else {
        return Err(IncomingError::Unrecognised);
    };
    Ok(Incoming::Request(Box::new(
        AuthorizationRequest::from_query(query)?,
    )))
}
