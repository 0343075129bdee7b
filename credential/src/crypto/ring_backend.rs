//! The fast native backend: ring's ECDSA P-256 (assembly-optimised). Native only; the
//! browser uses the pure-Rust provider or WebCrypto.

use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};

use super::{ES256_SIGNATURE_LEN, SignatureVerifier};
use crate::jwk::PublicJwk;

/// ES256 verification by `ring`.
#[derive(Debug, Clone, Copy, Default)]
pub struct RingP256;

impl SignatureVerifier for RingP256 {
    fn verify_es256(
        &self,
        key: &PublicJwk,
        message: &[u8],
        signature: &[u8; ES256_SIGNATURE_LEN],
    ) -> bool {
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, key.sec1())
            .verify(message, signature)
            .is_ok()
    }
}
