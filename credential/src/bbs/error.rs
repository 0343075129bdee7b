//! Every way a pseudonymous credential, commitment or presentation can be refused, each
//! with a stable code (the same names as the SD-JWT verifier's where the meaning is the
//! same, so a site handles one list).

use crate::limits::Limit;

/// Why a BBS key, commitment, credential or presentation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BbsError {
    /// Over a named size limit; refused before any parsing.
    #[error("too large: {0}")]
    LimitExceeded(Limit),
    /// Not a JWP in compact serialization (wrong number of parts or proof components).
    #[error("malformed JWP: {0}")]
    MalformedSerialization(&'static str),
    /// A part is not unpadded base64url.
    #[error("invalid base64url in {0}")]
    InvalidBase64Url(&'static str),
    /// A header is not a JSON object with the members this format needs.
    #[error("invalid header: {0}")]
    InvalidHeader(&'static str),
    /// The issuer header's `alg` is not this format's.
    #[error("unsupported algorithm {0:?}")]
    UnsupportedAlgorithm(String),
    /// The payload slots do not match the claims the issuer header names.
    #[error("payloads do not match the claims: {0}")]
    InvalidPayloads(&'static str),
    /// A value of the proof, signature or commitment has the wrong length.
    #[error("{what} is {found} bytes, expected {expected}")]
    WrongLength {
        /// Which value.
        what: &'static str,
        /// The length its context requires.
        expected: usize,
        /// The length received.
        found: usize,
    },
    /// A point that is not on the curve, not in the prime-order subgroup, or the identity.
    #[error("invalid curve point in {0}")]
    InvalidPoint(&'static str),
    /// A scalar that is zero or not below the group order.
    #[error("invalid scalar in {0}")]
    InvalidScalar(&'static str),
    /// A public key that is not a BLS12-381 G2 key of this format.
    #[error("invalid key: {0}")]
    InvalidKey(&'static str),
    /// No trusted issuer has this `iss` (and `kid`).
    #[error("issuer is not trusted")]
    UntrustedIssuer,
    /// The signature or proof does not verify: headers, disclosed claims, pseudonym.
    #[error("the proof does not verify")]
    InvalidSignature,
    /// The holder commitment's proof of knowledge does not verify.
    #[error("the holder commitment does not verify")]
    InvalidCommitment,
    /// The presentation is for another audience.
    #[error("presented to another audience")]
    AudienceMismatch,
    /// The presentation answers another request.
    #[error("presented for another nonce")]
    NonceMismatch,
    /// The site asked for its pseudonym and the presentation carries none for it.
    #[error("no pseudonym for this site")]
    PseudonymMissing,
    /// The presentation carries a site pseudonym the site did not ask for.
    #[error("a pseudonym nobody asked for")]
    PseudonymUnrequested,
    /// The expiry slot is hidden; every presentation discloses it.
    #[error("the expiry is not disclosed")]
    ExpiryHidden,
    /// The credential's epoch is over.
    #[error("expired")]
    Expired,
    /// A selection names a claim the credential does not have.
    #[error("no claim {0:?}")]
    NoSuchClaim(String),
    /// A claim value the credential type does not allow (when issuing).
    #[error("invalid claim {0:?}")]
    InvalidClaim(String),
    /// The BBS library refused input that passed Cachet's checks (a defect to report).
    #[error("the BBS library refused the operation")]
    Library,
}

crate::error_codes! {
    BbsError {
        Self::LimitExceeded(_) => "limit_exceeded",
        Self::MalformedSerialization(_) => "malformed_serialization",
        Self::InvalidBase64Url(_) => "invalid_base64url",
        Self::InvalidHeader(_) => "invalid_header",
        Self::UnsupportedAlgorithm(_) => "unsupported_alg",
        Self::InvalidPayloads(_) => "invalid_payloads",
        Self::WrongLength { .. } => "invalid_length",
        Self::InvalidPoint(_) => "invalid_point",
        Self::InvalidScalar(_) => "invalid_scalar",
        Self::InvalidKey(_) => "invalid_key",
        Self::UntrustedIssuer => "untrusted_issuer",
        Self::InvalidSignature => "invalid_signature",
        Self::InvalidCommitment => "invalid_commitment",
        Self::AudienceMismatch => "aud_mismatch",
        Self::NonceMismatch => "nonce_mismatch",
        Self::PseudonymMissing => "pseudonym_missing",
        Self::PseudonymUnrequested => "pseudonym_unrequested",
        Self::ExpiryHidden => "expiry_hidden",
        Self::Expired => "expired",
        Self::NoSuchClaim(_) => "no_such_claim",
        Self::InvalidClaim(_) => "invalid_claim",
        Self::Library => "internal_error",
    }
}
