//! Hostile input: every length, trailing bytes, points off the curve, the identity and
//! points outside the subgroup, mutated text. Each is refused with a code, quickly (the
//! bound below only catches a hang such as zkryptium's ~2^64 generators; speed itself is
//! measured in the benchmark).

use std::time::{Duration, Instant};

use bls12_381_plus::G1Affine;

use super::*;
use crate::ErrorCode;
use crate::base64url;
use crate::bbs::wire::{G1_LEN, SCALAR_LEN, proof_len};

/// Far above any honest verification here, far below the seconds of the known defect.
const HANG: Duration = Duration::from_secs(2);

/// A presentation with its proof component replaced by `proof`.
fn with_proof(presented: &str, proof: &[u8]) -> String {
    let (head, components) = presented.rsplit_once('.').unwrap();
    let (_, pseudonym) = components.split_once('~').unwrap();
    format!("{head}.{}~{pseudonym}", base64url::encode(proof))
}

/// A presentation with its pseudonym replaced by `pseudonym`.
fn with_pseudonym(presented: &str, pseudonym: &[u8]) -> String {
    let (head, components) = presented.rsplit_once('.').unwrap();
    let (proof, _) = components.split_once('~').unwrap();
    format!("{head}.{proof}~{}", base64url::encode(pseudonym))
}

fn proof_of(presented: &str) -> Vec<u8> {
    let components = presented.rsplit_once('.').unwrap().1;
    base64url::decode(components.split_once('~').unwrap().0).unwrap()
}

/// Verifies, asserting it fails with a code well inside [`HANG`]; returns the code.
fn refused(presented: &str, policy: &NymPolicy) -> &'static str {
    let start = Instant::now();
    let err = verify_nym(presented, policy).unwrap_err();
    assert!(
        start.elapsed() < HANG,
        "took {:?} to refuse with {err}",
        start.elapsed()
    );
    err.code()
}

/// An on-curve G1 point outside the prime-order subgroup (most points of the curve are).
fn outside_subgroup() -> [u8; G1_LEN] {
    for x in 1u8..=255 {
        let mut bytes = [0u8; G1_LEN];
        bytes[0] = 0x80;
        bytes[G1_LEN - 1] = x;
        if let Some(point) = Option::<G1Affine>::from(G1Affine::from_compressed_unchecked(&bytes))
            && !bool::from(point.is_torsion_free())
        {
            return bytes;
        }
    }
    unreachable!("some small x is on the curve outside the subgroup")
}

/// A compressed encoding whose x has no point on the curve.
fn off_curve() -> [u8; G1_LEN] {
    for x in 1u8..=255 {
        let mut bytes = [0u8; G1_LEN];
        bytes[0] = 0x80;
        bytes[G1_LEN - 1] = x;
        if Option::<G1Affine>::from(G1Affine::from_compressed_unchecked(&bytes)).is_none() {
            return bytes;
        }
    }
    unreachable!("some small x is off the curve")
}

/// The identity, compressed.
fn identity() -> [u8; G1_LEN] {
    let mut bytes = [0u8; G1_LEN];
    bytes[0] = 0xc0;
    bytes
}

#[test]
fn every_proof_length_but_the_right_one_is_refused_quickly() {
    let f = fixture();
    let presented = f.present(&["age_over_18"], "n", None);
    let policy = f.policy("n");
    let good = proof_of(&presented);
    assert_eq!(good.len(), proof_len(CLAIMS.len() - 2 + 2));
    for len in 0..4096 {
        if len == good.len() {
            continue;
        }
        // Honest bytes cut or padded: the hardest case for a length check.
        let mut proof: Vec<u8> = good.iter().copied().cycle().take(len).collect();
        if len > good.len() {
            proof[..good.len()].copy_from_slice(&good);
        }
        assert_eq!(
            refused(&with_proof(&presented, &proof), &policy),
            "invalid_length",
            "length {len}"
        );
    }
}

#[test]
fn trailing_bytes_are_refused() {
    let f = fixture();
    let presented = f.present(&["age_over_18"], "n", Some(FORUM));
    let policy = f.policy("n").with_pseudonym_for(FORUM);
    let good = proof_of(&presented);
    for extra in 1..=SCALAR_LEN + 1 {
        let mut proof = good.clone();
        proof.extend(std::iter::repeat_n(0u8, extra));
        assert_eq!(
            refused(&with_proof(&presented, &proof), &policy),
            "invalid_length"
        );
    }
    let mut pseudonym = base64url::decode(presented.rsplit_once('~').unwrap().1).unwrap();
    pseudonym.push(0);
    assert_eq!(
        refused(&with_pseudonym(&presented, &pseudonym), &policy),
        "invalid_length"
    );
}

#[test]
fn bad_points_are_refused_in_the_proof_and_the_pseudonym() {
    let f = fixture();
    let presented = f.present(&["age_over_18"], "n", Some(FORUM));
    let policy = f.policy("n").with_pseudonym_for(FORUM);
    let good = proof_of(&presented);
    for bad in [off_curve(), identity(), outside_subgroup()] {
        for point in 0..3 {
            let mut proof = good.clone();
            proof[point * G1_LEN..(point + 1) * G1_LEN].copy_from_slice(&bad);
            assert_eq!(
                refused(&with_proof(&presented, &proof), &policy),
                "invalid_point"
            );
        }
        assert_eq!(
            refused(&with_pseudonym(&presented, &bad), &policy),
            "invalid_point"
        );
    }
}

#[test]
fn zero_and_oversized_scalars_are_refused() {
    let f = fixture();
    let presented = f.present(&["age_over_18"], "n", None);
    let policy = f.policy("n");
    let good = proof_of(&presented);
    let scalars = (good.len() - 3 * G1_LEN) / SCALAR_LEN;
    for scalar in 0..scalars {
        for bad in [[0u8; SCALAR_LEN], [0xff; SCALAR_LEN]] {
            let mut proof = good.clone();
            let at = 3 * G1_LEN + scalar * SCALAR_LEN;
            proof[at..at + SCALAR_LEN].copy_from_slice(&bad);
            assert_eq!(
                refused(&with_proof(&presented, &proof), &policy),
                "invalid_scalar"
            );
        }
    }
}

#[test]
fn a_changed_claim_or_hidden_expiry_is_refused() {
    let f = fixture();
    let presented = f.present(&["age_over_21"], "n", None);
    let policy = f.policy("n");
    let parts: Vec<&str> = presented.split('.').collect();
    let mut slots: Vec<String> = parts[2].split('~').map(str::to_owned).collect();
    slots[3] = base64url::encode(b"true");
    let forged = [parts[0], parts[1], &slots.join("~"), parts[3]].join(".");
    assert_eq!(refused(&forged, &policy), "invalid_signature");
    slots[0] = String::new();
    let hidden = [parts[0], parts[1], &slots.join("~"), parts[3]].join(".");
    assert_eq!(refused(&hidden, &policy), "expiry_hidden");
    let fewer = [parts[0], parts[1], &slots[1..].join("~"), parts[3]].join(".");
    assert_eq!(refused(&fewer, &policy), "invalid_payloads");
}

#[test]
fn every_mutation_of_the_text_is_refused_without_a_panic() {
    let f = fixture();
    let presented = f.present(&["age_over_18"], "n", None);
    let policy = f.policy("n");
    let bytes = presented.as_bytes();
    // Truncations at every point, and single-character substitutions through the text.
    for cut in 0..bytes.len() {
        let text = String::from_utf8_lossy(&bytes[..cut]);
        refused(&text, &policy);
    }
    for at in (0..bytes.len()).step_by(7) {
        for replacement in [b'A', b'.', b'~', b'_'] {
            if bytes[at] == replacement {
                continue;
            }
            let mut mutated = bytes.to_vec();
            mutated[at] = replacement;
            let text = String::from_utf8_lossy(&mutated);
            refused(&text, &policy);
        }
    }
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let f = fixture();
    let huge = "a".repeat(crate::bbs::jwp::MAX_JWP_BYTES + 1);
    assert_eq!(refused(&huge, &f.policy("n")), "limit_exceeded");
}

#[test]
fn commitments_signatures_and_keys_of_any_other_length_are_refused() {
    use crate::bbs::wire::{COMMITMENT_LEN, G2_LEN, SIGNATURE_LEN};
    let f = fixture();
    let good = f.holder.commit(&mut rand_core::OsRng).unwrap();
    assert!(good.check().is_ok());
    for len in 0..1024 {
        let bytes: Vec<u8> = good.as_bytes().iter().copied().cycle().take(len).collect();
        if len != COMMITMENT_LEN {
            assert_eq!(
                NymCommitment::from_bytes(&bytes).unwrap_err().code(),
                "invalid_length"
            );
        }
        if len != G2_LEN {
            assert!(BbsPublicKey::from_bytes(&bytes).is_err());
        }
        if len != SIGNATURE_LEN {
            assert_eq!(
                crate::bbs::wire::signature(&bytes).unwrap_err().code(),
                "invalid_length"
            );
        }
    }
    // A commitment whose proof does not hold: a changed response scalar.
    let mut forged = *good.as_bytes();
    forged[G1_LEN + 5] ^= 1;
    let forged = NymCommitment::from_bytes(&forged).unwrap();
    assert_eq!(forged.check().unwrap_err().code(), "invalid_commitment");
    let err = issue(&f.key, &f.header, &person(), EXP, &forged, &f.entropy).unwrap_err();
    assert_eq!(err.code(), "invalid_commitment");
    // Commitment to the identity point.
    let mut identity_commitment = *good.as_bytes();
    identity_commitment[..G1_LEN].copy_from_slice(&identity());
    assert_eq!(
        NymCommitment::from_bytes(&identity_commitment)
            .unwrap_err()
            .code(),
        "invalid_point"
    );
}
