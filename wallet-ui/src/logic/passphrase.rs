//! What a passphrase must be, for locking the wallet and for sealing a backup. The rule is
//! here so that both settings and any later caller apply the same one.

/// Shortest passphrase accepted, in characters (not bytes: a passphrase in Chinese is
/// as long as it looks).
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Why a new passphrase was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PassphraseError {
    /// Shorter than [`MIN_PASSPHRASE_CHARS`].
    #[error("a passphrase needs at least {MIN_PASSPHRASE_CHARS} characters")]
    TooShort,
}

credential::error_codes! {
    PassphraseError {
        Self::TooShort => "passphrase_too_short",
    }
}

/// Checks a passphrase chosen to lock the wallet or seal a backup.
///
/// # Errors
/// [`PassphraseError::TooShort`].
pub fn check_new(passphrase: &str) -> Result<(), PassphraseError> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        Err(PassphraseError::TooShort)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_counts_characters_not_bytes() {
        assert_eq!(check_new("seven77"), Err(PassphraseError::TooShort));
        assert_eq!(check_new("eight888"), Ok(()));
        // Eight characters, 24 bytes; seven characters, 21 bytes.
        assert_eq!(check_new("钱包密码很长很长"), Ok(()));
        assert_eq!(check_new("钱包密码很长很"), Err(PassphraseError::TooShort));
    }
}
