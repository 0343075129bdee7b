//! The wallet's one use of the network: talking to an issuer during issuance (and, for
//! `direct_post`, delivering an answer to a verifier). The flows are written against the
//! [`Http`] trait, so they run natively against [`MemoryHttp`] in tests and in the page on
//! `fetch` (`browser::http`).

use std::cell::RefCell;

use serde_json::Value;

/// Largest response body read.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// The server could not be reached (offline, refused, CORS).
    #[error("cannot reach {0}")]
    Unreachable(String),
    /// The server answered with an error status; `error` is the OAuth error code if any.
    #[error("{url} answered {status} {error}")]
    Status {
        /// The URL.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The `error` member of the body, if any.
        error: String,
    },
    /// The body is not the JSON expected, or too large.
    #[error("{0} sent an unexpected answer")]
    Malformed(String),
}

credential::error_codes! {
    HttpError {
        Self::Unreachable(_) => "site_unreachable",
        Self::Status { .. } => "site_refused",
        Self::Malformed(_) => "site_unexpected_answer",
    }
}

/// One request.
#[derive(Debug, Clone, Copy)]
pub struct HttpRequest<'a> {
    /// `GET` or `POST`.
    pub method: &'a str,
    /// The URL.
    pub url: &'a str,
    /// Header names (lower case) and values.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body, if any.
    pub body: Option<&'a str>,
}

/// Sends requests. Implementations send no cookies and no referrer, and read at most
/// [`MAX_RESPONSE_BYTES`].
#[allow(async_fn_in_trait)]
pub trait Http {
    /// Sends `request`; a success returns its body if it is JSON (an OpenID4VP verifier
    /// may answer a `direct_post` with an empty body or with `{"redirect_uri": …}`).
    ///
    /// # Errors
    /// [`HttpError`] for an unreachable server or an error status.
    async fn send(&self, request: HttpRequest<'_>) -> Result<Option<Value>, HttpError>;

    /// Sends `request` and reads a JSON answer.
    ///
    /// # Errors
    /// [`HttpError`], also for a success whose body is not JSON.
    async fn json(&self, request: HttpRequest<'_>) -> Result<Value, HttpError> {
        self.send(request)
            .await?
            .ok_or_else(|| HttpError::Malformed(request.url.to_owned()))
    }
}

/// What [`MemoryHttp`] answers a request with.
pub type Handler = Box<dyn Fn(&HttpRequest<'_>) -> Result<Option<Value>, HttpError>>;

/// An in-memory [`Http`] for tests: a handler answers, and every request is recorded
/// (method, URL, headers, body).
pub struct MemoryHttp {
    handler: Handler,
    sent: RefCell<Vec<SentRequest>>,
}

/// A request [`MemoryHttp`] received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentRequest {
    /// The method.
    pub method: String,
    /// The URL.
    pub url: String,
    /// The headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Option<String>,
}

impl MemoryHttp {
    /// Answers every request with `handler`.
    #[must_use]
    pub fn new(handler: Handler) -> Self {
        Self {
            handler,
            sent: RefCell::new(Vec::new()),
        }
    }

    /// The requests received so far, in order.
    #[must_use]
    pub fn sent(&self) -> Vec<SentRequest> {
        self.sent.borrow().clone()
    }
}

impl Http for MemoryHttp {
    async fn send(&self, request: HttpRequest<'_>) -> Result<Option<Value>, HttpError> {
        self.sent.borrow_mut().push(SentRequest {
            method: request.method.to_owned(),
            url: request.url.to_owned(),
            headers: request
                .headers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            body: request.body.map(str::to_owned),
        });
        (self.handler)(&request)
    }
}
