use crate::ErrorCode;
use rand_core::OsRng;
use serde_json::{Value, json};

use super::*;
use crate::base64url;
use crate::crypto::{RustCryptoP256, sign_es256};
use crate::jwk::PrivateJwk;
use crate::jws;

const ISSUER: &str = "https://issuer.example";
const NOW: i64 = 1_795_305_600;

fn offer() -> CredentialOffer {
    CredentialOffer::new(ISSUER, vec!["cachet_age".into()], "code-123").unwrap()
}

#[test]
fn offer_round_trips_as_uri_deep_link_query_and_json() {
    let offer = offer();
    let uri = offer.to_uri();
    assert!(uri.starts_with("openid-credential-offer://?credential_offer=%7B"));
    assert_eq!(CredentialOffer::parse(&uri).unwrap(), offer);
    let deep_link = format!("http://localhost:7001/#/receive?{}", offer.to_query());
    assert_eq!(CredentialOffer::parse(&deep_link).unwrap(), offer);
    assert_eq!(CredentialOffer::parse(&offer.to_query()).unwrap(), offer);
    let json = offer.to_json().to_string();
    assert_eq!(
        CredentialOffer::parse(&format!("  {json}\n")).unwrap(),
        offer
    );
    assert_eq!(offer.pre_authorized_code(), "code-123");
    assert_eq!(offer.configuration_ids(), ["cachet_age"]);
}

#[test]
fn loopback_http_issuers_are_allowed_and_others_are_not() {
    for ok in [
        "http://localhost:7003",
        "http://127.0.0.1:9",
        "https://a.example/issuer",
    ] {
        assert!(
            CredentialOffer::new(ok, vec!["x".into()], "c").is_ok(),
            "{ok}"
        );
    }
    for bad in [
        "http://issuer.example",
        "http://localhost.evil.example",
        "https://a.example?x",
    ] {
        assert_eq!(
            CredentialOffer::new(bad, vec!["x".into()], "c"),
            Err(OfferError::InsecureIssuer),
            "{bad}"
        );
    }
}

fn offer_json_with(edit: impl FnOnce(&mut Value)) -> String {
    let mut value = offer().to_json();
    edit(&mut value);
    value.to_string()
}

#[test]
fn malformed_offers_are_refused_with_codes() {
    let grant = PRE_AUTHORIZED_GRANT;
    let cases: Vec<(String, &str)> =
        vec![
        ("x".repeat(MAX_OFFER_BYTES + 1), "offer_too_large"),
        ("https://wallet.example/#/receive".into(), "not_an_offer"),
        ("credential_offer_uri=https%3A%2F%2Fa.example%2Fo".into(), "offer_by_reference"),
        ("credential_offer=%7B&credential_offer=%7B".into(), "malformed_offer"),
        ("{\"credential_issuer\": 1}".into(), "malformed_offer"),
        ("[]".into(), "not_an_offer"),
        (offer_json_with(|v| v["credential_configuration_ids"] = json!([])), "malformed_offer"),
        (offer_json_with(|v| v["credential_configuration_ids"] = json!([7])), "malformed_offer"),
        (offer_json_with(|v| v["grants"] = json!({})), "no_pre_authorized_code"),
        (
            offer_json_with(|v| v["grants"][grant]["tx_code"] = json!({"length": 6})),
            "tx_code_unsupported",
        ),
        (
            offer_json_with(|v| v["grants"][grant]["pre-authorized_code"] = json!("")),
            "malformed_offer",
        ),
        (
            offer_json_with(|v| v["credential_issuer"] = json!("http://evil.example")),
            "insecure_issuer",
        ),
        (
            r#"{"credential_issuer":"https://a.example","credential_issuer":"https://b.example"}"#
                .into(),
            "malformed_offer",
        ),
    ];
    for (text, code) in cases {
        let error = CredentialOffer::parse(&text).unwrap_err();
        assert_eq!(error.code(), code, "{text:.80}: {error}");
    }
}

fn proof_with(header: &Value, payload: &Value, key: &PrivateJwk) -> String {
    jws::sign(header, payload, key.signing_key())
}

fn header(key: &PrivateJwk) -> Value {
    json!({"alg": "ES256", "typ": TYP_KEY_PROOF, "jwk": key.public().bare_json()})
}

fn payload() -> Value {
    json!({"aud": ISSUER, "iat": NOW, "nonce": "n-1"})
}

fn policy() -> ProofPolicy<'static> {
    ProofPolicy {
        audience: ISSUER,
        nonce: "n-1",
        window: crate::time::Window::new(crate::time::UnixTime::from_secs(NOW), 60),
        max_age: 300,
    }
}

fn check(proof: &str) -> Result<crate::PublicJwk, ProofError> {
    KeyProof::parse(proof)?.verify(&policy(), &RustCryptoP256)
}

#[test]
fn a_wallet_built_proof_verifies_and_yields_its_key() {
    let holder = PrivateJwk::generate(&mut OsRng);
    let input = KeyProof::signing_input(
        &holder.public(),
        &KeyProofParams {
            audience: ISSUER,
            nonce: "n-1",
            issued_at: NOW - 10,
        },
    );
    let signature = sign_es256(holder.signing_key(), input.as_bytes());
    let proof = jws::attach_signature(&input, &signature);
    let parsed = KeyProof::parse(&proof).unwrap();
    assert_eq!(parsed.claimed_nonce(), Some("n-1"));
    let key = parsed.verify(&policy(), &RustCryptoP256).unwrap();
    assert_eq!(key.sec1(), holder.public().sec1());
}

#[test]
fn every_proof_rule_is_enforced_with_its_own_code() {
    let holder = PrivateJwk::generate(&mut OsRng);
    let other = PrivateJwk::generate(&mut OsRng);
    let edit_header = |edit: &dyn Fn(&mut Value)| {
        let mut h = header(&holder);
        edit(&mut h);
        proof_with(&h, &payload(), &holder)
    };
    let edit_payload = |edit: &dyn Fn(&mut Value)| {
        let mut p = payload();
        edit(&mut p);
        proof_with(&header(&holder), &p, &holder)
    };
    let hs256 = {
        let input = jws::signing_input(&json!({"alg": "HS256", "typ": TYP_KEY_PROOF}), &payload());
        format!("{input}.{}", base64url::encode(b"mac"))
    };
    let cases: Vec<(String, ProofError)> = vec![
        ("not a jwt".into(), ProofError::Malformed),
        ("a.b.c".into(), ProofError::Malformed),
        ("x".repeat(5000), ProofError::Malformed),
        (hs256, ProofError::UnsupportedAlgorithm),
        (
            edit_header(&|h| h["alg"] = json!("none")),
            ProofError::UnsupportedAlgorithm,
        ),
        (
            edit_header(&|h| h["typ"] = json!("JWT")),
            ProofError::WrongType,
        ),
        (
            edit_header(&|h| h["crit"] = json!(["x"])),
            ProofError::UnknownCritical,
        ),
        (
            edit_header(&|h| h["kid"] = json!("k")),
            ProofError::InvalidKey,
        ),
        (
            edit_header(&|h| h["x5c"] = json!(["MII"])),
            ProofError::InvalidKey,
        ),
        (
            edit_header(&|h| h["jwk"] = holder.to_json()),
            ProofError::InvalidKey,
        ),
        (
            edit_header(&|h| {
                h.as_object_mut().unwrap().remove("jwk");
            }),
            ProofError::InvalidKey,
        ),
        (
            proof_with(&header(&other), &payload(), &holder),
            ProofError::BadSignature,
        ),
        (
            edit_payload(&|p| p["aud"] = json!("https://other.example")),
            ProofError::WrongAudience,
        ),
        (
            edit_payload(&|p| p["aud"] = json!([ISSUER])),
            ProofError::WrongAudience,
        ),
        (
            edit_payload(&|p| {
                p.as_object_mut().unwrap().remove("iat");
            }),
            ProofError::MissingIssuedAt,
        ),
        (
            edit_payload(&|p| p["iat"] = json!("now")),
            ProofError::MissingIssuedAt,
        ),
        (
            edit_payload(&|p| p["iat"] = json!(NOW + 61)),
            ProofError::StaleIssuedAt,
        ),
        (
            edit_payload(&|p| p["iat"] = json!(NOW - 301)),
            ProofError::StaleIssuedAt,
        ),
        (
            edit_payload(&|p| p["iss"] = json!("client")),
            ProofError::UnexpectedIssuer,
        ),
        (
            edit_payload(&|p| {
                p.as_object_mut().unwrap().remove("nonce");
            }),
            ProofError::MissingNonce,
        ),
        (
            edit_payload(&|p| p["nonce"] = json!("n-2")),
            ProofError::WrongNonce,
        ),
        (
            edit_payload(&|p| p["nonce"] = json!(1)),
            ProofError::WrongNonce,
        ),
    ];
    for (proof, expected) in cases {
        assert_eq!(check(&proof), Err(expected.clone()), "{expected}");
    }
    assert!(check(&edit_payload(&|p| p["iat"] = json!(NOW + 60))).is_ok());
    assert_eq!(
        ProofError::WrongNonce.oid4vci_error().code(),
        "invalid_nonce"
    );
    assert_eq!(
        ProofError::BadSignature.oid4vci_error().code(),
        "invalid_proof"
    );
}
