//! `c_nonce` values handed out by the nonce endpoint: random, single use, short-lived,
//! kept in memory only (a restart simply makes wallets fetch a new one).

use std::collections::HashMap;
use std::sync::Mutex;

/// At most this many outstanding nonces; the oldest are dropped beyond it, so a flood of
/// nonce requests costs bounded memory.
pub const MAX_OUTSTANDING: usize = 100_000;

/// Outstanding nonces and when each expires.
#[derive(Debug, Default)]
pub struct NonceStore {
    nonces: Mutex<HashMap<String, i64>>,
}

impl NonceStore {
    /// Remembers `nonce` until `expires_at`.
    pub fn insert(&self, nonce: String, expires_at: i64, now: i64) {
        let mut nonces = self.lock();
        if nonces.len() >= MAX_OUTSTANDING {
            nonces.retain(|_, expires| *expires > now);
        }
        if nonces.len() >= MAX_OUTSTANDING {
            let oldest = nonces
                .iter()
                .min_by_key(|(_, expires)| **expires)
                .map(|(nonce, _)| nonce.clone());
            if let Some(oldest) = oldest {
                nonces.remove(&oldest);
            }
        }
        nonces.insert(nonce, expires_at);
    }

    /// Consumes `nonce`: true if it was outstanding and has not expired.
    pub fn take(&self, nonce: &str, now: i64) -> bool {
        self.lock()
            .remove(nonce)
            .is_some_and(|expires_at| expires_at > now)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, i64>> {
        // A panic while holding the lock cannot leave the map inconsistent.
        self.nonces
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_single_use_and_expire() {
        let store = NonceStore::default();
        store.insert("a".into(), 100, 0);
        store.insert("b".into(), 100, 0);
        assert!(store.take("a", 50));
        assert!(!store.take("a", 50));
        assert!(!store.take("b", 100));
        assert!(!store.take("never", 0));
    }
}
