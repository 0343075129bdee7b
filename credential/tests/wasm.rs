//! Tests that run inside headless Chromium (`cargo test --target wasm32-unknown-unknown`),
//! where the core actually runs for the wallet and the in-page verifier.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use credential::{
    CopyParams, Credential, Disclosable, IssueParams, JsonPointer, Jwks, KeyBindingParams,
    PrivateJwk, PublicJwk, TrustedIssuer, VerifyPolicy, base64url, issue, verify,
};
use rand_core::OsRng;
use serde_json::{Value, json};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const KEYS: &str = include_str!("vectors/keys.json");

/// One conformance vector, embedded: its presentation (text, or a JSON string for the
/// JSON serializations), the claims it verifies to, and its KB-JWT payload if bound.
struct Vector {
    presentation: &'static str,
    json_string: bool,
    expected: &'static str,
    kb_payload: Option<&'static str>,
}

macro_rules! vector {
    ($dir:literal, $file:literal, $kb:ident) => {
        Vector {
            presentation: include_str!(concat!("vectors/sd-jwt-python/", $dir, "/", $file)),
            json_string: $file.as_bytes()[$file.len() - 1] == b'n',
            expected: include_str!(concat!("vectors/sd-jwt-python/", $dir, "/verified_contents.json")),
            kb_payload: vector!(@kb $dir, $kb),
        }
    };
    (@kb $dir:literal, kb) => {
        Some(include_str!(concat!("vectors/sd-jwt-python/", $dir, "/kb_jwt_payload.json")))
    };
    (@kb $dir:literal, no_kb) => {
        None
    };
}

/// Every vector of the reference implementation (the native suite reads them from disk).
const VECTORS: [Vector; 17] = [
    vector!("array_data_types", "sd_jwt_presentation.txt", no_kb),
    vector!("array_full_sd", "sd_jwt_presentation.txt", no_kb),
    vector!("array_in_sd", "sd_jwt_presentation.txt", no_kb),
    vector!("array_nested_in_plain", "sd_jwt_presentation.txt", no_kb),
    vector!("array_none_disclosed", "sd_jwt_presentation.txt", no_kb),
    vector!("array_of_nulls", "sd_jwt_presentation.txt", no_kb),
    vector!("array_of_objects", "sd_jwt_presentation.txt", no_kb),
    vector!("array_of_scalars", "sd_jwt_presentation.txt", no_kb),
    vector!("array_recursive_sd", "sd_jwt_presentation.txt", no_kb),
    vector!(
        "array_recursive_sd_some_disclosed",
        "sd_jwt_presentation.txt",
        no_kb
    ),
    vector!("header_mod", "sd_jwt_presentation.txt", kb),
    vector!(
        "json_serialization_flattened",
        "sd_jwt_presentation.json",
        kb
    ),
    vector!("json_serialization_general", "sd_jwt_presentation.json", kb),
    vector!("key_binding", "sd_jwt_presentation.txt", kb),
    vector!("no_sd", "sd_jwt_presentation.txt", no_kb),
    vector!("object_data_types", "sd_jwt_presentation.txt", no_kb),
    vector!("recursions", "sd_jwt_presentation.txt", no_kb),
];

#[wasm_bindgen_test]
fn base64url_is_strict_in_the_browser() {
    assert_eq!(base64url::encode(&[0xfb, 0xff]), "-_8");
    assert!(base64url::decode("QR").is_err());
}

#[wasm_bindgen_test]
fn conformance_vectors_verify_in_the_browser() {
    let keys: Value = serde_json::from_str(KEYS).unwrap();
    let trusted = TrustedIssuer {
        iss: keys["issuer"].as_str().unwrap().into(),
        jwks: Jwks::new(vec![PublicJwk::from_json(&keys["issuer_key"]).unwrap()]),
    };
    for vector in &VECTORS {
        let presentation = if vector.json_string {
            serde_json::from_str::<String>(vector.presentation).unwrap()
        } else {
            vector.presentation.trim().to_owned()
        };
        let kb_now = vector.kb_payload.map(|payload| {
            serde_json::from_str::<Value>(payload).unwrap()["iat"]
                .as_i64()
                .unwrap()
        });
        let policy = VerifyPolicy::new(
            vec![trusted.clone()],
            kb_now.unwrap_or(1_700_000_000),
            "https://example.com/verifier",
            "1234567890",
        )
        .plain_sd_jwt();
        let policy = if kb_now.is_some() {
            policy
        } else {
            policy.without_key_binding()
        };
        let verified = verify(&presentation, &policy).unwrap();
        let expected: Value = serde_json::from_str(vector.expected).unwrap();
        assert_eq!(Value::Object(verified.into_claims()), expected);
        let tampered = presentation.replacen('e', "f", 1);
        assert!(verify(&tampered, &policy).is_err());
    }
}

#[wasm_bindgen_test]
fn issue_present_verify_round_trip_in_the_browser() {
    let issuer = PrivateJwk::generate(&mut OsRng);
    let holder = PrivateJwk::generate(&mut OsRng);
    let params = IssueParams {
        issuer: "https://issuer.example".into(),
        vct: Some("urn:cachet:age".into()),
        claims: json!({"age_over_18": true, "age_over_21": false}),
        disclosable: Disclosable::Everything,
        decoys: 2,
        iat: Some(1_800_000_000),
        nbf: None,
        exp: Some(1_900_000_000),
    };
    let issued = issue(
        &params,
        &CopyParams {
            holder: Some(holder.public()),
            status: None,
        },
        &issuer,
        &mut OsRng,
    )
    .unwrap();
    let credential = Credential::parse(&issued).unwrap();
    let selection = credential
        .select(&[JsonPointer::parse("/age_over_18").unwrap()])
        .unwrap();
    let kb = KeyBindingParams {
        audience: "https://shop.example".into(),
        nonce: "n".into(),
        iat: 1_800_000_100,
    };
    let presentation = credential
        .present_with_key_binding(&selection, &kb)
        .sign_with(holder.signing_key());
    let trusted = TrustedIssuer {
        iss: "https://issuer.example".into(),
        jwks: Jwks::new(vec![issuer.public()]),
    };
    let verified = verify(
        &presentation,
        &VerifyPolicy::new(vec![trusted], 1_800_000_100, "https://shop.example", "n"),
    )
    .unwrap();
    assert_eq!(verified.claims()["age_over_18"], json!(true));
    assert!(!verified.claims().contains_key("age_over_21"));
}
