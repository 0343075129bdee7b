//! Sending an answer on its way, as [`Delivery`] says: navigating to the site (fragment),
//! posting the form to its `response_uri` (`direct_post`, then following a
//! `redirect_uri` the verifier may answer with, OpenID4VP §8.2), or showing a QR code.

use credential::openid4vp::Origin;

use super::http::FetchHttp;
use crate::logic::http::{Http, HttpError, HttpRequest};
use crate::logic::wallet::Delivery;

/// Where the answer went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// To the site (the page navigates, or the post was accepted).
    Sent,
    /// To be shown as this QR code.
    Qr(String),
}

/// Delivers `delivery`.
///
/// # Errors
/// [`HttpError`] if a `direct_post` could not be made or was refused.
pub async fn deliver(delivery: Delivery) -> Result<Delivered, HttpError> {
    match delivery {
        Delivery::Redirect(url) => {
            navigate(&url);
            Ok(Delivered::Sent)
        }
        Delivery::Post { url, body } => {
            let answer = FetchHttp
                .send(HttpRequest {
                    method: "POST",
                    url: &url,
                    headers: &[("content-type", "application/x-www-form-urlencoded")],
                    body: Some(&body),
                })
                .await?;
            if let Some(next) = answer
                .as_ref()
                .and_then(|a| a.get("redirect_uri"))
                .and_then(|v| v.as_str())
                && Origin::of(next).is_some()
            {
                navigate(next);
            }
            Ok(Delivered::Sent)
        }
        Delivery::Qr(text) => Ok(Delivered::Qr(text)),
    }
}

fn navigate(url: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(url);
    }
}
