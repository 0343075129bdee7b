//! Why a request or a response was refused, with stable codes for JavaScript callers.

/// Why an authorization request was refused (by the wallet, or when a verifier builds one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The request is larger than [`super::MAX_REQUEST_BYTES`].
    #[error("request is too large")]
    TooLarge,
    /// A parameter is missing, repeated, or not of the expected form.
    #[error("malformed request parameter {0:?}")]
    Malformed(&'static str),
    /// `response_type` is not `vp_token`.
    #[error("unsupported response_type")]
    UnsupportedResponseType,
    /// `response_mode` is neither `fragment` nor `direct_post`.
    #[error("unsupported response_mode")]
    UnsupportedResponseMode,
    /// The client identifier has a prefix other than `redirect_uri:`.
    #[error("unsupported client identifier prefix")]
    UnsupportedClientId,
    /// The `redirect_uri`/`response_uri` is not the one the client identifier names.
    #[error("the response would go somewhere other than the client identifier says")]
    ClientIdMismatch,
    /// The request carries `transaction_data`, which Cachet does not support.
    #[error("transaction_data is not supported")]
    TransactionDataUnsupported,
    /// The DCQL query is malformed or asks for something Cachet cannot answer.
    #[error("invalid DCQL query: {0}")]
    InvalidQuery(&'static str),
}

crate::error_codes! {
    RequestError {
        Self::TooLarge => "request_too_large",
        Self::Malformed(_) => "malformed_request",
        Self::UnsupportedResponseType => "unsupported_response_type",
        Self::UnsupportedResponseMode => "unsupported_response_mode",
        Self::UnsupportedClientId => "unsupported_client_id",
        Self::ClientIdMismatch => "client_id_mismatch",
        Self::TransactionDataUnsupported => "transaction_data_unsupported",
        Self::InvalidQuery(_) => "invalid_dcql_query",
    }
}

/// Why an authorization response was refused by the verifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResponseError {
    /// The response is larger than [`super::MAX_REQUEST_BYTES`] times four.
    #[error("response is too large")]
    TooLarge,
    /// A parameter is missing, repeated, or not of the expected form.
    #[error("malformed response parameter {0:?}")]
    Malformed(&'static str),
    /// The `state` belongs to no request this verifier made (or it was already used).
    #[error("unknown or already used state")]
    UnknownState,
    /// A saved request to take back was already answered (by this page or an earlier
    /// one of the site): same code as [`Self::UnknownState`], since for the site it is one.
    #[error("this request was already answered")]
    AlreadyAnswered,
    /// A saved request to take back belongs to another site than the relying party's.
    #[error("the saved request is for another site")]
    OtherSite,
    /// The request this response answers has expired.
    #[error("the request has expired")]
    ExpiredRequest,
    /// The wallet answered with an error, e.g. `access_denied` when the person declined.
    #[error("the wallet answered {error}")]
    WalletError {
        /// The OAuth error code.
        error: String,
    },
    /// The response has no presentation for the requested credential.
    #[error("no presentation for the requested credential")]
    MissingPresentation,
    /// The presentation verifies but does not answer the request: a requested claim is
    /// not disclosed, a value is not one the query accepts, or the `vct` is not asked for.
    #[error("the presentation does not answer the request: {0}")]
    QueryNotSatisfied(String),
}

crate::error_codes! {
    ResponseError {
        Self::TooLarge => "response_too_large",
        Self::Malformed(_) => "malformed_response",
        Self::UnknownState | Self::AlreadyAnswered => "unknown_state",
        Self::OtherSite => "aud_mismatch",
        Self::ExpiredRequest => "expired_request",
        Self::WalletError { error } if error == "access_denied" => "access_denied",
        Self::WalletError { .. } => "wallet_error",
        Self::MissingPresentation => "missing_presentation",
        Self::QueryNotSatisfied(_) => "query_not_satisfied",
    }
}
