//! The single-use steps of issuance: redeeming a pre-authorized code for an access
//! grant, and spending a grant on one batch (with its status indices and key bookkeeping),
//! each in one transaction.

use rand_core::CryptoRngCore;

use super::engine::{Db, Param, params};
use super::keys::sign_with_active_key;
use super::{PersonRow, Store, StoreError};

/// Why a code or an access token was not honoured.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GrantError {
    /// The pre-authorized code is unknown, expired or already redeemed.
    #[error("the pre-authorized code is unknown, expired or already used")]
    InvalidGrant,
    /// The access token is unknown or expired.
    #[error("the access token is unknown or expired")]
    InvalidToken,
    /// The token does not grant this credential configuration, or it was already issued.
    #[error("this access token does not (or no longer) grant that credential")]
    NotGranted,
    /// The person's credentials were revoked.
    #[error("the credentials of this person were revoked")]
    Revoked,
    /// A refresh token was presented that had already been traded: the token was copied,
    /// so its whole family (every token of that grant) has ended.
    #[error("the refresh token was already used; its grant has ended")]
    ReusedRefreshToken,
    /// The refresh was not proven with the key the token is bound to.
    #[error("the refresh token is bound to another key")]
    WrongKey,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a spent grant yields: whom to issue to, with which key, at which status indices.
#[derive(Debug, Clone)]
pub struct Issuance {
    /// The person the copies are for.
    pub person: PersonRow,
    /// The `kid` of the key that must sign (its `last_exp` already covers `exp`).
    pub kid: String,
    /// One `(list id, index)` per copy, random and never handed out before.
    pub status: Vec<(i64, u64)>,
    /// The copies' `exp`, as computed by the caller for this person.
    pub exp: i64,
}

/// How status indices are laid out.
#[derive(Debug, Clone, Copy)]
pub struct StatusLayout {
    /// Entries per list.
    pub capacity: u64,
}

impl StatusLayout {
    /// The first index handed out: every index handed out has as many digits as the
    /// largest, so a copy's `status` claim (and the whole copy) is as long as any other's
    /// and its length says nothing, not even by chance.
    const fn first_index(self) -> u64 {
        let largest = self.capacity.saturating_sub(1);
        let mut first = 1u64;
        while first.saturating_mul(10) <= largest {
            first = first.saturating_mul(10);
        }
        if first == 1 { 0 } else { first }
    }

    /// How many indices can be handed out.
    const fn usable(self) -> u64 {
        self.capacity.saturating_sub(self.first_index())
    }

    /// A new list is started once a list's usable range is half allocated, so a random
    /// index is found in two tries on average.
    const fn fill_limit(self) -> u64 {
        self.usable() / 2
    }
}

/// A refresh token to record: its hash, when its family ends, and the thumbprint of the
/// DPoP key it is bound to.
#[derive(Debug, Clone, Copy)]
pub struct RefreshGrant<'a> {
    /// SHA-256 of the token.
    pub hash: &'a [u8],
    /// When the token (and every later one of its family) expires.
    pub expires_at: i64,
    /// The JWK thumbprint of the wallet's DPoP key.
    pub jkt: &'a str,
}

/// One batch to issue.
#[derive(Debug, Clone, Copy)]
pub struct BatchRequest<'a> {
    /// SHA-256 of the access token presented.
    pub token_hash: &'a [u8],
    /// The credential configuration asked for.
    pub configuration_id: &'a str,
    /// How many copies.
    pub copies: usize,
}

impl Store {
    /// Redeems a pre-authorized code: deletes its offer (a used code leaves no row, so no
    /// time of redemption stays) and records an access grant for each
    /// credential configuration it offered, and the refresh token if one is given (hash,
    /// expiry). Returns those configuration ids.
    ///
    /// # Errors
    /// [`GrantError::InvalidGrant`] (also to every concurrent loser, on any node),
    /// [`GrantError::Revoked`].
    pub fn redeem_offer(
        &self,
        code_hash: &[u8],
        token_hash: &[u8],
        token_expires_at: i64,
        now: i64,
        refresh: Option<RefreshGrant<'_>>,
    ) -> Result<Vec<String>, GrantError> {
        self.write(|db| {
            forget_expired(db, now)?;
            let redeemed = db.query_opt(
                "DELETE FROM offers WHERE code_hash = ?1 AND expires_at > ?2
                 RETURNING person_id, configuration_ids",
                params![code_hash, now],
            )?;
            let row = redeemed.ok_or(GrantError::InvalidGrant)?;
            let (person_id, configurations) = (row.text(0)?, row.text(1)?);
            let person = self
                .person_on(db, &person_id)?
                .ok_or(StoreError::Corrupt("offer without person"))?;
            if person.revoked_at.is_some() {
                return Err(GrantError::Revoked);
            }
            let configurations: Vec<String> =
                configurations.split(' ').map(str::to_owned).collect();
            grant_access(
                db,
                token_hash,
                &configurations,
                &person_id,
                token_expires_at,
            )?;
            if let Some(refresh) = refresh {
                // The first token's hash names the family.
                db.execute(
                    "INSERT INTO refresh_tokens
                         (token_hash, person_id, configuration_ids, expires_at, family, jkt)
                     VALUES (?1, ?2, ?3, ?4, ?1, ?5)",
                    params![
                        refresh.hash,
                        &person_id,
                        configurations.join(" ").as_str(),
                        refresh.expires_at,
                        refresh.jkt
                    ],
                )?;
            }
            Ok(configurations)
        })
    }

    /// Trades a refresh token, proven with the DPoP key of thumbprint `jkt`, for an
    /// access grant (same configurations) and the next refresh token of its family, which
    /// expires with the family. The traded token is kept as spent (and the one spent
    /// before it forgotten), so that presenting it again ends the whole family.
    ///
    /// # Errors
    /// [`GrantError::InvalidGrant`] for an unknown or expired token (also to every
    /// concurrent loser), [`GrantError::ReusedRefreshToken`] for a spent one (the family is
    /// deleted), [`GrantError::WrongKey`] for another key (nothing changes),
    /// [`GrantError::Revoked`] for a revoked person (the family is deleted).
    pub fn refresh(
        &self,
        refresh_hash: &[u8],
        token_hash: &[u8],
        token_expires_at: i64,
        next: &[u8],
        jkt: &str,
        now: i64,
    ) -> Result<Vec<String>, GrantError> {
        // The outer result commits (an ended family stays ended); the inner one is the
        // answer.
        self.write(
            |db| -> Result<Result<Vec<String>, GrantError>, GrantError> {
                forget_expired(db, now)?;
                let found = db.query_opt(
                    "SELECT person_id, configuration_ids, expires_at, family, jkt, spent
                 FROM refresh_tokens WHERE token_hash = ?1",
                    params![refresh_hash],
                )?;
                let Some(row) = found else {
                    return Err(GrantError::InvalidGrant);
                };
                let person_id = row.text(0)?;
                let configurations = row.text(1)?;
                let expires_at = row.int(2)?;
                let family = row.blob(3)?;
                let bound_to = row.text(4)?;
                let end_family = |db: &mut dyn Db| {
                    db.execute(
                        "DELETE FROM refresh_tokens WHERE family = ?1",
                        params![&family],
                    )
                };
                if row.flag(5)? {
                    end_family(db)?;
                    return Ok(Err(GrantError::ReusedRefreshToken));
                }
                if bound_to != jkt {
                    return Err(GrantError::WrongKey);
                }
                let revoked = self
                    .person_on(db, &person_id)?
                    .is_none_or(|person| person.revoked_at.is_some());
                if expires_at <= now || revoked {
                    end_family(db)?;
                    return Ok(Err(if revoked {
                        GrantError::Revoked
                    } else {
                        GrantError::InvalidGrant
                    }));
                }
                // Spend it (concurrent traders: only one sees it unspent).
                let spent_now = db.execute(
                    "UPDATE refresh_tokens SET spent = 1 WHERE token_hash = ?1 AND spent = 0",
                    params![refresh_hash],
                )?;
                if spent_now != 1 {
                    return Err(GrantError::InvalidGrant);
                }
                db.execute(
                "DELETE FROM refresh_tokens WHERE family = ?1 AND spent = 1 AND token_hash != ?2",
                params![&family, refresh_hash],
            )?;
                let list: Vec<String> = configurations.split(' ').map(str::to_owned).collect();
                grant_access(db, token_hash, &list, &person_id, token_expires_at)?;
                db.execute(
                    "INSERT INTO refresh_tokens
                     (token_hash, person_id, configuration_ids, expires_at, family, jkt)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![next, &person_id, &configurations, expires_at, &family, jkt],
                )?;
                Ok(Ok(list))
            },
        )?
    }

    /// Whether `token_hash` currently grants `configuration_id` to a person who is not
    /// revoked, without spending it: the credential endpoint checks this before it
    /// verifies any key proof.
    ///
    /// # Errors
    /// [`GrantError::InvalidToken`], [`GrantError::NotGranted`], [`GrantError::Revoked`].
    pub fn check_grant(
        &self,
        token_hash: &[u8],
        configuration_id: &str,
        now: i64,
    ) -> Result<String, GrantError> {
        self.read(|db| -> Result<Result<String, GrantError>, StoreError> {
            let granted = db.query_opt(
                "SELECT g.person_id, p.revoked_at FROM access_grants g
                 JOIN persons p ON p.id = g.person_id
                 WHERE g.token_hash = ?1 AND g.configuration_id = ?2 AND g.expires_at > ?3",
                params![token_hash, configuration_id, now],
            )?;
            let Some(granted) = granted else {
                return Ok(Err(why_not_granted(db, token_hash, now)?));
            };
            Ok(match granted.opt_int(1)? {
                None => Ok(granted.text(0)?),
                Some(_) => Err(GrantError::Revoked),
            })
        })?
    }

    /// Spends the grant for one configuration on one batch: deletes it, notes the
    /// signing key's new `last_exp` (`exp_of` the person), and allocates one fresh random
    /// status index per copy, all in one transaction (a node that dies before the commit
    /// leaves the grant unspent and nothing allocated).
    ///
    /// # Errors
    /// [`GrantError`] when the token does not allow it; nothing is changed then.
    pub fn begin_issuance(
        &self,
        batch: &BatchRequest<'_>,
        layout: StatusLayout,
        now: i64,
        rng: &mut impl CryptoRngCore,
        exp_of: impl FnOnce(&PersonRow) -> Option<i64>,
    ) -> Result<Issuance, GrantError> {
        self.write(|db| {
            let spent = db.query_opt(
                // Spent grants are deleted, not marked: the issuer keeps no record of
                // when a person fetched copies (a refill timeline).
                "DELETE FROM access_grants
                 WHERE token_hash = ?1 AND configuration_id = ?2 AND expires_at > ?3
                 RETURNING person_id",
                params![batch.token_hash, batch.configuration_id, now],
            )?;
            let Some(spent) = spent else {
                return Err(why_not_granted(db, batch.token_hash, now)?);
            };
            let person_id = spent.text(0)?;
            let person = self
                .person_on(db, &person_id)?
                .ok_or(StoreError::Corrupt("grant without person"))?;
            if person.revoked_at.is_some() {
                return Err(GrantError::Revoked);
            }
            let exp = exp_of(&person).ok_or(StoreError::Corrupt("person claims"))?;
            let kid = sign_with_active_key(db, exp)?;
            // A pseudonymous credential has no status entry: revocation is refusing its
            // refresh.
            let status = if batch.copies == 0 {
                Vec::new()
            } else {
                allocate_status(db, &person_id, batch.copies, layout, rng)?
            };
            Ok(Issuance {
                person,
                kid,
                status,
                exp,
            })
        })
    }
}

fn allocate_status(
    db: &mut dyn Db,
    person_id: &str,
    copies: usize,
    layout: StatusLayout,
    rng: &mut impl CryptoRngCore,
) -> Result<Vec<(i64, u64)>, StoreError> {
    let copies_u64 = u64::try_from(copies).unwrap_or(u64::MAX);
    if copies_u64 > layout.fill_limit() {
        return Err(StoreError::Corrupt(
            "a batch larger than a status list can take",
        ));
    }
    // The newest list of this size takes the batch if it has room (reserved in the same
    // statement, so concurrent batches on any node count against it one after another);
    // otherwise a new list starts with it.
    let reserved = db.query_opt(
        "UPDATE status_lists SET allocated = allocated + ?2
         WHERE id = (SELECT MAX(id) FROM status_lists WHERE capacity = ?1)
           AND allocated + ?2 <= ?3
         RETURNING id",
        params![layout.capacity, copies_u64, layout.fill_limit()],
    )?;
    let list_id = match reserved {
        Some(row) => row.int(0)?,
        None => db
            .query_one(
                "INSERT INTO status_lists (capacity, allocated) VALUES (?1, ?2) RETURNING id",
                params![layout.capacity, copies_u64],
            )?
            .int(0)?,
    };
    // One statement per round (a round trip, not one per copy); a drawn index another
    // copy already holds is skipped by the conflict and drawn again in the next round.
    let mut indices: Vec<(i64, u64)> = Vec::with_capacity(copies);
    while indices.len() < copies {
        let wanted = copies - indices.len();
        let mut drawn: Vec<u64> = Vec::with_capacity(wanted);
        while drawn.len() < wanted {
            let idx = layout.first_index() + rng.next_u64() % layout.usable().max(1);
            if !drawn.contains(&idx) && !indices.iter().any(|(_, taken)| *taken == idx) {
                drawn.push(idx);
            }
        }
        let rows: Vec<String> = (0..wanted)
            .map(|n| format!("(?1, ?{}, ?2)", n + 3))
            .collect();
        let sql = format!(
            "INSERT INTO status_entries (list_id, idx, person_id) VALUES {}
             ON CONFLICT DO NOTHING RETURNING idx",
            rows.join(", ")
        );
        let mut values = vec![Param::from(list_id), Param::from(person_id)];
        values.extend(drawn.iter().map(|idx| Param::from(*idx)));
        for row in db.query(&sql, &values)? {
            indices.push((list_id, row.uint(0)?));
        }
    }
    Ok(indices)
}

/// Why `token_hash` did not grant a configuration: [`GrantError::NotGranted`] if it
/// still grants another one, [`GrantError::InvalidToken`] if it grants nothing.
fn why_not_granted(db: &mut dyn Db, token_hash: &[u8], now: i64) -> Result<GrantError, StoreError> {
    let live = db
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM access_grants WHERE token_hash = ?1 AND expires_at > ?2)",
            params![token_hash, now],
        )?
        .flag(0)?;
    Ok(if live {
        GrantError::NotGranted
    } else {
        GrantError::InvalidToken
    })
}

/// Deletes offers, access grants and refresh tokens that can no longer be used: once a
/// flow is over, nothing of it stays to tell when a person was served.
fn forget_expired(db: &mut dyn Db, now: i64) -> Result<(), StoreError> {
    db.execute("DELETE FROM offers WHERE expires_at <= ?1", params![now])?;
    db.execute(
        "DELETE FROM access_grants WHERE expires_at <= ?1",
        params![now],
    )?;
    db.execute(
        "DELETE FROM refresh_tokens WHERE expires_at <= ?1",
        params![now],
    )?;
    Ok(())
}

/// Records an access grant of `token_hash` for each configuration.
fn grant_access(
    db: &mut dyn Db,
    token_hash: &[u8],
    configurations: &[String],
    person_id: &str,
    expires_at: i64,
) -> Result<(), StoreError> {
    for configuration in configurations {
        db.execute(
            "INSERT INTO access_grants (token_hash, configuration_id, person_id, expires_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![token_hash, configuration, person_id, expires_at],
        )?;
    }
    Ok(())
}
