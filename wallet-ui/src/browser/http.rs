//! HTTP through the page's `fetch`, only ever to an issuer during issuance: no cookies,
//! no cache, no referrer, bounded response size.

use js_sys::Reflect;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestCache, RequestCredentials, RequestInit, Response};

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

/// Sends a request and reads a JSON answer.
///
/// # Errors
/// [`HttpError`], also for a success whose body is not JSON.
pub async fn json(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Result<Value, HttpError> {
    send(method, url, headers, body)
        .await?
        .ok_or_else(|| HttpError::Malformed(url.to_owned()))
}

/// Sends a request; a success returns its body if it is JSON (an OpenID4VP verifier may
/// answer a `direct_post` with an empty body or with `{"redirect_uri": …}`).
///
/// # Errors
/// [`HttpError`] for an unreachable server or an error status.
pub async fn send(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Result<Option<Value>, HttpError> {
    let unreachable = |_| HttpError::Unreachable(url.to_owned());
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::Omit);
    init.set_cache(RequestCache::NoStore);
    let header_map = Headers::new().map_err(unreachable)?;
    for (name, value) in headers {
        header_map.set(name, value).map_err(unreachable)?;
    }
    init.set_headers(&header_map);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
    }
    Reflect::set(&init, &"referrerPolicy".into(), &"no-referrer".into()).map_err(unreachable)?;
    let request = Request::new_with_str_and_init(url, &init).map_err(unreachable)?;
    let window = web_sys::window().ok_or_else(|| HttpError::Unreachable(url.to_owned()))?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(unreachable)?
        .unchecked_into();
    let text = JsFuture::from(response.text().map_err(unreachable)?)
        .await
        .map_err(unreachable)?
        .as_string()
        .unwrap_or_default();
    if text.len() > MAX_RESPONSE_BYTES {
        return Err(HttpError::Malformed(url.to_owned()));
    }
    let value = credential::strict_json::parse(text.as_bytes());
    if !response.ok() {
        let error = value
            .as_ref()
            .and_then(|v| v.get("error"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .chars()
            .take(64)
            .collect();
        return Err(HttpError::Status {
            url: url.to_owned(),
            status: response.status(),
            error,
        });
    }
    Ok(value)
}
