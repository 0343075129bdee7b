//! Why an offer or a key proof was refused, with stable codes.

/// Why a key proof (`typ` `openid4vci-proof+jwt`) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// Not a compact JWS with JSON header and payload.
    #[error("the key proof is not a well-formed JWT")]
    Malformed,
    /// `alg` is not `ES256`.
    #[error("the key proof must be signed with ES256")]
    UnsupportedAlgorithm,
    /// `typ` is not `openid4vci-proof+jwt`.
    #[error("the key proof's typ must be openid4vci-proof+jwt")]
    WrongType,
    /// The header has no usable `jwk`, or also names a key by `kid`/`x5c`.
    #[error("the key proof must carry its public key as a P-256 jwk (and no kid or x5c)")]
    InvalidKey,
    /// The header demands extensions (`crit`), none of which Cachet understands.
    #[error("the key proof demands unknown critical extensions")]
    UnknownCritical,
    /// The signature does not verify with the header's key.
    #[error("the key proof is not signed by the key in its header")]
    BadSignature,
    /// `aud` is not the credential issuer identifier.
    #[error("the key proof is addressed to another audience")]
    WrongAudience,
    /// `iat` is missing or not a number.
    #[error("the key proof has no iat")]
    MissingIssuedAt,
    /// `iat` is in the future or older than the policy allows.
    #[error("the key proof's iat is outside the accepted window")]
    StaleIssuedAt,
    /// `iss` is present although the token was obtained anonymously.
    #[error("the key proof names a client (iss) but the grant was anonymous")]
    UnexpectedIssuer,
    /// `nonce` is missing.
    #[error("the key proof has no nonce")]
    MissingNonce,
    /// `nonce` is not the `c_nonce` the issuer handed out.
    #[error("the key proof's nonce is not a current c_nonce")]
    WrongNonce,
}

impl ProofError {
    /// The OpenID4VCI error code the credential endpoint answers with (§8.3.1.2):
    /// `invalid_nonce` tells the wallet to fetch a fresh `c_nonce`; everything else is
    /// `invalid_proof`.
    #[must_use]
    pub const fn oid4vci_error(&self) -> super::OAuthError {
        match self {
            Self::WrongNonce => super::OAuthError::InvalidNonce,
            _ => super::OAuthError::InvalidProof,
        }
    }
}

crate::error_codes! {
    ProofError {
        Self::Malformed => "malformed_proof",
        Self::UnsupportedAlgorithm => "unsupported_algorithm",
        Self::WrongType => "wrong_proof_type",
        Self::InvalidKey => "invalid_proof_key",
        Self::UnknownCritical => "unknown_critical_header",
        Self::BadSignature => "bad_proof_signature",
        Self::WrongAudience => "wrong_audience",
        Self::MissingIssuedAt => "missing_iat",
        Self::StaleIssuedAt => "stale_iat",
        Self::UnexpectedIssuer => "unexpected_iss",
        Self::MissingNonce => "missing_nonce",
        Self::WrongNonce => "wrong_nonce",
    }
}

/// Why a credential offer was refused by the wallet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OfferError {
    /// The offer is larger than [`super::MAX_OFFER_BYTES`].
    #[error("the credential offer is too large")]
    TooLarge,
    /// Neither an offer URI with `credential_offer=` nor the offer's JSON.
    #[error("not a credential offer")]
    NotAnOffer,
    /// The offer is passed by reference (`credential_offer_uri`), which Cachet does not
    /// fetch.
    #[error("offers by reference (credential_offer_uri) are not supported")]
    ByReference,
    /// A member is missing or of the wrong type.
    #[error("malformed credential offer: {0}")]
    Malformed(&'static str),
    /// The issuer identifier is not an `https` URL (or `http` on a loopback host).
    #[error("the credential issuer must be an https URL")]
    InsecureIssuer,
    /// The offer has no pre-authorized code grant (the only flow Cachet supports).
    #[error("the offer has no pre-authorized code")]
    NoPreAuthorizedCode,
    /// The offer demands a transaction code, which Cachet's issuer never sets.
    #[error("offers with a transaction code are not supported")]
    TransactionCodeUnsupported,
}

crate::error_codes! {
    OfferError {
        Self::TooLarge => "offer_too_large",
        Self::NotAnOffer => "not_an_offer",
        Self::ByReference => "offer_by_reference",
        Self::Malformed(_) => "malformed_offer",
        Self::InsecureIssuer => "insecure_issuer",
        Self::NoPreAuthorizedCode => "no_pre_authorized_code",
        Self::TransactionCodeUnsupported => "tx_code_unsupported",
    }
}

impl From<crate::jwt::JwtError> for ProofError {
    fn from(error: crate::jwt::JwtError) -> Self {
        use crate::jwt::JwtError;
        match error {
            JwtError::UnsupportedAlgorithm(_) => Self::UnsupportedAlgorithm,
            JwtError::WrongType(_) => Self::WrongType,
            JwtError::UnknownCritical => Self::UnknownCritical,
            JwtError::InvalidClaim(_) => Self::MissingIssuedAt,
            JwtError::Time(_) => Self::StaleIssuedAt,
        }
    }
}
