//! DPoP proofs (RFC 9449) at the token endpoint: the wallet proves, with a key that never
//! leaves its browser (a non-extractable WebCrypto key), that it is the one its refresh
//! token was issued to. A refresh token taken from the device's storage, or from anywhere
//! else, is useless without that key.
//!
//! The header rules are those of key proofs (`proof.rs`): ES256, the key in `jwk`, no
//! `kid`, no `crit`; the payload binds the request (`htm`, `htu`), the time (`iat`) and a
//! unique `jti` the issuer remembers for as long as a proof is accepted.

use serde_json::{Value, json};

use super::ProofError;
use super::proof::{check_issued_at, parse_key_bound};
use crate::crypto::SignatureVerifier;
use crate::jwk::PublicJwk;
use crate::jws;
use crate::jwt::Typ;
use crate::time::Window;

pub use crate::names::TYP_DPOP;
/// Longest `jti` accepted.
const MAX_JTI_BYTES: usize = 64;

/// What a DPoP proof must match: the request it came with, and the clock.
#[derive(Debug, Clone, Copy)]
pub struct DpopPolicy<'a> {
    /// The request's method (`htm`), e.g. `POST`.
    pub method: &'a str,
    /// The request's URL without query and fragment (`htu`).
    pub url: &'a str,
    /// Now, and the tolerated clock difference for an `iat` in the future.
    pub window: Window,
    /// Oldest accepted `iat`, in seconds before now.
    pub max_age: u64,
}

/// A verified DPoP proof: whose key it is, and its `jti` (which the verifier must not
/// accept twice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpopProof {
    /// The JWK SHA-256 thumbprint of the proof's key (`jkt`, RFC 9449 §6.1).
    pub jkt: String,
    /// The proof's unique identifier.
    pub jti: String,
    /// Its `iat`.
    pub issued_at: i64,
}

/// Verifies a DPoP proof (the `DPoP` header's value) for the request in `policy`.
///
/// # Errors
/// [`ProofError`] for the first rule broken (`WrongAudience` for an `htm`/`htu` of
/// another request, `Malformed` for a missing or oversized `jti`).
pub fn verify_dpop(
    jwt: &str,
    policy: &DpopPolicy<'_>,
    provider: &dyn SignatureVerifier,
) -> Result<DpopProof, ProofError> {
    let (jws, key) = parse_key_bound(jwt, Typ::OneOf(&[TYP_DPOP]))?;
    if !jws.verify_with(&key, provider) {
        return Err(ProofError::BadSignature);
    }
    let payload = jws.payload();
    if payload.get("htm").and_then(Value::as_str) != Some(policy.method)
        || payload.get("htu").and_then(Value::as_str) != Some(policy.url)
    {
        return Err(ProofError::WrongAudience);
    }
    let issued_at = check_issued_at(payload, policy.window, policy.max_age)?.as_secs();
    let jti = payload
        .get("jti")
        .and_then(Value::as_str)
        .filter(|jti| !jti.is_empty() && jti.len() <= MAX_JTI_BYTES)
        .ok_or(ProofError::Malformed)?;
    Ok(DpopProof {
        jkt: key.thumbprint(),
        jti: jti.to_owned(),
        issued_at,
    })
}

/// What the wallet signs into a DPoP proof.
#[derive(Debug, Clone, Copy)]
pub struct DpopParams<'a> {
    /// The request's method.
    pub method: &'a str,
    /// The request's URL without query and fragment.
    pub url: &'a str,
    /// A fresh random identifier.
    pub jti: &'a str,
    /// Unix seconds.
    pub issued_at: i64,
}

/// The signing input of a DPoP proof by `key`, for a signer that returns `r || s` (a
/// non-extractable WebCrypto key); finish with [`jws::attach_signature`].
#[must_use]
pub fn dpop_signing_input(key: &PublicJwk, params: &DpopParams<'_>) -> String {
    let header = json!({"alg": jws::ES256, "typ": TYP_DPOP, "jwk": key.bare_json()});
    let payload = json!({
        "jti": params.jti,
        "htm": params.method,
        "htu": params.url,
        "iat": params.issued_at,
    });
    jws::signing_input(&header, &payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{RustCryptoP256, sign_es256};
    use crate::jwk::PrivateJwk;

    const NOW: i64 = 1_800_000_000;
    const URL: &str = "https://issuer.example/token";

    fn proof(key: &PrivateJwk, params: &DpopParams<'_>) -> String {
        let input = dpop_signing_input(&key.public(), params);
        jws::attach_signature(&input, &sign_es256(key.signing_key(), input.as_bytes()))
    }

    fn policy() -> DpopPolicy<'static> {
        DpopPolicy {
            method: "POST",
            url: URL,
            window: Window::new(crate::time::UnixTime::from_secs(NOW), 60),
            max_age: 300,
        }
    }

    #[test]
    fn a_proof_names_its_key_and_is_bound_to_the_request() {
        let key = PrivateJwk::generate(&mut rand_core::OsRng);
        let params = DpopParams {
            method: "POST",
            url: URL,
            jti: "j-1",
            issued_at: NOW,
        };
        let verified = verify_dpop(&proof(&key, &params), &policy(), &RustCryptoP256).unwrap();
        assert_eq!(verified.jkt, key.public().thumbprint());
        assert_eq!(verified.jti, "j-1");
        for (wrong, error) in [
            (
                DpopParams {
                    method: "GET",
                    ..params
                },
                ProofError::WrongAudience,
            ),
            (
                DpopParams {
                    url: "https://issuer.example/credential",
                    ..params
                },
                ProofError::WrongAudience,
            ),
            (
                DpopParams {
                    issued_at: NOW - 301,
                    ..params
                },
                ProofError::StaleIssuedAt,
            ),
            (
                DpopParams {
                    issued_at: NOW + 61,
                    ..params
                },
                ProofError::StaleIssuedAt,
            ),
            (DpopParams { jti: "", ..params }, ProofError::Malformed),
        ] {
            assert_eq!(
                verify_dpop(&proof(&key, &wrong), &policy(), &RustCryptoP256),
                Err(error)
            );
        }
        // Another key's signature, a key proof's typ, junk.
        let other = PrivateJwk::generate(&mut rand_core::OsRng);
        let input = dpop_signing_input(&key.public(), &params);
        let forged =
            jws::attach_signature(&input, &sign_es256(other.signing_key(), input.as_bytes()));
        assert_eq!(
            verify_dpop(&forged, &policy(), &RustCryptoP256),
            Err(ProofError::BadSignature)
        );
        assert_eq!(
            verify_dpop("a.b.c", &policy(), &RustCryptoP256),
            Err(ProofError::Malformed)
        );
    }
}
