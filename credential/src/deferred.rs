//! Verification with an asynchronous signature backend (WebCrypto's `crypto.subtle` is
//! Promise-based, while [`crate::verify()`] is synchronous).
//!
//! Phase one runs the whole verification *optimistically*: every signature check answers
//! "valid" and is recorded. Phase two has the backend check the recorded signatures. If
//! all are valid, the optimistic outcome is exactly the synchronous one (every check on
//! its path really succeeded). If any is not, verification runs again with the real
//! answers (`Decided`), so errors come out exactly as from the synchronous path (a bad
//! signature is reported as such, before any claim error); a check the second run asks for
//! that was not recorded falls back to the pure-Rust provider.

use std::cell::RefCell;

use crate::crypto::{ES256_SIGNATURE_LEN, RustCryptoP256, SignatureVerifier};
use crate::error::VerifyError;
use crate::jwk::PublicJwk;
use crate::policy::VerifyPolicy;
use crate::verify::{Verified, verify_with};

/// One ES256 signature to check: the key (uncompressed SEC1), the message, `r || s`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureCheck {
    /// The public key, `04 || x || y`.
    pub key: [u8; 65],
    /// The signed bytes (a JWS signing input).
    pub message: Vec<u8>,
    /// The signature, `r || s`.
    pub signature: [u8; ES256_SIGNATURE_LEN],
}

#[derive(Default)]
struct Recorder {
    checks: RefCell<Vec<SignatureCheck>>,
}

impl SignatureVerifier for Recorder {
    fn verify_es256(
        &self,
        key: &PublicJwk,
        message: &[u8],
        signature: &[u8; ES256_SIGNATURE_LEN],
    ) -> bool {
        self.checks.borrow_mut().push(SignatureCheck {
            key: *key.sec1(),
            message: message.to_vec(),
            signature: *signature,
        });
        true
    }
}

/// Answers signature checks from a backend's results.
struct Decided<'a> {
    results: Vec<(&'a SignatureCheck, bool)>,
}

impl SignatureVerifier for Decided<'_> {
    fn verify_es256(
        &self,
        key: &PublicJwk,
        message: &[u8],
        signature: &[u8; ES256_SIGNATURE_LEN],
    ) -> bool {
        self.results
            .iter()
            .find(|(check, _)| {
                check.key == *key.sec1()
                    && check.message == message
                    && check.signature == *signature
            })
            .map_or_else(
                || RustCryptoP256.verify_es256(key, message, signature),
                |(_, valid)| *valid,
            )
    }
}

/// A verification waiting for its signature checks.
#[derive(Debug, Clone)]
pub struct DeferredVerification {
    presentation: String,
    policy: VerifyPolicy,
    optimistic: Result<Verified, VerifyError>,
    checks: Vec<SignatureCheck>,
}

impl DeferredVerification {
    /// Phase one: verifies `presentation` with every signature assumed valid, recording
    /// the checks.
    #[must_use]
    pub fn start(presentation: String, policy: VerifyPolicy) -> Self {
        let recorder = Recorder::default();
        let optimistic = verify_with(&presentation, &policy, &recorder);
        Self {
            presentation,
            policy,
            optimistic,
            checks: recorder.checks.into_inner(),
        }
    }

    /// The signatures to check, in order (usually two: the issuer's and the holder's).
    #[must_use]
    pub fn checks(&self) -> &[SignatureCheck] {
        &self.checks
    }

    /// Phase two: the outcome, given whether each of [`Self::checks`] is valid.
    ///
    /// # Errors
    /// Exactly the [`VerifyError`] that [`crate::verify()`] gives for this presentation.
    pub fn finish(self, valid: &[bool]) -> Result<Verified, VerifyError> {
        if valid.len() == self.checks.len() && valid.iter().all(|ok| *ok) {
            return self.optimistic;
        }
        let decided = Decided {
            results: self.checks.iter().zip(valid.iter().copied()).collect(),
        };
        verify_with(&self.presentation, &self.policy, &decided)
    }

    /// Phase two with a synchronous provider (where no asynchronous backend exists).
    ///
    /// # Errors
    /// As [`Self::finish`].
    pub fn finish_with(self, provider: &dyn SignatureVerifier) -> Result<Verified, VerifyError> {
        let valid: Vec<bool> = self
            .checks
            .iter()
            .map(|check| {
                PublicJwk::from_sec1(&check.key).is_some_and(|key| {
                    provider.verify_es256(&key, &check.message, &check.signature)
                })
            })
            .collect();
        self.finish(&valid)
    }
}

#[cfg(test)]
mod tests;
