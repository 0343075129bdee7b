//! Refusals as the OAuth/OpenID4VCI protocols word them: an error code, a description,
//! and the HTTP status class. Internal failures are reported without detail.

/// How a refusal maps to HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 400: the request is wrong.
    BadRequest,
    /// 401 with `WWW-Authenticate: Bearer`: the access token is missing or bad.
    Unauthorized,
    /// 404: no such resource.
    NotFound,
    /// 413: the body is over the endpoint's limit.
    TooLarge,
    /// 429: too many requests from this client.
    TooManyRequests,
    /// 500: the issuer failed (never caused by input).
    Internal,
}

/// A refused request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// How it maps to HTTP.
    pub kind: Kind,
    /// The protocol error code (`invalid_grant`, `invalid_proof`, ...).
    pub error: &'static str,
    /// A human-readable description (ASCII, no personal data).
    pub description: String,
}

impl Refusal {
    /// A 400 refusal.
    #[must_use]
    pub fn bad_request(error: &'static str, description: impl Into<String>) -> Self {
        Self {
            kind: Kind::BadRequest,
            error,
            description: description.into(),
        }
    }

    /// A 401 `invalid_token`.
    #[must_use]
    pub fn invalid_token(description: impl Into<String>) -> Self {
        Self {
            kind: Kind::Unauthorized,
            error: "invalid_token",
            description: description.into(),
        }
    }

    /// A 404.
    #[must_use]
    pub fn not_found() -> Self {
        Self {
            kind: Kind::NotFound,
            error: "not_found",
            description: "no such resource".into(),
        }
    }

    /// A 500: logs `cause` (which holds no personal data: database or I/O errors) and
    /// tells the client nothing more.
    #[must_use]
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        eprintln!("issuer: internal error: {cause}");
        Self {
            kind: Kind::Internal,
            error: "server_error",
            description: "the issuer failed; try again later".into(),
        }
    }
}

impl From<crate::store::StoreError> for Refusal {
    fn from(error: crate::store::StoreError) -> Self {
        Self::internal(&error)
    }
}
