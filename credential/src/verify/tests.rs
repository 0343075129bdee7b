//! The attack corpus: each way a presentation can be wrong, forged by hand, must fail
//! (natively and, under `cargo test --target wasm32-unknown-unknown`, in headless
//! Chromium, where the in-page verifier runs it)
//! with its own error.

use super::*;
use crate::ErrorCode;
use crate::disclosure::Disclosure;
use crate::jwk::{Jwks, PrivateJwk};
use crate::limits::{Limit, MAX_DISCLOSURES, MAX_PRESENTATION_BYTES};
use crate::policy::TrustedIssuer;
use crate::status_list::{StatusList, StatusListTokenParams, sign_status_list, verify_status_list};
use crate::time::UnixTime;
use crate::{base64url, jws};
use rand_core::OsRng;
use serde_json::json;

const NOW: i64 = 1_800_000_000;
const ISS: &str = "https://issuer.example";
const AUD: &str = "https://shop.example";
const NONCE: &str = "n-0S6_WzA2Mj";
const VCT: &str = "https://issuer.example/credentials/identity";

struct Fixture {
    issuer: PrivateJwk,
    holder: PrivateJwk,
}

impl Fixture {
    fn new() -> Self {
        Self {
            issuer: PrivateJwk::generate(&mut OsRng),
            holder: PrivateJwk::generate(&mut OsRng),
        }
    }

    fn trusted(&self) -> TrustedIssuer {
        TrustedIssuer {
            iss: ISS.into(),
            jwks: Jwks::new(vec![self.issuer.public()]),
        }
    }

    fn policy(&self) -> VerifyPolicy {
        VerifyPolicy::new(vec![self.trusted()], NOW, AUD, NONCE)
    }

    fn header(&self) -> Value {
        json!({"alg": "ES256", "typ": "dc+sd-jwt", "kid": self.issuer.kid()})
    }

    fn payload(&self) -> Value {
        json!({"iss": ISS, "iat": NOW - 60, "exp": NOW + 3600, "vct": VCT,
               "cnf": {"jwk": self.holder.public().bare_json()}})
    }

    fn sd_jwt(&self, header: &Value, payload: &Value, disclosures: &[&Disclosure]) -> String {
        let mut out = jws::sign(header, payload, self.issuer.signing_key());
        out.push('~');
        for disclosure in disclosures {
            out.push_str(disclosure.encoded());
            out.push('~');
        }
        out
    }

    fn kb(&self, sd_jwt: &str, payload: Value, key: &PrivateJwk) -> String {
        let header = json!({"alg": "ES256", "typ": "kb+jwt"});
        let mut payload = payload;
        if payload.get("sd_hash").is_none() {
            payload["sd_hash"] = json!(sha256_b64(sd_jwt));
        }
        format!(
            "{sd_jwt}{}",
            jws::sign(&header, &payload, key.signing_key())
        )
    }

    fn kb_payload() -> Value {
        json!({"iat": NOW, "aud": AUD, "nonce": NONCE})
    }

    /// A presentation of `payload` with `disclosures`, key-bound by the holder.
    fn present(&self, header: &Value, payload: &Value, disclosures: &[&Disclosure]) -> String {
        let sd_jwt = self.sd_jwt(header, payload, disclosures);
        self.kb(&sd_jwt, Self::kb_payload(), &self.holder)
    }

    fn err(&self, presentation: &str) -> VerifyError {
        verify(presentation, &self.policy()).unwrap_err()
    }
}

fn with_sd(mut payload: Value, digests: &[&str]) -> Value {
    payload["_sd"] = json!(digests);
    payload["_sd_alg"] = json!("sha-256");
    payload
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_well_formed_sd_jwt_vc_verifies_to_its_disclosed_claims() {
    let f = Fixture::new();
    let name = Disclosure::property("c2FsdHNhbHRzYWx0c2FsdA", "given_name", json!("Ada"));
    let age = Disclosure::property("YW5vdGhlcnNhbHRhbm90aGVy", "age_over_18", json!(true));
    let payload = with_sd(
        f.payload(),
        &[name.digest(), age.digest(), &sha256_b64("decoy")],
    );
    let verified = verify(&f.present(&f.header(), &payload, &[&age]), &f.policy()).unwrap();
    assert_eq!(verified.claims().get("age_over_18"), Some(&json!(true)));
    assert!(!verified.claims().contains_key("given_name"));
    assert!(!verified.claims().contains_key("_sd") && !verified.claims().contains_key("_sd_alg"));
    assert_eq!(verified.issuer(), ISS);
    assert_eq!(verified.expires_at(), Some(NOW + 3600));
    assert!(verified.key_bound());
    assert_eq!(verified.status(), StatusCheck::NoStatus);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn only_es256_is_accepted_whatever_the_header_says() {
    let f = Fixture::new();
    for alg in [
        json!("none"),
        json!("HS256"),
        json!("ES384"),
        json!("es256"),
        json!(null),
    ] {
        let mut header = f.header();
        header["alg"] = alg.clone();
        let err = f.err(&f.present(&header, &f.payload(), &[]));
        assert!(
            matches!(err, VerifyError::UnsupportedAlgorithm { .. }),
            "{alg}: {err:?}"
        );
        assert_eq!(err.code(), "unsupported_alg");
    }
    let mut header = f.header();
    header.as_object_mut().unwrap().remove("alg");
    assert!(matches!(
        f.err(&f.present(&header, &f.payload(), &[])),
        VerifyError::UnsupportedAlgorithm { found: None, .. }
    ));
    // An unsigned token: alg none and an empty signature.
    let none = format!(
        "{}.{}.~",
        base64url::encode(br#"{"alg":"none","typ":"dc+sd-jwt"}"#),
        base64url::encode(f.payload().to_string().as_bytes())
    );
    assert_eq!(f.err(&none).code(), "unsupported_alg");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn typ_is_enforced_for_sd_jwt_vc_and_kb_jwt_is_never_an_issuer_jwt() {
    let f = Fixture::new();
    for typ in [json!("JWT"), json!("kb+jwt"), json!(7)] {
        let mut header = f.header();
        header["typ"] = typ;
        assert_eq!(
            f.err(&f.present(&header, &f.payload(), &[])).code(),
            "invalid_typ"
        );
    }
    let mut header = f.header();
    header.as_object_mut().unwrap().remove("typ");
    assert_eq!(
        f.err(&f.present(&header, &f.payload(), &[])).code(),
        "invalid_typ"
    );
    // vc+sd-jwt is still accepted.
    header["typ"] = json!("vc+sd-jwt");
    assert!(verify(&f.present(&header, &f.payload(), &[]), &f.policy()).is_ok());
    // Plain SD-JWT: other types are fine, kb+jwt is not.
    let plain = f.policy().plain_sd_jwt();
    header["typ"] = json!("example+sd-jwt");
    assert!(verify(&f.present(&header, &f.payload(), &[]), &plain).is_ok());
    header["typ"] = json!("kb+jwt");
    assert_eq!(
        verify(&f.present(&header, &f.payload(), &[]), &plain)
            .unwrap_err()
            .code(),
        "invalid_typ"
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn unknown_crit_is_rejected() {
    let f = Fixture::new();
    let mut header = f.header();
    header["crit"] = json!(["b64"]);
    assert_eq!(
        f.err(&f.present(&header, &f.payload(), &[])),
        VerifyError::UnknownCritical(Token::IssuerJwt)
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn signatures_must_come_from_a_trusted_key_of_the_named_issuer() {
    let f = Fixture::new();
    let impostor = Fixture::new();
    // Same iss and kid, other key.
    let mut header = impostor.header();
    header["kid"] = json!(f.issuer.kid());
    let forged = impostor.present(&header, &f.payload(), &[]);
    assert_eq!(
        f.err(&forged),
        VerifyError::InvalidSignature(Token::IssuerJwt)
    );
    // Unknown kid.
    assert_eq!(
        f.err(&impostor.present(&impostor.header(), &f.payload(), &[])),
        VerifyError::UnknownKey(Token::IssuerJwt)
    );
    // Untrusted iss.
    let mut payload = f.payload();
    payload["iss"] = json!("https://evil.example");
    assert_eq!(
        f.err(&f.present(&f.header(), &payload, &[])),
        VerifyError::UntrustedIssuer
    );
    // A flipped signature bit.
    let good = f.present(&f.header(), &f.payload(), &[]);
    let jwt_end = good.find('~').unwrap();
    let signature_start = good[..jwt_end].rfind('.').unwrap() + 1;
    let mut bytes = base64url::decode(&good[signature_start..jwt_end]).unwrap();
    bytes[10] ^= 1;
    let tampered = format!(
        "{}{}{}",
        &good[..signature_start],
        base64url::encode(&bytes),
        &good[jwt_end..]
    );
    assert_eq!(
        f.err(&tampered),
        VerifyError::InvalidSignature(Token::IssuerJwt)
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn encodings_must_be_canonical_and_json_well_formed() {
    let f = Fixture::new();
    let good = f.present(&f.header(), &f.payload(), &[]);
    let (header, rest) = good.split_once('.').unwrap();
    assert_eq!(
        f.err(&format!("{header}=.{rest}")).code(),
        "invalid_base64url"
    );
    let not_json = format!(
        "{header}.{}.{}~",
        base64url::encode(b"{not json"),
        base64url::encode(&[0; 64])
    );
    assert_eq!(f.err(&not_json).code(), "malformed_json");
    for garbage in [
        "",
        "~",
        "a.b~",
        "no tilde",
        "{\"payload\": 1}",
        "{",
        "a.b.c.d~",
    ] {
        let err = f.err(garbage);
        assert!(
            [
                "malformed_serialization",
                "malformed_json",
                "invalid_base64url"
            ]
            .contains(&err.code()),
            "{garbage:?}: {err:?}"
        );
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn digests_and_disclosures_must_match_one_to_one() {
    let f = Fixture::new();
    let name = Disclosure::property("c2FsdHNhbHRzYWx0c2FsdA", "given_name", json!("Ada"));
    let stray = Disclosure::property("c3RyYXlzdHJheXN0cmF5", "family_name", json!("Lovelace"));
    // The same digest twice.
    let twice = with_sd(f.payload(), &[name.digest(), name.digest()]);
    assert_eq!(
        f.err(&f.present(&f.header(), &twice, &[&name])),
        VerifyError::DuplicateDigest
    );
    // Also when the second one hides in a nested object.
    let mut nested = with_sd(f.payload(), &[name.digest()]);
    nested["address"] = json!({"_sd": [name.digest()]});
    assert_eq!(
        f.err(&f.present(&f.header(), &nested, &[&name])),
        VerifyError::DuplicateDigest
    );
    // A disclosure nothing refers to.
    let payload = with_sd(f.payload(), &[name.digest()]);
    assert_eq!(
        f.err(&f.present(&f.header(), &payload, &[&name, &stray])),
        VerifyError::UnreferencedDisclosure
    );
    // The same disclosure presented twice.
    assert_eq!(
        f.err(&f.present(&f.header(), &payload, &[&name, &name])),
        VerifyError::DuplicateDisclosure
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn disclosed_names_must_be_new_and_not_reserved() {
    let f = Fixture::new();
    let name = Disclosure::property("c2FsdHNhbHRzYWx0c2FsdA", "given_name", json!("Ada"));
    let mut payload = with_sd(f.payload(), &[name.digest()]);
    payload["given_name"] = json!("Eve");
    assert_eq!(
        f.err(&f.present(&f.header(), &payload, &[&name])),
        VerifyError::ClaimNameExists("given_name".into())
    );
    for reserved in ["_sd", "..."] {
        let bad = Disclosure::property("c2FsdHNhbHRzYWx0c2FsdA", reserved, json!([]));
        let payload = with_sd(f.payload(), &[bad.digest()]);
        assert_eq!(
            f.err(&f.present(&f.header(), &payload, &[&bad])).code(),
            "reserved_claim_name"
        );
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn element_and_property_disclosures_cannot_swap_places() {
    let f = Fixture::new();
    let element = Disclosure::element("c2FsdHNhbHRzYWx0c2FsdA", json!("DE"));
    let property = Disclosure::property("c2FsdHNhbHRzYWx0c2FsdA", "nationality", json!("DE"));
    let in_object = with_sd(f.payload(), &[element.digest()]);
    assert_eq!(
        f.err(&f.present(&f.header(), &in_object, &[&element])),
        VerifyError::DisclosureKindMismatch
    );
    let mut in_array = f.payload();
    in_array["nationalities"] = json!([{"...": property.digest()}]);
    assert_eq!(
        f.err(&f.present(&f.header(), &in_array, &[&property])),
        VerifyError::DisclosureKindMismatch
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn key_binding_is_required_by_default_and_checked_fully() {
    let f = Fixture::new();
    let sd_jwt = f.sd_jwt(&f.header(), &f.payload(), &[]);
    assert_eq!(f.err(&sd_jwt), VerifyError::MissingKeyBinding);
    assert!(verify(&sd_jwt, &f.policy().without_key_binding()).is_ok());
    // Signed by someone other than the cnf key.
    let other = PrivateJwk::generate(&mut OsRng);
    let wrong_key = f.kb(&sd_jwt, Fixture::kb_payload(), &other);
    assert_eq!(f.err(&wrong_key).code(), "invalid_kb_signature");
    // sd_hash over something else.
    let mut payload = Fixture::kb_payload();
    payload["sd_hash"] = json!(sha256_b64("something else"));
    assert_eq!(
        f.err(&f.kb(&sd_jwt, payload, &f.holder)),
        VerifyError::SdHashMismatch
    );
    // Wrong nonce, wrong audience.
    let mut payload = Fixture::kb_payload();
    payload["nonce"] = json!("replayed");
    assert_eq!(
        f.err(&f.kb(&sd_jwt, payload, &f.holder)),
        VerifyError::NonceMismatch
    );
    let mut payload = Fixture::kb_payload();
    payload["aud"] = json!("https://other.example");
    assert_eq!(
        f.err(&f.kb(&sd_jwt, payload, &f.holder)),
        VerifyError::AudienceMismatch
    );
    // iat in the future, or too old.
    let mut payload = Fixture::kb_payload();
    payload["iat"] = json!(NOW + 3600);
    assert_eq!(
        f.err(&f.kb(&sd_jwt, payload, &f.holder)),
        VerifyError::KeyBindingFromFuture
    );
    let mut payload = Fixture::kb_payload();
    payload["iat"] = json!(NOW - 3600);
    assert_eq!(
        f.err(&f.kb(&sd_jwt, payload, &f.holder)),
        VerifyError::KeyBindingTooOld
    );
    // Wrong typ on the KB-JWT.
    let header = json!({"alg": "ES256", "typ": "JWT"});
    let mut payload = Fixture::kb_payload();
    payload["sd_hash"] = json!(sha256_b64(&sd_jwt));
    let bad_typ = format!(
        "{sd_jwt}{}",
        jws::sign(&header, &payload, f.holder.signing_key())
    );
    assert_eq!(f.err(&bad_typ).code(), "invalid_typ");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn holder_key_must_be_public_and_present() {
    let f = Fixture::new();
    let mut payload = f.payload();
    payload["cnf"]["jwk"] = f.holder.to_json();
    assert_eq!(
        f.err(&f.present(&f.header(), &payload, &[])),
        VerifyError::PrivateKeyInCnf
    );
    let mut payload = f.payload();
    payload.as_object_mut().unwrap().remove("cnf");
    assert_eq!(
        f.err(&f.present(&f.header(), &payload, &[])),
        VerifyError::MissingHolderKey
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn validity_window_is_enforced_with_clock_skew() {
    let f = Fixture::new();
    let mut payload = f.payload();
    payload["exp"] = json!(NOW - 61);
    assert_eq!(
        f.err(&f.present(&f.header(), &payload, &[])),
        VerifyError::Expired
    );
    payload["exp"] = json!(NOW - 30); // within the 60 s skew
    assert!(verify(&f.present(&f.header(), &payload, &[]), &f.policy()).is_ok());
    let mut payload = f.payload();
    payload["nbf"] = json!(NOW + 600);
    assert_eq!(
        f.err(&f.present(&f.header(), &payload, &[])),
        VerifyError::NotYetValid
    );
    let mut payload = f.payload();
    payload["exp"] = json!("tomorrow");
    assert_eq!(
        f.err(&f.present(&f.header(), &payload, &[])),
        VerifyError::InvalidClaim("exp")
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn sd_jwt_vc_rules_need_vct_and_forbid_disclosed_registered_claims() {
    let f = Fixture::new();
    let mut payload = f.payload();
    payload.as_object_mut().unwrap().remove("vct");
    assert_eq!(
        f.err(&f.present(&f.header(), &payload, &[])),
        VerifyError::InvalidClaim("vct")
    );
    let exp = Disclosure::property("c2FsdHNhbHRzYWx0c2FsdA", "nbf", json!(NOW - 10));
    let payload = with_sd(f.payload(), &[exp.digest()]);
    assert_eq!(
        f.err(&f.present(&f.header(), &payload, &[&exp])),
        VerifyError::DisclosedRegisteredClaim("nbf".into())
    );
}

/// Signs raw JSON text (which `json!` could not hold: it has duplicate names).
fn sign_raw(f: &Fixture, header: &str, payload: &str) -> String {
    let input = format!(
        "{}.{}",
        base64url::encode(header.as_bytes()),
        base64url::encode(payload.as_bytes())
    );
    let signature = crate::crypto::sign_es256(f.issuer.signing_key(), input.as_bytes());
    format!("{}~", jws::attach_signature(&input, &signature))
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn duplicate_member_names_are_refused_even_when_signed() {
    let f = Fixture::new();
    let header = f.header().to_string();
    let payload = f.payload().to_string();
    // A second "iss" that a last-wins parser would believe: signed, still refused.
    let twice = payload.replacen('{', r#"{"iss": "https://evil.example", "#, 1);
    let presentation = f.kb(
        &sign_raw(&f, &header, &twice),
        Fixture::kb_payload(),
        &f.holder,
    );
    assert_eq!(
        f.err(&presentation),
        VerifyError::MalformedJson("issuer JWT payload")
    );
    let header_twice = header.replacen('{', r#"{"alg": "none", "#, 1);
    let presentation = f.kb(
        &sign_raw(&f, &header_twice, &payload),
        Fixture::kb_payload(),
        &f.holder,
    );
    assert_eq!(f.err(&presentation).code(), "malformed_json");
    // Inside a disclosure's value.
    let encoded = base64url::encode(br#"["c2FsdHNhbHRzYWx0c2FsdA", "address", {"a": 1, "a": 2}]"#);
    assert_eq!(
        Disclosure::decode(&encoded).unwrap_err(),
        VerifyError::MalformedDisclosure
    );
    // The honest version of each verifies.
    let honest = f.kb(
        &sign_raw(&f, &header, &payload),
        Fixture::kb_payload(),
        &f.holder,
    );
    assert!(verify(&honest, &f.policy()).is_ok());
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn only_sha_256_digests() {
    let f = Fixture::new();
    let mut payload = f.payload();
    payload["_sd_alg"] = json!("md5");
    assert_eq!(
        f.err(&f.present(&f.header(), &payload, &[])),
        VerifyError::UnsupportedHashAlgorithm
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn oversized_and_overdeep_inputs_hit_named_limits() {
    let f = Fixture::new();
    let huge = "a".repeat(MAX_PRESENTATION_BYTES + 1);
    assert_eq!(
        f.err(&huge),
        VerifyError::LimitExceeded(Limit::PresentationBytes)
    );
    let many = format!("a.b.c{}", "~x".repeat(MAX_DISCLOSURES + 1)) + "~";
    assert_eq!(f.err(&many), VerifyError::LimitExceeded(Limit::Disclosures));
    let mut deep = json!("bottom");
    for _ in 0..40 {
        deep = json!([deep]);
    }
    let mut payload = f.payload();
    payload["deep"] = deep;
    assert_eq!(
        f.err(&f.present(&f.header(), &payload, &[])),
        VerifyError::LimitExceeded(Limit::Depth)
    );
    let mut payload = f.payload();
    payload["long"] = json!(vec![0; crate::limits::MAX_ARRAY_LENGTH + 1]);
    assert_eq!(
        f.err(&f.present(&f.header(), &payload, &[])),
        VerifyError::LimitExceeded(Limit::ArrayLength)
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn status_list_revokes_and_suspends() {
    let f = Fixture::new();
    let uri = "https://issuer.example/status/1";
    let mut payload = f.payload();
    payload["status"] = json!({"status_list": {"idx": 13, "uri": uri}});
    let presentation = f.present(&f.header(), &payload, &[]);
    let token_for = |list: &StatusList| {
        let params = StatusListTokenParams {
            uri: uri.into(),
            iat: NOW - 10,
            exp: NOW + 600,
            ttl: 300,
        };
        let token = sign_status_list(list, &params, &f.issuer);
        verify_status_list(
            &token,
            &f.trusted(),
            UnixTime::from_secs(NOW),
            &RustCryptoP256,
        )
        .unwrap()
    };
    let mut list = StatusList::with_capacity(16);
    let unchecked = verify(&presentation, &f.policy()).unwrap();
    assert_eq!(unchecked.status(), StatusCheck::Unchecked);
    let valid = verify(&presentation, &f.policy().status_list(token_for(&list))).unwrap();
    assert_eq!(valid.status(), StatusCheck::Valid);
    assert!(list.set(13, Status::Invalid));
    let err = verify(&presentation, &f.policy().status_list(token_for(&list))).unwrap_err();
    assert_eq!(err.code(), "revoked");
    let mut two_bits = StatusList::with_bits(16, 2).unwrap();
    assert!(two_bits.set(13, Status::Suspended));
    let err = verify(&presentation, &f.policy().status_list(token_for(&two_bits))).unwrap_err();
    assert_eq!(err.code(), "suspended");
    // Index outside the list (a one-bit list of 8 entries).
    let short = StatusList::with_capacity(8);
    assert_eq!(short.len(), 8);
    let err = verify(&presentation, &f.policy().status_list(token_for(&short))).unwrap_err();
    assert_eq!(err, VerifyError::StatusListMismatch);
}

/// A list speaks only for its own issuer's credentials, only while fresh, and a policy
/// holds many lists at once (one per issuer and URI).
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn status_lists_are_per_issuer_fresh_and_many() {
    let f = Fixture::new();
    let uri = "https://issuer.example/status/1";
    let other_uri = "https://issuer.example/status/2";
    let mut payload = f.payload();
    payload["status"] = json!({"status_list": {"idx": 13, "uri": uri}});
    let presentation = f.present(&f.header(), &payload, &[]);
    let sign = |list: &StatusList, uri: &str, key: &PrivateJwk, exp: i64| {
        sign_status_list(
            list,
            &StatusListTokenParams {
                uri: uri.into(),
                iat: NOW - 10,
                exp,
                ttl: 300,
            },
            key,
        )
    };
    let mut revoked = StatusList::with_capacity(16);
    assert!(revoked.set(13, Status::Invalid));
    let valid = StatusList::with_capacity(16);

    // Another trusted issuer's list for this URI says "valid": it does not count.
    let other = PrivateJwk::generate(&mut OsRng);
    let other_issuer = TrustedIssuer {
        iss: "https://other.example".into(),
        jwks: Jwks::new(vec![other.public()]),
    };
    let foreign = verify_status_list(
        &sign(&valid, uri, &other, NOW + 600),
        &other_issuer,
        UnixTime::from_secs(NOW),
        &RustCryptoP256,
    )
    .unwrap();
    let own = verify_status_list(
        &sign(&revoked, uri, &f.issuer, NOW + 600),
        &f.trusted(),
        UnixTime::from_secs(NOW),
        &RustCryptoP256,
    )
    .unwrap();
    let unrelated = verify_status_list(
        &sign(&valid, other_uri, &f.issuer, NOW + 600),
        &f.trusted(),
        UnixTime::from_secs(NOW),
        &RustCryptoP256,
    )
    .unwrap();
    let checked = verify(&presentation, &f.policy().status_list(foreign.clone())).unwrap();
    assert_eq!(checked.status(), StatusCheck::Unchecked);
    // Many lists: the credential's own is found among them, whatever the order.
    let policy = f
        .policy()
        .status_list(own.clone())
        .status_list(foreign)
        .status_list(unrelated);
    assert_eq!(
        verify(&presentation, &policy).unwrap_err(),
        VerifyError::Revoked
    );

    // Freshness is checked at verification time: past exp, and past ttl after loading.
    let short_lived = verify_status_list(
        &sign(&valid, uri, &f.issuer, NOW + 100),
        &f.trusted(),
        UnixTime::from_secs(NOW),
        &RustCryptoP256,
    )
    .unwrap();
    let later = |seconds: i64| {
        VerifyPolicy::new(vec![f.trusted()], NOW + seconds, AUD, NONCE)
            .max_key_binding_age(100_000)
            .clock_skew(100_000)
    };
    assert_eq!(
        verify(&presentation, &later(150).status_list(short_lived)).unwrap_err(),
        VerifyError::StatusListExpired
    );
    assert_eq!(
        verify(&presentation, &later(400).status_list(own)).unwrap_err(),
        VerifyError::StatusListStale
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn every_error_code_is_distinct_snake_case() {
    let samples = [
        VerifyError::LimitExceeded(Limit::Depth),
        VerifyError::MalformedSerialization("x"),
        VerifyError::InvalidBase64Url("x"),
        VerifyError::MalformedJson("x"),
        VerifyError::UnsupportedAlgorithm {
            token: Token::IssuerJwt,
            found: None,
        },
        VerifyError::WrongType {
            token: Token::IssuerJwt,
            found: None,
        },
        VerifyError::UnknownCritical(Token::IssuerJwt),
        VerifyError::UntrustedIssuer,
        VerifyError::UnknownKey(Token::IssuerJwt),
        VerifyError::InvalidSignature(Token::IssuerJwt),
        VerifyError::InvalidSignature(Token::KeyBindingJwt),
        VerifyError::InvalidSignature(Token::StatusList),
        VerifyError::UnsupportedHashAlgorithm,
        VerifyError::DuplicateDigest,
        VerifyError::DuplicateDisclosure,
        VerifyError::UnreferencedDisclosure,
        VerifyError::MalformedDisclosure,
        VerifyError::ReservedClaimName("_sd".into()),
        VerifyError::ClaimNameExists("a".into()),
        VerifyError::DisclosureKindMismatch,
        VerifyError::InvalidClaim("vct"),
        VerifyError::DisclosedRegisteredClaim("exp".into()),
        VerifyError::Expired,
        VerifyError::NotYetValid,
        VerifyError::MissingKeyBinding,
        VerifyError::MissingHolderKey,
        VerifyError::InvalidKey("cnf.jwk"),
        VerifyError::PrivateKeyInCnf,
        VerifyError::SdHashMismatch,
        VerifyError::NonceMismatch,
        VerifyError::AudienceMismatch,
        VerifyError::KeyBindingFromFuture,
        VerifyError::KeyBindingTooOld,
        VerifyError::Revoked,
        VerifyError::Suspended,
        VerifyError::StatusListMismatch,
        VerifyError::MalformedStatusList,
        VerifyError::StatusListExpired,
        VerifyError::StatusListStale,
    ];
    let codes: std::collections::HashSet<&str> = samples.iter().map(VerifyError::code).collect();
    assert_eq!(codes.len(), samples.len());
    assert!(codes.iter().all(|c| {
        c.chars()
            .all(|ch| ch.is_ascii_lowercase() || ch == '_' || ch.is_ascii_digit())
    }));
}
