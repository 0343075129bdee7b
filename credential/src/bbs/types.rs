//! The pseudonymous credential types Cachet issues, each a fixed layout of payload slots.

use crate::age::AGE_THRESHOLDS;

/// The pseudonymous identity: the epoch's end and an `age_over_N` flag (true or false)
/// for every threshold of [`AGE_THRESHOLDS`]. With the commitment's blinding factor and
/// the nym secret, a credential signs eight messages.
pub const PSEUDONYMOUS_IDENTITY: [&str; 1 + AGE_THRESHOLDS.len()] = [
    super::jwp::EXPIRY_CLAIM,
    "age_over_13",
    "age_over_16",
    "age_over_18",
    "age_over_21",
    "age_over_65",
];

/// The default epoch: a week.
pub const DEFAULT_EPOCH_SECONDS: u64 = 7 * 86_400;

/// The expiry of a credential issued at `now` with epochs of `epoch_seconds`: the end of
/// the epoch after the current one. Epochs are aligned to the Unix epoch, so everyone
/// issued in one epoch shares the value, which says nothing of when they were issued
/// within it; a credential lives between one and two epochs, and the wallet refreshes
/// once per epoch.
#[must_use]
pub fn expiry_for(now: i64, epoch_seconds: u64) -> i64 {
    let length = i64::try_from(epoch_seconds.max(1)).unwrap_or(i64::MAX);
    let current = now.div_euclid(length);
    current.saturating_add(2).saturating_mul(length)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everyone_issued_in_one_epoch_shares_the_expiry() {
        let week = DEFAULT_EPOCH_SECONDS as i64;
        let start = 2_000 * week;
        assert_eq!(expiry_for(start, DEFAULT_EPOCH_SECONDS), start + 2 * week);
        assert_eq!(
            expiry_for(start + week - 1, DEFAULT_EPOCH_SECONDS),
            start + 2 * week
        );
        assert_eq!(
            expiry_for(start + week, DEFAULT_EPOCH_SECONDS),
            start + 3 * week
        );
        assert_eq!(expiry_for(i64::MAX, DEFAULT_EPOCH_SECONDS), i64::MAX);
    }

    #[test]
    fn the_identity_layout_names_every_age_threshold_in_order() {
        let flags: Vec<String> = AGE_THRESHOLDS
            .iter()
            .map(|n| format!("age_over_{n}"))
            .collect();
        assert_eq!(
            PSEUDONYMOUS_IDENTITY[1..],
            flags.iter().map(String::as_str).collect::<Vec<_>>()[..]
        );
    }
}
