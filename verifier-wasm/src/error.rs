//! The failures the facade itself reports (bad arguments from the page, a bad
//! configuration, the browser lacking an API), as an enum with stable codes beside the
//! core's, and the list of every code a page can receive ([`error_codes`]), from which the
//! TypeScript union `ErrorCode` is generated.

use credential::openid4vp::{RequestError, ResponseError};
use credential::{ErrorCode, VerifyError};

/// Why the facade refused a call, before or around the core.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FacadeError {
    /// An argument is not of the type or shape the method takes.
    InvalidArgument(String),
    /// The constructor's options were not usable; every method answers this.
    InvalidConfig(String),
    /// The QR decoder module did not load.
    ScannerUnavailable(String),
    /// The pseudonymous format's module did not load (reported by `js/on_demand.js`).
    PseudonymsUnavailable(String),
    /// The page or browser cannot make a Digital Credentials API request.
    DcApiUnavailable(&'static str),
    /// The browser refused or failed the Digital Credentials API request.
    DcApiError(String),
    /// The person declined or closed the browser's request.
    AccessDenied(&'static str),
    /// The browser's answer is not an OpenID4VP response.
    MalformedResponse(String),
}

impl core::fmt::Display for FacadeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::InvalidArgument(message)
            | Self::InvalidConfig(message)
            | Self::ScannerUnavailable(message)
            | Self::PseudonymsUnavailable(message)
            | Self::DcApiError(message)
            | Self::MalformedResponse(message) => message,
            Self::DcApiUnavailable(message) | Self::AccessDenied(message) => message,
        })
    }
}

impl std::error::Error for FacadeError {}

credential::error_codes! {
    FacadeError {
        Self::InvalidArgument(_) => "invalid_argument",
        Self::InvalidConfig(_) => "invalid_config",
        Self::ScannerUnavailable(_) => "scanner_unavailable",
        Self::PseudonymsUnavailable(_) => "pseudonyms_unavailable",
        Self::DcApiUnavailable(_) => "dc_api_unavailable",
        Self::DcApiError(_) => "dc_api_error",
        Self::AccessDenied(_) => "access_denied",
        Self::MalformedResponse(_) => "malformed_response",
    }
}

/// The `RequestError` codes that `createRequest` can return: `AuthorizationRequest::new`
/// checks the redirect URI's origin, the nonce, state and purpose, and the DCQL query. The
/// other request codes are the wallet's refusals of someone else's request.
const CREATE_REQUEST_CODES: [&str; 2] = ["malformed_request", "invalid_dcql_query"];

/// Every code a page can receive in `error.code`, sorted, each once.
#[must_use]
pub fn error_codes() -> Vec<&'static str> {
    let request = RequestError::codes();
    let mut codes = VerifyError::codes();
    codes.extend(ResponseError::codes());
    codes.extend(FacadeError::codes());
    // The on-demand module's codes (native only: the main module carries no BBS code).
    #[cfg(not(target_arch = "wasm32"))]
    codes.extend(credential::bbs::NymRejection::codes());
    codes.extend(
        CREATE_REQUEST_CODES
            .iter()
            .filter(|code| request.contains(code)),
    );
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// The TypeScript declaration of [`error_codes`] (`verifier-wasm/src/error_code.d.ts`, which
/// the package's typings include and a test keeps equal to this).
#[must_use]
pub fn error_code_typescript() -> String {
    let mut out = String::from(
        "/** Every code `VerificationResult.error.code` can hold (generated from the sources). */\nexport type ErrorCode =\n",
    );
    for code in error_codes() {
        out.push_str(&format!("  | \"{code}\"\n"));
    }
    out.push_str(";\n");
    out
}
