//! [`Http`] through the page's `fetch`: no cookies, no cache, no referrer, bounded
//! response size.

use crate::logic::http::{Http, HttpError, HttpRequest, MAX_RESPONSE_BYTES};
use js_sys::Reflect;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestCache, RequestCredentials, RequestInit, Response};

/// [`Http`] on the page's `fetch`.
#[derive(Debug, Clone, Copy, Default)]
pub struct FetchHttp;

impl Http for FetchHttp {
    async fn send(&self, request: HttpRequest<'_>) -> Result<Option<Value>, HttpError> {
        send(request.method, request.url, request.headers, request.body).await
    }
}

/// Sends a request; a success returns its body if it is JSON (an OpenID4VP verifier may
/// answer a `direct_post` with an empty body or with `{"redirect_uri": …}`).
///
/// # Errors
/// [`HttpError`] for an unreachable server or an error status.
async fn send(
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
