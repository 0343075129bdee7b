//! The interfaces the wallet's logic runs against, so that it is tested natively with
//! in-memory versions and runs in the browser on IndexedDB and WebCrypto:
//! [`Store`] (sealed records), [`Cipher`] (encryption at rest) and [`HolderKeys`]
//! (one signing key per copy, which never leaves the key store).

use std::cell::RefCell;
use std::collections::BTreeMap;

use credential::PublicJwk;

/// The record tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// Credential batches.
    Batches,
    /// The history of presentations.
    History,
    /// The holder secret behind the person's pseudonyms (one record).
    Holder,
}

impl Table {
    /// The IndexedDB object store name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Batches => "batches",
            Self::History => "history",
            Self::Holder => "holder",
        }
    }
}

/// One change in an atomic [`Store::commit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// Insert or replace a sealed record.
    Put(Table, String, Vec<u8>),
    /// Remove a record.
    Delete(Table, String),
    /// Remove every record of a table.
    Clear(Table),
    /// Set a vault metadata entry (e.g. the passphrase-wrapped key).
    PutMeta(String, Vec<u8>),
    /// Remove a vault metadata entry.
    DeleteMeta(String),
}

/// Why the device storage failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The storage cannot be used (IndexedDB missing, blocked or failing).
    #[error("the device storage is unavailable: {0}")]
    Unavailable(String),
    /// A record could not be decrypted (wrong key) or read.
    #[error("a stored record cannot be read")]
    Unreadable,
    /// Encryption failed.
    #[error("encryption failed: {0}")]
    Crypto(String),
}

credential::error_codes! {
    StoreError {
        Self::Unavailable(_) => "storage_unavailable",
        Self::Unreadable => "record_unreadable",
        Self::Crypto(_) => "encryption_failed",
    }
}

/// Why a holder key operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// No key with that identifier on this device.
    #[error("the holder key is not on this device")]
    Missing,
    /// The key store or the signer failed.
    #[error("the holder key failed: {0}")]
    Failed(String),
}

/// Sealed records by table and id. Every [`Store::commit`] is all-or-nothing.
#[allow(async_fn_in_trait)]
pub trait Store {
    /// All records of a table.
    async fn all(&self, table: Table) -> Result<Vec<Vec<u8>>, StoreError>;
    /// Applies the writes atomically.
    async fn commit(&self, writes: Vec<Write>) -> Result<(), StoreError>;
}

/// Authenticated encryption of records at rest.
#[allow(async_fn_in_trait)]
pub trait Cipher {
    /// Encrypts.
    async fn seal(&self, plain: &[u8]) -> Result<Vec<u8>, StoreError>;
    /// Decrypts, refusing anything altered or sealed under another key.
    async fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, StoreError>;
}

/// Holder keys: ES256 signing keys that never leave the key store.
#[allow(async_fn_in_trait)]
pub trait HolderKeys {
    /// Makes a new key; returns its identifier and public key.
    async fn generate(&self) -> Result<(String, PublicJwk), KeyError>;
    /// Signs `message` (ES256, `r || s`).
    async fn sign(&self, key: &str, message: &[u8]) -> Result<[u8; 64], KeyError>;
    /// Deletes keys (unknown identifiers are ignored).
    async fn delete(&self, keys: &[String]) -> Result<(), KeyError>;
}

/// An in-memory [`Store`] for tests and for trying the wallet without storage.
#[derive(Debug, Default)]
pub struct MemoryStore {
    records: RefCell<BTreeMap<(Table, String), Vec<u8>>>,
    meta: RefCell<BTreeMap<String, Vec<u8>>>,
}

impl MemoryStore {
    /// A vault metadata entry.
    #[must_use]
    pub fn meta(&self, id: &str) -> Option<Vec<u8>> {
        self.meta.borrow().get(id).cloned()
    }
}

impl Store for MemoryStore {
    async fn all(&self, table: Table) -> Result<Vec<Vec<u8>>, StoreError> {
        Ok(self
            .records
            .borrow()
            .iter()
            .filter(|((t, _), _)| *t == table)
            .map(|(_, sealed)| sealed.clone())
            .collect())
    }

    async fn commit(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        let mut records = self.records.borrow_mut();
        for write in writes {
            match write {
                Write::Put(table, id, sealed) => {
                    records.insert((table, id), sealed);
                }
                Write::Delete(table, id) => {
                    records.remove(&(table, id));
                }
                Write::Clear(table) => records.retain(|(t, _), _| *t != table),
                Write::PutMeta(id, value) => {
                    self.meta.borrow_mut().insert(id, value);
                }
                Write::DeleteMeta(id) => {
                    self.meta.borrow_mut().remove(&id);
                }
            }
        }
        Ok(())
    }
}
