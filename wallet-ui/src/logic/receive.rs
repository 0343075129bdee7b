//! Checking a freshly issued batch before it is kept: every copy verifies against the
//! issuer's published keys, is an SD-JWT VC of one type from the offer's issuer, and is
//! bound to the holder key the wallet made for it.

use credential::ErrorCode;
use credential::verify::REGISTERED_CLAIMS;
use credential::{PublicJwk, TrustedIssuer, VerifyPolicy};
use serde_json::{Map, Value};

use credential::bbs::{BbsPublicKey, HolderSecret, NymCredential};

use super::model::{Batch, CredentialFormat, RECORD_VERSION, StoredCopy};

/// JWT claims about the token itself that SD-JWT VC leaves disclosable; with the core's
/// [`REGISTERED_CLAIMS`] they are what is not about the person.
const TOKEN_IDS: [&str; 2] = ["sub", "jti"];

/// Why a received batch was not kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiveError {
    /// The issuer sent no credential, or not one per key.
    #[error("the issuer sent {got} credentials for {asked} keys")]
    WrongCount {
        /// How many were asked for.
        asked: usize,
        /// How many came.
        got: usize,
    },
    /// A copy does not verify against the issuer's keys.
    #[error("a credential does not verify: {0}")]
    Invalid(String),
    /// A copy is not bound to the key made for it.
    #[error("a credential is bound to a key this wallet did not make for it")]
    WrongHolderKey,
    /// The copies differ in type, issuer or claims.
    #[error("the credentials of one batch differ")]
    Inconsistent,
    /// A pseudonymous credential names another issuer, or a key the issuer does not
    /// publish.
    #[error("the pseudonymous credential is not from this issuer")]
    WrongIssuer,
    /// A credential that has already expired.
    #[error("the credential has already expired")]
    Expired,
}

credential::error_codes! {
    ReceiveError {
        Self::WrongCount { .. } => "wrong_count",
        Self::Invalid(_) => "invalid_credential",
        Self::WrongHolderKey => "wrong_holder_key",
        Self::Inconsistent => "inconsistent_batch",
        Self::WrongIssuer => "wrong_issuer",
        Self::Expired => "expired_on_arrival",
    }
}

/// What the wallet asked for and got.
pub struct Received<'a> {
    /// The issuer (from the offer and its metadata) with its keys.
    pub issuer: TrustedIssuer,
    /// The credential configuration asked for.
    pub configuration: &'a str,
    /// The holder keys made for the copies, in request order.
    pub keys: &'a [(String, PublicJwk)],
    /// The credentials, in the issuer's response order (one per key proof).
    pub credentials: &'a [String],
}

/// What every copy of a batch must agree on besides the person's claims (the issuer is
/// the one trusted for the batch).
#[derive(Debug, PartialEq, Eq)]
struct About {
    vct: String,
    issued_at: Option<i64>,
    expires_at: Option<i64>,
}

/// Checks a received batch and turns it into the record the wallet keeps.
///
/// # Errors
/// [`ReceiveError`] if any copy is wrong; nothing is kept then.
pub fn batch_from(received: &Received<'_>, id: String, now: i64) -> Result<Batch, ReceiveError> {
    let (asked, got) = (received.keys.len(), received.credentials.len());
    if asked != got || got == 0 {
        return Err(ReceiveError::WrongCount { asked, got });
    }
    let policy =
        VerifyPolicy::new(vec![received.issuer.clone()], now, "", "").without_key_binding();
    let mut first: Option<(Map<String, Value>, About)> = None;
    let mut copies = Vec::with_capacity(got);
    for (credential_text, (key_id, holder)) in received.credentials.iter().zip(received.keys) {
        let verified = credential::verify(credential_text, &policy)
            .map_err(|err| ReceiveError::Invalid(err.code().to_owned()))?;
        if verified.holder_key().map(PublicJwk::sec1) != Some(holder.sec1()) {
            return Err(ReceiveError::WrongHolderKey);
        }
        let about = About {
            vct: verified.vct().unwrap_or_default().to_owned(),
            issued_at: verified.issued_at(),
            expires_at: verified.expires_at(),
        };
        let person: Map<String, Value> = verified
            .into_claims()
            .into_iter()
            .filter(|(name, _)| {
                !REGISTERED_CLAIMS.contains(&name.as_str()) && !TOKEN_IDS.contains(&name.as_str())
            })
            .collect();
        match &first {
            None => first = Some((person, about)),
            Some((p, a)) if *p == person && *a == about => {}
            Some(_) => return Err(ReceiveError::Inconsistent),
        }
        copies.push(StoredCopy {
            credential: credential_text.clone(),
            key: key_id.clone(),
            used: false,
        });
    }
    let Some((claims, about)) = first else {
        return Err(ReceiveError::WrongCount { asked, got });
    };
    Ok(Batch {
        v: RECORD_VERSION,
        id,
        format: CredentialFormat::SdJwtVc,
        configuration: received.configuration.to_owned(),
        issuer: received.issuer.iss.clone(),
        vct: about.vct,
        claims,
        issued_at: about.issued_at,
        expires_at: about.expires_at,
        received_at: now,
        copies,
        restored: false,
        refresh_token: None,
        dpop_key: None,
    })
}

/// Checks a received pseudonymous credential and turns it into the record the wallet
/// keeps: it names the trusted issuer and one of its published BBS keys, has not expired,
/// and carries the issuer's blind signature over this wallet's holder secret (so that a
/// credential that could not be presented is refused now, not when a site asks).
///
/// # Errors
/// [`ReceiveError`]; nothing is kept then.
pub fn pseudonymous_batch_from(
    issuer: &TrustedIssuer,
    configuration: &str,
    text: &str,
    holder: &HolderSecret,
    id: String,
    now: i64,
) -> Result<Batch, ReceiveError> {
    let unread =
        NymCredential::read(text).map_err(|err| ReceiveError::Invalid(err.code().to_owned()))?;
    let header = unread.header();
    if header.iss() != issuer.iss {
        return Err(ReceiveError::WrongIssuer);
    }
    if unread.expires_at() <= now {
        return Err(ReceiveError::Expired);
    }
    let key = issuer
        .jwks
        .pseudonymous_keys()
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|jwk| Some((BbsPublicKey::from_jwk(jwk).ok()?, jwk)))
        .find(|(key, jwk)| key.kid_in(jwk) == header.kid())
        .map(|(key, _)| key)
        .ok_or(ReceiveError::WrongIssuer)?;
    let credential = NymCredential::accept(text, &key, holder)
        .map_err(|err| ReceiveError::Invalid(err.code().to_owned()))?;
    let claims: Map<String, Value> = credential
        .claims()
        .iter()
        .filter(|(name, _)| !REGISTERED_CLAIMS.contains(&name.as_str()))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    Ok(Batch {
        v: RECORD_VERSION,
        id,
        format: CredentialFormat::Pseudonymous,
        configuration: configuration.to_owned(),
        issuer: issuer.iss.clone(),
        vct: credential.header().vct().to_owned(),
        claims,
        issued_at: None,
        expires_at: Some(credential.expires_at()),
        received_at: now,
        copies: vec![StoredCopy {
            credential: credential.to_text(),
            key: String::new(),
            used: false,
        }],
        restored: false,
        refresh_token: None,
        dpop_key: None,
    })
}
