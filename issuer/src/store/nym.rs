//! What pseudonymous issuance keeps: the BBS signing key, and for each person the
//! commitment point of their holder secret with the nym entropy it was given (see
//! `schema_v5.sql` for why).

use credential::bbs::wire::G1_LEN;
use credential::bbs::{BbsKeyPair, BbsPublicKey, NymEntropy};
use rand_core::CryptoRngCore;

use super::engine::{Db, params};
use super::{Store, StoreError};
use crate::sealing::Sealed;

/// Why a commitment was not accepted for a person.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NymBindingError {
    /// The person already has another commitment (a second set of pseudonyms); an
    /// operator's counted reset must come first.
    #[error("this person already has pseudonyms from another holder secret; a reset is needed")]
    SecondCommitment,
    /// Another person holds this commitment.
    #[error("this commitment belongs to someone else")]
    ForeignCommitment,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// The active BBS key and its `kid` (its thumbprint), creating the first one (when
    /// nodes start together, one creates it and the others read it).
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn ensure_bbs_key(
        &self,
        now: i64,
        rng: &mut impl CryptoRngCore,
    ) -> Result<(String, BbsKeyPair), StoreError> {
        if let Some(active) = self.read(|db| self.active_bbs_key(db))? {
            return Ok(active);
        }
        match self.write(|db| self.insert_bbs_key(db, now, rng)) {
            Ok(created) => Ok(created),
            Err(error) => self.read(|db| self.active_bbs_key(db))?.ok_or(error),
        }
    }

    fn active_bbs_key(&self, db: &mut dyn Db) -> Result<Option<(String, BbsKeyPair)>, StoreError> {
        let Some(row) = db.query_opt(
            "SELECT kid, secret_key FROM bbs_keys WHERE retired_at IS NULL",
            &[],
        )?
        else {
            return Ok(None);
        };
        let kid = row.text(0)?;
        let sealed = row.blob(1)?;
        let secret = self.sealer.open(Sealed::BbsKey, &kid, &sealed)?;
        let key =
            BbsKeyPair::from_secret_bytes(&secret).map_err(|_| StoreError::Corrupt("BBS key"))?;
        Ok(Some((kid, key)))
    }

    fn insert_bbs_key(
        &self,
        db: &mut dyn Db,
        now: i64,
        rng: &mut impl CryptoRngCore,
    ) -> Result<(String, BbsKeyPair), StoreError> {
        let key = BbsKeyPair::generate(rng).map_err(|_| StoreError::Corrupt("BBS key"))?;
        let kid = key.public().thumbprint();
        let sealed = self
            .sealer
            .seal(Sealed::BbsKey, &kid, key.secret_bytes().as_slice(), rng);
        db.execute(
            "INSERT INTO bbs_keys (kid, public_key, secret_key, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![&kid, key.public().to_bytes().as_slice(), &sealed, now],
        )?;
        Ok((kid, key))
    }

    /// The BBS public keys to publish at `now`, with their `kid`s: the active one and every
    /// retired one that signed a credential not yet expired.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn bbs_public_keys(&self, now: i64) -> Result<Vec<(String, BbsPublicKey)>, StoreError> {
        let rows = self.read(|db| {
            db.query(
                "SELECT kid, public_key FROM bbs_keys WHERE retired_at IS NULL OR last_exp > ?1
                 ORDER BY retired_at IS NULL DESC, created_at DESC, kid",
                params![now],
            )
        })?;
        rows.iter()
            .map(|row| {
                let kid = row.text(0)?;
                BbsPublicKey::from_bytes(&row.blob(1)?)
                    .map(|key| (kid, key))
                    .map_err(|_| StoreError::Corrupt("BBS public key"))
            })
            .collect()
    }

    /// Notes that BBS key `kid` signed a credential valid until `exp`, so it stays
    /// published that long.
    ///
    /// # Errors
    /// [`StoreError`] from the engine.
    pub fn record_bbs_signature(&self, kid: &str, exp: i64) -> Result<(), StoreError> {
        self.read(|db| {
            db.execute(
                "UPDATE bbs_keys SET last_exp = ?2 WHERE kid = ?1 AND last_exp < ?2",
                params![kid, exp],
            )?;
            Ok(())
        })
    }

    /// Retires the active BBS key, if any (erasing its secret), and makes a new one
    /// active; part of [`Store::rotate_key`]'s transaction. Pseudonyms do not change: the
    /// nym secret is the holder's and the stored entropy, not the key's.
    pub(super) fn rotate_bbs_key(
        &self,
        db: &mut dyn Db,
        now: i64,
        rng: &mut impl CryptoRngCore,
    ) -> Result<(), StoreError> {
        let retired = db.execute(
            "UPDATE bbs_keys SET retired_at = ?1, secret_key = NULL WHERE retired_at IS NULL",
            params![now],
        )?;
        if retired > 0 {
            self.insert_bbs_key(db, now, rng)?;
        }
        Ok(())
    }

    /// The nym entropy of `person_id` for the commitment at `point`: `fresh` when it is the
    /// person's first (or first since a reset), the stored one for the same commitment.
    ///
    /// # Errors
    /// [`NymBindingError::SecondCommitment`] for another commitment of a person who has one,
    /// [`NymBindingError::ForeignCommitment`] for another person's commitment.
    pub fn nym_entropy(
        &self,
        person_id: &str,
        point: &[u8; G1_LEN],
        fresh: &NymEntropy,
    ) -> Result<NymEntropy, NymBindingError> {
        self.write(|db| {
            let held = db.query_opt(
                "SELECT commitment, entropy FROM nym_holders WHERE person_id = ?1",
                params![person_id],
            )?;
            match held {
                Some(row) if row.blob(0)? == point.as_slice() => {
                    NymEntropy::from_bytes(&row.blob(1)?)
                        .map_err(|_| StoreError::Corrupt("nym entropy").into())
                }
                Some(_) => Err(NymBindingError::SecondCommitment),
                None => {
                    let owner = db.query_opt(
                        "SELECT person_id FROM nym_holders WHERE commitment = ?1",
                        params![point.as_slice()],
                    )?;
                    if owner.is_some() {
                        return Err(NymBindingError::ForeignCommitment);
                    }
                    db.execute(
                        "INSERT INTO nym_holders (person_id, commitment, entropy)
                         VALUES (?1, ?2, ?3)",
                        params![person_id, point.as_slice(), fresh.to_bytes().as_slice()],
                    )?;
                    Ok(fresh.clone())
                }
            }
        })
    }

    /// An operator's reset of a person's pseudonyms (a lost wallet and recovery code):
    /// forgets their commitment, so the next issuance binds a new one with new entropy,
    /// and counts it. Returns the person's number of resets.
    ///
    /// # Errors
    /// [`StoreError::UnknownPerson`].
    pub fn reset_pseudonyms(&self, person_id: &str) -> Result<i64, StoreError> {
        self.write(|db| {
            let resets = db
                .query_opt(
                    "UPDATE persons SET nym_resets = nym_resets + 1 WHERE id = ?1
                     RETURNING nym_resets",
                    params![person_id],
                )?
                .ok_or_else(|| StoreError::UnknownPerson(person_id.to_owned()))?
                .int(0)?;
            db.execute(
                "DELETE FROM nym_holders WHERE person_id = ?1",
                params![person_id],
            )?;
            Ok(resets)
        })
    }
}
