//! OpenID for Verifiable Credential Issuance 1.0, the parts Cachet uses: the
//! pre-authorized code flow's credential offer, and `jwt` key proofs (one per holder key
//! of a batch).
//!
//! Business rules shared by the issuer (which builds offers and verifies proofs) and the
//! wallet (which parses offers and builds proofs), so they live here rather than in either.

mod dpop;
mod error;
mod oauth;
mod offer;
mod proof;

pub use dpop::{DpopParams, DpopPolicy, DpopProof, TYP_DPOP, dpop_signing_input, verify_dpop};
pub use error::{OfferError, ProofError};
pub use oauth::OAuthError;
pub use offer::{CredentialOffer, MAX_OFFER_BYTES, OFFER_SCHEME, PRE_AUTHORIZED_GRANT};
pub use proof::{KeyProof, KeyProofParams, ProofPolicy, TYP_KEY_PROOF};

#[cfg(test)]
mod tests;
