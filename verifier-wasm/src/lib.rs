//! The verifier that websites embed: a thin wasm-bindgen facade over [`credential`].
//!
//! It holds no logic of its own and makes no network request: everything a site needs to
//! check a presentation runs in the visitor's page. No method throws on bad input: every
//! failure comes back as `{ valid: false, error: { code, message } }` with the core's
//! stable codes.

mod answered;
mod browser_request;
mod error;
mod js;
mod nym;
mod options;
mod qr;
mod request;
mod result;
mod verifier;
mod webcrypto;

pub use error::{FacadeError, error_code_typescript, error_codes};
pub use nym::init_pseudonyms;
pub use options::{RequestOptions, TrustedIssuerOptions, VerifierOptions, VerifyOptions};
pub use qr::init_scanner;
pub use request::PresentationRequest;
pub use result::{ErrorInfo, VerificationResult};
pub use verifier::Verifier;

/// The TypeScript union of every `error.code` ([`error_codes`]).
#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const ERROR_CODE_TS: &str = include_str!("error_code.d.ts");
