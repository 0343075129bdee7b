//! Issuer signing keys: one active key signs; retired keys lose their private part at
//! once and stay published (public part only) until the last credential or status list
//! token they signed has expired. A private key is stored sealed by the key-encryption
//! key, bound to its `kid`.

use credential::{PrivateJwk, PublicJwk};
use rand_core::CryptoRngCore;
use rusqlite::{OptionalExtension, params};
use serde_json::Value;
use zeroize::Zeroizing;

use super::{Store, StoreError};
use crate::sealing::Sealed;

impl Store {
    /// The active signing key, creating the first one if there is none.
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
        self.insert_key(&key, now, rng)?;
        Ok(key)
    }

    fn insert_key(
        &self,
        key: &PrivateJwk,
        now: i64,
        rng: &mut impl CryptoRngCore,
    ) -> Result<(), StoreError> {
        let private = Zeroizing::new(key.to_json().to_string());
        let sealed = self
            .sealer
            .seal(Sealed::SigningKey, key.kid(), private.as_bytes(), rng);
        self.conn.execute(
            "INSERT INTO signing_keys (kid, public_jwk, sealed_private, created_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![key.kid(), key.public().to_json().to_string(), sealed, now],
        )?;
        Ok(())
    }

    /// The active signing key, if any.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] if the stored key does not parse.
    pub fn active_key(&self) -> Result<Option<PrivateJwk>, StoreError> {
        let row: Option<(String, Option<Vec<u8>>)> = self
            .conn
            .query_row(
                "SELECT kid, sealed_private FROM signing_keys WHERE retired_at IS NULL",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        row.map(|(kid, sealed)| {
            let sealed = sealed.ok_or(StoreError::Corrupt("signing key"))?;
            let json = self.sealer.open(Sealed::SigningKey, &kid, &sealed)?;
            serde_json::from_slice::<Value>(&json)
                .ok()
                .and_then(|value| PrivateJwk::from_json(&value).ok())
                .filter(|key| key.kid() == kid)
                .ok_or(StoreError::Corrupt("signing key"))
        })
        .transpose()
    }

    /// The `kid` of the active signing key.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn active_kid(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT kid FROM signing_keys WHERE retired_at IS NULL",
                [],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Retires the active key (erasing its private part) and makes a new one active, and
    /// so for the BBS key if there is one. Returns the new ES256 `kid`.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn rotate_key(&self, now: i64, rng: &mut impl CryptoRngCore) -> Result<String, StoreError> {
        let key = PrivateJwk::generate(rng);
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "UPDATE signing_keys SET retired_at = ?1, sealed_private = NULL
             WHERE retired_at IS NULL",
            [now],
        )?;
        self.insert_key(&key, now, rng)?;
        self.rotate_bbs_key(now, rng)?;
        Self::bump_revision(&tx)?;
        tx.commit()?;
        // The retired key's bytes are zeroed in the database (secure_delete); its earlier
        // page images go with the log.
        self.checkpoint()?;
        Ok(key.kid().to_owned())
    }

    /// Notes that `kid` signed something valid until `exp`, so it stays published.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn record_signature(&self, kid: &str, exp: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE signing_keys SET last_exp = MAX(last_exp, ?2) WHERE kid = ?1",
            params![kid, exp],
        )?;
        Ok(())
    }

    /// The keys to publish at `now`: the active one and every retired one that signed
    /// something not yet expired.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn published_keys(&self, now: i64) -> Result<Vec<PublicJwk>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT public_jwk FROM signing_keys
             WHERE retired_at IS NULL OR last_exp > ?1
             ORDER BY retired_at IS NULL DESC, created_at DESC, kid",
        )?;
        let rows = statement.query_map([now], |row| row.get::<_, String>(0))?;
        rows.map(|json| {
            let json = json?;
            serde_json::from_str::<Value>(&json)
                .ok()
                .and_then(|value| PublicJwk::from_json(&value).ok())
                .ok_or(StoreError::Corrupt("public key"))
        })
        .collect()
    }
}
