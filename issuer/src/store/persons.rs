//! Enrolled persons and their one-time credential offers. A person's claims are sealed
//! under a data key of their own ([`crate::sealing`]); they are found for revocation by a
//! keyed hash of their identity, never by a name the database holds.

use rand_core::CryptoRngCore;
use serde_json::Value;

use super::engine::{Db, Param, params};
use super::{Store, StoreError};
use crate::person::REQUIRED_CLAIMS;

/// Persons per statement of a bulk import (five values each, well inside both engines'
/// limits on parameters).
const IMPORT_ROWS: usize = 256;

/// A person as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRow {
    /// Random identifier (not a claim: it never appears in a credential).
    pub id: String,
    /// The claims the issuer checked (given_name, birthdate, ...).
    pub claims: Value,
    /// When the person's copies were revoked, if they were.
    pub revoked_at: Option<i64>,
}

/// A new offer: the hash of its pre-authorized code and what it grants.
#[derive(Debug, Clone, Copy)]
pub struct NewOffer<'a> {
    /// SHA-256 of the pre-authorized code (the code itself is never stored).
    pub code_hash: &'a [u8],
    /// The credential configurations it grants.
    pub configuration_ids: &'a [&'a str],
    /// Unix seconds after which it can no longer be redeemed.
    pub expires_at: i64,
}

impl Store {
    /// Records a person (their claims sealed) and an offer for them, in one transaction.
    ///
    /// # Errors
    /// [`StoreError`] from the engine.
    pub fn enroll(
        &self,
        person_id: &str,
        claims: &Value,
        offer: &NewOffer<'_>,
        now: i64,
        rng: &mut impl CryptoRngCore,
    ) -> Result<(), StoreError> {
        self.write(|db| {
            self.insert_person(db, person_id, claims, now, rng)?;
            insert_offer(db, person_id, offer)
        })
    }

    fn insert_person(
        &self,
        db: &mut dyn Db,
        person_id: &str,
        claims: &Value,
        now: i64,
        rng: &mut impl CryptoRngCore,
    ) -> Result<(), StoreError> {
        let sealed = self
            .sealer
            .seal_person(person_id, claims.to_string().as_bytes(), rng);
        db.execute(
            "INSERT INTO persons (id, sealed_claims, person_key, lookup, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                person_id,
                &sealed.claims,
                &sealed.person_key,
                self.identity_lookup(claims).as_slice(),
                now
            ],
        )?;
        Ok(())
    }

    /// Records many persons at once (their claims sealed), in one transaction and with no
    /// offer: a population imported ahead of the offers [`Store::add_offer`] makes later.
    /// Returns how many were recorded.
    ///
    /// # Errors
    /// [`StoreError`] from the engine (then none is recorded).
    pub fn import_persons(
        &self,
        persons: impl IntoIterator<Item = (String, Value)>,
        now: i64,
        rng: &mut impl CryptoRngCore,
    ) -> Result<usize, StoreError> {
        self.write(|db| {
            let mut count = 0;
            let mut persons = persons.into_iter().peekable();
            while persons.peek().is_some() {
                let chunk: Vec<(String, Value)> = persons.by_ref().take(IMPORT_ROWS).collect();
                let sealed: Vec<_> = chunk
                    .iter()
                    .map(|(id, claims)| {
                        let sealed =
                            self.sealer
                                .seal_person(id, claims.to_string().as_bytes(), rng);
                        (sealed, self.identity_lookup(claims))
                    })
                    .collect();
                let rows: Vec<String> = (0..chunk.len())
                    .map(|n| {
                        let first = n * 5;
                        format!(
                            "(?{}, ?{}, ?{}, ?{}, ?{})",
                            first + 1,
                            first + 2,
                            first + 3,
                            first + 4,
                            first + 5
                        )
                    })
                    .collect();
                let sql = format!(
                    "INSERT INTO persons (id, sealed_claims, person_key, lookup, created_at) \
                     VALUES {}",
                    rows.join(", ")
                );
                let mut values = Vec::with_capacity(chunk.len() * 5);
                for ((id, _), (sealed, lookup)) in chunk.iter().zip(&sealed) {
                    values.extend([
                        Param::from(id),
                        Param::from(&sealed.claims),
                        Param::from(&sealed.person_key),
                        Param::Blob(lookup),
                        Param::Int(now),
                    ]);
                }
                db.execute(&sql, &values)?;
                count += chunk.len();
            }
            Ok(count)
        })
    }

    /// A further offer for an enrolled person (e.g. a refill of copies).
    ///
    /// # Errors
    /// [`StoreError::UnknownPerson`], [`StoreError`] from the engine.
    pub fn add_offer(&self, person_id: &str, offer: &NewOffer<'_>) -> Result<(), StoreError> {
        self.person(person_id)?
            .ok_or_else(|| StoreError::UnknownPerson(person_id.to_owned()))?;
        self.read(|db| insert_offer(db, person_id, offer))
    }

    /// A person by id.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn person(&self, id: &str) -> Result<Option<PersonRow>, StoreError> {
        self.read(|db| self.person_on(db, id))
    }

    /// A person by id, read on `db` (inside a transaction of the caller's).
    pub(super) fn person_on(
        &self,
        db: &mut dyn Db,
        id: &str,
    ) -> Result<Option<PersonRow>, StoreError> {
        let row = db.query_opt(
            "SELECT sealed_claims, person_key, revoked_at FROM persons WHERE id = ?1",
            params![id],
        )?;
        row.map(|row| {
            let (Some(sealed), Some(person_key)) = (row.opt_blob(0)?, row.opt_blob(1)?) else {
                return Err(StoreError::Corrupt("claims"));
            };
            let claims = self.sealer.open_person(id, &person_key, &sealed)?;
            let claims =
                serde_json::from_slice(&claims).map_err(|_| StoreError::Corrupt("claims"))?;
            Ok(PersonRow {
                id: id.to_owned(),
                claims,
                revoked_at: row.opt_int(2)?,
            })
        })
        .transpose()
    }

    /// The ids of the persons enrolled with this identity (the required claims' values,
    /// exactly as enrolled), found by its keyed hash: how an operator finds whom to revoke
    /// from an identity document.
    ///
    /// # Errors
    /// [`StoreError`] from the engine.
    pub fn persons_with_identity(&self, claims: &Value) -> Result<Vec<String>, StoreError> {
        let lookup = self.identity_lookup(claims);
        self.read(|db| {
            db.query(
                "SELECT id FROM persons WHERE lookup = ?1 ORDER BY created_at, id",
                params![lookup.as_slice()],
            )?
            .iter()
            .map(|row| row.text(0))
            .collect()
        })
    }

    /// The keyed hash of a person's identity: the values of [`REQUIRED_CLAIMS`], in order
    /// (a missing one counts as empty).
    pub(super) fn identity_lookup(&self, claims: &Value) -> [u8; 32] {
        let fields =
            REQUIRED_CLAIMS.map(|name| claims.get(name).and_then(Value::as_str).unwrap_or(""));
        self.sealer.lookup(&fields)
    }

    /// Revokes every copy ever issued to the person and refuses further issuance to
    /// them. Returns how many copies were revoked.
    ///
    /// # Errors
    /// [`StoreError::UnknownPerson`], [`StoreError`] from the engine.
    pub fn revoke(&self, person_id: &str, now: i64) -> Result<usize, StoreError> {
        self.write(|db| {
            let updated = db.execute(
                "UPDATE persons SET revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1",
                params![person_id, now],
            )?;
            if updated == 0 {
                return Err(StoreError::UnknownPerson(person_id.to_owned()));
            }
            // Only entries still valid change (and get the time of this change): a second
            // revocation does not move an earlier one to a later publication.
            let revoked = db.execute(
                "UPDATE status_entries SET status = 1, changed_at = ?2
                 WHERE person_id = ?1 AND status = 0",
                params![person_id, now],
            )?;
            Self::bump_revision(db)?;
            Ok(usize::try_from(revoked).unwrap_or(usize::MAX))
        })
    }
}

fn insert_offer(db: &mut dyn Db, person_id: &str, offer: &NewOffer<'_>) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO offers (code_hash, person_id, configuration_ids, expires_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![
            offer.code_hash,
            person_id,
            offer.configuration_ids.join(" ").as_str(),
            offer.expires_at
        ],
    )?;
    Ok(())
}
