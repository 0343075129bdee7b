//! Signature providers, as rustls has crypto providers: the core decides *what* to
//! verify and sign; a provider does the curve arithmetic.
//!
//! - [`RustCryptoP256`] (pure Rust `p256`) works everywhere, including wasm.
//! - `RingP256` (feature `ring`, native only) is the fast native backend.
//! - The in-page verifier checks signatures with the browser's WebCrypto, which is
//!   Promise-based: [`crate::deferred`] records the checks of a synchronous run and replays them.
//! - Signing for the holder is two steps (signing input out, 64-byte `r||s` in; see
//!   [`crate::present::UnsignedPresentation`]) so that a non-extractable WebCrypto key can
//!   sign; [`sign_es256`] is the native way to produce that signature.

use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey};

use crate::jwk::{PrivateJwk, PublicJwk};

#[cfg(feature = "ring")]
mod ring_backend;
#[cfg(feature = "ring")]
pub use ring_backend::RingP256;

/// Length of an ES256 signature: `r || s`, 32 bytes each (RFC 7518 §3.4).
pub const ES256_SIGNATURE_LEN: usize = 64;

/// Checks ES256 (ECDSA P-256 with SHA-256) signatures.
pub trait SignatureVerifier {
    /// Whether `signature` (`r || s`) is a valid ES256 signature of `message` by `key`.
    fn verify_es256(
        &self,
        key: &PublicJwk,
        message: &[u8],
        signature: &[u8; ES256_SIGNATURE_LEN],
    ) -> bool;
}

/// The pure-Rust provider (RustCrypto `p256`): portable, used in wasm.
#[derive(Debug, Clone, Copy, Default)]
pub struct RustCryptoP256;

impl SignatureVerifier for RustCryptoP256 {
    fn verify_es256(
        &self,
        key: &PublicJwk,
        message: &[u8],
        signature: &[u8; ES256_SIGNATURE_LEN],
    ) -> bool {
        Signature::from_slice(signature).is_ok_and(|sig| key.key().verify(message, &sig).is_ok())
    }
}

/// Signs `message` with ES256 and returns `r || s`. ECDSA nonces are derived
/// deterministically (RFC 6979), so no randomness is needed.
#[must_use]
pub fn sign_es256(key: &SigningKey, message: &[u8]) -> [u8; ES256_SIGNATURE_LEN] {
    let signature: Signature = key.sign(message);
    signature.to_bytes().into()
}

/// An issuer's ES256 signing key, wherever it lives: in the process ([`PrivateJwk`]) or
/// in a hardware security module that never lets it out. The core builds what is signed
/// (the JWS signing input); the signer returns `r || s`.
pub trait Es256Signer {
    /// The `kid` that JWS headers name.
    fn kid(&self) -> &str;

    /// The ES256 signature (`r || s`, with the low `s`) of `message`.
    ///
    /// # Errors
    /// [`SignError`] when the key's device cannot sign.
    fn sign_es256(&self, message: &[u8]) -> Result<[u8; ES256_SIGNATURE_LEN], SignError>;
}

/// Why a signer could not sign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The device holding the key refused or failed (a lost session, a removed token).
    #[error("the signing key's device failed: {0}")]
    Device(String),
}

impl Es256Signer for PrivateJwk {
    fn kid(&self) -> &str {
        PrivateJwk::kid(self)
    }

    fn sign_es256(&self, message: &[u8]) -> Result<[u8; ES256_SIGNATURE_LEN], SignError> {
        Ok(sign_es256(self.signing_key(), message))
    }
}
