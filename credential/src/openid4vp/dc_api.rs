//! OpenID4VP over the W3C Digital Credentials API (OpenID4VP 1.0 Appendix A): the page asks
//! the browser (`navigator.credentials.get({digital})`), which lets the person pick any
//! wallet on the device, native ones included. Unsigned requests only: no `client_id`;
//! the browser tells the wallet the page's origin, and the presentation's audience is
//! `origin:<origin>`.

use serde_json::{Value, json};

use super::{DcqlQuery, Origin};

/// The prefix of an audience that names a web origin (`origin:<origin>`).
pub(super) const ORIGIN_PREFIX: &str = "origin:";

pub use crate::names::DC_API_PROTOCOL;

/// The `data` of an unsigned DC API request.
#[must_use]
pub fn dc_api_request(nonce: &str, query: &DcqlQuery) -> Value {
    json!({
        "response_type": "vp_token",
        "response_mode": "dc_api",
        "nonce": nonce,
        "dcql_query": query,
    })
}

/// The audience a presentation over the DC API is bound to.
#[must_use]
pub fn dc_api_audience(origin: &Origin) -> String {
    format!("{ORIGIN_PREFIX}{origin}")
}
