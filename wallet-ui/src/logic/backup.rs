//! The encrypted backup file: everything the wallet holds, sealed with a key derived
//! from a passphrase, so it can be kept anywhere and restored on another device.
//!
//! ```json
//! {"format": "cachet-wallet-backup", "version": 1,
//!  "kdf": {"name": "PBKDF2-SHA-256", "iterations": 600000, "salt": "<base64url>"},
//!  "cipher": {"name": "AES-GCM", "iv": "<base64url>"}, "data": "<base64url>"}
//! ```
//! `data` decrypts to the JSON of [`Contents`]. Holder keys are not in it: they never
//! leave the device that made them.

use credential::base64url;
use serde_json::{Value, json};

use super::wallet::Contents;

/// The `format` member.
pub const FORMAT: &str = "cachet-wallet-backup";
/// PBKDF2 iterations for new backups (OWASP's figure for PBKDF2-HMAC-SHA256).
pub const ITERATIONS: u32 = 600_000;
/// Fewest and most iterations accepted when reading a backup.
const ITERATIONS_ACCEPTED: core::ops::RangeInclusive<u64> = 100_000..=10_000_000;
/// Largest backup file read.
pub const MAX_BACKUP_BYTES: usize = 16 * 1024 * 1024;

/// Why a backup could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// Larger than [`MAX_BACKUP_BYTES`].
    #[error("the file is too large to be a backup")]
    TooLarge,
    /// Not a Cachet backup, or of a version this wallet does not know.
    #[error("this is not a Cachet wallet backup")]
    NotABackup,
    /// The passphrase is wrong or the file was altered.
    #[error("wrong passphrase, or the file was altered")]
    WrongPassphrase,
    /// Decrypted, but the contents are not wallet records.
    #[error("the backup's contents are damaged")]
    Damaged,
}

credential::error_codes! {
    BackupError {
        Self::TooLarge => "backup_too_large",
        Self::NotABackup => "not_a_backup",
        Self::WrongPassphrase => "wrong_passphrase",
        Self::Damaged => "backup_damaged",
    }
}

/// A sealed backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    /// PBKDF2 salt.
    pub salt: Vec<u8>,
    /// PBKDF2 iterations.
    pub iterations: u32,
    /// AES-GCM nonce.
    pub iv: Vec<u8>,
    /// The ciphertext (with its tag).
    pub data: Vec<u8>,
}

impl Backup {
    /// The file's text.
    #[must_use]
    pub fn to_json(&self) -> String {
        json!({
            "format": FORMAT,
            "version": 1,
            "kdf": {"name": "PBKDF2-SHA-256", "iterations": self.iterations,
                    "salt": base64url::encode(&self.salt)},
            "cipher": {"name": "AES-GCM", "iv": base64url::encode(&self.iv)},
            "data": base64url::encode(&self.data),
        })
        .to_string()
    }

    /// Reads a backup file.
    ///
    /// # Errors
    /// [`BackupError::TooLarge`] or [`BackupError::NotABackup`].
    pub fn parse(text: &str) -> Result<Self, BackupError> {
        if text.len() > MAX_BACKUP_BYTES {
            return Err(BackupError::TooLarge);
        }
        let value =
            credential::strict_json::parse(text.as_bytes()).ok_or(BackupError::NotABackup)?;
        let text_at = |pointer: &str| value.pointer(pointer).and_then(Value::as_str);
        let bytes_at = |pointer: &str| {
            text_at(pointer)
                .and_then(|text| base64url::decode(text).ok())
                .ok_or(BackupError::NotABackup)
        };
        let known = text_at("/format") == Some(FORMAT)
            && value.get("version").and_then(Value::as_u64) == Some(1)
            && text_at("/kdf/name") == Some("PBKDF2-SHA-256")
            && text_at("/cipher/name") == Some("AES-GCM");
        let iterations = value
            .pointer("/kdf/iterations")
            .and_then(Value::as_u64)
            .filter(|n| ITERATIONS_ACCEPTED.contains(n))
            .and_then(|n| u32::try_from(n).ok());
        let (true, Some(iterations)) = (known, iterations) else {
            return Err(BackupError::NotABackup);
        };
        let backup = Self {
            salt: bytes_at("/kdf/salt")?,
            iterations,
            iv: bytes_at("/cipher/iv")?,
            data: bytes_at("/data")?,
        };
        if backup.salt.len() < 16 || backup.iv.len() != 12 {
            return Err(BackupError::NotABackup);
        }
        Ok(backup)
    }
}

/// What a backup of `contents` holds, before sealing: everything but what could obtain
/// credentials. Refresh tokens stay out: whoever cracked a stolen backup's passphrase
/// offline could otherwise mint fresh, presentable copies (and holder keys never leave
/// the browser anyway, so restored copies can be viewed, not presented).
#[must_use]
pub fn plain_of(contents: &Contents) -> Vec<u8> {
    let mut kept = contents.clone();
    for batch in &mut kept.batches {
        batch.refresh_token = None;
    }
    serde_json::to_vec(&kept).unwrap_or_default()
}

/// Reads decrypted backup contents.
///
/// # Errors
/// [`BackupError::Damaged`] if they are not wallet records.
pub fn contents_from(plain: &[u8]) -> Result<Contents, BackupError> {
    serde_json::from_slice(plain).map_err(|_| BackupError::Damaged)
}
