//! A token bucket per client address, for the token endpoint (where pre-authorized codes
//! could otherwise be guessed at speed).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Most addresses tracked; idle full buckets are dropped beyond it.
const MAX_TRACKED: usize = 10_000;

/// Requests allowed per address: a burst, refilled at a steady rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Requests that may come at once.
    pub burst: f64,
    /// Requests per second refilled.
    pub per_second: f64,
}

/// The buckets, and when full ones were last swept out.
#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<(Buckets, Instant)>,
}

/// Tokens left per address, and when they were counted.
type Buckets = HashMap<IpAddr, (f64, Instant)>;

/// How often a full table is swept at most: a flood from many addresses costs one scan a
/// second, not one a request.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

impl RateLimiter {
    /// A limiter with `limit` per address.
    #[must_use]
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            buckets: Mutex::new((HashMap::new(), Instant::now())),
        }
    }

    /// Whether `client` may make a request now (and counts it).
    pub fn allow(&self, client: IpAddr) -> bool {
        let now = Instant::now();
        let mut guard = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (buckets, swept) = &mut *guard;
        let limit = self.limit;
        let refill = |(tokens, at): (f64, Instant)| {
            (tokens + now.duration_since(at).as_secs_f64() * limit.per_second).min(limit.burst)
        };
        if buckets.len() >= MAX_TRACKED && now.duration_since(*swept) >= SWEEP_EVERY {
            buckets.retain(|_, bucket| refill(*bucket) < limit.burst);
            *swept = now;
        }
        if buckets.len() >= MAX_TRACKED && !buckets.contains_key(&client) {
            // Every tracked address is busy: a new one waits for the next sweep.
            return false;
        }
        let bucket = buckets.entry(client).or_insert((limit.burst, now));
        let tokens = refill(*bucket);
        if tokens >= 1.0 {
            *bucket = (tokens - 1.0, now);
            true
        } else {
            *bucket = (tokens, now);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_refused() {
        let limiter = RateLimiter::new(RateLimit {
            burst: 3.0,
            per_second: 0.001,
        });
        let client = IpAddr::from([127, 0, 0, 1]);
        assert!((0..3).all(|_| limiter.allow(client)));
        assert!(!limiter.allow(client));
        assert!(limiter.allow(IpAddr::from([127, 0, 0, 2])));
    }

    #[test]
    fn a_full_table_refuses_new_addresses_without_scanning_each_time() {
        let limiter = RateLimiter::new(RateLimit {
            burst: 2.0,
            per_second: 0.001,
        });
        for i in 0..MAX_TRACKED {
            let [a, b] = u16::try_from(i).unwrap().to_be_bytes();
            let client = IpAddr::from([10, 0, a, b]);
            assert!(limiter.allow(client));
        }
        // Every bucket is in use (not full), so a sweep frees nothing.
        assert!(!limiter.allow(IpAddr::from([10, 1, 0, 0])));
        assert!(
            limiter.allow(IpAddr::from([10, 0, 0, 0])),
            "known addresses go on"
        );
    }
}
