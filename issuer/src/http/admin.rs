//! The demo's enrollment page: a form that records a person and shows their one-time
//! offer as a link to the wallet and as a QR code. Only with `serve --admin`, only to
//! loopback clients, and only same-origin form posts: real identity proofing would plug
//! in here.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use credential::age::CivilDate;
use serde_json::{Map, Value};

use super::MAX_ADMIN_BODY;
use crate::person::{OPTIONAL_CLAIMS, PersonClaims, REQUIRED_CLAIMS};
use crate::service::Issuer;

const STYLE: &str = include_str!("admin.css");
const CSP: &str =
    "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'";

/// The admin routes.
pub fn routes() -> Router<Arc<Issuer>> {
    Router::new()
        .route("/admin", get(form).post(enroll))
        .route("/admin/style.css", get(style))
        .layer(DefaultBodyLimit::max(MAX_ADMIN_BODY))
        .layer(middleware::from_fn(loopback_only))
}

async fn loopback_only(
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let cross_site = request
        .headers()
        .get("sec-fetch-site")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|site| site != "same-origin" && site != "none");
    if !client.ip().is_loopback() || (request.method() == "POST" && cross_site) {
        return (
            StatusCode::FORBIDDEN,
            "the admin page is for this machine only",
        )
            .into_response();
    }
    let mut response = next.run(request).await;
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    response
}

async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css")], STYLE).into_response()
}

fn label(name: &str) -> &'static str {
    match name {
        "given_name" => "Given name",
        "family_name" => "Family name",
        "birthdate" => "Date of birth",
        "nationality" => "Nationality (e.g. GB)",
        "region" => "Region",
        "locality" => "City",
        "postal_code" => "Postal code",
        _ => "Street address",
    }
}

fn page(body: &str) -> Html<String> {
    Html(format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cachet issuer: enroll</title><link rel="stylesheet" href="/admin/style.css"></head>
<body><main>{body}</main></body></html>"#
    ))
}

async fn form() -> Html<String> {
    let mut fields = String::new();
    for name in REQUIRED_CLAIMS.iter().chain(&OPTIONAL_CLAIMS) {
        let required = if REQUIRED_CLAIMS.contains(name) {
            " required"
        } else {
            ""
        };
        let kind = if *name == "birthdate" { "date" } else { "text" };
        fields.push_str(&format!(
            r#"<label for="{name}">{}</label><input id="{name}" name="{name}" type="{kind}" maxlength="200"{required}>"#,
            label(name)
        ));
    }
    page(&format!(
        r#"<h1>Enroll a person</h1>
<p>In a real deployment this is where identity proofing happens. The person gets a one-time
offer, valid 10 minutes, to receive their credentials in the Cachet wallet.</p>
<form method="post" action="/admin">{fields}<button type="submit">Enroll and create offer</button></form>"#
    ))
}

async fn enroll(State(issuer): State<Arc<Issuer>>, body: Bytes) -> Response {
    let mut claims = Map::new();
    for (name, value) in form_urlencoded::parse(&body) {
        if !value.trim().is_empty() {
            claims.insert(name.into_owned(), Value::String(value.trim().to_owned()));
        }
    }
    let today = CivilDate::from_unix(issuer.now());
    let claims = match PersonClaims::from_object(claims, today) {
        Ok(claims) => claims,
        Err(error) => {
            let message = escape(&error.to_string());
            return (
                StatusCode::BAD_REQUEST,
                page(&format!(r#"<h1>Not enrolled</h1><p role="alert">{message}</p><p><a href="/admin">Back</a></p>"#)),
            )
                .into_response();
        }
    };
    let worker = Arc::clone(&issuer);
    let enrolled = tokio::task::spawn_blocking(move || worker.enroll(&claims)).await;
    let enrolled = match enrolled {
        Ok(Ok(enrolled)) => enrolled,
        _ => return (StatusCode::INTERNAL_SERVER_ERROR, "enrollment failed").into_response(),
    };
    let uri = enrolled.offer.to_uri();
    let qr = credential::qr::svg(&uri).unwrap_or_default();
    let wallet_link = issuer.config().wallet_origin.as_deref().map_or_else(String::new, |wallet| {
        format!(
            r#"<p><a id="open-wallet" class="button" href="{}">Open in the Cachet wallet</a></p>"#,
            escape(&format!("{wallet}/#/receive?{}", enrolled.offer.to_query()))
        )
    });
    page(&format!(
        r#"<h1>Offer ready</h1>
<p>Person id (for revocation): <code id="person-id">{}</code></p>
{wallet_link}
<figure>{qr}<figcaption>Or scan with the wallet on a phone.</figcaption></figure>
<label for="offer">Offer (paste into the wallet)</label>
<textarea id="offer" readonly rows="4">{}</textarea>
<p><a href="/admin">Enroll another person</a></p>"#,
        escape(&enrolled.person_id),
        escape(&uri)
    ))
    .into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
