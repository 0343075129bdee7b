//! Time as the JWT rules see it: a [`UnixTime`] (whole seconds, as JWT NumericDates are
//! read), and a [`Window`] around "now" that tolerates a known clock difference.
//!
//! Every time check of every token (the Issuer-signed JWT's `exp`/`nbf`/`iat`, the Key
//! Binding JWT's `iat`, a status list's `exp`, key and DPoP proofs' `iat`) is one method
//! here, so that a skew or an age is applied the same way everywhere. The clock itself is
//! always the caller's: nothing in the core reads it.

/// Seconds since the Unix epoch (1970-01-01T00:00:00Z), which may be negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(i64);

impl UnixTime {
    /// The time `seconds` after the epoch.
    #[must_use]
    pub const fn from_secs(seconds: i64) -> Self {
        Self(seconds)
    }

    /// Seconds since the epoch.
    #[must_use]
    pub const fn as_secs(self) -> i64 {
        self.0
    }

    /// `seconds` later, saturating.
    #[must_use]
    pub const fn plus(self, seconds: u64) -> Self {
        Self(self.0.saturating_add_unsigned(seconds))
    }

    /// `seconds` earlier, saturating.
    #[must_use]
    pub const fn minus(self, seconds: u64) -> Self {
        Self(self.0.saturating_sub_unsigned(seconds))
    }
}

/// Why a time check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeError {
    /// Past its `exp`.
    Expired,
    /// Before its `nbf` (or `iat`).
    NotYetValid,
    /// Issued (`iat`) after now, beyond the skew.
    IssuedInFuture,
    /// Issued (`iat`) longer ago than the accepted age.
    TooOld,
}

/// "Now", and how far another clock may be from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    now: UnixTime,
    skew: u64,
}

impl Window {
    /// The moment `now`, tolerating clocks `skew_seconds` apart.
    #[must_use]
    pub const fn new(now: UnixTime, skew_seconds: u64) -> Self {
        Self {
            now,
            skew: skew_seconds,
        }
    }

    /// The moment `now`, with no tolerance (for what this side signed itself).
    #[must_use]
    pub const fn exact(now: UnixTime) -> Self {
        Self::new(now, 0)
    }

    /// Now.
    #[must_use]
    pub const fn now(self) -> UnixTime {
        self.now
    }

    /// A validity period: expired at `exp` (now minus the skew has reached it), not yet
    /// valid before `start` (now plus the skew has not reached it).
    pub(crate) fn check_validity(
        self,
        start: Option<UnixTime>,
        exp: Option<UnixTime>,
    ) -> Result<(), TimeError> {
        if exp.is_some_and(|exp| self.now.minus(self.skew) >= exp) {
            return Err(TimeError::Expired);
        }
        if start.is_some_and(|start| self.now.plus(self.skew) < start) {
            return Err(TimeError::NotYetValid);
        }
        Ok(())
    }

    /// A fresh token's `iat`: not after now plus the skew, and not more than `max_age`
    /// seconds before now. The age is not stretched by the skew, so a replay store that
    /// remembers a token for `max_age` after its `iat` covers every accepted one.
    pub(crate) fn check_issued_at(self, iat: UnixTime, max_age: u64) -> Result<(), TimeError> {
        if iat > self.now.plus(self.skew) {
            return Err(TimeError::IssuedInFuture);
        }
        if iat < self.now.minus(max_age) {
            return Err(TimeError::TooOld);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: UnixTime = UnixTime::from_secs(1_000);

    #[test]
    fn validity_tolerates_the_skew_on_both_ends() {
        let window = Window::new(NOW, 60);
        let at = UnixTime::from_secs;
        assert_eq!(window.check_validity(None, Some(at(1_061))), Ok(()));
        assert_eq!(
            window.check_validity(None, Some(at(940))),
            Err(TimeError::Expired)
        );
        assert_eq!(window.check_validity(None, Some(at(941))), Ok(()));
        assert_eq!(window.check_validity(Some(at(1_060)), None), Ok(()));
        assert_eq!(
            window.check_validity(Some(at(1_061)), None),
            Err(TimeError::NotYetValid)
        );
        assert_eq!(
            Window::exact(NOW).check_validity(None, Some(NOW)),
            Err(TimeError::Expired)
        );
    }

    #[test]
    fn issued_at_is_bounded_by_the_skew_ahead_and_the_age_behind() {
        let window = Window::new(NOW, 60);
        let at = UnixTime::from_secs;
        assert_eq!(window.check_issued_at(at(1_060), 300), Ok(()));
        assert_eq!(
            window.check_issued_at(at(1_061), 300),
            Err(TimeError::IssuedInFuture)
        );
        assert_eq!(window.check_issued_at(at(700), 300), Ok(()));
        assert_eq!(window.check_issued_at(at(699), 300), Err(TimeError::TooOld));
    }

    #[test]
    fn extremes_saturate_instead_of_wrapping() {
        let window = Window::new(UnixTime::from_secs(i64::MAX), u64::MAX);
        assert_eq!(
            window.check_issued_at(UnixTime::from_secs(i64::MIN), u64::MAX),
            Ok(())
        );
        let early = Window::new(UnixTime::from_secs(i64::MIN), u64::MAX);
        assert_eq!(
            early.check_validity(None, Some(UnixTime::from_secs(i64::MIN))),
            Err(TimeError::Expired)
        );
    }
}
