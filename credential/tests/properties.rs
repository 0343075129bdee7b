//! Property tests: random claims and random disclosure policies → issue → present a random
//! subset → verify yields exactly that subset (computed here independently).
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;

use credential::{
    CopyParams, Credential, Disclosable, IssueParams, JsonPointer, Jwks, KeyBindingParams,
    PrivateJwk, TrustedIssuer, VerifyPolicy, issue, issue_batch, verify,
};
use proptest::prelude::*;
use rand_core::OsRng;
use serde_json::{Map, Value};

const NOW: i64 = 1_800_000_000;
/// Claim names, including ones that need JSON Pointer escaping.
const NAMES: [&str; 7] = ["a", "b", "c", "given_name", "p~q", "r/s", "ünï"];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        "[a-zA-Z0-9 ]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(prop::sample::select(NAMES.to_vec()), inner, 0..4)
                .prop_map(|m| Value::Object(
                    m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
                )),
        ]
    })
}

fn claims() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(prop::sample::select(NAMES.to_vec()), json_value(), 1..5)
        .prop_map(|m| m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// Every pointer below the root.
fn all_pointers(value: &Value, at: &JsonPointer, out: &mut Vec<JsonPointer>) {
    match value {
        Value::Object(object) => {
            for (name, child) in object {
                let p = at.child(name.clone());
                out.push(p.clone());
                all_pointers(child, &p, out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                let p = at.child(index.to_string());
                out.push(p.clone());
                all_pointers(child, &p, out);
            }
        }
        _ => {}
    }
}

/// The claims a verifier should see: every disclosable node that is not included removed.
fn expected(
    value: &Value,
    at: &JsonPointer,
    disclosable: &BTreeSet<JsonPointer>,
    included: &BTreeSet<JsonPointer>,
) -> Value {
    let hidden = |p: &JsonPointer| disclosable.contains(p) && !included.contains(p);
    match value {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .filter_map(|(name, child)| {
                    let p = at.child(name.clone());
                    (!hidden(&p))
                        .then(|| (name.clone(), expected(child, &p, disclosable, included)))
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .filter_map(|(index, child)| {
                    let p = at.child(index.to_string());
                    (!hidden(&p)).then(|| expected(child, &p, disclosable, included))
                })
                .collect(),
        ),
        scalar => scalar.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn issue_present_verify_reveals_exactly_the_selected_subset(
        claims in claims(),
        policy_bits in prop::collection::vec(any::<bool>(), 64),
        select_bits in prop::collection::vec(any::<bool>(), 64),
        everything in any::<bool>(),
        decoys in 0usize..4,
    ) {
        let root = Value::Object(claims.clone());
        let mut pointers = Vec::new();
        all_pointers(&root, &JsonPointer::root(), &mut pointers);
        let disclosable: BTreeSet<JsonPointer> = if everything {
            pointers.iter().cloned().collect()
        } else {
            pointers.iter().zip(policy_bits.iter().cycle()).filter(|(_, b)| **b).map(|(p, _)| p.clone()).collect()
        };
        let issuer = PrivateJwk::generate(&mut OsRng);
        let holder = PrivateJwk::generate(&mut OsRng);
        let params = IssueParams {
            issuer: "https://issuer.example".into(),
            vct: Some("urn:test".into()),
            claims: root.clone(),
            disclosable: if everything { Disclosable::Everything } else { Disclosable::Paths(disclosable.iter().cloned().collect()) },
            decoys,
            iat: Some(NOW - 10),
            nbf: None,
            exp: Some(NOW + 100),
        };
        let issued = issue(&params, &CopyParams { holder: Some(holder.public()), status: None }, &issuer, &mut OsRng).unwrap();
        let credential = Credential::parse(&issued).unwrap();
        let offered: Vec<JsonPointer> = credential.disclosable().iter().map(|c| c.path.clone()).collect();
        prop_assert_eq!(offered.iter().cloned().collect::<BTreeSet<_>>(), disclosable.clone());
        let selected: Vec<JsonPointer> = offered.iter().zip(select_bits.iter().cycle()).filter(|(_, b)| **b).map(|(p, _)| p.clone()).collect();
        let included: BTreeSet<JsonPointer> = disclosable
            .iter()
            .filter(|d| selected.iter().any(|s| d.contains(s) || s.contains(d)))
            .cloned()
            .collect();
        let selection = credential.select(&selected).unwrap();
        let kb = KeyBindingParams { audience: "aud".into(), nonce: "nonce".into(), iat: NOW };
        let presentation = credential.present_with_key_binding(&selection, &kb).sign_with(holder.signing_key());
        let trusted = TrustedIssuer { iss: "https://issuer.example".into(), jwks: Jwks::new(vec![issuer.public()]) };
        let verified = verify(&presentation, &VerifyPolicy::new(vec![trusted], NOW, "aud", "nonce")).unwrap();
        let mut seen = verified.into_claims();
        for registered in ["iss", "iat", "exp", "vct", "cnf"] {
            prop_assert!(seen.remove(registered).is_some(), "{} missing", registered);
        }
        prop_assert_eq!(Value::Object(seen), expected(&root, &JsonPointer::root(), &disclosable, &included));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// RFC 9901 §10.1: copies of one batch share nothing but the issuer key and the claim
    /// values: no salt, digest, holder key or signature.
    #[test]
    fn a_batch_shares_no_salt_digest_key_or_signature(claims in claims(), copies in 2usize..6, decoys in 0usize..3) {
        let issuer = PrivateJwk::generate(&mut OsRng);
        let params = IssueParams {
            issuer: "https://issuer.example".into(),
            vct: Some("urn:test".into()),
            claims: Value::Object(claims),
            disclosable: Disclosable::Everything,
            decoys,
            iat: Some(NOW),
            nbf: None,
            exp: None,
        };
        let holders: Vec<CopyParams> = (0..copies)
            .map(|_| CopyParams { holder: Some(PrivateJwk::generate(&mut OsRng).public()), status: None })
            .collect();
        let batch = issue_batch(&params, &holders, &issuer, &mut OsRng).unwrap();
        let mut seen = BTreeSet::new();
        for issued in &batch {
            let credential = Credential::parse(issued).unwrap();
            let payload = credential.issuer_payload();
            let signature = issued.split('~').next().unwrap().rsplit('.').next().unwrap();
            let fresh_signature = seen.insert(format!("sig:{signature}"));
            prop_assert!(fresh_signature, "signature repeated");
            let fresh_key = seen.insert(format!("cnf:{}", payload["cnf"]));
            prop_assert!(fresh_key, "holder key repeated");
            let mut digests = Vec::new();
            collect_digests(&Value::Object(payload.clone()), &mut digests);
            for digest in digests {
                let fresh = seen.insert(format!("digest:{digest}"));
                prop_assert!(fresh, "digest repeated");
            }
            for disclosure in issued.split('~').skip(1).filter(|d| !d.is_empty()) {
                let decoded = credential::disclosure::Disclosure::decode(disclosure).unwrap();
                let fresh = seen.insert(format!("salt:{}", decoded.salt()));
                prop_assert!(fresh, "salt repeated");
                let mut nested = Vec::new();
                let (credential::disclosure::Content::Property { value, .. }
                | credential::disclosure::Content::Element { value }) = decoded.content();
                collect_digests(value, &mut nested);
                for digest in nested {
                    // Nested digests live only inside their parent disclosure.
                    let fresh = seen.insert(format!("digest:{digest}"));
                    prop_assert!(fresh, "nested digest repeated");
                }
            }
        }
    }
}

/// Every digest in `_sd` arrays and `{"...": digest}` elements, at any depth.
fn collect_digests(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::Array(digests)) = object.get("_sd") {
                out.extend(digests.iter().filter_map(Value::as_str).map(str::to_owned));
            }
            if object.len() == 1
                && let Some(Value::String(digest)) = object.get("...")
            {
                out.push(digest.clone());
            }
            object
                .values()
                .for_each(|child| collect_digests(child, out));
        }
        Value::Array(items) => items.iter().for_each(|child| collect_digests(child, out)),
        _ => {}
    }
}
