//! `verify`: the only way to obtain a [`Verified`] presentation.
//!
//! Stage three of reading an SD-JWT. Pipeline: [`Decoded`] → check the issuer JWT's
//! header (`jwt.rs`: ES256 pinned, `typ`, `crit`) and signature against a trusted
//! key → [`crate::reveal::Revealed`] → validity (`nbf`, `exp`) → holder key (`cnf.jwk`) →
//! Key Binding JWT (signature, `typ`, `iat` window, `nonce`, `aud`, `sd_hash`) → status.

use serde_json::{Map, Value};

use crate::crypto::{RustCryptoP256, SignatureVerifier};
use crate::decoded::Decoded;
use crate::disclosure::sha256_b64;
use crate::error::{Token, VerifyError};
use crate::jwk::PublicJwk;
use crate::jws::Jws;
use crate::jwt::{self, Dates, Typ};
use crate::policy::{KeyBinding, Profile, VerifyPolicy};
use crate::reveal::SD_ALG;
use crate::status_list::{Status, StatusReference};
use crate::time::UnixTime;

pub use crate::names::SHA_256;
pub use crate::names::TYP_DC_SD_JWT;
pub use crate::names::TYP_KB_JWT;
pub use crate::names::TYP_VC_SD_JWT;

pub use crate::names::REGISTERED_CLAIMS;

/// What the status check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusCheck {
    /// The credential has no `status` claim.
    NoStatus,
    /// The credential has a status but the policy held no status list for it.
    Unchecked,
    /// The status list says the credential is valid.
    Valid,
}

/// A presentation that passed every check of the policy. Only [`verify`] builds one.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    claims: Map<String, Value>,
    issuer: String,
    issued_at: Option<i64>,
    expires_at: Option<i64>,
    holder_key: Option<PublicJwk>,
    key_bound: bool,
    status_reference: Option<StatusReference>,
    status: StatusCheck,
}

impl Verified {
    /// The processed claims (RFC 9901 §7: disclosed values filled in; `_sd`, `_sd_alg` and
    /// undisclosed digests removed).
    #[must_use]
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// Takes the processed claims.
    #[must_use]
    pub fn into_claims(self) -> Map<String, Value> {
        self.claims
    }

    /// The trusted issuer that signed it.
    #[must_use]
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// `vct`, the credential type (always present under the SD-JWT VC rules).
    #[must_use]
    pub fn vct(&self) -> Option<&str> {
        self.claims.get("vct").and_then(Value::as_str)
    }

    /// `iat`, if the credential has one.
    #[must_use]
    pub fn issued_at(&self) -> Option<i64> {
        self.issued_at
    }

    /// The holder's key (`cnf.jwk`), if the credential is bound to one.
    #[must_use]
    pub fn holder_key(&self) -> Option<&PublicJwk> {
        self.holder_key.as_ref()
    }

    /// Where the credential's status is published (`status.status_list`), if it has one.
    #[must_use]
    pub fn status_reference(&self) -> Option<&StatusReference> {
        self.status_reference.as_ref()
    }

    /// `exp`, if the credential has one.
    #[must_use]
    pub fn expires_at(&self) -> Option<i64> {
        self.expires_at
    }

    /// Whether the holder proved possession of the credential's key for this transaction.
    #[must_use]
    pub fn key_bound(&self) -> bool {
        self.key_bound
    }

    /// The outcome of the status check.
    #[must_use]
    pub fn status(&self) -> StatusCheck {
        self.status
    }
}

/// Verifies a presentation (compact or JSON serialization) under `policy`, with the
/// portable pure-Rust signature provider.
///
/// # Errors
/// The [`VerifyError`] of the first check that fails.
pub fn verify(presentation: &str, policy: &VerifyPolicy) -> Result<Verified, VerifyError> {
    verify_with(presentation, policy, &RustCryptoP256)
}

/// [`verify`] with a chosen signature provider.
///
/// # Errors
/// As [`verify`].
pub fn verify_with(
    presentation: &str,
    policy: &VerifyPolicy,
    provider: &dyn SignatureVerifier,
) -> Result<Verified, VerifyError> {
    let decoded = Decoded::parse(presentation)?;
    let issuer = verify_issuer_signature(&decoded, policy, provider)?;
    match decoded.payload().get(SD_ALG) {
        None => {}
        Some(Value::String(alg)) if alg == SHA_256 => {}
        Some(_) => return Err(VerifyError::UnsupportedHashAlgorithm),
    }
    let revealed = decoded.reveal()?;
    if policy.profile == Profile::SdJwtVc {
        if let Some(name) = revealed
            .disclosed_top_level()
            .iter()
            .find(|name| REGISTERED_CLAIMS.contains(&name.as_str()))
        {
            return Err(VerifyError::DisclosedRegisteredClaim(name.clone()));
        }
        if !matches!(revealed.claims().get("vct"), Some(Value::String(_))) {
            return Err(VerifyError::InvalidClaim("vct"));
        }
    }
    let claims = revealed.into_claims();
    let dates = Dates::read(&claims).map_err(|e| e.for_token(Token::IssuerJwt))?;
    dates
        .check_validity(policy.window())
        .map_err(|e| e.for_token(Token::IssuerJwt))?;
    let holder_key = holder_key(&claims)?;
    let key_bound = match &policy.key_binding {
        KeyBinding::Required { audience, nonce } => {
            let kb_jwt = decoded
                .key_binding_jwt()
                .ok_or(VerifyError::MissingKeyBinding)?;
            let holder_key = holder_key.as_ref().ok_or(VerifyError::MissingHolderKey)?;
            let expected = Transaction {
                audience,
                nonce,
                sd_hash_input: decoded.sd_hash_input(),
            };
            verify_key_binding(kb_jwt, holder_key, &expected, policy, provider)?;
            true
        }
        KeyBinding::NotRequired => false,
    };
    let status_reference = match claims.get("status") {
        None => None,
        Some(status) => {
            Some(StatusReference::from_claim(status).ok_or(VerifyError::InvalidClaim("status"))?)
        }
    };
    let status = check_status(issuer, status_reference.as_ref(), policy)?;
    Ok(Verified {
        claims,
        issuer: issuer.to_owned(),
        issued_at: dates.issued_at.map(UnixTime::as_secs),
        expires_at: dates.expires_at.map(UnixTime::as_secs),
        holder_key,
        key_bound,
        status_reference,
        status,
    })
}

/// Checks the issuer JWT's headers and that at least one signature verifies with a key
/// of the trusted issuer named by `iss`. Returns that issuer's identifier.
fn verify_issuer_signature<'p>(
    decoded: &Decoded,
    policy: &'p VerifyPolicy,
    provider: &dyn SignatureVerifier,
) -> Result<&'p str, VerifyError> {
    let token = Token::IssuerJwt;
    for signature in decoded.signatures() {
        jwt::check_header(&signature.jws, issuer_typ(policy.profile))
            .map_err(|e| e.for_token(token))?;
    }
    let iss = decoded
        .claimed_issuer()
        .ok_or(VerifyError::InvalidClaim("iss"))?;
    let issuer = policy.issuer(iss).ok_or(VerifyError::UntrustedIssuer)?;
    let mut any_key = false;
    for signature in decoded.signatures() {
        let jws = &signature.jws;
        let kid = jws
            .header_str("kid")
            .or(signature.unprotected_kid.as_deref());
        for key in issuer.jwks.candidates(kid) {
            any_key = true;
            if jws.verify_with(key, provider) {
                return Ok(&issuer.iss);
            }
        }
    }
    if any_key {
        Err(VerifyError::InvalidSignature(token))
    } else {
        Err(VerifyError::UnknownKey(token))
    }
}

/// The `typ` an Issuer-signed JWT must have under `profile`.
fn issuer_typ(profile: Profile) -> Typ {
    match profile {
        Profile::SdJwtVc => Typ::OneOf(&[TYP_DC_SD_JWT, TYP_VC_SD_JWT]),
        // Plain SD-JWT: any typ, but a string, and never a KB-JWT passed off as one.
        Profile::SdJwt => Typ::AnyBut(TYP_KB_JWT),
    }
}

/// The holder's key from `cnf.jwk`, if the credential has one.
fn holder_key(claims: &Map<String, Value>) -> Result<Option<PublicJwk>, VerifyError> {
    let Some(cnf) = claims.get("cnf") else {
        return Ok(None);
    };
    let jwk = cnf.get("jwk").ok_or(VerifyError::InvalidClaim("cnf"))?;
    if jwk.get("d").is_some() {
        return Err(VerifyError::PrivateKeyInCnf);
    }
    PublicJwk::from_json(jwk)
        .map(Some)
        .map_err(|_| VerifyError::InvalidKey("cnf.jwk"))
}

struct Transaction<'a> {
    audience: &'a str,
    nonce: &'a str,
    sd_hash_input: &'a str,
}

fn verify_key_binding(
    kb_jwt: &str,
    holder_key: &PublicJwk,
    expected: &Transaction<'_>,
    policy: &VerifyPolicy,
    provider: &dyn SignatureVerifier,
) -> Result<(), VerifyError> {
    let token = Token::KeyBindingJwt;
    let jws = Jws::decode(kb_jwt)?;
    jwt::check_header(&jws, Typ::OneOf(&[TYP_KB_JWT])).map_err(|e| e.for_token(token))?;
    if !jws.verify_with(holder_key, provider) {
        return Err(VerifyError::InvalidSignature(token));
    }
    let claims = jws.payload();
    jwt::check_issued_at(claims, policy.window(), policy.max_kb_age)
        .map_err(|e| e.for_token(token))?;
    match claims.get("nonce") {
        Some(Value::String(nonce)) if nonce == expected.nonce => {}
        Some(Value::String(_)) => return Err(VerifyError::NonceMismatch),
        _ => return Err(VerifyError::InvalidClaim("nonce")),
    }
    match claims.get("aud") {
        Some(Value::String(aud)) if aud == expected.audience => {}
        Some(Value::String(_)) => return Err(VerifyError::AudienceMismatch),
        _ => return Err(VerifyError::InvalidClaim("aud")),
    }
    match claims.get("sd_hash") {
        Some(Value::String(sd_hash)) if *sd_hash == sha256_b64(expected.sd_hash_input) => Ok(()),
        Some(Value::String(_)) => Err(VerifyError::SdHashMismatch),
        _ => Err(VerifyError::InvalidClaim("sd_hash")),
    }
}

fn check_status(
    issuer: &str,
    reference: Option<&StatusReference>,
    policy: &VerifyPolicy,
) -> Result<StatusCheck, VerifyError> {
    let Some(reference) = reference else {
        return Ok(StatusCheck::NoStatus);
    };
    // Only a list signed by this credential's own issuer speaks for it.
    let Some(list) = policy.status_lists.get(issuer, &reference.uri) else {
        return Ok(StatusCheck::Unchecked);
    };
    list.check_fresh(policy.window().now())?;
    match list.status_of(reference)? {
        Status::Valid => Ok(StatusCheck::Valid),
        Status::Suspended => Err(VerifyError::Suspended),
        Status::Invalid => Err(VerifyError::Revoked),
    }
}

#[cfg(test)]
mod tests;
