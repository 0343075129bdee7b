//! Canonical unpadded base64url (RFC 4648 §5), as JWS and SD-JWT use it.
//!
//! Decoding is strict: padding, characters outside the URL-safe alphabet and non-zero
//! trailing bits are all rejected. A lenient decoder would let two different strings
//! decode to the same bytes, and SD-JWT digests are computed over the encoded strings.

use base64ct::{Base64UrlUnpadded, Encoding};

/// Why a string is not canonical unpadded base64url.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Base64UrlError {
    /// A character outside `A-Z a-z 0-9 - _`, padding, or non-zero trailing bits.
    #[error("not canonical unpadded base64url")]
    NonCanonical,
}

/// Whether `byte` is in the URL-safe alphabet (`A-Z a-z 0-9 - _`).
#[must_use]
pub const fn is_alphabet(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'
}

/// Encodes bytes as unpadded base64url.
#[must_use]
pub fn encode(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// Decodes canonical unpadded base64url.
///
/// # Errors
/// [`Base64UrlError::NonCanonical`] for anything a canonical encoder would not produce.
pub fn decode(text: &str) -> Result<Vec<u8>, Base64UrlError> {
    // base64ct is constant-time and rejects non-canonical trailing bits and padding.
    Base64UrlUnpadded::decode_vec(text).map_err(|_| Base64UrlError::NonCanonical)
}

#[cfg(test)]
mod tests;
