//! What the wallet keeps: batches of single-use credential copies, and the local history
//! of what was shared with whom. These are the records stored (encrypted) on the device
//! and written into backups.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Version of the record format, stored in every record.
pub const RECORD_VERSION: u32 = 1;

/// Which format a batch's credentials are in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialFormat {
    /// SD-JWT VC: single-use copies, each bound to a holder key in the key store.
    #[default]
    SdJwtVc,
    /// Pseudonymous (BBS): one credential presented any number of times, each
    /// presentation a fresh proof, bound to the wallet's holder secret
    /// ([`super::holder`]).
    Pseudonymous,
}

/// One issued credential, as a batch of copies that differ only in their randomness
/// (for a pseudonymous credential, one copy that is never used up).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    /// Record format version ([`RECORD_VERSION`]).
    pub v: u32,
    /// Local identifier.
    pub id: String,
    /// The credentials' format (records written before pseudonyms are SD-JWT VC).
    #[serde(default)]
    pub format: CredentialFormat,
    /// The issuer's credential configuration (e.g. `cachet_age`).
    pub configuration: String,
    /// The credential issuer (URL), as the offer named it.
    pub issuer: String,
    /// The credential type (`vct`).
    pub vct: String,
    /// The person's claims as they would be disclosed (registered claims left out).
    pub claims: Map<String, Value>,
    /// `iat` of the copies (Unix seconds).
    pub issued_at: Option<i64>,
    /// `exp` of the copies (Unix seconds).
    pub expires_at: Option<i64>,
    /// When the wallet received the batch (Unix seconds).
    pub received_at: i64,
    /// The copies; each is presented at most once.
    pub copies: Vec<StoredCopy>,
    /// Restored from a backup made on another device: the holder keys stayed there.
    #[serde(default)]
    pub restored: bool,
    /// The issuer's refresh token for a new batch (shared by the batches of one offer;
    /// each use replaces it). Never written into a backup.
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// The key the refresh token is bound to (DPoP, RFC 9449): a non-extractable key in
    /// this browser's key store, so a copied refresh token is useless elsewhere.
    #[serde(default)]
    pub dpop_key: Option<DpopKey>,
}

/// A DPoP key: its id in the wallet's key store and its public JWK (for the proofs'
/// header); the private key never leaves the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DpopKey {
    /// The key's id in the key store.
    pub id: String,
    /// Its public JWK.
    pub jwk: Value,
}

/// One copy of a credential and the holder key it is bound to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCopy {
    /// The issued SD-JWT (`<JWT>~<D1>~...~<DN>~`), or the issued JWP.
    pub credential: String,
    /// The holder key's identifier in the key store (empty for a pseudonymous
    /// credential: it is bound to the holder secret).
    pub key: String,
    /// Whether it was presented (a used copy is never presented again).
    pub used: bool,
}

impl Batch {
    /// How many copies can still be presented (a pseudonymous credential's one copy is
    /// never used up).
    #[must_use]
    pub fn unused(&self) -> usize {
        self.copies.iter().filter(|copy| !copy.used).count()
    }

    /// Whether it is pseudonymous.
    #[must_use]
    pub fn is_pseudonymous(&self) -> bool {
        self.format == CredentialFormat::Pseudonymous
    }

    /// Whether every copy is used: only then does the wallet offer a refresh before its
    /// schedule ([`super::schedule`]), saying that the issuer will see it.
    #[must_use]
    pub fn needs_refresh(&self) -> bool {
        self.unused() == 0
    }

    /// Whether the copies have expired at `now`.
    #[must_use]
    pub fn expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|exp| exp <= now)
    }
}

/// One presentation, as the person's own record (never leaves the device).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Record format version ([`RECORD_VERSION`]).
    pub v: u32,
    /// Local identifier.
    pub id: String,
    /// When (Unix seconds).
    pub at: i64,
    /// Who: the verifier's origin.
    pub verifier: String,
    /// Why, as the verifier said.
    pub purpose: Option<String>,
    /// The credential type that was used.
    pub vct: String,
    /// The claims shared (JSON Pointers such as `/age_over_18`).
    pub shared: Vec<String>,
    /// Whether the site was given its pseudonym (it recognises the person).
    #[serde(default)]
    pub pseudonym: bool,
}
