//! `c_nonce` values handed out by the nonce endpoint: random, single use, short-lived,
//! kept in memory only (a restart simply makes wallets fetch a new one).
//!
//! Every nonce lives equally long, so insertion order is expiry order: a queue beside the
//! map lets expired and surplus nonces go from the front in amortised constant time, and
//! a flood of nonce requests costs bounded memory and no scan under the lock. The same
//! store remembers DPoP `jti` values, whose expiries differ by seconds: an entry behind a
//! later-expiring one is swept a little late, and every lookup checks the expiry itself.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// At most this many outstanding nonces; the oldest are dropped beyond it.
pub const MAX_OUTSTANDING: usize = 100_000;

#[derive(Debug, Default)]
struct Outstanding {
    expires: HashMap<String, i64>,
    /// Nonces in the order they were handed out (taken ones stay until they reach the
    /// front, where they are skipped).
    order: VecDeque<(String, i64)>,
}

/// Outstanding nonces and when each expires.
#[derive(Debug, Default)]
pub struct NonceStore {
    nonces: Mutex<Outstanding>,
}

impl NonceStore {
    /// Remembers `nonce` until `expires_at`, forgetting expired ones and, beyond
    /// [`MAX_OUTSTANDING`], the oldest.
    pub fn insert(&self, nonce: String, expires_at: i64, now: i64) {
        let mut outstanding = self.lock();
        while let Some((oldest, until)) = outstanding.order.front() {
            let live = outstanding.expires.get(oldest) == Some(until);
            if live && *until > now && outstanding.expires.len() < MAX_OUTSTANDING {
                break;
            }
            if let Some((oldest, until)) = outstanding.order.pop_front()
                && outstanding.expires.get(&oldest) == Some(&until)
            {
                outstanding.expires.remove(&oldest);
            }
        }
        outstanding.order.push_back((nonce.clone(), expires_at));
        outstanding.expires.insert(nonce, expires_at);
    }

    /// Remembers `value` until `expires_at` unless it is already remembered (and not
    /// expired): true if it was new. For identifiers that must be seen once (DPoP `jti`).
    pub fn insert_new(&self, value: String, expires_at: i64, now: i64) -> bool {
        let known = self
            .lock()
            .expires
            .get(&value)
            .is_some_and(|until| *until > now);
        if known {
            return false;
        }
        self.insert(value, expires_at, now);
        true
    }

    /// Consumes `nonce`: true if it was outstanding and has not expired.
    pub fn take(&self, nonce: &str, now: i64) -> bool {
        self.lock()
            .expires
            .remove(nonce)
            .is_some_and(|expires_at| expires_at > now)
    }

    /// How many nonces are outstanding.
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().expires.len()
    }

    /// Whether no nonce is outstanding.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Outstanding> {
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

    #[test]
    fn the_store_is_bounded_and_forgets_the_oldest_first() {
        let store = NonceStore::default();
        for i in 0..(MAX_OUTSTANDING + 50) {
            store.insert(format!("n{i}"), 1_000, 0);
        }
        assert_eq!(store.len(), MAX_OUTSTANDING);
        assert!(!store.take("n0", 1), "the oldest went first");
        assert!(store.take(&format!("n{}", MAX_OUTSTANDING + 49), 1));
        // Expired ones go as soon as another nonce is handed out.
        store.insert("late".into(), 3_000, 2_000);
        assert_eq!(store.len(), 1);
        // A taken nonce's queue entry is skipped, never taken for a live one.
        let store = NonceStore::default();
        store.insert("x".into(), 100, 0);
        assert!(store.take("x", 1));
        store.insert("x".into(), 200, 50);
        store.insert("y".into(), 300, 150);
        assert!(store.take("x", 160), "the second x lives on");
    }
}
