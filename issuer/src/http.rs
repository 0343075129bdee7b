//! The issuer over HTTP (axum): routes, CORS, body limits, request logging, and the
//! mapping of [`Refusal`]s to OAuth error responses. Handlers only translate; the
//! behaviour is in [`crate::service`].

mod admin;
mod client;
mod issuance;
mod public;
mod respond;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::config::LogFormat;
use crate::service::Issuer;

pub use admin::AdminAccess;
pub use respond::refusal_response;

/// Largest token request body, in bytes.
pub const MAX_TOKEN_BODY: usize = 4 * 1024;
/// Largest credential request body, in bytes (a batch of 50 proofs is about 30 KB).
pub const MAX_CREDENTIAL_BODY: usize = 96 * 1024;
/// Largest admin form body, in bytes.
pub const MAX_ADMIN_BODY: usize = 16 * 1024;

/// The issuer's routes.
pub fn router(issuer: Arc<Issuer>) -> Router {
    let wallet_cors =
        issuer
            .config()
            .wallet_origin
            .as_deref()
            .map_or_else(CorsLayer::new, |origin| {
                CorsLayer::new()
                    .allow_origin(AllowOrigin::list(HeaderValue::from_str(origin).ok()))
                    .allow_methods([Method::GET, Method::POST])
                    .allow_headers([
                        header::AUTHORIZATION,
                        header::CONTENT_TYPE,
                        axum::http::HeaderName::from_static("dpop"),
                    ])
                    .max_age(std::time::Duration::from_secs(600))
            });
    let issuance = Router::new()
        .route(
            "/.well-known/openid-credential-issuer",
            get(public::issuer_metadata),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(public::authorization_server_metadata),
        )
        .route(
            "/token",
            post(issuance::token).layer(DefaultBodyLimit::max(MAX_TOKEN_BODY)),
        )
        .route("/nonce", post(issuance::nonce))
        .route(
            "/credential",
            post(issuance::credential).layer(DefaultBodyLimit::max(MAX_CREDENTIAL_BODY)),
        )
        .layer(wallet_cors);
    let open_cors = CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods([Method::GET])
        .expose_headers([header::ETAG]);
    let public = Router::new()
        .route("/.well-known/jwt-vc-issuer", get(public::jwt_vc_issuer))
        .route("/types/{name}", get(public::type_metadata))
        .route("/status/{id}", get(public::status_list))
        .layer(open_cors);
    let logging = (issuer.config().log_requests, issuer.config().log_format);
    Router::new()
        .route("/", get(public::home))
        .route("/health", get(public::health))
        .merge(issuance)
        .merge(public)
        .fallback(public::not_found)
        .layer(middleware::from_fn_with_state(logging, log_request))
        .with_state(issuer)
}

/// The admin page's routes, for a listener of their own (never the public one).
pub fn admin_router(issuer: Arc<Issuer>, access: AdminAccess) -> Router {
    let logging = (issuer.config().log_requests, issuer.config().log_format);
    admin::router(issuer, access)
        .fallback(|| async { axum::http::StatusCode::NOT_FOUND })
        .layer(middleware::from_fn_with_state(logging, log_request))
}

/// Serves the admin page on `listener` until `shutdown` completes.
///
/// # Errors
/// I/O errors of the listener.
pub async fn serve_admin(
    listener: TcpListener,
    issuer: Arc<Issuer>,
    access: AdminAccess,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        admin_router(issuer, access).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// One line per request: method, route pattern (never the raw path or query, which
/// could carry codes), status, milliseconds; as text or as a JSON object per line. No
/// address, header or body is logged: nothing that names a person or a wallet.
async fn log_request(
    State(log): State<(bool, LogFormat)>,
    request: Request,
    next: Next,
) -> Response {
    let (enabled, format) = log;
    if !enabled {
        return next.run(request).await;
    }
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(unmatched)".to_owned(), |path| path.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    match format {
        LogFormat::Text => eprintln!("issuer: {method} {route} {status} {ms:.1} ms"),
        LogFormat::Json => eprintln!(
            "{}",
            serde_json::json!({
                "event": "request",
                "method": method.as_str(),
                "route": route,
                "status": status,
                "ms": (ms * 10.0).round() / 10.0,
            })
        ),
    }
    response
}

/// Serves `issuer` on `listener` until `shutdown` completes.
///
/// # Errors
/// I/O errors of the listener.
pub async fn serve(
    listener: TcpListener,
    issuer: Arc<Issuer>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(issuer).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
