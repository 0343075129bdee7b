//! Random bearer secrets (pre-authorized codes, access tokens, nonces, person ids) and
//! the hashes under which the database keeps them: a copy of the database does not let
//! anyone redeem a code or use a token.

use base64ct::{Base64UrlUnpadded, Encoding};
use rand_core::CryptoRngCore;
use sha2::{Digest, Sha256};

/// A fresh random secret of `bytes` bytes, base64url without padding.
#[must_use]
pub fn random_token(rng: &mut impl CryptoRngCore, bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rng.fill_bytes(&mut buffer);
    Base64UrlUnpadded::encode_string(&buffer)
}

/// SHA-256 of a secret, as stored.
#[must_use]
pub fn hash(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Whether a presented secret equals the expected one, compared as SHA-256 digests, so
/// that the time the comparison takes tells nothing about the secret's bytes.
#[must_use]
pub fn equal(presented: &[u8], expected: &[u8]) -> bool {
    Sha256::digest(presented) == Sha256::digest(expected)
}

/// Writes `bytes` to a new file at `path` that only its owner can read (mode 0600 on
/// Unix), synced to disk; an existing file is never overwritten. For key files.
///
/// # Errors
/// I/O errors, [`std::io::ErrorKind::AlreadyExists`] for an existing file.
pub fn write_private_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// 256-bit codes and tokens; 128-bit ids.
pub const SECRET_BYTES: usize = 32;
/// Bytes of a person id.
pub const ID_BYTES: usize = 16;
