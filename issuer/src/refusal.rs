//! Refusals as the OAuth/OpenID4VCI protocols word them: a typed error code
//! ([`OAuthError`], which also decides the HTTP status) and a description. Internal
//! failures are reported without detail.

use credential::openid4vci::OAuthError;

/// A refused request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The protocol error (`invalid_grant`, `invalid_proof`, ...), which decides the HTTP
    /// status ([`OAuthError::http_status`]).
    pub error: OAuthError,
    /// A human-readable description (ASCII, no personal data).
    pub description: String,
    /// The request body was over the endpoint's limit: answered 413, and the connection
    /// closed (the rest of the body was not read).
    pub body_too_large: bool,
}

impl Refusal {
    /// A refusal with `error`.
    #[must_use]
    pub fn new(error: OAuthError, description: impl Into<String>) -> Self {
        Self {
            error,
            description: description.into(),
            body_too_large: false,
        }
    }

    /// A 413: the body is over the endpoint's limit; `error` is the endpoint's own code
    /// for a malformed request.
    #[must_use]
    pub fn body_too_large(error: OAuthError) -> Self {
        Self {
            body_too_large: true,
            ..Self::new(error, "the request body is too large")
        }
    }

    /// A 404.
    #[must_use]
    pub fn not_found() -> Self {
        Self::new(OAuthError::NotFound, "no such resource")
    }

    /// A 500: logs `cause` (which holds no personal data: database or I/O errors) and
    /// tells the client nothing more.
    #[must_use]
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        eprintln!("issuer: internal error: {cause}");
        Self::new(
            OAuthError::ServerError,
            "the issuer failed; try again later",
        )
    }

    /// The HTTP status it is answered with.
    #[must_use]
    pub const fn http_status(&self) -> u16 {
        if self.body_too_large {
            413
        } else {
            self.error.http_status()
        }
    }
}

impl From<crate::store::StoreError> for Refusal {
    fn from(error: crate::store::StoreError) -> Self {
        Self::internal(&error)
    }
}
