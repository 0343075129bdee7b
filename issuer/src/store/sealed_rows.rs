//! Sealing the plain values of a database from before schema version 6 (claims in JSON,
//! private keys as they were), within the migration's transaction.

use rand_core::OsRng;
use rusqlite::params;

use super::{Store, StoreError};
use crate::sealing::Sealed;

/// BBS secret keys were stored as their 32 bytes; a sealed one is longer.
const PLAIN_BBS_SECRET_BYTES: usize = 32;

impl Store {
    /// Seals every person's claims, the private ES256 keys and the BBS secret keys of an
    /// older database, and empties the plain columns.
    pub(super) fn seal_plain_rows(&self) -> Result<(), StoreError> {
        let persons: Vec<(String, String)> = self
            .conn
            .prepare("SELECT id, claims FROM persons WHERE sealed_claims IS NULL")?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (id, claims) in persons {
            let value: serde_json::Value =
                serde_json::from_str(&claims).map_err(|_| StoreError::Corrupt("claims"))?;
            let sealed = self.sealer.seal_person(&id, claims.as_bytes(), &mut OsRng);
            self.conn.execute(
                "UPDATE persons SET sealed_claims = ?2, person_key = ?3, lookup = ?4, claims = ''
                 WHERE id = ?1",
                params![
                    id,
                    sealed.claims,
                    sealed.person_key,
                    self.identity_lookup(&value).as_slice()
                ],
            )?;
        }
        let keys: Vec<(String, String)> = self
            .conn
            .prepare("SELECT kid, private_jwk FROM signing_keys WHERE private_jwk IS NOT NULL")?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (kid, private) in keys {
            let sealed = self
                .sealer
                .seal(Sealed::SigningKey, &kid, private.as_bytes(), &mut OsRng);
            self.conn.execute(
                "UPDATE signing_keys SET sealed_private = ?2, private_jwk = NULL WHERE kid = ?1",
                params![kid, sealed],
            )?;
        }
        let bbs: Vec<(String, Vec<u8>)> = self
            .conn
            .prepare("SELECT kid, secret_key FROM bbs_keys WHERE length(secret_key) = ?1")?
            .query_map([PLAIN_BBS_SECRET_BYTES], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        for (kid, secret) in bbs {
            let sealed = self.sealer.seal(Sealed::BbsKey, &kid, &secret, &mut OsRng);
            self.conn.execute(
                "UPDATE bbs_keys SET secret_key = ?2 WHERE kid = ?1",
                params![kid, sealed],
            )?;
        }
        Ok(())
    }
}
