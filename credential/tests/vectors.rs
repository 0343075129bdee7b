//! RFC 9901 conformance: every case of the SD-JWT reference implementation's vectors
//! (tests/vectors/sd-jwt-python) verifies to exactly its `verified_contents.json`, and
//! every mutation of it is rejected.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use credential::ErrorCode;
use std::fs;
use std::path::{Path, PathBuf};

use credential::{Credential, Jwks, PublicJwk, TrustedIssuer, VerifyError, VerifyPolicy, verify};
use serde_json::Value;

struct Case {
    name: String,
    presentation: String,
    issuance: String,
    expected: Value,
    user_claims: Value,
    key_binding: bool,
    now: i64,
}

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/sd-jwt-python")
}

fn keys() -> Value {
    let text = fs::read_to_string(vectors_dir().join("../keys.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Reads `name.txt`, or `name.json` (a JSON string holding the JSON serialization).
fn read_serialized(dir: &Path, name: &str) -> String {
    if let Ok(text) = fs::read_to_string(dir.join(format!("{name}.txt"))) {
        return text.trim().to_owned();
    }
    let text = fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
    serde_json::from_str::<String>(&text).unwrap()
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for entry in fs::read_dir(vectors_dir()).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let spec = fs::read_to_string(dir.join("specification.yml")).unwrap();
        let key_binding = spec.lines().any(|l| l.trim() == "key_binding: True");
        let read_json = |file: &str| -> Value {
            serde_json::from_str(&fs::read_to_string(dir.join(file)).unwrap()).unwrap()
        };
        let now = if key_binding {
            read_json("kb_jwt_payload.json")["iat"].as_i64().unwrap()
        } else {
            1_700_000_000
        };
        cases.push(Case {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            presentation: read_serialized(&dir, "sd_jwt_presentation"),
            issuance: read_serialized(&dir, "sd_jwt_issuance"),
            expected: read_json("verified_contents.json"),
            user_claims: read_json("user_claims.json"),
            key_binding,
            now,
        });
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(cases.len() >= 17, "vectors missing: found {}", cases.len());
    cases
}

fn policy(case: &Case, audience: &str, nonce: &str) -> VerifyPolicy {
    let keys = keys();
    let issuer = TrustedIssuer {
        iss: keys["issuer"].as_str().unwrap().to_owned(),
        jwks: Jwks::new(vec![PublicJwk::from_json(&keys["issuer_key"]).unwrap()]),
    };
    let policy = VerifyPolicy::new(vec![issuer], case.now, audience, nonce).plain_sd_jwt();
    if case.key_binding {
        policy
    } else {
        policy.without_key_binding()
    }
}

fn default_policy(case: &Case) -> VerifyPolicy {
    let keys = keys();
    policy(
        case,
        keys["verifier"].as_str().unwrap(),
        keys["nonce"].as_str().unwrap(),
    )
}

#[test]
fn rfc9901_every_vector_verifies_to_its_verified_contents() {
    for case in cases() {
        let verified = verify(&case.presentation, &default_policy(&case))
            .unwrap_or_else(|err| panic!("{}: {err} ({})", case.name, err.code()));
        assert_eq!(
            Value::Object(verified.claims().clone()),
            case.expected,
            "{}",
            case.name
        );
        assert_eq!(verified.key_bound(), case.key_binding, "{}", case.name);
    }
}

#[test]
fn rfc9901_key_binding_cases_reject_wrong_nonce_and_audience() {
    for case in cases().into_iter().filter(|c| c.key_binding) {
        let wrong_nonce = policy(&case, "https://example.com/verifier", "1234567891");
        assert_eq!(
            verify(&case.presentation, &wrong_nonce).unwrap_err(),
            VerifyError::NonceMismatch,
            "{}",
            case.name
        );
        let wrong_aud = policy(&case, "https://example.com/other", "1234567890");
        assert_eq!(
            verify(&case.presentation, &wrong_aud).unwrap_err(),
            VerifyError::AudienceMismatch,
            "{}",
            case.name
        );
    }
}

/// Every single-character change of `token` inside `presentation`.
fn character_mutations(presentation: &str, token: &str) -> Vec<String> {
    let start = presentation.find(token).unwrap();
    (0..token.len())
        .map(|offset| {
            let at = start + offset;
            let original = presentation.as_bytes()[at];
            let replacement = if original == b'A' { 'B' } else { 'A' };
            let mut mutated = presentation.to_owned();
            mutated.replace_range(at..=at, &replacement.to_string());
            mutated
        })
        .collect()
}

/// The parts of a presentation as (issuer-signed JWT parts, disclosures, KB-JWT), for both
/// serializations.
fn parts(presentation: &str) -> (Vec<String>, Vec<String>, Option<String>) {
    if presentation.starts_with('{') {
        let value: Value = serde_json::from_str(presentation).unwrap();
        let first = value
            .get("signatures")
            .map_or(&value, |signatures| &signatures[0]);
        let jwt = vec![
            first["protected"].as_str().unwrap().to_owned(),
            value["payload"].as_str().unwrap().to_owned(),
            first["signature"].as_str().unwrap().to_owned(),
        ];
        let disclosures = first["header"]["disclosures"]
            .as_array()
            .map(|d| d.iter().map(|d| d.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default();
        let kb = first["header"]["kb_jwt"].as_str().map(str::to_owned);
        (jwt, disclosures, kb)
    } else {
        let pieces: Vec<&str> = presentation.split('~').collect();
        let kb = pieces
            .last()
            .filter(|kb| !kb.is_empty())
            .map(|kb| (*kb).to_owned());
        let disclosures = pieces[1..pieces.len() - 1]
            .iter()
            .map(|d| (*d).to_owned())
            .collect();
        (vec![pieces[0].to_owned()], disclosures, kb)
    }
}

#[test]
fn rfc9901_every_character_of_the_issuer_jwt_and_kb_jwt_matters() {
    let mut checked = 0;
    for case in cases() {
        let policy = default_policy(&case);
        let (jwt_parts, _, kb) = parts(&case.presentation);
        for token in jwt_parts.iter().chain(kb.iter()) {
            for mutated in character_mutations(&case.presentation, token) {
                assert!(
                    verify(&mutated, &policy).is_err(),
                    "{}: accepted a mutation",
                    case.name
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 10_000, "only {checked} mutations");
}

#[test]
fn rfc9901_disclosures_cannot_be_dropped_altered_or_duplicated() {
    for case in cases() {
        let policy = default_policy(&case);
        let (_, disclosures, _) = parts(&case.presentation);
        for disclosure in &disclosures {
            // Dropped: the KB-JWT's sd_hash no longer matches; without key binding the
            // presentation is a legitimate smaller one and must reveal less.
            let dropped = drop_disclosure(&case.presentation, disclosure);
            match verify(&dropped, &policy) {
                Err(_) => {}
                Ok(verified) if !case.key_binding => {
                    assert_ne!(
                        Value::Object(verified.claims().clone()),
                        case.expected,
                        "{}",
                        case.name
                    );
                }
                Ok(_) => panic!(
                    "{}: accepted a dropped disclosure with key binding",
                    case.name
                ),
            }
            for altered in character_mutations(&case.presentation, disclosure) {
                assert!(
                    verify(&altered, &policy).is_err(),
                    "{}: altered disclosure",
                    case.name
                );
            }
            let duplicated = duplicate_disclosure(&case.presentation, disclosure);
            assert!(
                verify(&duplicated, &policy).is_err(),
                "{}: duplicated disclosure",
                case.name
            );
        }
    }
}

fn drop_disclosure(presentation: &str, disclosure: &str) -> String {
    if presentation.starts_with('{') {
        presentation
            .replacen(&format!("\"{disclosure}\", "), "", 1)
            .replacen(&format!(", \"{disclosure}\""), "", 1)
    } else {
        presentation.replacen(&format!("{disclosure}~"), "", 1)
    }
}

fn duplicate_disclosure(presentation: &str, disclosure: &str) -> String {
    if presentation.starts_with('{') {
        presentation.replacen(
            &format!("\"{disclosure}\""),
            &format!("\"{disclosure}\", \"{disclosure}\""),
            1,
        )
    } else {
        presentation.replacen(
            &format!("{disclosure}~"),
            &format!("{disclosure}~{disclosure}~"),
            1,
        )
    }
}

#[test]
fn rfc9901_holder_reads_every_issuance_and_sees_all_user_claims() {
    let registered = ["iss", "iat", "exp", "cnf"];
    for case in cases() {
        let credential =
            Credential::parse(&case.issuance).unwrap_or_else(|err| panic!("{}: {err}", case.name));
        let mut claims = credential.claims().clone();
        for name in registered {
            claims.remove(name);
        }
        assert_eq!(Value::Object(claims), case.user_claims, "{}", case.name);
        // Everything disclosed, re-presented by Cachet, verifies to the same claims.
        let all = credential.present(&credential.select_all());
        let keys = keys();
        let issuer = TrustedIssuer {
            iss: keys["issuer"].as_str().unwrap().to_owned(),
            jwks: Jwks::new(vec![PublicJwk::from_json(&keys["issuer_key"]).unwrap()]),
        };
        let verified = verify(
            &all,
            &VerifyPolicy::new(vec![issuer], case.now, "", "")
                .plain_sd_jwt()
                .without_key_binding(),
        )
        .unwrap_or_else(|err| panic!("{}: {err}", case.name));
        assert_eq!(verified.claims(), credential.claims(), "{}", case.name);
    }
}

#[test]
fn rfc9901_s8_every_vector_verifies_in_flattened_json_serialization_too() {
    for case in cases() {
        let json = credential::serialization::to_flattened_json(&case.presentation).unwrap();
        assert!(json.starts_with('{'));
        let verified = verify(&json, &default_policy(&case))
            .unwrap_or_else(|err| panic!("{}: {err}", case.name));
        assert_eq!(
            Value::Object(verified.claims().clone()),
            case.expected,
            "{}",
            case.name
        );
    }
}
