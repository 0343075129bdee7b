//! An issuer a verifier trusts: its identifier and its published keys. Verification,
//! status lists and relying parties all name issuers this way.

use crate::jwk::Jwks;

/// An issuer whose credentials are accepted, with its published keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedIssuer {
    /// The issuer identifier, compared exactly with the credential's `iss`.
    pub iss: String,
    /// Its public keys; a token's `kid` picks one, otherwise each is tried.
    pub jwks: Jwks,
}
