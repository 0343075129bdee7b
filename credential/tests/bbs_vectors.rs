//! Every BLS12-381-SHA-256 vector of the three BBS drafts (core, blind signatures,
//! pseudonyms), as data from `tests/vectors/bbs/`.
//!
//! Deterministic operations (key generation, generators, hashing, signing) must give the
//! vector's bytes; verifications must give the vector's verdict. Proof generation draws
//! its randomness inside zkryptium, so proof vectors are verified, not regenerated; the
//! one piece of randomised code Cachet writes itself, the holder's nym commitment, takes
//! its randomness as arguments and reproduces the nymCommit vectors exactly. Every value
//! goes through Cachet's strict checks (`credential::bbs::wire`) first, as in production:
//! a vector is valid only if both the checks and the library accept it.
#![cfg(feature = "bbs")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::path::{Path, PathBuf};

use bls12_381_plus::{G1Affine, Scalar};
use credential::bbs::wire;
use serde_json::Value;
use zkryptium::bbsplus::ciphersuites::BbsCiphersuite;
use zkryptium::bbsplus::commitment::BlindFactor;
use zkryptium::bbsplus::generators::Generators;
use zkryptium::bbsplus::keys::{BBSplusPublicKey, BBSplusSecretKey};
use zkryptium::bbsplus::pseudonym::{BBSplusPseudonym, PseudonymSecret};
use zkryptium::keys::pair::KeyPair;
use zkryptium::schemes::algorithms::BbsBls12381Sha256 as Scheme;
use zkryptium::schemes::generics::{BlindSignature, Commitment, PoKSignature, Signature};
use zkryptium::utils::util::bbsplus_utils::hash_to_scalar;

type Suite = zkryptium::bbsplus::ciphersuites::Bls12381Sha256;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/bbs")
}

fn cases(dir: &str) -> Vec<(String, Value)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no vectors in {dir}");
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (
                path.display().to_string(),
                serde_json::from_str(&text).unwrap(),
            )
        })
        .collect()
}

fn one(file: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join(file)).unwrap()).unwrap()
}

fn hex(value: &Value) -> Vec<u8> {
    let text = value.as_str().expect("a hex string");
    // Some fixtures print scalars without their leading zero nibble.
    let text = if text.len().is_multiple_of(2) {
        text.to_owned()
    } else {
        format!("0{text}")
    };
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn hexes(value: &Value) -> Vec<Vec<u8>> {
    value
        .as_array()
        .map(|list| list.iter().map(hex).collect())
        .unwrap_or_default()
}

fn valid(case: &Value) -> bool {
    case["result"]["valid"].as_bool().unwrap()
}

/// `{"0": hex, "3": hex}` as indexes and messages, ascending.
fn revealed(value: &Value) -> (Vec<usize>, Vec<Vec<u8>>) {
    let mut pairs: Vec<(usize, Vec<u8>)> = value
        .as_object()
        .map(|object| {
            object
                .iter()
                .map(|(k, v)| (k.parse().unwrap(), hex(v)))
                .collect()
        })
        .unwrap_or_default();
    pairs.sort();
    pairs.into_iter().unzip()
}

fn public_key(value: &Value) -> Option<BBSplusPublicKey> {
    let bytes = wire::public_key(&hex(value)).ok()?;
    BBSplusPublicKey::from_bytes(&bytes).ok()
}

/// A scalar's 32 bytes, however many leading zeros the fixture left out.
fn scalar_bytes(value: &Value) -> [u8; 32] {
    let bytes = hex(value);
    let mut array = [0u8; 32];
    array[32 - bytes.len()..].copy_from_slice(&bytes);
    array
}

fn scalar(value: &Value) -> Scalar {
    Scalar::from_be_bytes(&scalar_bytes(value)).unwrap()
}

fn nyms(value: &Value) -> Vec<PseudonymSecret> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|nym| PseudonymSecret::from_bytes(&scalar_bytes(nym)).unwrap())
        .collect()
}

fn scalars_hex(value: &Value) -> Vec<Vec<u8>> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| scalar_bytes(v).to_vec())
        .collect()
}

fn blind(value: &Value) -> BlindFactor {
    BlindFactor::from_bytes(&scalar_bytes(value)).unwrap()
}

fn signature_bytes(value: &Value) -> Option<[u8; wire::SIGNATURE_LEN]> {
    wire::signature(&hex(value)).ok()
}

#[test]
fn core_keypair() {
    let case = one("core/bls12-381-sha-256/keypair.json");
    let pair = KeyPair::<Scheme>::generate(
        &hex(&case["keyMaterial"]),
        Some(&hex(&case["keyInfo"])),
        Some(&hex(&case["keyDst"])),
    )
    .unwrap();
    assert_eq!(
        pair.private_key().to_bytes().to_vec(),
        hex(&case["keyPair"]["secretKey"])
    );
    assert_eq!(
        pair.public_key().to_bytes().to_vec(),
        hex(&case["keyPair"]["publicKey"])
    );
}

#[test]
fn core_generators() {
    let case = one("core/bls12-381-sha-256/generators.json");
    let messages = hexes(&case["MsgGenerators"]);
    let generators = Generators::create::<Suite>(messages.len() + 1, Some(Suite::API_ID));
    let compressed = |p: &bls12_381_plus::G1Projective| G1Affine::from(p).to_compressed().to_vec();
    assert_eq!(compressed(&generators.g1_base_point), hex(&case["P1"]));
    assert_eq!(compressed(&generators.values[0]), hex(&case["Q1"]));
    for (generator, expected) in generators.values[1..].iter().zip(&messages) {
        assert_eq!(&compressed(generator), expected);
    }
}

#[test]
fn core_hash_to_scalar_and_map_to_scalar() {
    let case = one("core/bls12-381-sha-256/h2s.json");
    let scalar = hash_to_scalar::<Suite>(&hex(&case["message"]), &hex(&case["dst"])).unwrap();
    assert_eq!(scalar.to_be_bytes().to_vec(), hex(&case["scalar"]));
    let case = one("core/bls12-381-sha-256/MapMessageToScalarAsHash.json");
    let dst = hex(&case["dst"]);
    for entry in case["cases"].as_array().unwrap() {
        let scalar = hash_to_scalar::<Suite>(&hex(&entry["message"]), &dst).unwrap();
        assert_eq!(scalar.to_be_bytes().to_vec(), hex(&entry["scalar"]));
    }
}

/// The drafts' mocked random scalars (which the proof vectors' traces use): expand_message
/// over the seed, 48 bytes per scalar, reduced.
#[test]
fn core_mocked_random_scalars() {
    use elliptic_curve::hash2curve::{ExpandMsg, Expander};
    let case = one("core/bls12-381-sha-256/mockedRng.json");
    let count = case["count"].as_u64().unwrap() as usize;
    let (seed, dst) = (hex(&case["seed"]), hex(&case["dst"]));
    let mut bytes = vec![0u8; 48 * count];
    <Suite as BbsCiphersuite>::Expander::expand_message(&[&seed], &[&dst], bytes.len())
        .unwrap()
        .fill_bytes(&mut bytes);
    let expected = scalars_hex(&case["mockedScalars"]);
    assert_eq!(expected.len(), count);
    for (chunk, expected) in bytes.chunks_exact(48).zip(expected) {
        let okm: [u8; 48] = chunk.try_into().unwrap();
        assert_eq!(Scalar::from_okm(&okm).to_be_bytes().to_vec(), expected);
    }
}

#[test]
fn core_signatures() {
    for (file, case) in cases("core/bls12-381-sha-256/signature") {
        let messages = hexes(&case["messages"]);
        let header = hex(&case["header"]);
        let pk = public_key(&case["signerKeyPair"]["publicKey"]);
        let verdict = match (signature_bytes(&case["signature"]), &pk) {
            (Some(bytes), Some(pk)) => Signature::<Scheme>::from_bytes(&bytes)
                .and_then(|s| s.verify(pk, Some(&messages), Some(&header)))
                .is_ok(),
            _ => false,
        };
        assert_eq!(verdict, valid(&case), "{file}");
        if valid(&case) {
            let sk =
                BBSplusSecretKey::from_bytes(&hex(&case["signerKeyPair"]["secretKey"])).unwrap();
            let signed = Signature::<Scheme>::sign(
                Some(&messages),
                &sk,
                pk.as_ref().unwrap(),
                Some(&header),
            )
            .unwrap();
            assert_eq!(
                signed.to_bytes().to_vec(),
                hex(&case["signature"]),
                "{file}"
            );
        }
    }
}

#[test]
fn core_proofs() {
    for (file, case) in cases("core/bls12-381-sha-256/proof") {
        let messages = hexes(&case["messages"]);
        let disclosed: Vec<usize> = case["disclosedIndexes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i.as_u64().unwrap() as usize)
            .collect();
        let disclosed_messages: Vec<Vec<u8>> = disclosed
            .iter()
            .filter_map(|&i| messages.get(i).cloned())
            .collect();
        let proof = hex(&case["proof"]);
        let hidden = messages.len().saturating_sub(disclosed.len());
        let verdict = wire::proof(&proof, hidden).is_ok()
            && public_key(&case["signerPublicKey"]).is_some_and(|pk| {
                PoKSignature::<Scheme>::from_bytes(&proof)
                    .and_then(|p| {
                        p.proof_verify(
                            &pk,
                            Some(&disclosed_messages),
                            Some(&disclosed),
                            Some(&hex(&case["header"])),
                            Some(&hex(&case["presentationHeader"])),
                        )
                    })
                    .is_ok()
            });
        assert_eq!(verdict, valid(&case), "{file}");
    }
}

#[test]
fn blind_commitments() {
    for (file, case) in cases("blind/bls12-381-sha-256/commit") {
        let committed = hexes(&case["committedMessages"]);
        let api_id = Suite::API_ID_BLIND;
        let generators =
            Generators::create::<Suite>(committed.len() + 1, Some(&[b"BLIND_", api_id].concat()));
        let verdict = Commitment::<Scheme>::deserialize_and_validate_commit(
            Some(&hex(&case["commitmentWithProof"])),
            &generators,
            Some(api_id),
        )
        .is_ok();
        assert_eq!(verdict, valid(&case), "{file}");
    }
}

#[test]
fn blind_signatures() {
    for (file, case) in cases("blind/bls12-381-sha-256/signature") {
        let sk = BBSplusSecretKey::from_bytes(&hex(&case["signerKeyPair"]["secretKey"])).unwrap();
        let pk = public_key(&case["signerKeyPair"]["publicKey"]).unwrap();
        let header = hex(&case["header"]);
        let messages = hexes(&case["messages"]);
        let commitment = case
            .get("commitmentWithProof")
            .filter(|c| c.is_string())
            .map(hex);
        let signed = BlindSignature::<Scheme>::blind_sign(
            &sk,
            &pk,
            commitment.as_deref(),
            Some(&header),
            Some(&messages),
        )
        .unwrap();
        assert_eq!(
            signed.to_bytes().to_vec(),
            hex(&case["signature"]),
            "{file}"
        );
        let committed = hexes(&case["committedMessages"]);
        let prover_blind = case.get("proverBlind").filter(|c| c.is_string()).map(blind);
        let verdict =
            BlindSignature::<Scheme>::from_bytes(&signature_bytes(&case["signature"]).unwrap())
                .and_then(|s| {
                    s.verify_blind_sign(
                        &pk,
                        Some(&header),
                        Some(&messages),
                        Some(&committed),
                        prover_blind.as_ref(),
                    )
                })
                .is_ok();
        assert_eq!(verdict, valid(&case), "{file}");
    }
}

#[test]
fn blind_proofs() {
    for (file, case) in cases("blind/bls12-381-sha-256/proof") {
        let (indexes, messages) = revealed(&case["revealedMessages"]);
        let (committed_indexes, committed) = revealed(&case["revealedCommittedMessages"]);
        let proof = hex(&case["proof"]);
        let pk = public_key(&case["signerPublicKey"]).unwrap();
        let verdict = PoKSignature::<Scheme>::from_bytes(&proof)
            .and_then(|p| {
                p.blind_proof_verify(
                    &pk,
                    Some(&hex(&case["header"])),
                    Some(&hex(&case["presentationHeader"])),
                    case["L"].as_u64().map(|l| l as usize),
                    Some(&messages),
                    Some(&committed),
                    Some(&indexes),
                    Some(&committed_indexes),
                )
            })
            .is_ok();
        assert_eq!(verdict, valid(&case), "{file}");
    }
}

#[test]
fn nym_commitments() {
    for (file, case) in cases("pseudonyms/bls12-381-sha-256/nymCommit") {
        let committed = hexes(&case["committedMessages"]);
        let prover_nyms = hexes(&case["proverNyms"]);
        let api_id = Suite::API_ID_NYM;
        let generators = Generators::create::<Suite>(
            committed.len() + prover_nyms.len() + 1,
            Some(&[b"BLIND_", api_id].concat()),
        );
        let bytes = hex(&case["commitmentWithProof"]);
        let verdict = Commitment::<Scheme>::deserialize_and_validate_commit(
            Some(&bytes),
            &generators,
            Some(api_id),
        )
        .is_ok();
        assert_eq!(verdict, valid(&case), "{file}");
        // Cachet's own commitment (one nym, nothing else committed) is byte-for-byte the
        // draft's for the same randomness.
        if committed.is_empty() && prover_nyms.len() == 1 {
            let trace = &case["trace"]["random_scalars"];
            let ours = credential::bbs::holder::commit_with_scalars(
                scalar(&case["proverBlind"]),
                scalar(&case["proverNyms"][0]),
                scalar(&trace["s_tilde"]),
                scalar(&trace["m_tildes"][0]),
            )
            .unwrap();
            assert_eq!(ours.as_bytes().to_vec(), bytes, "{file}");
            assert!(ours.check().is_ok(), "{file}");
        }
    }
}

#[test]
fn nym_signatures() {
    for (file, case) in cases("pseudonyms/bls12-381-sha-256/nymSignature") {
        let sk = BBSplusSecretKey::from_bytes(&hex(&case["signerKeyPair"]["secretKey"])).unwrap();
        let pk = public_key(&case["signerKeyPair"]["publicKey"]).unwrap();
        let header = hex(&case["header"]);
        let messages = hexes(&case["messages"]);
        let committed = hexes(&case["committedMessages"]);
        let prover_nyms = nyms(&case["proverNyms"]);
        let entropy =
            PseudonymSecret::from_hex(case["signer_nym_entropy"].as_str().unwrap()).unwrap();
        let signed = BlindSignature::<Scheme>::blind_sign_with_nym(
            &sk,
            &pk,
            Some(&hex(&case["commitmentWithProof"])),
            prover_nyms.len(),
            Some(&header),
            &entropy,
            Some(&messages),
        )
        .unwrap();
        assert_eq!(
            signed.to_bytes().to_vec(),
            hex(&case["signature"]),
            "{file}"
        );
        let secrets =
            BlindSignature::<Scheme>::from_bytes(&signature_bytes(&case["signature"]).unwrap())
                .unwrap()
                .verify_finalize_with_nym(
                    &pk,
                    Some(&header),
                    Some(&messages),
                    Some(&committed),
                    prover_nyms,
                    Some(&entropy),
                    Some(&blind(&case["proverBlind"])),
                );
        assert_eq!(secrets.is_ok(), valid(&case), "{file}");
        let secrets: Vec<Vec<u8>> = secrets
            .unwrap()
            .iter()
            .map(|s| s.to_bytes().to_vec())
            .collect();
        assert_eq!(secrets, scalars_hex(&case["nym_secrets"]), "{file}");
    }
}

#[test]
fn nym_proofs() {
    for (file, case) in cases("pseudonyms/bls12-381-sha-256/nymProof") {
        let (indexes, messages) = revealed(&case["revealedMessages"]);
        let (committed_indexes, committed) = revealed(&case["revealedCommittedMessages"]);
        let signer_count = case["L"].as_u64().unwrap() as usize;
        let committed_count = hexes(&case["committedMessages"]).len();
        let nym_count = case["proverNyms"].as_array().unwrap().len();
        let hidden = signer_count - indexes.len() + 1 + committed_count - committed_indexes.len()
            + nym_count;
        let proof = hex(&case["proof"]);
        let pseudonym = hex(&case["pseudonym"]);
        let pk = public_key(&case["signerPublicKey"]).unwrap();
        let checked = wire::proof(&proof, hidden).is_ok() && wire::pseudonym(&pseudonym).is_ok();
        let verdict = checked
            && PoKSignature::<Scheme>::from_bytes(&proof)
                .and_then(|p| {
                    p.proof_verify_with_nym(
                        &pk,
                        Some(&hex(&case["header"])),
                        Some(&hex(&case["presentationHeader"])),
                        &BBSplusPseudonym::from_bytes(&pseudonym)?,
                        &hex(&case["context_id"]),
                        nym_count,
                        Some(signer_count),
                        Some(&messages),
                        Some(&committed),
                        Some(&indexes),
                        Some(&committed_indexes),
                    )
                })
                .is_ok();
        assert_eq!(verdict, valid(&case), "{file}");
    }
}
