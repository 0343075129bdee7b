//! Cachet's credential core: SD-JWT VC (RFC 9901) issuing, presenting and verifying, the
//! Token Status List, and the OpenID4VP / OpenID4VCI rules.
//!
//! Pure Rust with no I/O, so the same code runs in the issuer, the CLI, the wallet and the
//! in-page verifier (native and `wasm32-unknown-unknown`). The clock ([`time::UnixTime`])
//! and randomness (`CryptoRngCore`) are always passed in by the caller.
//!
//! # Reading an SD-JWT: three typed stages
//!
//! ```text
//! text ─[Decoded::parse]─▶ Decoded ─[reveal]─▶ Revealed ─[verify]─▶ Verified
//! ```
//!
//! - [`decoded::Decoded`]: the serialization split once ([`serialization`]: compact, or
//!   the flattened and general JWS JSON serializations) and every part decoded, nothing
//!   checked but form. Every reader starts here: [`verify()`], [`Credential::parse`], the
//!   compact QR form ([`openid4vp::compact`]), the CLI.
//! - [`reveal::Revealed`]: the claims as the presented Disclosures reveal them (RFC 9901
//!   §7.1), by one walk that, for the holder, also records where each Disclosure landed.
//! - [`Verified`]: only [`verify()`] builds one, after the issuer's signature (`jwt.rs` pins
//!   ES256, `typ`, no `crit`), the SD-JWT VC rules, validity ([`time::Window`]), the holder
//!   key, the Key Binding JWT and the status list. It exposes what callers need (`claims`,
//!   `issuer`, `vct`, `issued_at`, `expires_at`, `holder_key`, `status_reference`).
//!
//! Issuing is [`issue()`] / [`issue_batch`]; presenting is [`Credential::select`] →
//! [`Credential::present_with_key_binding`] → [`UnsignedPresentation::finish`] (signed
//! elsewhere, e.g. by a non-extractable WebCrypto key).
//!
//! # Where a format plugs in
//!
//! [`mod@format`] holds the seam: a format implements [`format::Format`] (identifier, reading,
//! verifying), its held credentials [`format::Held`] (claims for display, what a query
//! selects, what a selection reveals) and its verified presentations
//! [`format::VerifiedClaims`]. DCQL matching and the relying party's verdict are written
//! against these; [`format::SdJwtVc`] is the first format.
//!
//! # Sessions and errors
//!
//! A relying party's OpenID4VP session is [`openid4vp::RelyingParty`]; the wallet's side of
//! DCQL is [`openid4vp::matching`]; OpenID4VCI offers, key proofs and DPoP are
//! [`openid4vci`]. Every error implements [`ErrorCode`] (a stable snake-case `code()` and
//! the list of all `codes()`).

pub mod age;
pub mod base64url;
#[cfg(feature = "bbs")]
pub mod bbs;
pub mod crypto;
pub mod decoded;
pub mod deferred;
pub mod disclosure;
pub mod error;
pub mod error_code;
pub mod format;
pub mod issue;
pub mod jwk;
pub mod jws;
pub(crate) mod jwt;
pub mod limits;
pub mod names;
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
pub mod trusted_issuer;
pub mod verify;

pub use error::{Token, VerifyError};
pub use error_code::ErrorCode;
pub use issue::{CopyParams, Disclosable, IssueError, IssueParams, issue, issue_batch};
pub use jwk::{JwkError, Jwks, PrivateJwk, PublicJwk};
pub use pointer::JsonPointer;
pub use policy::{KeyBinding, Profile, TrustedIssuer, VerifyPolicy};
pub use present::{Credential, KeyBindingParams, PresentError, Selection, UnsignedPresentation};
pub use status_list::{
    MAX_STATUS_LISTS, Status, StatusList, StatusListTokenParams, StatusLists, StatusReference,
    VerifiedStatusList, sign_status_list, sign_status_list_with, verify_status_list,
};
pub use verify::{StatusCheck, Verified, verify, verify_with};

// The core's unit tests that also run in headless Chromium (the attack corpus) need the
// browser runner.
#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
