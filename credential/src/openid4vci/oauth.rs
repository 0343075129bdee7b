//! The error codes an OpenID4VCI issuer answers with (RFC 6749 §5.2 for the token
//! endpoint, RFC 6750 §3.1 for bearer tokens, RFC 9449 §7 for DPoP, OpenID4VCI 1.0 §8.3.1
//! and §7.3 for the credential and nonce endpoints), and the HTTP status each one goes
//! with: the one place the issuer's refusals are mapped to HTTP.

/// An OAuth or OpenID4VCI error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OAuthError {
    /// The request is missing a parameter, repeats one, or is otherwise malformed.
    InvalidRequest,
    /// The pre-authorized code or refresh token is invalid, expired or revoked.
    InvalidGrant,
    /// The grant type is not one the issuer supports.
    UnsupportedGrantType,
    /// The access token is missing, expired or unknown (401 with `WWW-Authenticate`).
    InvalidToken,
    /// The DPoP proof is missing, invalid or replayed.
    InvalidDpopProof,
    /// A key proof is missing or invalid.
    InvalidProof,
    /// A key proof's nonce is not a current `c_nonce`.
    InvalidNonce,
    /// The credential request is malformed or asks for what the grant does not cover.
    InvalidCredentialRequest,
    /// The credential request names a configuration the issuer does not offer
    /// (OpenID4VCI §8.3.1.2).
    UnknownCredentialConfiguration,
    /// The credential request was understood but is not granted (OpenID4VCI §8.3.1.2).
    CredentialRequestDenied,
    /// Too many requests; retry after a moment (429).
    SlowDown,
    /// No such resource (404).
    NotFound,
    /// The issuer failed; nothing the client did (500).
    ServerError,
}

crate::error_codes! {
    OAuthError {
        Self::InvalidRequest => "invalid_request",
        Self::InvalidGrant => "invalid_grant",
        Self::UnsupportedGrantType => "unsupported_grant_type",
        Self::InvalidToken => "invalid_token",
        Self::InvalidDpopProof => "invalid_dpop_proof",
        Self::InvalidProof => "invalid_proof",
        Self::InvalidNonce => "invalid_nonce",
        Self::InvalidCredentialRequest => "invalid_credential_request",
        Self::UnknownCredentialConfiguration => "unknown_credential_configuration",
        Self::CredentialRequestDenied => "credential_request_denied",
        Self::SlowDown => "slow_down",
        Self::NotFound => "not_found",
        Self::ServerError => "server_error",
    }
}

impl OAuthError {
    /// The HTTP status this error is answered with.
    #[must_use]
    pub const fn http_status(self) -> u16 {
        match self {
            Self::InvalidToken => 401,
            Self::NotFound => 404,
            Self::SlowDown => 429,
            Self::ServerError => 500,
            Self::InvalidRequest
            | Self::InvalidGrant
            | Self::UnsupportedGrantType
            | Self::InvalidDpopProof
            | Self::InvalidProof
            | Self::InvalidNonce
            | Self::InvalidCredentialRequest
            | Self::UnknownCredentialConfiguration
            | Self::CredentialRequestDenied => 400,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn every_code_has_its_status() {
        assert_eq!(OAuthError::codes().len(), 13);
        assert_eq!(OAuthError::InvalidToken.http_status(), 401);
        assert_eq!(OAuthError::SlowDown.http_status(), 429);
        assert_eq!(OAuthError::InvalidNonce.http_status(), 400);
        assert_eq!(OAuthError::InvalidNonce.code(), "invalid_nonce");
    }
}
