//! `/trust.js` of the demo shops: what a relying party's operator configures on its own
//! server, not what its pages fetch: the trusted issuer with its current keys, the
//! issuer's status lists (for revocation) and the wallet's URL. The shop's server reads
//! them from the issuer's public documents on each request, as a real operator would on
//! a schedule; everyone downloads the same documents, so this tells the issuer nothing
//! about anyone. The pages themselves run under `connect-src 'none'`.

use std::sync::{Arc, OnceLock};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Most status lists read from the issuer (`/status/1`, `/status/2`, ...).
const MAX_LISTS: u32 = 8;

/// Where the trust list comes from; filled in once the issuer and wallet are up.
#[derive(Clone, Default)]
pub(crate) struct TrustSource {
    /// The issuer's URL (`http://localhost:PORT`).
    pub issuer: Arc<OnceLock<String>>,
    /// The wallet's URL.
    pub wallet: Arc<OnceLock<String>>,
}

/// A `GET` of a local `http://` URL: status and body.
async fn get(url: &str) -> Option<(u16, String)> {
    let response = reqwest::get(url).await.ok()?;
    let status = response.status().as_u16();
    Some((status, response.text().await.ok()?))
}

/// Serves `/trust.js`.
pub(crate) async fn trust_js(source: TrustSource) -> Response {
    let (Some(issuer), Some(wallet)) = (source.issuer.get(), source.wallet.get()) else {
        return (StatusCode::SERVICE_UNAVAILABLE, "the issuer is not up yet").into_response();
    };
    let Some((200, keys)) = get(&format!("{issuer}/.well-known/jwt-vc-issuer")).await else {
        return (StatusCode::BAD_GATEWAY, "cannot read the issuer's keys").into_response();
    };
    let Ok(keys) = issuer_document(&keys) else {
        return (StatusCode::BAD_GATEWAY, "the issuer's keys are not JSON").into_response();
    };
    let types = match get(&format!("{issuer}/.well-known/openid-credential-issuer")).await {
        Some((200, metadata)) => credential_types(&metadata),
        _ => None,
    };
    let Some(types) = types else {
        return (
            StatusCode::BAD_GATEWAY,
            "cannot read the issuer's credential types",
        )
            .into_response();
    };
    let mut lists = Vec::new();
    for id in 1..=MAX_LISTS {
        match get(&format!("{issuer}/status/{id}")).await {
            Some((200, token)) => lists.push(format!("{:?}", token.trim())),
            _ => break,
        }
    }
    let script = format!(
        "// The demo shop's trust configuration (served by its own server).\n\
         export const walletUrl = {wallet:?};\n\
         const published = {keys};\n\
         export const trustedIssuers = [{{ iss: published.issuer, jwks: published.jwks }}];\n\
         export const credentialTypes = {types};\n\
         export const statusLists = [{}];\n",
        lists.join(", ")
    );
    let mut response = script.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    response
}

/// The `vct` of each of the issuer's credential configurations (OpenID4VCI metadata), as
/// a JSON array: the types the shop's requests name (`vct_values`).
fn credential_types(metadata: &str) -> Option<String> {
    let metadata: serde_json::Value = serde_json::from_str(metadata).ok()?;
    let types: Vec<&str> = metadata
        .get("credential_configurations_supported")?
        .as_object()?
        .values()
        .filter_map(|configuration| configuration.get("vct")?.as_str())
        .collect();
    serde_json::to_string(&types).ok()
}

/// The issuer's `{issuer, jwks}` document, checked to be one JSON object (it is embedded
/// in a script as is: JSON is valid JavaScript).
fn issuer_document(text: &str) -> Result<&str, ()> {
    let text = text.trim();
    let balanced = text.starts_with('{') && text.ends_with('}') && !text.contains("</");
    if balanced && text.contains("\"jwks\"") && text.contains("\"issuer\"") {
        Ok(text)
    } else {
        Err(())
    }
}

/// The trusted issuer as the forum's server reads it: the issuer's published keys (its
/// ES256 and BBS keys), fetched on each sign-up, as [`trust_js`] does for the pages.
pub(crate) async fn trusted_issuers(source: TrustSource) -> Option<Vec<credential::TrustedIssuer>> {
    let issuer = source.issuer.get()?;
    let (200, text) = get(&format!("{issuer}/.well-known/jwt-vc-issuer")).await? else {
        return None;
    };
    let document: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some(vec![credential::TrustedIssuer {
        iss: document.get("issuer")?.as_str()?.to_owned(),
        jwks: credential::Jwks::from_json(document.get("jwks")?).ok()?,
    }])
}
