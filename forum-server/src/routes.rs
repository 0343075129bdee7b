//! `/accounts/*` over HTTP: the forum page opens a sign-up and reads its result; the
//! wallet posts its answer (`direct_post`, OpenID4VP §8.2) and is told where to send the
//! person next.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use credential::ErrorCode;
use serde_json::{Value, json};

use crate::signup::{Forum, SignUpError, SignUpResult};

/// The largest body taken: a wallet's form with one pseudonymous presentation
/// (`credential::bbs::jwp::MAX_JWP_BYTES`, form-encoded) with room to spare.
const MAX_BODY: usize = 256 * 1024;
/// The longest query string read (a transaction and a response code).
const MAX_QUERY: usize = 256;

/// The forum's account routes.
pub fn router(forum: Arc<Forum>) -> Router {
    Router::new()
        .route("/accounts/sign-up", post(open))
        .route("/accounts/response", post(answer))
        .route("/accounts/result", get(result))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(forum)
}

fn error(status: StatusCode, err: &SignUpError) -> Response {
    let status = match err {
        SignUpError::TrustUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        SignUpError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => status,
    };
    no_store(
        status,
        json!({ "error": err.code(), "error_description": err.to_string() }),
    )
}

fn no_store(status: StatusCode, body: Value) -> Response {
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `POST /accounts/sign-up` with `{"device": "same" | "cross"}`.
async fn open(State(forum): State<Arc<Forum>>, body: Bytes) -> Response {
    let device = credential::strict_json::parse(&body)
        .and_then(|value| value.get("device")?.as_str().map(str::to_owned));
    let same_device = match device.as_deref() {
        Some("same") => true,
        Some("cross") => false,
        _ => {
            return no_store(
                StatusCode::BAD_REQUEST,
                json!({ "error": "invalid_request", "error_description": "device must be \"same\" or \"cross\"" }),
            );
        }
    };
    match forum.open(same_device).await {
        Ok(signup) => {
            let qr = (!same_device)
                .then(|| credential::qr::svg(&signup.deep_link))
                .flatten();
            no_store(
                StatusCode::OK,
                json!({ "transaction": signup.transaction, "deepLink": signup.deep_link, "qrSvg": qr }),
            )
        }
        Err(err) => error(StatusCode::BAD_REQUEST, &err),
    }
}

/// `POST /accounts/response`: the wallet's answer. The wallet is a web page of another
/// origin that must read the answer (its `redirect_uri`), so any origin may: it carries
/// no cookie and nothing but where to go next.
async fn answer(State(forum): State<Arc<Forum>>, body: Bytes) -> Response {
    let mut response = match std::str::from_utf8(&body) {
        Err(_) => error(StatusCode::BAD_REQUEST, &SignUpError::UnknownSignUp),
        Ok(form) => match forum.answer(form).await {
            Ok(Some(next)) => no_store(StatusCode::OK, json!({ "redirect_uri": next })),
            Ok(None) => no_store(StatusCode::OK, json!({})),
            Err(err) => error(StatusCode::BAD_REQUEST, &err),
        },
    };
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// `GET /accounts/result?transaction=…[&response_code=…]`.
async fn result(
    State(forum): State<Arc<Forum>>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let value = |name: &str| {
        query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| v.len() <= MAX_QUERY)
    };
    let Some(transaction) = value("transaction") else {
        return error(StatusCode::BAD_REQUEST, &SignUpError::UnknownSignUp);
    };
    match forum.result(transaction, value("response_code")) {
        Ok(SignUpResult::Pending) => no_store(StatusCode::OK, json!({ "status": "pending" })),
        Ok(SignUpResult::SignedIn(account)) => no_store(
            StatusCode::OK,
            json!({
                "status": "signed_in",
                "account": {
                    "number": account.number,
                    "pseudonym": account.pseudonym,
                    "since": account.since,
                    "visits": account.visits,
                    "new": account.is_new(),
                },
            }),
        ),
        Ok(SignUpResult::Refused(code)) => no_store(
            StatusCode::OK,
            json!({ "status": "refused", "error": code }),
        ),
        Err(err) => error(StatusCode::NOT_FOUND, &err),
    }
}
