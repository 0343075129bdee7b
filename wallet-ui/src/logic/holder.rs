//! The holder secret behind the person's pseudonyms, as the wallet keeps it.
//!
//! One 32-byte seed per wallet ([`credential::bbs::HolderSecret`]), made when the first
//! pseudonymous credential is received, kept sealed like every record, and never written
//! into a backup: it is shown once as a recovery code ([`super::recovery`]) instead, so
//! that a lost device's pseudonyms come back only with what the person wrote down. With
//! the code typed on another device, the issuer recognises the same commitment and the
//! person keeps their accounts.
//!
//! Unlike the SD-JWT holder keys (non-extractable WebCrypto keys), this secret is
//! software: BBS proofs need the scalar itself, which WebCrypto cannot hold.

use credential::bbs::HolderSecret;
use credential::bbs::holder::SEED_LEN;
use serde::{Deserialize, Serialize};

use super::model::RECORD_VERSION;

/// The record's id in [`super::store::Table::Holder`].
pub const HOLDER_RECORD: &str = "holder";

/// The sealed record of the holder secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolderRecord {
    /// Record format version ([`RECORD_VERSION`]).
    pub v: u32,
    /// The seed, base64url.
    seed: String,
    /// Whether the person confirmed writing the recovery code down (it is not shown
    /// again after that).
    pub code_written: bool,
}

impl core::fmt::Debug for HolderRecord {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HolderRecord")
            .field("code_written", &self.code_written)
            .finish_non_exhaustive()
    }
}

impl HolderRecord {
    /// The record of `seed`.
    #[must_use]
    pub fn new(seed: &[u8; SEED_LEN], code_written: bool) -> Self {
        Self {
            v: RECORD_VERSION,
            seed: credential::base64url::encode(seed),
            code_written,
        }
    }

    /// The seed, if the record holds one of the right length.
    #[must_use]
    pub fn seed(&self) -> Option<[u8; SEED_LEN]> {
        credential::base64url::decode(&self.seed)
            .ok()
            .and_then(|bytes| <[u8; SEED_LEN]>::try_from(bytes).ok())
    }

    /// The holder secret.
    #[must_use]
    pub fn secret(&self) -> Option<HolderSecret> {
        self.seed().map(HolderSecret::from_seed)
    }
}
