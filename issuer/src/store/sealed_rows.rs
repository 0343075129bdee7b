//! Sealing the plain values of a database from before schema version 6 (claims in JSON,
//! private keys as they were), within the migration's transaction.

use rand_core::OsRng;

use super::engine::{Db, params};
use super::{Store, StoreError};
use crate::sealing::Sealed;

/// BBS secret keys were stored as their 32 bytes; a sealed one is longer.
const PLAIN_BBS_SECRET_BYTES: i64 = 32;

impl Store {
    /// Seals every person's claims, the private ES256 keys and the BBS secret keys of an
    /// older database, and empties the plain columns.
    pub(super) fn seal_plain_rows(&self, db: &mut dyn Db) -> Result<(), StoreError> {
        let persons = db.query(
            "SELECT id, claims FROM persons WHERE sealed_claims IS NULL",
            &[],
        )?;
        for row in persons {
            let (id, claims) = (row.text(0)?, row.text(1)?);
            let value: serde_json::Value =
                serde_json::from_str(&claims).map_err(|_| StoreError::Corrupt("claims"))?;
            let sealed = self.sealer.seal_person(&id, claims.as_bytes(), &mut OsRng);
            db.execute(
                "UPDATE persons SET sealed_claims = ?2, person_key = ?3, lookup = ?4, claims = ''
                 WHERE id = ?1",
                params![
                    &id,
                    &sealed.claims,
                    &sealed.person_key,
                    self.identity_lookup(&value).as_slice()
                ],
            )?;
        }
        let keys = db.query(
            "SELECT kid, private_jwk FROM signing_keys WHERE private_jwk IS NOT NULL",
            &[],
        )?;
        for row in keys {
            let (kid, private) = (row.text(0)?, row.text(1)?);
            let sealed = self
                .sealer
                .seal(Sealed::SigningKey, &kid, private.as_bytes(), &mut OsRng);
            db.execute(
                "UPDATE signing_keys SET sealed_private = ?2, private_jwk = NULL WHERE kid = ?1",
                params![&kid, &sealed],
            )?;
        }
        let bbs = db.query(
            "SELECT kid, secret_key FROM bbs_keys WHERE length(secret_key) = ?1",
            params![PLAIN_BBS_SECRET_BYTES],
        )?;
        for row in bbs {
            let (kid, secret) = (row.text(0)?, row.blob(1)?);
            let sealed = self.sealer.seal(Sealed::BbsKey, &kid, &secret, &mut OsRng);
            db.execute(
                "UPDATE bbs_keys SET secret_key = ?2 WHERE kid = ?1",
                params![&kid, &sealed],
            )?;
        }
        Ok(())
    }
}
