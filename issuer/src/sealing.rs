//! Sealing what the database holds that is worth stealing, under a key-encryption key
//! (KEK) that is not in the database: a copy of the database files (with their log and
//! free pages) reveals no personal value and no private key.
//!
//! - Each person's claims are sealed (XChaCha20-Poly1305) under a data key of their own;
//!   the data key is stored wrapped by the KEK. The person's id is the associated data of
//!   both, so a sealed value moved to another row does not open.
//! - Private signing keys are sealed by the KEK, bound to their `kid`.
//! - The revocation lookup (finding a person from their identity document) keys an HMAC
//!   with a key derived from the KEK, so the index holds no name and cannot be searched
//!   with guessed names by someone who only has the database.
//!
//! The KEK is 32 random bytes in a key file of its own (mode 0600), base64url text; an
//! operator keeps it apart from the database and its backups.

use std::path::{Path, PathBuf};

use base64ct::{Base64UrlUnpadded, Encoding};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand_core::CryptoRngCore;
use sha2::Sha256;
use zeroize::Zeroizing;

/// Bytes of a key (the KEK, a person's data key, a derived key).
pub const KEY_BYTES: usize = 32;
/// Bytes of an XChaCha20-Poly1305 nonce.
const NONCE_BYTES: usize = 24;
/// Bytes of its authentication tag.
const TAG_BYTES: usize = 16;
/// The first byte of every sealed value: the layout `version ‖ nonce ‖ ciphertext ‖ tag`.
const SEALED_V1: u8 = 1;

/// Why a key file or a sealed value could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// No key file at the path (commands other than `serve` never create one).
    #[error(
        "no key-encryption key at {0}; it is made by the first `cachet-issuer serve` beside the database, or given with --kek-file"
    )]
    MissingKey(String),
    /// The key file does not hold 32 bytes in base64url.
    #[error("{0}: a key-encryption key is 32 bytes written in base64url (43 characters)")]
    MalformedKey(String),
    /// The key file could not be read or written.
    #[error("{path}: {error}")]
    Io {
        /// The key file.
        path: String,
        /// What went wrong.
        error: std::io::Error,
    },
    /// A sealed value does not open under this KEK: another KEK, or the value was changed
    /// or moved to another row.
    #[error(
        "a sealed {0} does not open with this key-encryption key (another key, or the value was changed)"
    )]
    WrongKey(&'static str),
}

/// The key-encryption key.
pub struct KeyEncryptionKey(Zeroizing<[u8; KEY_BYTES]>);

impl std::fmt::Debug for KeyEncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyEncryptionKey(..)")
    }
}

/// Where the KEK of the database at `db` is kept unless `--kek-file` says otherwise: a
/// file beside it with the extension `kek`.
#[must_use]
pub fn default_key_file(db: &Path) -> PathBuf {
    db.with_extension("kek")
}

impl KeyEncryptionKey {
    /// A fresh random KEK (in-memory databases, tests).
    #[must_use]
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        let mut key = Zeroizing::new([0u8; KEY_BYTES]);
        rng.fill_bytes(key.as_mut());
        Self(key)
    }

    /// The KEK in `path`.
    ///
    /// # Errors
    /// [`SealError::MissingKey`], [`SealError::MalformedKey`], [`SealError::Io`].
    pub fn load(path: &Path) -> Result<Self, SealError> {
        let shown = || path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => Zeroizing::new(text),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(SealError::MissingKey(shown()));
            }
            Err(error) => {
                return Err(SealError::Io {
                    path: shown(),
                    error,
                });
            }
        };
        let mut key = Zeroizing::new([0u8; KEY_BYTES]);
        match Base64UrlUnpadded::decode(text.trim().as_bytes(), key.as_mut()) {
            Ok(decoded) if decoded.len() == KEY_BYTES => Ok(Self(key)),
            _ => Err(SealError::MalformedKey(shown())),
        }
    }

    /// The KEK in `path`, or a new random one written there (readable by its owner only)
    /// when there is no file.
    ///
    /// # Errors
    /// As [`KeyEncryptionKey::load`]; [`SealError::Io`] if the new file cannot be written.
    pub fn load_or_create(path: &Path, rng: &mut impl CryptoRngCore) -> Result<Self, SealError> {
        match Self::load(path) {
            Err(SealError::MissingKey(_)) => {}
            other => return other,
        }
        let key = Self::generate(rng);
        let text = Zeroizing::new(Base64UrlUnpadded::encode_string(key.0.as_ref()));
        crate::secrets::write_private_file(path, text.as_bytes()).map_err(|error| {
            SealError::Io {
                path: path.display().to_string(),
                error,
            }
        })?;
        Ok(key)
    }

    /// A key for one purpose, derived from the KEK (HMAC-SHA256 of the purpose's label).
    fn derive(&self, label: &[u8]) -> Zeroizing<[u8; KEY_BYTES]> {
        Zeroizing::new(hmac_sha256(self.0.as_ref(), &[label]))
    }
}

/// What a sealed value is, bound into it as associated data with the row it belongs to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Sealed {
    /// A person's data key, wrapped by the KEK.
    PersonKey,
    /// A person's claims, under their data key.
    Claims,
    /// An ES256 private key.
    SigningKey,
    /// A BBS secret key.
    BbsKey,
}

impl Sealed {
    const fn label(self) -> &'static [u8] {
        match self {
            Self::PersonKey => b"cachet issuer person key v1",
            Self::Claims => b"cachet issuer person claims v1",
            Self::SigningKey => b"cachet issuer signing key v1",
            Self::BbsKey => b"cachet issuer bbs key v1",
        }
    }

    const fn name(self) -> &'static str {
        match self {
            Self::PersonKey => "person key",
            Self::Claims => "person's claims",
            Self::SigningKey => "signing key",
            Self::BbsKey => "BBS key",
        }
    }
}

/// Seals and opens the database's secret values with one KEK.
pub(crate) struct Sealer {
    wrapping: Zeroizing<[u8; KEY_BYTES]>,
    lookup: Zeroizing<[u8; KEY_BYTES]>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

/// A person's claims as stored: sealed under a data key, and that key wrapped.
pub(crate) struct SealedPerson {
    /// The data key, sealed by the KEK.
    pub(crate) person_key: Vec<u8>,
    /// The claims (JSON), sealed by the data key.
    pub(crate) claims: Vec<u8>,
}

impl Sealer {
    pub(crate) fn new(kek: &KeyEncryptionKey) -> Self {
        Self {
            wrapping: kek.derive(b"cachet issuer wrapping v1"),
            lookup: kek.derive(b"cachet issuer lookup v1"),
        }
    }

    /// Seals `plaintext` (of kind `what`, belonging to row `row`) under the KEK.
    pub(crate) fn seal(
        &self,
        what: Sealed,
        row: &str,
        plaintext: &[u8],
        rng: &mut impl CryptoRngCore,
    ) -> Vec<u8> {
        seal_with(&self.wrapping, what, row, plaintext, rng)
    }

    /// Opens what [`Sealer::seal`] sealed.
    pub(crate) fn open(
        &self,
        what: Sealed,
        row: &str,
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, SealError> {
        open_with(&self.wrapping, what, row, sealed)
    }

    /// Seals a person's claims under a fresh data key, wrapped by the KEK.
    pub(crate) fn seal_person(
        &self,
        person_id: &str,
        claims: &[u8],
        rng: &mut impl CryptoRngCore,
    ) -> SealedPerson {
        let mut data_key = Zeroizing::new([0u8; KEY_BYTES]);
        rng.fill_bytes(data_key.as_mut());
        SealedPerson {
            person_key: self.seal(Sealed::PersonKey, person_id, data_key.as_ref(), rng),
            claims: seal_with(&data_key, Sealed::Claims, person_id, claims, rng),
        }
    }

    /// Opens a person's claims.
    pub(crate) fn open_person(
        &self,
        person_id: &str,
        person_key: &[u8],
        claims: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, SealError> {
        let data_key = self.open(Sealed::PersonKey, person_id, person_key)?;
        let data_key: [u8; KEY_BYTES] = data_key
            .as_slice()
            .try_into()
            .map_err(|_| SealError::WrongKey(Sealed::PersonKey.name()))?;
        open_with(&Zeroizing::new(data_key), Sealed::Claims, person_id, claims)
    }

    /// The keyed hash under which a person's identity (`fields`, in a fixed order) is
    /// found for revocation.
    pub(crate) fn lookup(&self, fields: &[&str]) -> [u8; 32] {
        // Each field length-prefixed, so that no two field lists hash alike.
        let lengths: Vec<[u8; 8]> = fields
            .iter()
            .map(|field| u64::try_from(field.len()).unwrap_or(u64::MAX).to_be_bytes())
            .collect();
        let mut parts: Vec<&[u8]> = Vec::with_capacity(fields.len() * 2);
        for (field, length) in fields.iter().zip(&lengths) {
            parts.push(length);
            parts.push(field.as_bytes());
        }
        hmac_sha256(self.lookup.as_ref(), &parts)
    }
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes a key of any length: this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

fn associated_data(what: Sealed, row: &str) -> Vec<u8> {
    let mut aad = what.label().to_vec();
    aad.push(0);
    aad.extend_from_slice(row.as_bytes());
    aad
}

fn seal_with(
    key: &[u8; KEY_BYTES],
    what: Sealed,
    row: &str,
    plaintext: &[u8],
    rng: &mut impl CryptoRngCore,
) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut nonce = [0u8; NONCE_BYTES];
    rng.fill_bytes(&mut nonce);
    let aad = associated_data(what, row);
    let payload = Payload {
        msg: plaintext,
        aad: &aad,
    };
    // Encryption fails only for a message over the cipher's 256 GiB limit.
    let ciphertext = cipher
        .encrypt(&XNonce::from(nonce), payload)
        .unwrap_or_else(|_| unreachable!("sealed values are far below the cipher's limit"));
    let mut sealed = Vec::with_capacity(1 + NONCE_BYTES + ciphertext.len());
    sealed.push(SEALED_V1);
    sealed.extend_from_slice(&nonce);
    sealed.extend_from_slice(&ciphertext);
    sealed
}

fn open_with(
    key: &[u8; KEY_BYTES],
    what: Sealed,
    row: &str,
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, SealError> {
    let wrong = || SealError::WrongKey(what.name());
    let (version, rest) = sealed.split_first().ok_or_else(wrong)?;
    if *version != SEALED_V1 || rest.len() < NONCE_BYTES + TAG_BYTES {
        return Err(wrong());
    }
    let (nonce, ciphertext) = rest.split_at(NONCE_BYTES);
    let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| wrong())?;
    let cipher = XChaCha20Poly1305::new(key.into());
    let aad = associated_data(what, row);
    cipher
        .decrypt(
            &XNonce::from(nonce),
            Payload {
                msg: ciphertext,
                aad: &aad,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| wrong())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    #[test]
    fn a_sealed_value_opens_only_with_its_key_kind_and_row() {
        let kek = KeyEncryptionKey::generate(&mut OsRng);
        let sealer = Sealer::new(&kek);
        let sealed = sealer.seal(Sealed::SigningKey, "kid-1", b"secret", &mut OsRng);
        assert_eq!(
            sealer
                .open(Sealed::SigningKey, "kid-1", &sealed)
                .unwrap()
                .as_slice(),
            b"secret"
        );
        assert!(!sealed.windows(6).any(|window| window == b"secret"));
        // Another row, another kind, another KEK, a changed byte, a truncation.
        assert!(sealer.open(Sealed::SigningKey, "kid-2", &sealed).is_err());
        assert!(sealer.open(Sealed::BbsKey, "kid-1", &sealed).is_err());
        let other = Sealer::new(&KeyEncryptionKey::generate(&mut OsRng));
        assert!(other.open(Sealed::SigningKey, "kid-1", &sealed).is_err());
        let mut changed = sealed.clone();
        if let Some(last) = changed.last_mut() {
            *last ^= 1;
        }
        assert!(sealer.open(Sealed::SigningKey, "kid-1", &changed).is_err());
        for length in 0..sealed.len() {
            assert!(
                sealer
                    .open(Sealed::SigningKey, "kid-1", &sealed[..length])
                    .is_err()
            );
        }
    }

    #[test]
    fn a_person_is_sealed_under_a_data_key_of_their_own() {
        let sealer = Sealer::new(&KeyEncryptionKey::generate(&mut OsRng));
        let claims = br#"{"given_name":"Erika"}"#;
        let one = sealer.seal_person("p_1", claims, &mut OsRng);
        let two = sealer.seal_person("p_1", claims, &mut OsRng);
        assert_ne!(one.claims, two.claims);
        assert_ne!(one.person_key, two.person_key);
        let opened = sealer
            .open_person("p_1", &one.person_key, &one.claims)
            .unwrap();
        assert_eq!(opened.as_slice(), claims);
        // Another person's row does not open it, nor does another person's data key.
        assert!(
            sealer
                .open_person("p_2", &one.person_key, &one.claims)
                .is_err()
        );
        assert!(
            sealer
                .open_person("p_1", &two.person_key, &one.claims)
                .is_err()
        );
    }

    #[test]
    fn the_lookup_is_keyed_and_separates_fields() {
        let kek = KeyEncryptionKey::generate(&mut OsRng);
        let sealer = Sealer::new(&kek);
        let erika = sealer.lookup(&["Erika", "Mustermann", "1964-08-12"]);
        assert_eq!(erika, sealer.lookup(&["Erika", "Mustermann", "1964-08-12"]));
        assert_ne!(erika, sealer.lookup(&["ErikaM", "ustermann", "1964-08-12"]));
        let other = Sealer::new(&KeyEncryptionKey::generate(&mut OsRng));
        assert_ne!(erika, other.lookup(&["Erika", "Mustermann", "1964-08-12"]));
    }

    #[test]
    fn a_key_file_is_made_once_private_and_read_back() {
        let dir = std::env::temp_dir().join(format!(
            "cachet-kek-{}",
            crate::secrets::random_token(&mut OsRng, 8)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("issuer.kek");
        assert!(matches!(
            KeyEncryptionKey::load(&path),
            Err(SealError::MissingKey(_))
        ));
        let made = KeyEncryptionKey::load_or_create(&path, &mut OsRng).unwrap();
        let read = KeyEncryptionKey::load_or_create(&path, &mut OsRng).unwrap();
        assert_eq!(made.0.as_ref(), read.0.as_ref());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "too short").unwrap();
        assert!(matches!(
            KeyEncryptionKey::load(&path),
            Err(SealError::MalformedKey(_))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
