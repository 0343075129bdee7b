//! The issuance endpoints of the pre-authorized code flow: token, nonce, credential.

use credential::openid4vci::OAuthError;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::json;

use super::respond::{refusal_response, respond};
use crate::refusal::Refusal;
use crate::service::Issuer;

/// Runs blocking issuer work (SQLite, signing) off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Refusal> + Send + 'static,
) -> Result<T, Refusal> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|error| Err(Refusal::internal(&error)))
}

fn body_or_refusal(
    body: Result<Bytes, BytesRejection>,
    error: OAuthError,
) -> Result<Bytes, Refusal> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Refusal::body_too_large(error)
        } else {
            Refusal::new(error, "the request body could not be read")
        }
    })
}

fn has_content_type(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case(expected))
}

/// The request body, if it was read within the endpoint's limit and has the
/// `content_type` the endpoint takes; otherwise `error` with a 413 or 400.
fn request_body(
    body: Result<Bytes, BytesRejection>,
    headers: &HeaderMap,
    content_type: &str,
    error: OAuthError,
) -> Result<Bytes, Refusal> {
    let body = body_or_refusal(body, error)?;
    if has_content_type(headers, content_type) {
        Ok(body)
    } else {
        Err(Refusal::new(
            error,
            format!("the request body must be {content_type}"),
        ))
    }
}

/// `POST /token`: a form-encoded pre-authorized code grant.
pub(super) async fn token(
    State(issuer): State<Arc<Issuer>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let client = super::client::address(client.ip(), &headers, &issuer.config().trusted_proxies);
    if !issuer.allow_token_request(client) {
        return slow_down("too many token requests; try again shortly");
    }
    let body = match request_body(
        body,
        &headers,
        "application/x-www-form-urlencoded",
        OAuthError::InvalidRequest,
    ) {
        Ok(body) => body,
        Err(refusal) => return refusal_response(&refusal),
    };
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let mut proofs = headers.get_all("dpop").iter();
    let dpop = match (proofs.next(), proofs.next()) {
        (None, _) => None,
        (Some(proof), None) => match proof.to_str() {
            Ok(proof) => Some(proof.to_owned()),
            Err(_) => {
                return refusal_response(&Refusal::new(
                    OAuthError::InvalidDpopProof,
                    "the DPoP header is not text",
                ));
            }
        },
        (Some(_), Some(_)) => {
            return refusal_response(&Refusal::new(
                OAuthError::InvalidDpopProof,
                "one DPoP header, please",
            ));
        }
    };
    respond(
        blocking(move || issuer.token(&form, dpop.as_deref()))
            .await
            .map(|token| {
                // The access token is a short-lived bearer token; the refresh token, only
                // for a request with a DPoP proof, is bound to that proof's key.
                let mut answer = serde_json::Map::new();
                answer.insert("access_token".into(), json!(token.token));
                answer.insert("token_type".into(), json!("Bearer"));
                answer.insert("expires_in".into(), json!(token.expires_in));
                if let Some(refresh) = token.refresh_token {
                    answer.insert("refresh_token".into(), json!(refresh));
                }
                serde_json::Value::Object(answer)
            }),
    )
}

/// A 429 `slow_down` with `Retry-After: 1`.
fn slow_down(description: &str) -> Response {
    let mut response = refusal_response(&Refusal::new(OAuthError::SlowDown, description));
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// `POST /nonce`: a fresh `c_nonce`. Unauthenticated (OpenID4VCI §7), so each client
/// address has a budget: a flood costs its sender, not the wallets of others.
pub(super) async fn nonce(
    State(issuer): State<Arc<Issuer>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let client = super::client::address(client.ip(), &headers, &issuer.config().trusted_proxies);
    if !issuer.allow_nonce_request(client) {
        return slow_down("too many nonce requests; try again shortly");
    }
    respond(
        blocking(move || issuer.nonce())
            .await
            .map(|nonce| json!({ "c_nonce": nonce })),
    )
}

/// `POST /credential`: a batch of credentials, one per key proof.
pub(super) async fn credential(
    State(issuer): State<Arc<Issuer>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|token| !token.is_empty() && token.len() <= 512)
        .map(str::to_owned);
    let Some(token) = token else {
        return refusal_response(&Refusal::new(
            OAuthError::InvalidToken,
            "a Bearer access token is required",
        ));
    };
    let body = match request_body(
        body,
        &headers,
        "application/json",
        OAuthError::InvalidCredentialRequest,
    ) {
        Ok(body) => body,
        Err(refusal) => return refusal_response(&refusal),
    };
    respond(blocking(move || issuer.credential(&token, &body)).await)
}
