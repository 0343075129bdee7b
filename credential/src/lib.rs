//! Cachet's credential core: SD-JWT VC (RFC 9901) issuing, presenting and verifying.
//!
//! Pure Rust with no I/O, so the same code runs in the issuer, the CLI, the wallet and the
//! in-page verifier (native and `wasm32-unknown-unknown`). The clock and randomness are
//! always passed in by the caller.
//!
//! The pipeline, one stage per module:
//!
//! ```text
//! issue:   claims + Disclosable policy ──[issue]──▶ <JWT>~<D1>~...~<DN>~
//! present: Credential::parse ─▶ select(paths) ─▶ UnsignedPresentation ─▶ finish(r||s)
//! verify:  serialization ─▶ jws (ES256 pinned) ─▶ reveal ─▶ validity ─▶ key binding
//!          ─▶ status ─▶ Verified (constructible only by `verify`)
//! ```

pub mod age;
pub mod base64url;
pub mod crypto;
pub mod decoded;
pub mod disclosure;
pub mod error;
pub mod error_code;
pub mod issue;
pub mod jwk;
pub mod jws;
pub(crate) mod jwt;
pub mod limits;
pub mod openid4vci;
pub mod openid4vp;
pub mod pointer;
pub mod policy;
pub mod present;
#[cfg(feature = "qr")]
pub mod qr;
pub mod reveal;
pub mod serialization;
pub mod status_list;
pub mod strict_json;
pub mod time;
pub mod verify;

pub use error::{Token, VerifyError};
pub use error_code::ErrorCode;
pub use issue::{Copy, Disclosable, IssueError, IssueParams, issue, issue_batch};
pub use jwk::{JwkError, Jwks, PrivateJwk, PublicJwk};
pub use pointer::JsonPointer;
pub use policy::{KeyBinding, Profile, TrustedIssuer, VerifyPolicy};
pub use present::{Credential, KeyBindingParams, PresentError, Selection, UnsignedPresentation};
pub use status_list::{
    MAX_STATUS_LISTS, Status, StatusList, StatusListTokenParams, StatusLists, StatusReference,
    VerifiedStatusList, sign_status_list, verify_status_list,
};
pub use verify::{StatusCheck, Verified, verify, verify_with};

// The core's unit tests that also run in headless Chromium (the attack corpus) need the
// browser runner.
#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
