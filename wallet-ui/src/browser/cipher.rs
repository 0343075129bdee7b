//! Records sealed with AES-GCM (256-bit key, fresh 96-bit nonce per record) by WebCrypto.

use web_sys::CryptoKey;

use super::subtle;
use crate::logic::store::{Cipher, StoreError};

/// A [`Cipher`] over a non-extractable AES-GCM `CryptoKey`.
#[derive(Clone)]
pub struct AesGcm {
    key: CryptoKey,
}

impl AesGcm {
    /// Seals with `key`.
    #[must_use]
    pub fn new(key: CryptoKey) -> Self {
        Self { key }
    }

    /// The key (stored as the device key when no passphrase is set).
    #[must_use]
    pub fn key(&self) -> &CryptoKey {
        &self.key
    }
}

impl Cipher for AesGcm {
    async fn seal(&self, plain: &[u8]) -> Result<Vec<u8>, StoreError> {
        subtle::seal(&self.key, plain)
            .await
            .map_err(|err| StoreError::Crypto(err.to_string()))
    }

    async fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        subtle::open(&self.key, sealed)
            .await
            .map_err(|_| StoreError::Unreadable)
    }
}
