//! Why a presentation was rejected. One variant per reason, each with a stable
//! machine-readable code ([`crate::ErrorCode::code`]) that JavaScript callers can match on.
//!
//! Signature failures are deliberately opaque: they say which signature failed, never why.

use crate::limits::Limit;

/// Which signed token a check concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Token {
    /// The Issuer-signed JWT.
    IssuerJwt,
    /// The Key Binding JWT.
    KeyBindingJwt,
    /// A status list token.
    StatusList,
}

impl core::fmt::Display for Token {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::IssuerJwt => "issuer-signed JWT",
            Self::KeyBindingJwt => "key binding JWT",
            Self::StatusList => "status list token",
        })
    }
}

/// Why verification rejected a presentation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A named size limit was exceeded.
    #[error("input exceeds the limit on {0}")]
    LimitExceeded(Limit),
    /// The text is neither a compact SD-JWT nor a JWS JSON serialization of one.
    #[error("not an SD-JWT: {0}")]
    MalformedSerialization(&'static str),
    /// A part that must be base64url is not canonical unpadded base64url.
    #[error("{0}: not canonical unpadded base64url")]
    InvalidBase64Url(&'static str),
    /// A part that must be JSON is not valid JSON of the expected shape.
    #[error("{0}: malformed JSON")]
    MalformedJson(&'static str),
    /// The `alg` header is missing or not ES256 (the only algorithm Cachet accepts).
    #[error("{token}: algorithm {found:?} is not accepted (only ES256)")]
    UnsupportedAlgorithm {
        /// The token.
        token: Token,
        /// The `alg` found, if any.
        found: Option<String>,
    },
    /// The `typ` header is not the one this token must have.
    #[error("{token}: wrong typ {found:?}")]
    WrongType {
        /// The token.
        token: Token,
        /// The `typ` found, if any.
        found: Option<String>,
    },
    /// The header lists a critical extension this verifier does not understand.
    #[error("{0}: unknown critical header parameter")]
    UnknownCritical(Token),
    /// The issuer (`iss`) is not one of the trusted issuers.
    #[error("issuer is not trusted")]
    UntrustedIssuer,
    /// No key of the trusted issuer matches the token's `kid`.
    #[error("{0}: no trusted key matches its kid")]
    UnknownKey(Token),
    /// A signature did not verify.
    #[error("{0}: invalid signature")]
    InvalidSignature(Token),
    /// `_sd_alg` names a hash algorithm other than sha-256.
    #[error("unsupported _sd_alg")]
    UnsupportedHashAlgorithm,
    /// A digest appears more than once in the payload and disclosures.
    #[error("a digest appears more than once")]
    DuplicateDigest,
    /// The same Disclosure was presented more than once.
    #[error("a disclosure is presented more than once")]
    DuplicateDisclosure,
    /// A Disclosure is not referenced by any digest.
    #[error("a disclosure is not referenced by any digest")]
    UnreferencedDisclosure,
    /// A Disclosure is not a JSON array of the right shape.
    #[error("malformed disclosure")]
    MalformedDisclosure,
    /// A Disclosure names a claim `_sd` or `...`.
    #[error("a disclosure uses the reserved claim name {0:?}")]
    ReservedClaimName(String),
    /// A Disclosure names a claim that already exists at its level.
    #[error("a disclosure repeats the existing claim {0:?}")]
    ClaimNameExists(String),
    /// An array-element Disclosure is referenced from an object's `_sd`, or an
    /// object-property Disclosure from an array element.
    #[error("a disclosure's kind does not match where its digest is")]
    DisclosureKindMismatch,
    /// A claim that must be present is missing or has the wrong type.
    #[error("claim {0:?} is missing or has the wrong type")]
    InvalidClaim(&'static str),
    /// A registered claim (e.g. `iss`, `exp`, `cnf`, `vct`, `status`) was selectively
    /// disclosable, which SD-JWT VC forbids.
    #[error("registered claim {0:?} must not be selectively disclosable")]
    DisclosedRegisteredClaim(String),
    /// The credential has expired (`exp`).
    #[error("credential has expired")]
    Expired,
    /// The credential is not valid yet (`nbf`, or `iat` in the future).
    #[error("credential is not yet valid")]
    NotYetValid,
    /// Key binding is required but no Key Binding JWT was presented.
    #[error("key binding is required but missing")]
    MissingKeyBinding,
    /// A Key Binding JWT is required but the credential has no `cnf.jwk`.
    #[error("credential has no holder key (cnf.jwk)")]
    MissingHolderKey,
    /// A JWK (in `cnf` or a trusted key) is not an acceptable P-256 public key.
    #[error("{0}: not a valid P-256 public JWK")]
    InvalidKey(&'static str),
    /// `cnf.jwk` contains a private key part (`d`).
    #[error("cnf.jwk contains a private key")]
    PrivateKeyInCnf,
    /// `sd_hash` in the Key Binding JWT does not match the presented SD-JWT.
    #[error("sd_hash does not match the presented SD-JWT")]
    SdHashMismatch,
    /// The Key Binding JWT's `nonce` is not the expected one.
    #[error("nonce does not match")]
    NonceMismatch,
    /// The Key Binding JWT's `aud` is not the expected audience.
    #[error("audience does not match")]
    AudienceMismatch,
    /// The Key Binding JWT was issued in the future (beyond the clock skew).
    #[error("key binding JWT issued in the future")]
    KeyBindingFromFuture,
    /// The Key Binding JWT is older than the policy allows.
    #[error("key binding JWT is too old")]
    KeyBindingTooOld,
    /// The credential has been revoked.
    #[error("credential has been revoked")]
    Revoked,
    /// The credential is suspended.
    #[error("credential is suspended")]
    Suspended,
    /// The status list handed in is not the one the credential refers to, or the
    /// credential's index lies outside it.
    #[error("status list does not cover this credential")]
    StatusListMismatch,
    /// The status list token's payload is malformed or fails to decompress.
    #[error("malformed status list")]
    MalformedStatusList,
    /// The status list for this credential has passed its `exp`: fetch it again.
    #[error("the status list has expired; fetch it again")]
    StatusListExpired,
    /// The status list was checked longer ago than its `ttl`: fetch it again.
    #[error("the status list is older than its ttl; fetch it again")]
    StatusListStale,
}

// Never inlined: its table of codes is large, and it is called from several places
// of the in-page verifier, which would otherwise carry one copy each.
crate::error_codes! {
    #[inline(never)]
    VerifyError {
        Self::LimitExceeded(_) => "limit_exceeded",
        Self::MalformedSerialization(_) => "malformed_serialization",
        Self::InvalidBase64Url(_) => "invalid_base64url",
        Self::MalformedJson(_) => "malformed_json",
        Self::UnsupportedAlgorithm { .. } => "unsupported_alg",
        Self::WrongType { .. } => "invalid_typ",
        Self::UnknownCritical(_) => "unknown_crit",
        Self::UntrustedIssuer => "untrusted_issuer",
        Self::UnknownKey(_) => "unknown_key",
        Self::InvalidSignature(Token::KeyBindingJwt) => "invalid_kb_signature",
        Self::InvalidSignature(Token::StatusList) => "invalid_status_list_signature",
        Self::InvalidSignature(_) => "invalid_signature",
        Self::UnsupportedHashAlgorithm => "unsupported_sd_alg",
        Self::DuplicateDigest => "duplicate_digest",
        Self::DuplicateDisclosure => "duplicate_disclosure",
        Self::UnreferencedDisclosure => "unreferenced_disclosure",
        Self::MalformedDisclosure => "malformed_disclosure",
        Self::ReservedClaimName(_) => "reserved_claim_name",
        Self::ClaimNameExists(_) => "claim_name_exists",
        Self::DisclosureKindMismatch => "disclosure_kind_mismatch",
        Self::InvalidClaim(_) => "invalid_claim",
        Self::DisclosedRegisteredClaim(_) => "disclosed_registered_claim",
        Self::Expired => "expired",
        Self::NotYetValid => "not_yet_valid",
        Self::MissingKeyBinding => "missing_key_binding",
        Self::MissingHolderKey => "missing_holder_key",
        Self::InvalidKey(_) => "invalid_key",
        Self::PrivateKeyInCnf => "cnf_private_key",
        Self::SdHashMismatch => "sd_hash_mismatch",
        Self::NonceMismatch => "nonce_mismatch",
        Self::AudienceMismatch => "aud_mismatch",
        Self::KeyBindingFromFuture => "kb_iat_in_future",
        Self::KeyBindingTooOld => "kb_too_old",
        Self::Revoked => "revoked",
        Self::Suspended => "suspended",
        Self::StatusListMismatch => "status_list_mismatch",
        Self::MalformedStatusList => "malformed_status_list",
        Self::StatusListExpired => "status_list_expired",
        Self::StatusListStale => "status_list_stale",
    }
}
