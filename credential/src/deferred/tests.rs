use crate::ErrorCode;
use rand_core::OsRng;
use serde_json::json;

use super::*;
use crate::base64url;
use crate::policy::TrustedIssuer;
use crate::{
    CopyParams, Credential, Disclosable, IssueParams, Jwks, KeyBindingParams, PrivateJwk, issue,
};

const NOW: i64 = 1_795_305_600;

struct Fixture {
    policy: VerifyPolicy,
    presentation: String,
}

fn fixture() -> Fixture {
    let issuer = PrivateJwk::generate(&mut OsRng);
    let holder = PrivateJwk::generate(&mut OsRng);
    let params = IssueParams {
        issuer: "https://issuer.example".into(),
        vct: Some("https://issuer.example/types/age".into()),
        claims: json!({"age_over_18": true, "given_name": "Ada"}),
        disclosable: Disclosable::Everything,
        decoys: 2,
        iat: Some(NOW - 100),
        nbf: None,
        exp: Some(NOW + 1000),
    };
    let copy = CopyParams {
        holder: Some(holder.public()),
        status: None,
    };
    let issued = issue(&params, &copy, &issuer, &mut OsRng).unwrap();
    let credential = Credential::parse(&issued).unwrap();
    let presentation = credential
        .present_with_key_binding(
            &credential.select_all(),
            &KeyBindingParams {
                audience: "https://shop.example".into(),
                nonce: "n".into(),
                iat: NOW,
            },
        )
        .sign_with(holder.signing_key());
    let trusted = TrustedIssuer {
        iss: "https://issuer.example".into(),
        jwks: Jwks::new(vec![issuer.public()]),
    };
    Fixture {
        policy: VerifyPolicy::new(vec![trusted], NOW, "https://shop.example", "n"),
        presentation,
    }
}

/// Flips one bit of the signature of the JWS ending at `end` in `text`.
fn corrupt_signature_before(text: &str, end: usize) -> String {
    let start = text[..end].rfind('.').unwrap() + 1;
    let mut signature = base64url::decode(&text[start..end]).unwrap();
    signature[5] ^= 1;
    format!(
        "{}{}{}",
        &text[..start],
        base64url::encode(&signature),
        &text[end..]
    )
}

#[test]
fn deferred_outcomes_equal_the_synchronous_ones() {
    let f = fixture();
    let issuer_end = f.presentation.find('~').unwrap();
    let cases = [
        f.presentation.clone(),
        corrupt_signature_before(&f.presentation, issuer_end),
        corrupt_signature_before(&f.presentation, f.presentation.len()),
        f.presentation.replace("~eyJ", "~eyX"),
        "not a presentation".to_owned(),
    ];
    for presentation in cases {
        let expected = crate::verify(&presentation, &f.policy).map(|v| v.claims().clone());
        let deferred = DeferredVerification::start(presentation.clone(), f.policy.clone());
        let got = deferred
            .finish_with(&RustCryptoP256)
            .map(|v| v.claims().clone());
        assert_eq!(got, expected, "{presentation:.60}");
    }
}

#[test]
fn a_valid_presentation_needs_two_checks_and_any_failure_is_a_signature_error() {
    let f = fixture();
    let deferred = DeferredVerification::start(f.presentation.clone(), f.policy.clone());
    assert_eq!(deferred.checks().len(), 2);
    assert!(deferred.clone().finish(&[true, true]).is_ok());
    assert_eq!(
        deferred.clone().finish(&[false, true]).unwrap_err().code(),
        "invalid_signature"
    );
    assert_eq!(
        deferred.clone().finish(&[true, false]).unwrap_err().code(),
        "invalid_kb_signature"
    );
    // A missing answer is not assumed: that signature is checked in Rust instead.
    assert!(deferred.finish(&[true]).is_ok());
    let forged = corrupt_signature_before(&f.presentation, f.presentation.len());
    let deferred = DeferredVerification::start(forged, f.policy);
    assert_eq!(
        deferred.finish(&[true]).unwrap_err().code(),
        "invalid_kb_signature"
    );
}
