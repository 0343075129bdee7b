//! Publishing status lists on a fixed schedule: at the start of every publication period
//! (`Config::status_period`), each list is signed as a Token Status List JWT showing every
//! change made before that moment and none after. All revocations of a period therefore
//! appear in one update: a verifier that recorded `(uri, idx)` of past visits sees the
//! indices of every person revoked in that period flip together, not one person's alone.
//! The token's `iat` is the period's start and signing is deterministic (RFC 6979), so every
//! node serves the same bytes for a period; it is kept until the period ends or the database
//! revision changes, so serving it is a memory read.

use base64ct::{Base64UrlUnpadded, Encoding};
use credential::crypto::Es256Signer;
use credential::{StatusList, StatusListTokenParams, sign_status_list_with};
use sha2::{Digest, Sha256};

use super::{Issuer, lock};
use crate::refusal::Refusal;

/// A signed status list ready to serve.
#[derive(Debug, Clone)]
pub struct PublishedStatusList {
    /// The `statuslist+jwt`.
    pub token: String,
    /// A strong ETag over the token.
    pub etag: String,
    /// The token's `exp`.
    pub exp: i64,
    revision: u64,
    period_start: i64,
}

/// The start of the publication period that contains `now`.
#[must_use]
pub(super) fn publication_start(now: i64, period: i64) -> i64 {
    let period = period.max(1);
    now.div_euclid(period).saturating_mul(period)
}

impl Issuer {
    /// The signed status list `id`, or `None` if there is no such list.
    ///
    /// # Errors
    /// [`Refusal`] on a database failure.
    pub fn status_list(&self, id: i64) -> Result<Option<PublishedStatusList>, Refusal> {
        let now = self.now();
        let period_start = publication_start(now, self.config.status_period);
        let store = &self.store;
        let revision = store.revision()?;
        if let Some(published) = lock(&self.published).get(&id)
            && published.revision == revision
            && published.period_start == period_start
        {
            return Ok(Some(published.clone()));
        }
        let Some(row) = store.status_list(id, period_start)? else {
            return Ok(None);
        };
        let capacity = usize::try_from(row.capacity).unwrap_or(0);
        let mut list = StatusList::with_capacity(capacity);
        for (idx, status) in row.flagged {
            let status = if status == 2 {
                credential::Status::Suspended
            } else {
                credential::Status::Invalid
            };
            list.set(idx, status);
        }
        let key = self
            .active_signing_key()?
            .ok_or_else(|| Refusal::internal(&"no active signing key"))?;
        // Valid past the next publication, so a verifier that fetches once a period never
        // holds an expired list.
        let lifetime = self
            .config
            .status_token_lifetime
            .max(self.config.status_period.saturating_mul(2));
        let exp = period_start.saturating_add(lifetime);
        store.record_signature(key.kid(), exp)?;
        let token = sign_status_list_with(
            &list,
            &StatusListTokenParams {
                uri: self.status_list_uri(id),
                iat: period_start,
                exp,
                ttl: self.config.status_ttl,
            },
            &key,
        )
        .map_err(|error| Refusal::internal(&error))?;
        let digest = Sha256::digest(token.as_bytes());
        let published = PublishedStatusList {
            etag: format!("\"{}\"", Base64UrlUnpadded::encode_string(&digest)),
            token,
            exp,
            revision,
            period_start,
        };
        lock(&self.published).insert(id, published.clone());
        Ok(Some(published))
    }
}
