//! Key proofs of the `jwt` proof type (OpenID4VCI 1.0 Appendix F.1): the wallet proves it
//! holds each key it wants a copy bound to, signed over the issuer's fresh `c_nonce`.
//!
//! Parsing and verifying are separate so the issuer can read the claimed nonce, consume
//! it from its store (once per request), and then verify every proof against it.

use serde_json::{Value, json};

use super::ProofError;
use crate::crypto::SignatureVerifier;
use crate::jwk::PublicJwk;
use crate::jws::{self, Jws};
use crate::jwt::{self, Typ};
use crate::time::{UnixTime, Window};

pub use crate::names::TYP_KEY_PROOF;
/// Longest key proof accepted, in bytes.
const MAX_PROOF_BYTES: usize = 4 * 1024;

/// A key proof whose form has been checked but whose signature and claims have not.
#[derive(Debug, Clone)]
pub struct KeyProof {
    jws: Jws,
    key: PublicJwk,
}

/// Decodes a JWT that proves possession of the key in its own header (a key proof, a
/// DPoP proof) and checks the header: ES256, `typ`, a P-256 public `jwk` and no other key
/// reference, no `crit`. Returns the JWS and the key, neither yet verified.
///
/// # Errors
/// [`ProofError`] for the first rule broken.
pub(super) fn parse_key_bound(jwt: &str, typ: Typ) -> Result<(Jws, PublicJwk), ProofError> {
    if jwt.len() > MAX_PROOF_BYTES {
        return Err(ProofError::Malformed);
    }
    let jws = Jws::decode(jwt).map_err(|_| ProofError::Malformed)?;
    jwt::check_header(&jws, typ)?;
    if jws.header().contains_key("kid") || jws.header().contains_key("x5c") {
        return Err(ProofError::InvalidKey);
    }
    let key = jws
        .header()
        .get("jwk")
        .ok_or(ProofError::InvalidKey)
        .and_then(|jwk| PublicJwk::from_json(jwk).map_err(|_| ProofError::InvalidKey))?;
    Ok((jws, key))
}

/// Checks a proof's `iat`: present, not later than the window's skew allows, not older
/// than `max_age`. Returns it.
///
/// # Errors
/// [`ProofError::MissingIssuedAt`], [`ProofError::StaleIssuedAt`].
pub(super) fn check_issued_at(
    payload: &serde_json::Map<String, Value>,
    window: Window,
    max_age: u64,
) -> Result<UnixTime, ProofError> {
    Ok(jwt::check_issued_at(payload, window, max_age)?)
}

/// What a key proof must match.
#[derive(Debug, Clone, Copy)]
pub struct ProofPolicy<'a> {
    /// The credential issuer identifier (`aud`).
    pub audience: &'a str,
    /// The `c_nonce` the issuer handed out and the proofs must carry.
    pub nonce: &'a str,
    /// Now, and the tolerated clock difference for an `iat` in the future.
    pub window: Window,
    /// Oldest accepted `iat`, in seconds before now.
    pub max_age: u64,
}

/// What the wallet signs into a key proof.
#[derive(Debug, Clone, Copy)]
pub struct KeyProofParams<'a> {
    /// The credential issuer identifier.
    pub audience: &'a str,
    /// The issuer's `c_nonce`.
    pub nonce: &'a str,
    /// Unix seconds.
    pub issued_at: i64,
}

impl KeyProof {
    /// Decodes a key proof and checks its header: ES256, the key proof `typ`, a P-256
    /// public `jwk` and no other key reference, no `crit`.
    ///
    /// # Errors
    /// [`ProofError`] for the first rule broken.
    pub fn parse(jwt: &str) -> Result<Self, ProofError> {
        let (jws, key) = parse_key_bound(jwt, Typ::OneOf(&[TYP_KEY_PROOF]))?;
        Ok(Self { jws, key })
    }

    /// The nonce the proof claims, unverified: for looking the `c_nonce` up.
    #[must_use]
    pub fn claimed_nonce(&self) -> Option<&str> {
        self.jws.payload().get("nonce").and_then(Value::as_str)
    }

    /// Verifies the signature by the header key, then `aud`, `iat`, `nonce`, and that no
    /// `iss` is present (Cachet's token endpoint is anonymous). Returns the proven key.
    ///
    /// # Errors
    /// [`ProofError`] for the first check that fails.
    pub fn verify(
        self,
        policy: &ProofPolicy<'_>,
        provider: &dyn SignatureVerifier,
    ) -> Result<PublicJwk, ProofError> {
        if !self.jws.verify_with(&self.key, provider) {
            return Err(ProofError::BadSignature);
        }
        let payload = self.jws.payload();
        if payload.get("aud").and_then(Value::as_str) != Some(policy.audience) {
            return Err(ProofError::WrongAudience);
        }
        check_issued_at(payload, policy.window, policy.max_age)?;
        if payload.contains_key("iss") {
            return Err(ProofError::UnexpectedIssuer);
        }
        match payload.get("nonce") {
            None => Err(ProofError::MissingNonce),
            Some(Value::String(nonce)) if nonce == policy.nonce => Ok(self.key),
            Some(_) => Err(ProofError::WrongNonce),
        }
    }

    /// The signing input of a key proof for `holder` (header with the bare `jwk`), for a
    /// signer that returns `r || s` (e.g. a non-extractable WebCrypto key); finish with
    /// [`jws::attach_signature`].
    #[must_use]
    pub fn signing_input(holder: &PublicJwk, params: &KeyProofParams<'_>) -> String {
        let header = json!({"alg": jws::ES256, "typ": TYP_KEY_PROOF, "jwk": holder.bare_json()});
        let payload = json!({
            "aud": params.audience,
            "iat": params.issued_at,
            "nonce": params.nonce,
        });
        jws::signing_input(&header, &payload)
    }
}
