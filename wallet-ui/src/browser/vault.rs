//! Which key seals the records. Without a passphrase: a non-extractable AES-GCM device
//! key kept in IndexedDB. With one: a random 256-bit key, wrapped (AES-GCM) under a key
//! PBKDF2-SHA-256 derives from the passphrase; the wallet opens only once it is typed.
//!
//! Switching is atomic with re-sealing every record (see `Wallet::reseal`): the new
//! device key is stored first under its own name (inert while a lock exists), and the
//! `lock` entry is written or removed in the same commit as the re-sealed records.

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use web_sys::CryptoKey;

use super::cipher::AesGcm;
use super::idb_store::{IdbStore, META};
use super::subtle;
use crate::logic::backup::ITERATIONS;
use crate::logic::store::{StoreError, Write};

/// Metadata entry of the device key (a `CryptoKey`).
pub const DEVICE_KEY: &str = "device-key";
/// Metadata entry of the passphrase lock (JSON bytes of [`Lock`]).
pub const LOCK: &str = "lock";

/// Why the vault did not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    /// The passphrase does not open the wallet.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// Storage or WebCrypto failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

credential::error_codes! {
    VaultError {
        Self::WrongPassphrase => "wrong_passphrase",
    }
    delegate {
        Store => StoreError,
    }
}

/// The passphrase lock as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Lock {
    salt: Vec<u8>,
    iterations: u32,
    wrapped: Vec<u8>,
}

fn crypto(err: subtle::CryptoError) -> StoreError {
    StoreError::Crypto(err.0)
}

/// What opening found.
pub enum Opened {
    /// The records' cipher.
    Open(AesGcm),
    /// A passphrase is set: ask for it.
    Locked,
}

/// Opens the vault without a passphrase, making the device key on first use.
///
/// # Errors
/// [`StoreError`] if storage or WebCrypto fails.
pub async fn open(store: &IdbStore) -> Result<Opened, StoreError> {
    if store.get_raw(META, LOCK).await?.is_some() {
        return Ok(Opened::Locked);
    }
    if let Some(key) = store.get_raw(META, DEVICE_KEY).await? {
        let key: CryptoKey = key.dyn_into().map_err(|_| StoreError::Unreadable)?;
        return Ok(Opened::Open(AesGcm::new(key)));
    }
    let key = new_device_key(store).await?;
    Ok(Opened::Open(key))
}

/// Makes and stores a new device key (inert while a lock exists).
///
/// # Errors
/// [`StoreError`].
pub async fn new_device_key(store: &IdbStore) -> Result<AesGcm, StoreError> {
    let key = subtle::generate_aes_key().await.map_err(crypto)?;
    store
        .set_raw(META, &[(DEVICE_KEY.to_owned(), Some(key.clone().into()))])
        .await?;
    Ok(AesGcm::new(key))
}

/// Opens a locked vault with `passphrase`.
///
/// # Errors
/// [`VaultError::WrongPassphrase`], or [`VaultError::Store`].
pub async fn unlock(store: &IdbStore, passphrase: &str) -> Result<AesGcm, VaultError> {
    let stored = store
        .get_raw(META, LOCK)
        .await?
        .ok_or(StoreError::Unreadable)?;
    let lock: Lock = serde_json::from_slice(&js_sys::Uint8Array::new(&stored).to_vec())
        .map_err(|_| StoreError::Unreadable)?;
    let wrapping = subtle::passphrase_key(passphrase, &lock.salt, lock.iterations)
        .await
        .map_err(crypto)?;
    let raw = subtle::open(&wrapping, &lock.wrapped)
        .await
        .map_err(|_| VaultError::WrongPassphrase)?;
    let key = subtle::import_aes_key(&raw).await.map_err(crypto)?;
    Ok(AesGcm::new(key))
}

/// A new records key locked by `passphrase`, with the metadata writes that install it
/// (to be committed together with the re-sealed records).
///
/// # Errors
/// [`StoreError`] if WebCrypto fails.
pub async fn lock_with(passphrase: &str) -> Result<(AesGcm, Vec<Write>), StoreError> {
    let raw = subtle::random_bytes(32).map_err(crypto)?;
    let salt = subtle::random_bytes(16).map_err(crypto)?;
    let wrapping = subtle::passphrase_key(passphrase, &salt, ITERATIONS)
        .await
        .map_err(crypto)?;
    let wrapped = subtle::seal(&wrapping, &raw).await.map_err(crypto)?;
    let key = subtle::import_aes_key(&raw).await.map_err(crypto)?;
    let lock = Lock {
        salt,
        iterations: ITERATIONS,
        wrapped,
    };
    let lock = serde_json::to_vec(&lock).map_err(|_| StoreError::Unreadable)?;
    Ok((
        AesGcm::new(key),
        vec![
            Write::PutMeta(LOCK.to_owned(), lock),
            Write::DeleteMeta(DEVICE_KEY.to_owned()),
        ],
    ))
}

/// The metadata write that removes the lock (after [`new_device_key`]).
#[must_use]
pub fn unlock_writes() -> Vec<Write> {
    vec![Write::DeleteMeta(LOCK.to_owned())]
}
