//! When the wallet fetches new copies: on a fixed schedule, whether or not any copy was
//! used, and always a full batch. A wallet that refreshed when it ran low would turn the
//! issuer's refresh log into a meter of how often each person presents; on a schedule,
//! every wallet looks the same to the issuer (one refresh a week, at a moment drawn at
//! random within a day), and unused old copies are simply replaced.
//!
//! The jitter is derived from the batch's local id (random, never sent), so the schedule
//! needs no stored field and no randomness at the moment it is read.

use sha2::{Digest, Sha256};

use super::model::Batch;

/// How long after a batch arrives the wallet replaces it (seconds): a week, the issuer's
/// period for `iat`, so each refresh brings copies of the next cohort.
pub const REFRESH_INTERVAL: i64 = 7 * 86_400;
/// The spread of refresh moments (seconds): a day, so refreshes say nothing about when
/// the person opened the wallet or used it.
pub const REFRESH_JITTER: i64 = 86_400;
/// How often an open wallet looks for due refreshes (milliseconds).
pub const CHECK_EVERY_MS: u64 = 15 * 60 * 1000;

/// The jitter of the batch with local id `id`, in `0..REFRESH_JITTER`.
fn jitter(id: &str) -> i64 {
    let digest = Sha256::digest(id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(digest.get(..8).unwrap_or(&[0; 8]));
    let span = u64::try_from(REFRESH_JITTER).unwrap_or(1);
    i64::try_from(u64::from_le_bytes(first) % span).unwrap_or(0)
}

/// When `batch` is due to be replaced: a week after it arrived, or a day before it
/// expires if that is sooner (a pseudonymous credential lives to the end of the next
/// weekly epoch, so one received late in an epoch expires in just over a week).
#[must_use]
pub fn refresh_at(batch: &Batch) -> i64 {
    let scheduled = batch.received_at.saturating_add(REFRESH_INTERVAL);
    let before_expiry = batch
        .expires_at
        .map_or(i64::MAX, |exp| exp.saturating_sub(REFRESH_JITTER));
    scheduled
        .min(before_expiry)
        .saturating_add(jitter(&batch.id))
}

/// Whether `batch` is due for its scheduled refresh at `now`: it can be refreshed (a
/// refresh token, keys on this device) and its moment has come. How many copies are left
/// plays no part.
#[must_use]
pub fn due(batch: &Batch, now: i64) -> bool {
    batch.refresh_token.is_some() && !batch.restored && refresh_at(batch) <= now
}

/// The batches to refresh at `now`, one per refresh token (the batches of one offer are
/// refreshed together).
#[must_use]
pub fn due_batches(batches: &[Batch], now: i64) -> Vec<String> {
    let mut seen = Vec::new();
    let mut due_ids = Vec::new();
    for batch in batches.iter().filter(|batch| due(batch, now)) {
        if let Some(token) = &batch.refresh_token
            && !seen.contains(token)
        {
            seen.push(token.clone());
            due_ids.push(batch.id.clone());
        }
    }
    due_ids
}
