use super::*;
use crate::disclosure::Disclosure;
use crate::jwk::{Jwks, PrivateJwk};
use crate::policy::{TrustedIssuer, VerifyPolicy};
use crate::present::{Credential, KeyBindingParams};
use crate::verify::verify;
use rand_core::OsRng;
use std::collections::HashSet;

const NOW: i64 = 1_800_000_000;

fn params(disclosable: Disclosable) -> IssueParams {
    IssueParams {
        issuer: "https://issuer.example".into(),
        vct: Some("https://issuer.example/identity".into()),
        claims: json!({"given_name": "Ada", "birthdate": "1815-12-10", "age_over_18": true,
                       "address": {"locality": "London", "country": "GB"},
                       "nationalities": ["GB", "IT"]}),
        disclosable,
        decoys: 3,
        iat: Some(NOW - NOW % 86_400),
        nbf: None,
        exp: Some(NOW + 86_400),
    }
}

fn all_parts(credential: &str) -> (String, Vec<Disclosure>) {
    let mut pieces = credential.split('~');
    let jwt = pieces.next().unwrap().to_owned();
    let disclosures = pieces
        .filter(|p| !p.is_empty())
        .map(|p| Disclosure::decode(p).unwrap())
        .collect();
    (jwt, disclosures)
}

#[test]
fn batch_copies_share_no_salt_digest_key_or_signature() {
    let issuer = PrivateJwk::generate(&mut OsRng);
    let copies: Vec<CopyParams> = (0..8)
        .map(|_| CopyParams {
            holder: Some(PrivateJwk::generate(&mut OsRng).public()),
            status: None,
        })
        .collect();
    let batch = issue_batch(
        &params(Disclosable::Everything),
        &copies,
        &issuer,
        &mut OsRng,
    )
    .unwrap();
    assert_eq!(batch.len(), 8);
    let mut salts = HashSet::new();
    let mut digests = HashSet::new();
    let mut keys = HashSet::new();
    let mut signatures = HashSet::new();
    for credential in &batch {
        let (jwt, disclosures) = all_parts(credential);
        assert!(signatures.insert(jwt.rsplit('.').next().unwrap().to_owned()));
        let parsed = Credential::parse(credential).unwrap();
        assert!(keys.insert(parsed.issuer_payload()["cnf"].to_string()));
        for digest in parsed.issuer_payload()["_sd"].as_array().unwrap() {
            assert!(
                digests.insert(digest.as_str().unwrap().to_owned()),
                "digest shared"
            );
        }
        for disclosure in disclosures {
            let salt = serde_json::from_slice::<Value>(
                &crate::base64url::decode(disclosure.encoded()).unwrap(),
            )
            .unwrap()[0]
                .clone();
            assert_eq!(
                crate::base64url::decode(salt.as_str().unwrap())
                    .unwrap()
                    .len(),
                SALT_BYTES
            );
            assert!(salts.insert(salt.to_string()), "salt shared");
        }
    }
}

#[test]
fn registered_claims_stay_plain_and_everything_else_is_disclosable() {
    let issuer = PrivateJwk::generate(&mut OsRng);
    let credential = issue(
        &params(Disclosable::Everything),
        &CopyParams {
            holder: None,
            status: None,
        },
        &issuer,
        &mut OsRng,
    )
    .unwrap();
    let parsed = Credential::parse(&credential).unwrap();
    let payload = parsed.issuer_payload();
    for plain in ["iss", "iat", "exp", "vct"] {
        assert!(payload.contains_key(plain), "{plain}");
    }
    for hidden in ["given_name", "birthdate", "address", "nationalities"] {
        assert!(!payload.contains_key(hidden), "{hidden}");
    }
    // 5 top-level claims + 3 decoys.
    assert_eq!(payload["_sd"].as_array().unwrap().len(), 8);
    let paths: Vec<String> = parsed
        .disclosable()
        .iter()
        .map(|c| c.path.to_string())
        .collect();
    for path in [
        "/given_name",
        "/address",
        "/address/locality",
        "/nationalities/1",
    ] {
        assert!(paths.contains(&path.to_owned()), "{path} in {paths:?}");
    }
}

#[test]
fn explicit_paths_are_checked() {
    let issuer = PrivateJwk::generate(&mut OsRng);
    let copy = CopyParams {
        holder: None,
        status: None,
    };
    let bad = |pointer: &str| {
        let p = params(Disclosable::Paths(vec![
            JsonPointer::parse(pointer).unwrap(),
        ]));
        issue(&p, &copy, &issuer, &mut OsRng).unwrap_err()
    };
    assert_eq!(bad("/nope"), IssueError::NoSuchClaim("/nope".into()));
    assert_eq!(bad("/exp"), IssueError::RegisteredClaim("/exp".into()));
    assert_eq!(bad(""), IssueError::RootNotDisclosable);
    let mut reserved = params(Disclosable::Everything);
    reserved.claims = json!({"a": {"_sd": []}});
    assert_eq!(
        issue(&reserved, &copy, &issuer, &mut OsRng).unwrap_err(),
        IssueError::ReservedName("_sd".into())
    );
    let mut not_object = params(Disclosable::Everything);
    not_object.claims = json!([1]);
    assert_eq!(
        issue(&not_object, &copy, &issuer, &mut OsRng).unwrap_err(),
        IssueError::ClaimsNotAnObject
    );
}

#[test]
fn selecting_a_nested_claim_brings_its_ancestors_and_nothing_else() {
    let issuer = PrivateJwk::generate(&mut OsRng);
    let holder = PrivateJwk::generate(&mut OsRng);
    let credential = issue(
        &params(Disclosable::Everything),
        &CopyParams {
            holder: Some(holder.public()),
            status: None,
        },
        &issuer,
        &mut OsRng,
    )
    .unwrap();
    let parsed = Credential::parse(&credential).unwrap();
    let selection = parsed
        .select(&[JsonPointer::parse("/address/locality").unwrap()])
        .unwrap();
    let kb = KeyBindingParams {
        audience: "https://shop.example".into(),
        nonce: "n1".into(),
        iat: NOW,
    };
    let presentation = parsed
        .present_with_key_binding(&selection, &kb)
        .sign_with(holder.signing_key());
    let policy = VerifyPolicy::new(
        vec![TrustedIssuer {
            iss: "https://issuer.example".into(),
            jwks: Jwks::new(vec![issuer.public()]),
        }],
        NOW,
        "https://shop.example",
        "n1",
    );
    let verified = verify(&presentation, &policy).unwrap();
    assert_eq!(verified.claims()["address"], json!({"locality": "London"}));
    for absent in ["given_name", "birthdate", "age_over_18", "nationalities"] {
        assert!(!verified.claims().contains_key(absent), "{absent}");
    }
    assert!(matches!(
        parsed.select(&[JsonPointer::parse("/address/street").unwrap()]),
        Err(crate::present::PresentError::NoSuchClaim(_))
    ));
}

/// A signer outside the process (as an HSM is): it signs through the trait only.
struct Device {
    key: PrivateJwk,
    working: bool,
}

impl Es256Signer for Device {
    fn kid(&self) -> &str {
        "hsm-key-1"
    }

    fn sign_es256(&self, message: &[u8]) -> Result<[u8; 64], SignError> {
        if !self.working {
            return Err(SignError::Device("token removed".into()));
        }
        Ok(crate::crypto::sign_es256(self.key.signing_key(), message))
    }
}

#[test]
fn any_signer_issues_and_a_failing_one_is_a_typed_error() {
    let device = Device {
        key: PrivateJwk::generate(&mut OsRng),
        working: true,
    };
    let copy = CopyParams {
        holder: None,
        status: None,
    };
    let issued = issue(&params(Disclosable::Everything), &copy, &device, &mut OsRng).unwrap();
    let jwt = crate::jws::Jws::decode(issued.split('~').next().unwrap()).unwrap();
    assert_eq!(jwt.header_str("kid"), Some("hsm-key-1"));
    assert!(jwt.verify_with(&device.key.public(), &crate::crypto::RustCryptoP256));
    let broken = Device {
        working: false,
        ..device
    };
    assert_eq!(
        issue(&params(Disclosable::Everything), &copy, &broken, &mut OsRng),
        Err(IssueError::Signing(SignError::Device(
            "token removed".into()
        )))
    );
}
