//! Publishing status lists: each list is signed as a Token Status List JWT and kept
//! until it changes (a revocation, possibly by another process, bumps the database
//! revision) or half its lifetime has passed, so serving it is a memory read.

use base64ct::{Base64UrlUnpadded, Encoding};
use credential::{StatusList, StatusListTokenParams, sign_status_list};
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
    refresh_at: i64,
}

impl Issuer {
    /// The signed status list `id`, or `None` if there is no such list.
    ///
    /// # Errors
    /// [`Refusal`] on a database failure.
    pub fn status_list(&self, id: i64) -> Result<Option<PublishedStatusList>, Refusal> {
        let now = self.now();
        let store = lock(&self.store);
        let revision = store.revision()?;
        if let Some(published) = lock(&self.published).get(&id)
            && published.revision == revision
            && now < published.refresh_at
        {
            return Ok(Some(published.clone()));
        }
        let Some(row) = store.status_list(id)? else {
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
        let key = store
            .active_key()?
            .ok_or_else(|| Refusal::internal(&"no active signing key"))?;
        let lifetime = self.config.status_token_lifetime;
        let exp = now.saturating_add(lifetime);
        store.record_signature(key.kid(), exp)?;
        drop(store);
        let token = sign_status_list(
            &list,
            &StatusListTokenParams {
                uri: self.status_list_uri(id),
                iat: now,
                exp,
                ttl: self.config.status_ttl,
            },
            &key,
        );
        let digest = Sha256::digest(token.as_bytes());
        let published = PublishedStatusList {
            etag: format!("\"{}\"", Base64UrlUnpadded::encode_string(&digest)),
            token,
            exp,
            revision,
            refresh_at: now.saturating_add(lifetime / 2),
        };
        lock(&self.published).insert(id, published.clone());
        Ok(Some(published))
    }
}
