//! Where the issuer's ES256 key signs: in the process, opened from its seal in the
//! database (the embedded default), or in a PKCS#11 token that never lets it out. Every
//! node and admin command of one issuer uses the same holder; the database records which
//! holds each key, and a mismatch is a clear error rather than a silent new key.

use std::sync::Arc;

use credential::crypto::{ES256_SIGNATURE_LEN, Es256Signer, SignError};
use credential::{PrivateJwk, PublicJwk};
use rand_core::CryptoRngCore;

use crate::pkcs11::{Pkcs11Error, Token, TokenKey};
use crate::store::{Store, StoreError, StoredKey};

/// Where new signing keys are made and the active one signs.
#[derive(Debug, Clone)]
pub enum KeyHolder {
    /// Sealed in the database by the key-encryption key.
    Database,
    /// In this PKCS#11 token.
    Pkcs11(Arc<Token>),
}

/// The active signing key, ready to sign.
#[derive(Debug, Clone)]
pub enum IssuerKey {
    /// Opened from the database.
    Database(PrivateJwk),
    /// In the token.
    Token(TokenKey),
}

impl IssuerKey {
    /// The public half, with its `kid`.
    #[must_use]
    pub fn public(&self) -> PublicJwk {
        match self {
            Self::Database(key) => key.public(),
            Self::Token(key) => key.public().clone(),
        }
    }
}

impl Es256Signer for IssuerKey {
    fn kid(&self) -> &str {
        match self {
            Self::Database(key) => key.kid(),
            Self::Token(key) => key.kid(),
        }
    }

    fn sign_es256(&self, message: &[u8]) -> Result<[u8; ES256_SIGNATURE_LEN], SignError> {
        match self {
            Self::Database(key) => key.sign_es256(message),
            Self::Token(key) => key.sign_es256(message),
        }
    }
}

/// Why the signing key could not be had.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The token failed, or holds no key the database names.
    #[error(transparent)]
    Pkcs11(#[from] Pkcs11Error),
    /// The active key is in a PKCS#11 token, and no token was given.
    #[error(
        "the active signing key {0} is in a PKCS#11 token: pass --pkcs11-module, --pkcs11-token \
         and --pkcs11-pin-file"
    )]
    InToken(String),
    /// A token was given, but the active key is sealed in the database.
    #[error(
        "the active signing key {0} is in the database, not the token: run `cachet-issuer \
         rotate-key` with the --pkcs11-* options to make a new key in the token"
    )]
    InDatabase(String),
}

impl KeyHolder {
    /// The active key, as this holder signs with it.
    ///
    /// # Errors
    /// [`KeyError`], also when the key is held elsewhere than here.
    pub fn active(&self, store: &Store) -> Result<Option<IssuerKey>, KeyError> {
        let Some(stored) = store.active_signing_key()? else {
            return Ok(None);
        };
        match (self, stored) {
            (Self::Database, StoredKey::Database(key)) => Ok(Some(IssuerKey::Database(key))),
            (Self::Pkcs11(token), StoredKey::Token(public)) => {
                Ok(Some(IssuerKey::Token(token.key(&public)?)))
            }
            (Self::Database, StoredKey::Token(public)) => Err(KeyError::InToken(kid_of(&public))),
            (Self::Pkcs11(_), StoredKey::Database(key)) => {
                Err(KeyError::InDatabase(key.kid().to_owned()))
            }
        }
    }

    /// The active key, making the first one (here) if there is none.
    ///
    /// # Errors
    /// As [`KeyHolder::active`].
    pub fn ensure(
        &self,
        store: &Store,
        now: i64,
        rng: &mut impl CryptoRngCore,
    ) -> Result<IssuerKey, KeyError> {
        if let Some(key) = self.active(store)? {
            return Ok(key);
        }
        match self {
            // Another node may make the first key meanwhile: `ensure_key` then reads it.
            Self::Database => Ok(IssuerKey::Database(store.ensure_key(now, rng)?)),
            Self::Pkcs11(token) => {
                let key = token.generate_key()?;
                if store.add_first_token_key(key.public(), now).is_err() {
                    // Another node made the first key meanwhile: use that one.
                    token.destroy_key(key.kid())?;
                    return self
                        .active(store)?
                        .ok_or_else(|| StoreError::Corrupt("no active signing key").into());
                }
                Ok(IssuerKey::Token(key))
            }
        }
    }

    /// Retires the active key and makes a new one active (here), and a new BBS key;
    /// returns the new `kid`. A retired key in the token is destroyed there.
    ///
    /// # Errors
    /// [`KeyError`].
    pub fn rotate(
        &self,
        store: &Store,
        now: i64,
        rng: &mut impl CryptoRngCore,
    ) -> Result<String, KeyError> {
        match self {
            Self::Database => {
                if let Some(StoredKey::Token(public)) = store.active_signing_key()? {
                    return Err(KeyError::InToken(kid_of(&public)));
                }
                Ok(store.rotate_key(now, rng)?)
            }
            Self::Pkcs11(token) => {
                let key = token.generate_key()?;
                if let Some(retired) = store.rotate_to_token_key(key.public(), now, rng)? {
                    token.destroy_key(&retired)?;
                }
                Ok(key.kid().to_owned())
            }
        }
    }
}

fn kid_of(public: &PublicJwk) -> String {
    public
        .kid()
        .map_or_else(|| public.thumbprint(), str::to_owned)
}
