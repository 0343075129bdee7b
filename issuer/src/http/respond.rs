//! Turning results into HTTP responses: JSON bodies with `Cache-Control: no-store`, and
//! refusals as OAuth error objects.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use credential::ErrorCode;

use crate::refusal::Refusal;

/// A JSON response that no cache may keep (tokens, nonces, credentials).
pub(super) fn no_store_json(body: &Value) -> Response {
    let mut response = Json(body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A refusal as `{"error", "error_description"}` with its status.
pub fn refusal_response(refusal: &Refusal) -> Response {
    let status =
        StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = no_store_json(&json!({
        "error": refusal.error.code(),
        "error_description": refusal.description,
    }));
    *response.status_mut() = status;
    if refusal.body_too_large {
        // The rest of the body was not read: the connection cannot carry another
        // request, so say so rather than let the client reuse it and fail.
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
    }
    response
}

/// Either a JSON body or a refusal.
pub(super) fn respond(result: Result<Value, Refusal>) -> Response {
    match result {
        Ok(body) => no_store_json(&body),
        Err(refusal) => refusal_response(&refusal),
    }
}
