//! The holder's secrets and the commitment the issuer signs blind.
//!
//! Everything derives from one 32-byte seed, which the wallet shows once as a recovery
//! code: the prover's nym secret (its half of the pseudonym secret) and the commitment's
//! blinding factor. Both are fixed by the seed, so the commitment point is too: a wallet
//! restored from the recovery code on another device sends the same commitment, the
//! issuer recognises it and returns the same nym entropy, and the person's pseudonyms are
//! unchanged. The commitment's proof of knowledge is fresh each time (its randomness is
//! the caller's `rng`).
//!
//! The commitment is the pseudonym draft's `Commit` with no committed messages and one
//! prover nym, computed here because zkryptium draws the blinding factor itself; its
//! output is byte-for-byte the draft's (tested against the nymCommit vectors), and the
//! issuer checks it with zkryptium.

use bls12_381_plus::Scalar;
use rand_core::CryptoRngCore;
use zkryptium::bbsplus::ciphersuites::BbsCiphersuite;
use zkryptium::bbsplus::generators::Generators;
use zkryptium::utils::util::bbsplus_utils::{calculate_blind_challenge, hash_to_scalar};

use super::error::BbsError;
use super::suite::Suite;
use super::wire::{self, COMMITMENT_LEN, G1_LEN};

/// Length of the seed behind a holder's secrets.
pub const SEED_LEN: usize = 32;
/// Domain separation for the nym secret derived from the seed.
const NYM_DST: &[u8] = b"CACHET_BBS_NYM_HOLDER_NYM_SECRET_V1";
/// Domain separation for the commitment's blinding factor derived from the seed.
const BLIND_DST: &[u8] = b"CACHET_BBS_NYM_HOLDER_BLIND_V1";

/// A holder's secret material: the seed of its nym secret and commitment blind.
#[derive(Clone, PartialEq, Eq)]
pub struct HolderSecret {
    seed: [u8; SEED_LEN],
}

impl core::fmt::Debug for HolderSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("HolderSecret(..)")
    }
}

impl HolderSecret {
    /// A new holder secret from `rng`.
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        let mut seed = [0u8; SEED_LEN];
        rng.fill_bytes(&mut seed);
        Self { seed }
    }

    /// The holder secret of a seed (restored from a recovery code).
    #[must_use]
    pub fn from_seed(seed: [u8; SEED_LEN]) -> Self {
        Self { seed }
    }

    /// The seed, to show once as a recovery code and to keep sealed.
    #[must_use]
    pub fn seed(&self) -> &[u8; SEED_LEN] {
        &self.seed
    }

    fn derive(&self, dst: &[u8]) -> Result<Scalar, BbsError> {
        hash_to_scalar::<Suite>(&self.seed, dst).map_err(|_| BbsError::Library)
    }

    /// The prover's nym secret (its half of the pseudonym secret).
    pub(crate) fn prover_nym(&self) -> Result<Scalar, BbsError> {
        self.derive(NYM_DST)
    }

    /// The commitment's blinding factor.
    pub(crate) fn prover_blind(&self) -> Result<Scalar, BbsError> {
        self.derive(BLIND_DST)
    }

    /// The commitment to this holder's nym secret, with a fresh proof of knowledge.
    ///
    /// # Errors
    /// [`BbsError::Library`] if hashing to the curve fails (it does not).
    pub fn commit(&self, rng: &mut impl CryptoRngCore) -> Result<NymCommitment, BbsError> {
        let s_tilde = random_scalar(rng);
        let m_tilde = random_scalar(rng);
        commit_with_scalars(self.prover_blind()?, self.prover_nym()?, s_tilde, m_tilde)
    }
}

/// A uniformly random scalar from 48 bytes of `rng` (the draft's `get_random`).
pub(crate) fn random_scalar(rng: &mut impl CryptoRngCore) -> Scalar {
    let mut okm = [0u8; 48];
    rng.fill_bytes(&mut okm);
    Scalar::from_okm(&okm)
}

/// The blind generators `Q_2` and `J_1` of a commitment to one scalar.
fn blind_generators() -> Generators {
    let api_id = <Suite as BbsCiphersuite>::API_ID_NYM;
    Generators::create::<Suite>(2, Some(&[b"BLIND_", api_id].concat()))
}

/// The draft's `CoreCommit` over one committed scalar, the nym secret `nym`, with the
/// blinding factor `blind` and the proof's random scalars given. [`HolderSecret::commit`]
/// is the way to commit; this form exists so the drafts' vectors can check it.
///
/// # Errors
/// [`BbsError::Library`] if hashing to the curve fails (it does not).
pub fn commit_with_scalars(
    blind: Scalar,
    nym: Scalar,
    s_tilde: Scalar,
    m_tilde: Scalar,
) -> Result<NymCommitment, BbsError> {
    let generators = blind_generators().values;
    let (Some(q2), Some(j1)) = (generators.first(), generators.get(1)) else {
        return Err(BbsError::Library);
    };
    let commitment = q2 * blind + j1 * nym;
    let commitment_bar = q2 * s_tilde + j1 * m_tilde;
    let challenge = calculate_blind_challenge::<Suite>(
        commitment,
        commitment_bar,
        &generators,
        Some(<Suite as BbsCiphersuite>::API_ID_NYM),
    )
    .map_err(|_| BbsError::Library)?;
    let s_hat = s_tilde + blind * challenge;
    let m_hat = m_tilde + nym * challenge;
    let mut bytes = [0u8; COMMITMENT_LEN];
    let parts: [&[u8]; 4] = [
        &bls12_381_plus::G1Affine::from(commitment).to_compressed(),
        &s_hat.to_be_bytes(),
        &m_hat.to_be_bytes(),
        &challenge.to_be_bytes(),
    ];
    let mut at = 0;
    for part in parts {
        let end = at + part.len();
        bytes
            .get_mut(at..end)
            .ok_or(BbsError::Library)?
            .copy_from_slice(part);
        at = end;
    }
    NymCommitment::from_bytes(&bytes)
}

/// A holder's commitment to its nym secret with the proof that it knows what it
/// committed to (`commitment_with_proof`, 144 bytes). Checked for form on reading; the
/// issuer's signing checks the proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NymCommitment {
    bytes: [u8; COMMITMENT_LEN],
}

impl NymCommitment {
    /// Reads one, checking its exact length, its point and its scalars.
    ///
    /// # Errors
    /// [`BbsError::WrongLength`], [`BbsError::InvalidPoint`] or [`BbsError::InvalidScalar`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, BbsError> {
        Ok(Self {
            bytes: wire::commitment(bytes)?,
        })
    }

    /// The 144 bytes, as sent to the issuer.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; COMMITMENT_LEN] {
        &self.bytes
    }

    /// The committed point alone: the same for every commitment from one holder secret,
    /// so what the issuer keeps to recognise the holder.
    #[must_use]
    pub fn point(&self) -> [u8; G1_LEN] {
        self.bytes
            .first_chunk::<G1_LEN>()
            .copied()
            .unwrap_or([0; G1_LEN])
    }

    /// Checks the proof of knowledge (the issuer's `deserialize_and_validate_commit`).
    ///
    /// # Errors
    /// [`BbsError::InvalidCommitment`].
    pub fn check(&self) -> Result<(), BbsError> {
        zkryptium::schemes::generics::Commitment::<super::suite::Scheme>::deserialize_and_validate_commit(
            Some(&self.bytes),
            &blind_generators(),
            Some(<Suite as BbsCiphersuite>::API_ID_NYM),
        )
        .map(|_| ())
        .map_err(|_| BbsError::InvalidCommitment)
    }
}
