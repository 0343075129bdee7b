//! The recovery code: the seed behind the person's pseudonyms, written for a person to
//! copy by hand and type on another device.
//!
//! 32 seed bytes become 52 characters of the RFC 4648 base32 alphabet (`A`–`Z`, `2`–`7`:
//! no `0`/`1`/`8`/`9` to confuse with `O`/`I`/`B`), then 4 characters of checksum (the
//! first 20 bits of SHA-256 over the seed), shown in groups of four. Typing is forgiving
//! (any case, spaces or dashes anywhere, `0`/`1`/`8` read as `O`/`I`/`B`); a mistyped
//! character is caught by the checksum, so a typo never restores someone else's, or no
//! one's, pseudonyms.

use credential::bbs::holder::SEED_LEN;
use sha2::{Digest, Sha256};

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// Characters encoding the seed: ceil(256 / 5).
const SEED_CHARS: usize = 52;
/// Characters of checksum (20 bits).
const CHECK_CHARS: usize = 4;
/// Characters per group as shown.
const GROUP: usize = 4;
/// The longest text read as a code (groups, separators, some slack for spaces).
const MAX_TYPED: usize = 200;

/// Why a typed recovery code was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecoveryError {
    /// Too few or too many characters.
    #[error("a recovery code has 56 letters and digits; this has {0}")]
    WrongLength(usize),
    /// A character that is not in a recovery code.
    #[error("'{0}' is not in a recovery code")]
    BadCharacter(char),
    /// The checksum does not match: a character is mistyped.
    #[error("this recovery code has a typo; check each group")]
    Checksum,
    /// This wallet already holds pseudonymous credentials under other secrets.
    #[error("this wallet already has pseudonyms of its own; delete them before restoring")]
    InUse,
}

credential::error_codes! {
    RecoveryError {
        Self::WrongLength(_) => "recovery_code_length",
        Self::BadCharacter(_) => "recovery_code_character",
        Self::Checksum => "recovery_code_typo",
        Self::InUse => "pseudonyms_in_use",
    }
}

/// The seed as a recovery code, in groups of four (`ABCD-EFGH-...`).
#[must_use]
pub fn encode(seed: &[u8; SEED_LEN]) -> String {
    let mut chars = base32(seed);
    chars.truncate(SEED_CHARS);
    chars.extend(checksum(seed));
    chars
        .chunks(GROUP)
        .map(|group| group.iter().map(|&c| char::from(c)).collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The seed of a typed recovery code.
///
/// # Errors
/// [`RecoveryError`] saying what is wrong with it.
pub fn decode(typed: &str) -> Result<[u8; SEED_LEN], RecoveryError> {
    if typed.len() > MAX_TYPED {
        return Err(RecoveryError::WrongLength(typed.len()));
    }
    let mut values = Vec::with_capacity(SEED_CHARS + CHECK_CHARS);
    for c in typed.chars() {
        if c.is_whitespace() || c == '-' {
            continue;
        }
        values.push(value_of(c).ok_or(RecoveryError::BadCharacter(c))?);
    }
    if values.len() != SEED_CHARS + CHECK_CHARS {
        return Err(RecoveryError::WrongLength(values.len()));
    }
    let (seed_part, check_part) = values.split_at(SEED_CHARS);
    let mut seed = [0u8; SEED_LEN];
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut out = 0;
    for &value in seed_part {
        acc = (acc << 5) | u32::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            if let Some(byte) = seed.get_mut(out) {
                *byte = u8::try_from((acc >> bits) & 0xff).unwrap_or(0);
            }
            out += 1;
            acc &= (1 << bits) - 1;
        }
    }
    // 52 characters carry 260 bits: the 4 left over are zero in a code this wallet wrote.
    if acc != 0 {
        return Err(RecoveryError::Checksum);
    }
    let expected: Vec<u8> = checksum(&seed)
        .into_iter()
        .filter_map(|c| value_of(char::from(c)))
        .collect();
    if expected != check_part {
        return Err(RecoveryError::Checksum);
    }
    Ok(seed)
}

/// The base32 characters of `bytes` (the last one zero-padded), no `=`.
fn base32(bytes: &[u8]) -> Vec<u8> {
    let mut chars = Vec::with_capacity(bytes.len() * 8 / 5 + 1);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &byte in bytes {
        acc = (acc << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            chars.push(symbol((acc >> bits) & 31));
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        chars.push(symbol((acc << (5 - bits)) & 31));
    }
    chars
}

fn checksum(seed: &[u8; SEED_LEN]) -> Vec<u8> {
    let digest = Sha256::digest(seed);
    let mut chars = base32(digest.get(..3).unwrap_or_default());
    chars.truncate(CHECK_CHARS);
    chars
}

fn symbol(value: u32) -> u8 {
    ALPHABET
        .get(usize::try_from(value).unwrap_or(0))
        .copied()
        .unwrap_or(b'A')
}

fn value_of(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        '0' => 'O',
        '1' => 'I',
        '8' => 'B',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|&a| char::from(a) == c)
        .and_then(|i| u8::try_from(i).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_restores_its_seed_however_it_is_typed() {
        for fill in [0u8, 1, 0x5a, 0xff] {
            let mut seed = [fill; SEED_LEN];
            seed[7] = 42;
            let code = encode(&seed);
            assert_eq!(code.len(), 56 + 13, "{code}");
            assert_eq!(decode(&code), Ok(seed));
            assert_eq!(decode(&code.to_lowercase().replace('-', " ")), Ok(seed));
            let confusable = code.replace('O', "0").replace('I', "1").replace('B', "8");
            assert_eq!(decode(&confusable), Ok(seed));
        }
    }

    #[test]
    fn every_single_typo_is_caught() {
        let seed = [0x3c; SEED_LEN];
        let code: Vec<char> = encode(&seed).chars().collect();
        for (i, original) in code.iter().enumerate() {
            if *original == '-' {
                continue;
            }
            for replacement in ALPHABET.iter().map(|&b| char::from(b)) {
                if replacement == *original {
                    continue;
                }
                let mut typo = code.clone();
                typo[i] = replacement;
                let typo: String = typo.into_iter().collect();
                assert!(decode(&typo).is_err(), "{typo} was accepted");
            }
        }
    }

    #[test]
    fn malformed_codes_say_why() {
        let code = encode(&[9; SEED_LEN]);
        assert_eq!(
            decode(&code[..code.len() - 5]),
            Err(RecoveryError::WrongLength(52))
        );
        assert_eq!(decode(""), Err(RecoveryError::WrongLength(0)));
        assert_eq!(
            decode(&format!("{code}!")),
            Err(RecoveryError::BadCharacter('!'))
        );
        assert!(matches!(
            decode(&"A".repeat(10_000)),
            Err(RecoveryError::WrongLength(_))
        ));
    }
}
