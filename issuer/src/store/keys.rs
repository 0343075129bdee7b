//! Issuer signing keys: one active key signs; retired keys lose their private part at
//! once and stay published (public part only) until the last credential or status list
//! token they signed has expired. A private key is stored sealed by the key-encryption
//! key, bound to its `kid`.

use credential::{PrivateJwk, PublicJwk};
use rand_core::CryptoRngCore;
use serde_json::Value;
use zeroize::Zeroizing;

use super::engine::{Db, params};
use super::{Store, StoreError};
use crate::sealing::Sealed;

impl Store {
    /// The active signing key, creating the first one if there is none (when nodes start
    /// together, one creates it and the others read it).
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn ensure_key(
        &self,
        now: i64,
        rng: &mut impl CryptoRngCore,
    ) -> Result<PrivateJwk, StoreError> {
        if let Some(key) = self.active_key()? {
            return Ok(key);
        }
        let key = PrivateJwk::generate(rng);
        let created = self.write(|db| self.insert_key(db, &key, now, rng));
        match created {
            Ok(()) => Ok(key),
            // Another node made the first key meanwhile (one active key at most).
            Err(error) => self.active_key()?.ok_or(error),
        }
    }

    fn insert_key(
        &self,
        db: &mut dyn Db,
        key: &PrivateJwk,
        now: i64,
        rng: &mut impl CryptoRngCore,
    ) -> Result<(), StoreError> {
        let private = Zeroizing::new(key.to_json().to_string());
        let sealed = self
            .sealer
            .seal(Sealed::SigningKey, key.kid(), private.as_bytes(), rng);
        db.execute(
            "INSERT INTO signing_keys (kid, public_jwk, sealed_private, created_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                key.kid(),
                key.public().to_json().to_string().as_str(),
                &sealed,
                now
            ],
        )?;
        Ok(())
    }

    /// The active signing key, if any.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] if the stored key does not parse.
    pub fn active_key(&self) -> Result<Option<PrivateJwk>, StoreError> {
        Ok(match self.active_signing_key()? {
            Some(StoredKey::Database(key)) => Some(key),
            Some(StoredKey::Token(_)) | None => None,
        })
    }

    /// The active signing key wherever it is held: opened from its seal, or the public
    /// half of a key in the PKCS#11 token.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] if the stored key does not parse.
    pub fn active_signing_key(&self) -> Result<Option<StoredKey>, StoreError> {
        let row = self.read(|db| {
            db.query_opt(
                "SELECT kid, sealed_private, held_by, public_jwk FROM signing_keys
                 WHERE retired_at IS NULL",
                &[],
            )
        })?;
        row.map(|row| {
            let kid = row.text(0)?;
            if row.text(2)? == HELD_BY_TOKEN {
                return public_key(&row.text(3)?).map(StoredKey::Token);
            }
            let sealed = row.opt_blob(1)?.ok_or(StoreError::Corrupt("signing key"))?;
            let json = self.sealer.open(Sealed::SigningKey, &kid, &sealed)?;
            serde_json::from_slice::<Value>(&json)
                .ok()
                .and_then(|value| PrivateJwk::from_json(&value).ok())
                .filter(|key| key.kid() == kid)
                .map(StoredKey::Database)
                .ok_or(StoreError::Corrupt("signing key"))
        })
        .transpose()
    }

    /// Records `public` (a key just made in the PKCS#11 token) as the first active key.
    ///
    /// # Errors
    /// [`StoreError`], also when another node made a first key meanwhile.
    pub fn add_first_token_key(&self, public: &PublicJwk, now: i64) -> Result<(), StoreError> {
        self.write(|db| insert_token_key(db, public, now))
    }

    /// The `kid` of the active signing key.
    ///
    /// # Errors
    /// [`StoreError`] from the engine.
    pub fn active_kid(&self) -> Result<Option<String>, StoreError> {
        self.read(active_kid)
    }

    /// Retires the active key (erasing its private part) and makes a new one active, and
    /// so for the BBS key if there is one. Returns the new ES256 `kid`. Every node signs
    /// with the new key from its next issuance on: the active `kid` is read in each
    /// issuance's transaction, never cached.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn rotate_key(&self, now: i64, rng: &mut impl CryptoRngCore) -> Result<String, StoreError> {
        let key = PrivateJwk::generate(rng);
        self.rotate_to(NewKey::Database(&key), now, rng)?;
        Ok(key.kid().to_owned())
    }

    /// [`Store::rotate_key`] to `public`, a key just made in the PKCS#11 token. Returns
    /// the `kid` of the retired key if the token held it too, for the caller to destroy.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn rotate_to_token_key(
        &self,
        public: &PublicJwk,
        now: i64,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Option<String>, StoreError> {
        self.rotate_to(NewKey::Token(public), now, rng)
    }

    fn rotate_to(
        &self,
        key: NewKey<'_>,
        now: i64,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Option<String>, StoreError> {
        let retired_token_key = self.write(|db| {
            let retired = db.query_opt(
                "UPDATE signing_keys SET retired_at = ?1, sealed_private = NULL
                 WHERE retired_at IS NULL RETURNING kid, held_by",
                params![now],
            )?;
            match key {
                NewKey::Database(key) => self.insert_key(db, key, now, rng)?,
                NewKey::Token(public) => insert_token_key(db, public, now)?,
            }
            self.rotate_bbs_key(db, now, rng)?;
            Self::bump_revision(db)?;
            Ok::<_, StoreError>(match retired {
                Some(row) if row.text(1)? == HELD_BY_TOKEN => Some(row.text(0)?),
                _ => None,
            })
        })?;
        // The retired key's bytes are zeroed in the database (secure_delete); its earlier
        // page images go with the log.
        self.checkpoint()?;
        Ok(retired_token_key)
    }

    /// Notes that `kid` signed something valid until `exp`, so it stays published.
    ///
    /// # Errors
    /// [`StoreError`] from the engine.
    pub fn record_signature(&self, kid: &str, exp: i64) -> Result<(), StoreError> {
        self.read(|db| {
            // Only ever raised; no write when it would not rise.
            db.execute(
                "UPDATE signing_keys SET last_exp = ?2 WHERE kid = ?1 AND last_exp < ?2",
                params![kid, exp],
            )?;
            Ok(())
        })
    }

    /// The keys to publish at `now`: the active one and every retired one that signed
    /// something not yet expired.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn published_keys(&self, now: i64) -> Result<Vec<PublicJwk>, StoreError> {
        let rows = self.read(|db| {
            db.query(
                "SELECT public_jwk FROM signing_keys
                 WHERE retired_at IS NULL OR last_exp > ?1
                 ORDER BY retired_at IS NULL DESC, created_at DESC, kid",
                params![now],
            )
        })?;
        rows.iter().map(|row| public_key(&row.text(0)?)).collect()
    }
}

/// The active signing key as stored.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum StoredKey {
    /// Sealed in the database, opened.
    Database(PrivateJwk),
    /// In the PKCS#11 token: its public half (with its `kid`) is all the row holds.
    Token(PublicJwk),
}

/// A key to make active.
enum NewKey<'a> {
    Database(&'a PrivateJwk),
    Token(&'a PublicJwk),
}

/// `held_by` of a key in the PKCS#11 token.
const HELD_BY_TOKEN: &str = "pkcs11";

fn public_key(json: &str) -> Result<PublicJwk, StoreError> {
    serde_json::from_str::<Value>(json)
        .ok()
        .and_then(|value| PublicJwk::from_json(&value).ok())
        .ok_or(StoreError::Corrupt("public key"))
}

fn insert_token_key(db: &mut dyn Db, public: &PublicJwk, now: i64) -> Result<(), StoreError> {
    let kid = public
        .kid()
        .ok_or(StoreError::Corrupt("a token key without kid"))?;
    db.execute(
        "INSERT INTO signing_keys (kid, public_jwk, created_at, held_by) VALUES (?1, ?2, ?3, ?4)",
        params![
            kid,
            public.to_json().to_string().as_str(),
            now,
            HELD_BY_TOKEN
        ],
    )?;
    Ok(())
}

/// The `kid` of the active signing key, read on `db`.
fn active_kid(db: &mut dyn Db) -> Result<Option<String>, StoreError> {
    db.query_opt("SELECT kid FROM signing_keys WHERE retired_at IS NULL", &[])?
        .map(|row| row.text(0))
        .transpose()
}

/// Notes that the active key signs something valid until `exp`; returns its `kid`. The
/// row is written (and locked until the caller's commit) only when `exp` is later than
/// what the key signed so far, once per validity period: concurrent issuances, on one node
/// or many, do not queue on it.
pub(super) fn sign_with_active_key(db: &mut dyn Db, exp: i64) -> Result<String, StoreError> {
    let raised = db.query_opt(
        "UPDATE signing_keys SET last_exp = ?1
         WHERE retired_at IS NULL AND last_exp < ?1 RETURNING kid",
        params![exp],
    )?;
    match raised {
        Some(row) => row.text(0),
        None => active_kid(db)?.ok_or(StoreError::Corrupt("no active signing key")),
    }
}
