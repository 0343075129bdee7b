//! Holder keys in the browser: one ECDSA P-256 `CryptoKey` per copy, made by WebCrypto
//! as non-extractable and kept in IndexedDB, so no script (not even the wallet's own)
//! can read the private key; it can only ask the browser to sign.

use credential::PublicJwk;
use wasm_bindgen::JsCast;
use web_sys::CryptoKey;

use super::idb_store::{IdbStore, KEYS};
use super::subtle;
use crate::logic::store::{HolderKeys, KeyError};

fn failed(err: impl core::fmt::Display) -> KeyError {
    KeyError::Failed(err.to_string())
}

/// The key store.
#[derive(Clone)]
pub struct WebCryptoKeys {
    store: IdbStore,
}

impl WebCryptoKeys {
    /// Keys kept in `store`'s `keys` object store.
    #[must_use]
    pub fn new(store: IdbStore) -> Self {
        Self { store }
    }

    /// Deletes every holder key.
    ///
    /// # Errors
    /// [`KeyError::Failed`].
    pub async fn clear(&self) -> Result<(), KeyError> {
        self.store.clear_raw(KEYS).await.map_err(failed)
    }
}

impl HolderKeys for WebCryptoKeys {
    async fn generate(&self) -> Result<(String, PublicJwk), KeyError> {
        let (pair, raw) = subtle::generate_signing_key().await.map_err(failed)?;
        let sec1: [u8; 65] = raw
            .try_into()
            .map_err(|_| KeyError::Failed("unexpected public key length".into()))?;
        let public = PublicJwk::from_sec1(&sec1)
            .ok_or_else(|| KeyError::Failed("the browser made an invalid key".into()))?;
        let id = public.thumbprint();
        self.store
            .set_raw(KEYS, &[(id.clone(), Some(pair.get_private_key().into()))])
            .await
            .map_err(failed)?;
        Ok((id, public))
    }

    async fn sign(&self, key: &str, message: &[u8]) -> Result<[u8; 64], KeyError> {
        let key: CryptoKey = self
            .store
            .get_raw(KEYS, key)
            .await
            .map_err(failed)?
            .ok_or(KeyError::Missing)?
            .dyn_into()
            .map_err(|_| KeyError::Failed("not a CryptoKey".into()))?;
        subtle::sign(&key, message).await.map_err(failed)
    }

    async fn delete(&self, keys: &[String]) -> Result<(), KeyError> {
        let deletions: Vec<(String, Option<wasm_bindgen::JsValue>)> =
            keys.iter().map(|id| (id.clone(), None)).collect();
        self.store.set_raw(KEYS, &deletions).await.map_err(failed)
    }
}
