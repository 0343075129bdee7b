//! Cachet's pseudonymous format: one credential, any number of unlinkable presentations,
//! and for each site that asks, a pseudonym that is the same on every visit and
//! unrelated to the one any other site sees.
//!
//! BBS signatures (draft-irtf-cfrg-bbs-signatures, BLS12-381-SHA-256) signed blind over
//! the holder's nym secret (draft-irtf-cfrg-bbs-blind-signatures and
//! draft-irtf-cfrg-bbs-per-verifier-linkability), carried as JSON Web Proofs (compact
//! serialization, claims as in JPT, the type model of SD-JWT VC). The `alg` is a private
//! identifier, [`ALG`]: none is registered yet for blind issuance with pseudonyms.
//!
//! ```text
//! holder:  HolderSecret ─commit─▶ NymCommitment ──────────────┐
//! issuer:                    issue(key, header, claims, commitment, entropy) ─▶ issued JWP
//! holder:  NymCredential::accept ─▶ select ─▶ present(aud, nonce, site?) ─▶ presented JWP
//! site:    verify_nym(presented, NymPolicy) ─▶ VerifiedNym { claims, pseudonym }
//! ```
//!
//! - **Messages.** A type fixes its payload slots in the issuer header (`claims`), the
//!   first the end of a coarse epoch (`exp`, disclosed every time, shared by everyone
//!   issued in the epoch); a claim a person lacks is the fixed payload `null`. So nothing
//!   a site sees but the disclosed values depends on the person: not the header, not the
//!   number or order of slots, not the proof's length.
//! - **Pseudonyms.** The nym secret is the holder's secret plus the issuer's per-person
//!   entropy; the issuer never learns it, so it cannot compute anyone's pseudonyms. The
//!   context is the site's origin, as the wallet's URL parser and the site itself see it
//!   (one rule, in the `context` module, for both sides).
//! - **Strictness.** zkryptium does the cryptography behind [`wire`], which checks every
//!   length, point and scalar first; randomness inside proof generation is zkryptium's
//!   own (the operating system's generator through `rand`), the rest is passed in.

mod context;
pub mod error;
pub mod format;
pub mod held;
pub mod holder;
pub mod issue;
pub mod jwp;
pub mod keys;
pub mod relying_party;
mod suite;
pub mod types;
pub mod verify;
pub mod wire;

pub use error::BbsError;
pub use format::NymJwp;
pub use held::{NymCredential, NymSelection};
pub use holder::{HolderSecret, NymCommitment};
pub use issue::{NymEntropy, issue};
pub use jwp::{Form, IssuerHeader, PresentationHeader, form_of};
pub use keys::{BbsKeyPair, BbsPublicKey};
pub use relying_party::{NymRejection, policy_of, verify_expected};
pub use suite::{ALG, TYP};
pub use types::{DEFAULT_EPOCH_SECONDS, PSEUDONYMOUS_IDENTITY, expiry_for};
pub use verify::{NymIssuer, NymPolicy, VerifiedNym, verify_nym};

/// The format's identifier in DCQL queries and issuer metadata. Private, like [`ALG`]:
/// OpenID4VP defines no format for JWP credentials yet.
pub const FORMAT_ID: &str = crate::names::FORMAT_NYM_JWP;

#[cfg(test)]
mod tests;
