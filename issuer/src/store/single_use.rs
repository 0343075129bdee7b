//! Values that must be spent once wherever they are presented, on any node: the
//! `c_nonce`s handed out for key proofs and the DPoP proof ids seen. Stored as SHA-256
//! hashes until they expire, and swept as new ones come.

use sha2::{Digest, Sha256};

use super::engine::params;
use super::{Store, StoreError};

/// What a single-use value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SingleUse {
    /// A `c_nonce` from the nonce endpoint, spent by the key proofs of one batch.
    CNonce,
    /// A DPoP proof's `jti`, seen once.
    DpopId,
}

impl SingleUse {
    const fn kind(self) -> &'static str {
        match self {
            Self::CNonce => "c_nonce",
            Self::DpopId => "dpop_jti",
        }
    }
}

impl Store {
    /// Records `value` of `kind` until `expires_at`, forgetting every expired one; false
    /// if it is already recorded (and not expired).
    ///
    /// # Errors
    /// [`StoreError`] from the engine.
    pub fn remember_once(
        &self,
        kind: SingleUse,
        value: &str,
        expires_at: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let hash = Sha256::digest(value.as_bytes());
        self.write(|db| {
            db.execute(
                "DELETE FROM single_use WHERE expires_at <= ?1",
                params![now],
            )?;
            let inserted = db.execute(
                "INSERT INTO single_use (kind, value_hash, expires_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
                params![kind.kind(), &hash[..], expires_at],
            )?;
            Ok(inserted == 1)
        })
    }

    /// Spends `value` of `kind`: true if it was recorded and has not expired (and now it
    /// is gone, for every node).
    ///
    /// # Errors
    /// [`StoreError`] from the engine.
    pub fn take_once(&self, kind: SingleUse, value: &str, now: i64) -> Result<bool, StoreError> {
        let hash = Sha256::digest(value.as_bytes());
        self.read(|db| {
            let taken = db.query_opt(
                "DELETE FROM single_use WHERE kind = ?1 AND value_hash = ?2 RETURNING expires_at",
                params![kind.kind(), &hash[..]],
            )?;
            Ok(match taken {
                Some(row) => row.int(0)? > now,
                None => false,
            })
        })
    }

    /// How many values of `kind` are recorded and not expired.
    ///
    /// # Errors
    /// [`StoreError`] from the engine.
    pub fn outstanding(&self, kind: SingleUse, now: i64) -> Result<u64, StoreError> {
        self.read(|db| {
            db.query_one(
                "SELECT COUNT(*) FROM single_use WHERE kind = ?1 AND expires_at > ?2",
                params![kind.kind(), now],
            )?
            .uint(0)
        })
    }
}
