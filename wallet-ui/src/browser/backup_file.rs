//! Making and reading backup files with WebCrypto (PBKDF2-SHA-256 → AES-GCM); the file
//! format is `logic::backup`.

use super::subtle;
use crate::logic::backup::{self, Backup, BackupError, ITERATIONS};
use crate::logic::wallet::Contents;

/// Why a backup could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the backup could not be made: {0}")]
pub struct ExportError(String);

credential::error_codes! {
    ExportError {
        Self(_) => "encryption_failed",
    }
}

/// The backup file text of `contents`, sealed with `passphrase`.
///
/// # Errors
/// [`ExportError`] if WebCrypto fails.
pub async fn export(contents: &Contents, passphrase: &str) -> Result<String, ExportError> {
    let failed = |err: subtle::CryptoError| ExportError(err.0);
    let plain = backup::plain_of(contents);
    let salt = subtle::random_bytes(16).map_err(failed)?;
    let key = subtle::passphrase_key(passphrase, &salt, ITERATIONS)
        .await
        .map_err(failed)?;
    let sealed = subtle::seal(&key, &plain).await.map_err(failed)?;
    let (iv, data) = sealed.split_at(12);
    Ok(Backup {
        salt,
        iterations: ITERATIONS,
        iv: iv.to_vec(),
        data: data.to_vec(),
    }
    .to_json())
}

/// Reads a backup file with `passphrase`.
///
/// # Errors
/// [`BackupError`].
pub async fn import(text: &str, passphrase: &str) -> Result<Contents, BackupError> {
    let file = Backup::parse(text)?;
    let key = subtle::passphrase_key(passphrase, &file.salt, file.iterations)
        .await
        .map_err(|_| BackupError::WrongPassphrase)?;
    let sealed = [file.iv.as_slice(), file.data.as_slice()].concat();
    let plain = subtle::open(&key, &sealed)
        .await
        .map_err(|_| BackupError::WrongPassphrase)?;
    backup::contents_from(&plain)
}
