//! The demo's enrollment page: a form that records a person and shows their one-time
//! offer as a link to the wallet and as a QR code. Real identity proofing would plug in
//! here.
//!
//! Whoever reaches this page can mint offers, so it is guarded on four sides:
//! - it has a listener of its own (`serve --admin-listen`), so no proxy in front of the
//!   public endpoints can reach it, and it answers loopback peers only;
//! - the `Host` header must name the admin listener itself (`127.0.0.1:PORT`,
//!   `localhost:PORT` or `[::1]:PORT`): a page that rebinds its own DNS name to 127.0.0.1
//!   sends its own name and is refused;
//! - every request must carry the admin secret: once in the link (`/admin?key=…`), which
//!   the server trades for an `HttpOnly; SameSite=Strict` cookie and a redirect that takes
//!   the key out of the address bar;
//! - a form post must come from the page itself (`Origin` of an allowed host, not
//!   cross-site by `Sec-Fetch-Site`).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use credential::age::CivilDate;
use serde_json::{Map, Value};

use super::MAX_ADMIN_BODY;
use crate::catalog::Configuration;
use crate::person::{OPTIONAL_CLAIMS, PersonClaims, REQUIRED_CLAIMS};
use crate::service::{Enrolled, Issuer};

const STYLE: &str = include_str!("admin.css");
const CSP: &str =
    "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'";
/// The cookie that carries the admin secret after the first visit.
const COOKIE: &str = "cachet_admin";

/// Who may use the admin page: the secret, and the `Host` values of its own listener.
#[derive(Clone)]
pub struct AdminAccess {
    secret: String,
    hosts: Vec<String>,
}

impl std::fmt::Debug for AdminAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminAccess")
            .field("hosts", &self.hosts)
            .finish_non_exhaustive()
    }
}

impl AdminAccess {
    /// Access with `secret` for a listener on loopback `port`.
    #[must_use]
    pub fn new(secret: String, port: u16) -> Self {
        Self {
            secret,
            hosts: ["127.0.0.1", "localhost", "[::1]"]
                .iter()
                .map(|host| format!("{host}:{port}"))
                .collect(),
        }
    }

    fn allowed_host(&self, headers: &HeaderMap) -> bool {
        headers
            .get(header::HOST)
            .and_then(|host| host.to_str().ok())
            .is_some_and(|host| self.hosts.iter().any(|allowed| allowed == host))
    }

    fn allowed_origin(&self, headers: &HeaderMap) -> bool {
        let same_site = headers
            .get("sec-fetch-site")
            .and_then(|value| value.to_str().ok())
            .is_none_or(|site| site == "same-origin" || site == "none");
        let origin_ok = headers
            .get(header::ORIGIN)
            .and_then(|origin| origin.to_str().ok())
            .is_none_or(|origin| {
                origin
                    .strip_prefix("http://")
                    .is_some_and(|host| self.hosts.iter().any(|allowed| allowed == host))
            });
        same_site && origin_ok
    }

    fn matches(&self, presented: &str) -> bool {
        crate::secrets::equal(presented.as_bytes(), self.secret.as_bytes())
    }

    fn cookie_matches(&self, headers: &HeaderMap) -> bool {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .any(|(name, value)| name == COOKIE && self.matches(value))
    }
}

/// The admin page, for its own listener.
pub(super) fn router(issuer: Arc<Issuer>, access: AdminAccess) -> Router {
    Router::new()
        .route("/admin", get(form).post(enroll))
        .route("/admin/offer", post(offer_again))
        .route("/admin/style.css", get(style))
        .layer(DefaultBodyLimit::max(MAX_ADMIN_BODY))
        .layer(middleware::from_fn_with_state(access, guard))
        .with_state(issuer)
}

fn refuse(status: StatusCode, why: &'static str) -> Response {
    (status, why).into_response()
}

async fn guard(
    State(access): State<AdminAccess>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    if !client.ip().is_loopback() {
        return refuse(
            StatusCode::FORBIDDEN,
            "the admin page is for this machine only",
        );
    }
    if !access.allowed_host(headers) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "unknown host for the admin page",
        );
    }
    if request.method() == Method::POST && !access.allowed_origin(headers) {
        return refuse(
            StatusCode::FORBIDDEN,
            "the admin page takes forms from itself only",
        );
    }
    if !access.cookie_matches(headers) {
        let key = request.uri().query().and_then(|query| {
            form_urlencoded::parse(query.as_bytes())
                .find(|(name, _)| name == "key")
                .map(|(_, value)| value.into_owned())
        });
        return match key {
            Some(key) if request.method() == Method::GET && access.matches(&key) => {
                let cookie = format!("{COOKIE}={key}; HttpOnly; SameSite=Strict; Path=/admin");
                let mut response = (StatusCode::SEE_OTHER, "").into_response();
                let headers = response.headers_mut();
                headers.insert(header::LOCATION, HeaderValue::from_static("/admin"));
                if let Ok(cookie) = HeaderValue::from_str(&cookie) {
                    headers.insert(header::SET_COOKIE, cookie);
                }
                headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                response
            }
            _ => refuse(
                StatusCode::UNAUTHORIZED,
                "open the admin link the issuer wrote to its admin key file",
            ),
        };
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
<form method="post" action="/admin">{fields}{}<button type="submit">Enroll and create offer</button></form>
<h2>A new device</h2>
<p>For a person already enrolled (a lost or new phone): a new offer of their credentials. With
the recovery code their wallet showed, the new device keeps the person's pseudonyms.</p>
<form method="post" action="/admin/offer"><label for="person">Person id</label><input id="person" name="person" type="text" maxlength="100" required>{}<button type="submit">Create a new offer</button></form>"#,
        pseudonymous_choice("pseudonymous"),
        pseudonymous_choice("again-pseudonymous"),
    ))
}

/// The form field (element `id`) that adds the pseudonymous identity to an offer.
fn pseudonymous_choice(id: &str) -> String {
    format!(
        r#"<label class="choice"><input id="{id}" name="{PSEUDONYMOUS_FIELD}" type="checkbox" value="on"> Also offer the pseudonymous identity (one account per person per site, unlinkable elsewhere)</label>"#
    )
}
/// The form field's name.
const PSEUDONYMOUS_FIELD: &str = "pseudonymous";

/// What an offer grants: the default configurations, and the pseudonymous one if ticked.
fn configurations(pseudonymous: bool) -> &'static [Configuration] {
    if pseudonymous {
        &Configuration::ALL
    } else {
        &Configuration::OFFERED
    }
}

async fn offer_again(State(issuer): State<Arc<Issuer>>, body: Bytes) -> Response {
    let mut person = String::new();
    let mut pseudonymous = false;
    for (name, value) in form_urlencoded::parse(&body) {
        match &*name {
            "person" => person = value.trim().to_owned(),
            PSEUDONYMOUS_FIELD => pseudonymous = true,
            _ => {}
        }
    }
    let worker = Arc::clone(&issuer);
    let again = tokio::task::spawn_blocking(move || {
        worker.offer_again(&person, configurations(pseudonymous))
    })
    .await;
    match again {
        Ok(Ok(Some(enrolled))) => offer_page(&issuer, &enrolled),
        Ok(Ok(None)) => (
            StatusCode::NOT_FOUND,
            page(r#"<h1>No offer</h1><p role="alert">No enrolled person has that id, or their credentials were revoked.</p><p><a href="/admin">Back</a></p>"#),
        )
            .into_response(),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "the offer failed").into_response(),
    }
}

async fn enroll(State(issuer): State<Arc<Issuer>>, body: Bytes) -> Response {
    let mut claims = Map::new();
    let mut pseudonymous = false;
    for (name, value) in form_urlencoded::parse(&body) {
        if name == PSEUDONYMOUS_FIELD {
            pseudonymous = true;
        } else if !value.trim().is_empty() {
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
    let enrolled = tokio::task::spawn_blocking(move || {
        worker.enroll_for(&claims, configurations(pseudonymous))
    })
    .await;
    match enrolled {
        Ok(Ok(enrolled)) => offer_page(&issuer, &enrolled),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "enrollment failed").into_response(),
    }
}

/// The page showing a new offer: a link into the wallet, a QR code and the text.
fn offer_page(issuer: &Issuer, enrolled: &Enrolled) -> Response {
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
