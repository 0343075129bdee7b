//! Named size limits on untrusted input. Anything over a limit is rejected with
//! [`crate::VerifyError::LimitExceeded`] before it can cost time or memory.

/// Largest presentation accepted, in bytes (compact or JSON serialization).
pub const MAX_PRESENTATION_BYTES: usize = 256 * 1024;
/// Most Disclosures in one presentation.
pub const MAX_DISCLOSURES: usize = 512;
/// Deepest nesting of objects and arrays in a processed payload.
pub const MAX_DEPTH: usize = 32;
/// Longest array (and most `_sd` digests in one object).
pub const MAX_ARRAY_LENGTH: usize = 4096;
/// Largest decompressed status list, in bytes (2^24 one-bit entries).
pub const MAX_STATUS_LIST_BYTES: usize = 2 * 1024 * 1024;

/// Which limit was exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// [`MAX_PRESENTATION_BYTES`].
    PresentationBytes,
    /// [`MAX_DISCLOSURES`].
    Disclosures,
    /// [`MAX_DEPTH`].
    Depth,
    /// [`MAX_ARRAY_LENGTH`].
    ArrayLength,
    /// [`MAX_STATUS_LIST_BYTES`].
    StatusListBytes,
}

impl Limit {
    /// The limit's value.
    #[must_use]
    pub const fn value(self) -> usize {
        match self {
            Self::PresentationBytes => MAX_PRESENTATION_BYTES,
            Self::Disclosures => MAX_DISCLOSURES,
            Self::Depth => MAX_DEPTH,
            Self::ArrayLength => MAX_ARRAY_LENGTH,
            Self::StatusListBytes => MAX_STATUS_LIST_BYTES,
        }
    }

    /// A short name, for messages.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::PresentationBytes => "presentation size in bytes",
            Self::Disclosures => "number of disclosures",
            Self::Depth => "nesting depth",
            Self::ArrayLength => "array length",
            Self::StatusListBytes => "status list size in bytes",
        }
    }
}

impl core::fmt::Display for Limit {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} (at most {})", self.name(), self.value())
    }
}
