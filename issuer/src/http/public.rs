//! What anyone may fetch: metadata, keys, type metadata and status lists. Status lists
//! are cacheable by any CDN or mirror (ETag, Cache-Control, CORS open to all): fetching
//! one reveals nothing, as every verifier downloads the same whole list.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::respond::{refusal_response, respond};
use crate::refusal::Refusal;
use crate::service::Issuer;

/// `GET /.well-known/openid-credential-issuer`.
pub(super) async fn issuer_metadata(State(issuer): State<Arc<Issuer>>) -> Response {
    Json(issuer.issuer_metadata()).into_response()
}

/// `GET /.well-known/oauth-authorization-server`.
pub(super) async fn authorization_server_metadata(State(issuer): State<Arc<Issuer>>) -> Response {
    Json(issuer.authorization_server_metadata()).into_response()
}

/// `GET /.well-known/jwt-vc-issuer`.
pub(super) async fn jwt_vc_issuer(State(issuer): State<Arc<Issuer>>) -> Response {
    let result = tokio::task::spawn_blocking(move || issuer.jwt_vc_issuer_metadata())
        .await
        .unwrap_or_else(|error| Err(Refusal::internal(&error)));
    match result {
        Ok(body) => Json(body).into_response(),
        Err(refusal) => refusal_response(&refusal),
    }
}

/// `GET /health`: 200 with `{"status": "ok", ...}` when the database answers, the
/// refusal's status otherwise (a load balancer takes the node out).
pub(super) async fn health(State(issuer): State<Arc<Issuer>>) -> Response {
    let result = tokio::task::spawn_blocking(move || issuer.health())
        .await
        .unwrap_or_else(|error| Err(Refusal::internal(&error)));
    match result {
        Ok(body) => Json(body).into_response(),
        Err(refusal) => refusal_response(&refusal),
    }
}

/// `GET /types/{name}`: SD-JWT VC type metadata.
pub(super) async fn type_metadata(
    State(issuer): State<Arc<Issuer>>,
    Path(name): Path<String>,
) -> Response {
    match issuer.type_metadata(&name) {
        Some(body) => Json(body).into_response(),
        None => refusal_response(&Refusal::not_found()),
    }
}

/// `GET /status/{id}`: the signed status list, with conditional requests.
pub(super) async fn status_list(
    State(issuer): State<Arc<Issuer>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return refusal_response(&Refusal::not_found());
    };
    let ttl = issuer.config().status_ttl;
    let result = tokio::task::spawn_blocking(move || issuer.status_list(id))
        .await
        .unwrap_or_else(|error| Err(Refusal::internal(&error)));
    let published = match result {
        Ok(Some(published)) => published,
        Ok(None) => return refusal_response(&Refusal::not_found()),
        Err(refusal) => return refusal_response(&refusal),
    };
    let cache_control = format!("public, max-age={ttl}");
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == published.etag));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        published.token.into_response()
    };
    let headers = response.headers_mut();
    if !matches {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/statuslist+jwt"),
        );
    }
    if let Ok(etag) = HeaderValue::from_str(&published.etag) {
        headers.insert(header::ETAG, etag);
    }
    if let Ok(value) = HeaderValue::from_str(&cache_control) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    response
}

/// `GET /`: what this service is (the admin page is on a listener of its own).
pub(super) async fn home() -> Html<&'static str> {
    Html(
        r#"<!doctype html><html lang="en"><meta charset="utf-8"><title>Cachet issuer</title>
<h1>Cachet issuer</h1><p>Issues SD-JWT VCs by OpenID4VCI. It never sees where they are used.</p>
<ul><li><a href="/.well-known/openid-credential-issuer">Issuer metadata</a></li>
<li><a href="/.well-known/jwt-vc-issuer">Public keys</a></li></ul></html>"#,
    )
}

/// Any other path.
pub(super) async fn not_found() -> Response {
    respond(Err(Refusal::not_found()))
}
