//! The octet forms of BBS values (BLS12-381-SHA-256), decoded strictly before zkryptium
//! sees them.
//!
//! zkryptium is research-grade, and measured here it indexes short proofs without a check
//! (a panic under 240 bytes), trusts a proof's length to size its generator list (a
//! crafted length asks for about 2^64 generators and runs for seconds), and ignores 1 to
//! 31 trailing bytes. So every value is checked here first, as the drafts' `octets_to_*`
//! operations say: the exact length its context requires (a proof is 272 bytes plus 32
//! per hidden message, and the caller says how many are hidden), every point on the
//! curve, in the prime-order subgroup and not the identity, every scalar non-zero and
//! below the group order. Only then does the library run.

use bls12_381_plus::group::GroupEncoding;
use bls12_381_plus::group::prime::PrimeCurveAffine;
use bls12_381_plus::{G1Affine, G2Affine, Scalar};

use super::error::BbsError;

/// A compressed G1 point.
pub const G1_LEN: usize = 48;
/// A compressed G2 point (an issuer's public key).
pub const G2_LEN: usize = 96;
/// A scalar, big-endian.
pub const SCALAR_LEN: usize = 32;
/// A signature: the point `A` and the scalar `e`.
pub const SIGNATURE_LEN: usize = G1_LEN + SCALAR_LEN;
/// A proof that hides nothing: `Abar`, `Bbar`, `D`, `e^`, `r1^`, `r3^` and the challenge.
pub const PROOF_BASE_LEN: usize = 3 * G1_LEN + 4 * SCALAR_LEN;
/// A holder's commitment with its proof: the point, `s^`, one `m^` (the nym secret) and
/// the challenge.
pub const COMMITMENT_LEN: usize = G1_LEN + 3 * SCALAR_LEN;
/// A pseudonym: one G1 point.
pub const PSEUDONYM_LEN: usize = G1_LEN;

/// The length of a proof that hides `hidden` messages.
#[must_use]
pub const fn proof_len(hidden: usize) -> usize {
    PROOF_BASE_LEN + SCALAR_LEN * hidden
}

/// Refuses `bytes` unless exactly `expected` long.
///
/// # Errors
/// [`BbsError::WrongLength`].
pub fn exact(what: &'static str, bytes: &[u8], expected: usize) -> Result<(), BbsError> {
    if bytes.len() == expected {
        Ok(())
    } else {
        Err(BbsError::WrongLength {
            what,
            expected,
            found: bytes.len(),
        })
    }
}

/// A point of G1 or G2 in compressed form: on the curve, in the prime-order subgroup
/// (`from_bytes` of these curves checks both), not the identity.
fn point<P: GroupEncoding + PrimeCurveAffine>(
    what: &'static str,
    bytes: &[u8],
) -> Result<P, BbsError> {
    let mut repr = P::Repr::default();
    exact(what, bytes, repr.as_ref().len())?;
    repr.as_mut().copy_from_slice(bytes);
    let point = Option::<P>::from(P::from_bytes(&repr)).ok_or(BbsError::InvalidPoint(what))?;
    if bool::from(point.is_identity()) {
        return Err(BbsError::InvalidPoint(what));
    }
    Ok(point)
}

/// A G1 point, checked as [`point`] says.
pub(crate) fn g1(what: &'static str, bytes: &[u8]) -> Result<G1Affine, BbsError> {
    point(what, bytes)
}

/// A G2 point, checked as [`point`] says.
pub(crate) fn g2(what: &'static str, bytes: &[u8]) -> Result<G2Affine, BbsError> {
    point(what, bytes)
}

/// A scalar: below the group order and not zero.
pub(crate) fn scalar(what: &'static str, bytes: &[u8]) -> Result<Scalar, BbsError> {
    let array: &[u8; SCALAR_LEN] = bytes.try_into().map_err(|_| BbsError::WrongLength {
        what,
        expected: SCALAR_LEN,
        found: bytes.len(),
    })?;
    if array.iter().all(|&byte| byte == 0) {
        return Err(BbsError::InvalidScalar(what));
    }
    Option::<Scalar>::from(Scalar::from_be_bytes(array)).ok_or(BbsError::InvalidScalar(what))
}

/// Checks points and scalars laid out as `points` G1 points then scalars to the end.
fn points_then_scalars(what: &'static str, bytes: &[u8], points: usize) -> Result<(), BbsError> {
    let (point_bytes, scalar_bytes) =
        bytes
            .split_at_checked(points * G1_LEN)
            .ok_or(BbsError::WrongLength {
                what,
                expected: points * G1_LEN,
                found: bytes.len(),
            })?;
    for point in point_bytes.chunks_exact(G1_LEN) {
        g1(what, point)?;
    }
    let scalars = scalar_bytes.chunks_exact(SCALAR_LEN);
    if !scalars.remainder().is_empty() {
        return Err(BbsError::WrongLength {
            what,
            expected: bytes.len() - scalars.remainder().len(),
            found: bytes.len(),
        });
    }
    for value in scalars {
        scalar(what, value)?;
    }
    Ok(())
}

/// A signature (`A`, `e`), as `octets_to_signature` checks it.
///
/// # Errors
/// [`BbsError::WrongLength`], [`BbsError::InvalidPoint`] or [`BbsError::InvalidScalar`].
pub fn signature(bytes: &[u8]) -> Result<[u8; SIGNATURE_LEN], BbsError> {
    exact("signature", bytes, SIGNATURE_LEN)?;
    points_then_scalars("signature", bytes, 1)?;
    bytes.try_into().map_err(|_| BbsError::Library)
}

/// A proof hiding `hidden` messages, as `octets_to_proof` checks it, with its exact length.
///
/// # Errors
/// [`BbsError::WrongLength`], [`BbsError::InvalidPoint`] or [`BbsError::InvalidScalar`].
pub fn proof(bytes: &[u8], hidden: usize) -> Result<(), BbsError> {
    exact("proof", bytes, proof_len(hidden))?;
    points_then_scalars("proof", bytes, 3)
}

/// A holder's commitment with proof over one committed scalar.
///
/// # Errors
/// [`BbsError::WrongLength`], [`BbsError::InvalidPoint`] or [`BbsError::InvalidScalar`].
pub fn commitment(bytes: &[u8]) -> Result<[u8; COMMITMENT_LEN], BbsError> {
    exact("commitment", bytes, COMMITMENT_LEN)?;
    points_then_scalars("commitment", bytes, 1)?;
    bytes.try_into().map_err(|_| BbsError::Library)
}

/// A pseudonym (a G1 point).
///
/// # Errors
/// [`BbsError::WrongLength`] or [`BbsError::InvalidPoint`].
pub fn pseudonym(bytes: &[u8]) -> Result<[u8; PSEUDONYM_LEN], BbsError> {
    g1("pseudonym", bytes)?;
    bytes.try_into().map_err(|_| BbsError::Library)
}

/// An issuer's public key (a compressed G2 point).
///
/// # Errors
/// [`BbsError::WrongLength`] or [`BbsError::InvalidPoint`].
pub fn public_key(bytes: &[u8]) -> Result<[u8; G2_LEN], BbsError> {
    g2("public key", bytes)?;
    bytes.try_into().map_err(|_| BbsError::Library)
}
