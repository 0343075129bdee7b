//! The issuer's side of blind issuance: sign the type's claims and the holder's
//! committed nym secret, without learning the secret.
//!
//! The issuer adds its nym entropy, a scalar it keeps per person: the holder's final nym
//! secret is its own secret plus this entropy, so neither side alone chooses it (the
//! pseudonym draft's BlindSignWithNym). Reusing one person's entropy on every later
//! issuance (refresh, a restored device) keeps the person's pseudonyms; a fresh entropy
//! would give them a new set, which is why an issuer hands out a second one only on a
//! counted reset.

use rand_core::CryptoRngCore;
use serde_json::{Map, Value};
use zkryptium::bbsplus::pseudonym::PseudonymSecret;
use zkryptium::schemes::generics::BlindSignature;

use super::error::BbsError;
use super::holder::{NymCommitment, random_scalar};
use super::jwp::{EXPIRY_CLAIM, Issued, IssuerHeader};
use super::keys::BbsKeyPair;
use super::suite::{Scheme, Suite};
use super::wire::{self, SCALAR_LEN};
use zkryptium::utils::util::bbsplus_utils::hash_to_scalar;

/// How many nym secrets a holder commits to (the draft allows a vector; Cachet uses one).
pub(crate) const NYM_COUNT: usize = 1;
/// The payload of a claim the person does not have: every slot is filled, so the count
/// and order of payloads never depend on personal data.
pub const ABSENT: &[u8] = b"null";

/// Domain separation of [`NymEntropy::derive`].
const DERIVED_ENTROPY_DST: &[u8] = b"CACHET_BBS_NYM_DERIVED_ENTROPY_V1";

/// The issuer's share of one person's nym secret.
#[derive(Clone, PartialEq, Eq)]
pub struct NymEntropy([u8; SCALAR_LEN]);

impl core::fmt::Debug for NymEntropy {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("NymEntropy(..)")
    }
}

impl NymEntropy {
    /// A fresh entropy from `rng`, for a person's first enrollment or a counted reset.
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        Self(random_scalar(rng).to_be_bytes())
    }

    /// The entropy a stateless issuer (the CLI) gives the holder of `commitment`: derived
    /// from its secret key and the commitment point, so one holder always gets the same
    /// pseudonyms from one key, and new ones when the key changes. A service keeps each
    /// person's entropy instead, so that pseudonyms outlive key rotation.
    ///
    /// # Errors
    /// [`BbsError::Library`] if hashing fails (it does not).
    pub fn derive(key: &BbsKeyPair, commitment: &NymCommitment) -> Result<Self, BbsError> {
        let input = [key.secret_bytes().as_slice(), &commitment.point()].concat();
        let scalar =
            hash_to_scalar::<Suite>(&input, DERIVED_ENTROPY_DST).map_err(|_| BbsError::Library)?;
        Ok(Self(scalar.to_be_bytes()))
    }

    /// A stored entropy.
    ///
    /// # Errors
    /// [`BbsError::WrongLength`] or [`BbsError::InvalidScalar`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, BbsError> {
        wire::scalar("nym entropy", bytes)?;
        let mut array = [0u8; SCALAR_LEN];
        array.copy_from_slice(bytes);
        Ok(Self(array))
    }

    /// The 32 bytes, for the issuer's store (sealed there).
    #[must_use]
    pub fn to_bytes(&self) -> [u8; SCALAR_LEN] {
        self.0
    }

    pub(crate) fn secret(&self) -> Result<PseudonymSecret, BbsError> {
        PseudonymSecret::from_bytes(&self.0).map_err(|_| BbsError::InvalidScalar("nym entropy"))
    }
}

/// The payloads of a credential of `header`'s type: the epoch's end, then each claim in
/// the header's order as JSON, [`ABSENT`] for those the person lacks.
///
/// # Errors
/// [`BbsError::InvalidClaim`] for a claim the type has no slot for, or a `null` value
/// (which would read as absent).
pub(crate) fn payloads(
    header: &IssuerHeader,
    claims: &Map<String, Value>,
    expires_at: i64,
) -> Result<Vec<Vec<u8>>, BbsError> {
    if let Some(unknown) = claims
        .keys()
        .find(|name| *name == EXPIRY_CLAIM || !header.claims().contains(name))
    {
        return Err(BbsError::InvalidClaim(unknown.clone()));
    }
    header
        .claims()
        .iter()
        .map(|name| {
            let value = if name == EXPIRY_CLAIM {
                Value::from(expires_at)
            } else {
                match claims.get(name) {
                    None => return Ok(ABSENT.to_vec()),
                    Some(Value::Null) => return Err(BbsError::InvalidClaim(name.clone())),
                    Some(value) => value.clone(),
                }
            };
            serde_json::to_vec(&value).map_err(|_| BbsError::InvalidClaim(name.clone()))
        })
        .collect()
}

/// Issues a credential of `header`'s type with `claims`, valid until `expires_at` (the
/// end of the current epoch, Unix seconds), to the holder of `commitment`, with the
/// person's `entropy`. Returns the issued JWP (compact serialization).
///
/// # Errors
/// [`BbsError::InvalidCommitment`] when the holder's proof fails, [`BbsError::InvalidClaim`]
/// for claims the type does not hold.
pub fn issue(
    key: &BbsKeyPair,
    header: &IssuerHeader,
    claims: &Map<String, Value>,
    expires_at: i64,
    commitment: &NymCommitment,
    entropy: &NymEntropy,
) -> Result<String, BbsError> {
    commitment.check()?;
    let payloads = payloads(header, claims, expires_at)?;
    let signature = BlindSignature::<Scheme>::blind_sign_with_nym(
        &key.secret,
        &key.public().inner,
        Some(commitment.as_bytes()),
        NYM_COUNT,
        Some(header.as_bytes()),
        &entropy.secret()?,
        Some(&payloads),
    )
    .map_err(|_| BbsError::Library)?;
    Ok(Issued {
        header: header.clone(),
        payloads,
        signature: signature.to_bytes().to_vec(),
        entropy: entropy.to_bytes().to_vec(),
        issuer_key: key.public().to_bytes().to_vec(),
    }
    .serialize())
}
