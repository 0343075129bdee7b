//! Verification speed: Cachet (pure-Rust p256 and ring providers) against the floor (two
//! bare ring ECDSA P-256 verifications plus the SHA-256 digests) and sd-jwt-rs, on the
//! same presentation with 10 disclosures and a KB-JWT. Also issuing a batch of 16.
//!
//! `cargo xtask bench` (or `cargo bench -p credential --features ring`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;

use credential::crypto::{RingP256, RustCryptoP256};
use credential::disclosure::sha256_b64;
use credential::{
    CopyParams, Credential, Disclosable, IssueParams, Jwks, KeyBindingParams, PrivateJwk,
    TrustedIssuer, VerifyPolicy, base64url, issue, issue_batch, verify_with,
};
use criterion::{Criterion, criterion_group, criterion_main};
use rand_core::OsRng;
use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};
use serde_json::json;

const NOW: i64 = 1_800_000_000;
const ISS: &str = "https://issuer.example";
const AUD: &str = "https://shop.example";
const NONCE: &str = "bench-nonce";

struct Fixture {
    presentation: String,
    issuer: PrivateJwk,
    policy: VerifyPolicy,
    params: IssueParams,
}

fn fixture() -> Fixture {
    let issuer = PrivateJwk::generate(&mut OsRng);
    let holder = PrivateJwk::generate(&mut OsRng);
    let claims = json!({
        "given_name": "Ada", "family_name": "Lovelace", "birthdate": "1815-12-10",
        "nationality": "GB", "region": "London", "age_over_13": true, "age_over_16": true,
        "age_over_18": true, "age_over_21": true, "age_over_65": true,
    });
    let params = IssueParams {
        issuer: ISS.into(),
        vct: Some("urn:cachet:identity".into()),
        claims,
        disclosable: Disclosable::Everything,
        decoys: 4,
        iat: Some(NOW - 86_400),
        nbf: None,
        exp: Some(NOW + 86_400),
    };
    let copy = CopyParams {
        holder: Some(holder.public()),
        status: None,
    };
    let issued = issue(&params, &copy, &issuer, &mut OsRng).unwrap();
    let credential = Credential::parse(&issued).unwrap();
    assert_eq!(credential.disclosable().len(), 10);
    let kb = KeyBindingParams {
        audience: AUD.into(),
        nonce: NONCE.into(),
        iat: NOW,
    };
    let presentation = credential
        .present_with_key_binding(&credential.select_all(), &kb)
        .sign_with(holder.signing_key());
    let trusted = TrustedIssuer {
        iss: ISS.into(),
        jwks: Jwks::new(vec![issuer.public()]),
    };
    let policy = VerifyPolicy::new(vec![trusted], NOW, AUD, NONCE);
    Fixture {
        presentation,
        issuer,
        policy,
        params,
    }
}

/// The floor: what any verifier must at least do.
fn floor(presentation: &str, issuer_sec1: &[u8], holder_sec1: &[u8]) -> bool {
    let (sd_jwt, kb) = presentation.split_at(presentation.rfind('~').unwrap() + 1);
    let mut pieces = sd_jwt.split('~');
    let jwt = pieces.next().unwrap();
    let mut digests = 0usize;
    for disclosure in pieces.filter(|d| !d.is_empty()) {
        digests += sha256_b64(disclosure).len();
    }
    digests += sha256_b64(sd_jwt).len();
    let verify = |token: &str, key: &[u8]| {
        let dot = token.rfind('.').unwrap();
        let signature = base64url::decode(&token[dot + 1..]).unwrap();
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, key)
            .verify(&token.as_bytes()[..dot], &signature)
            .is_ok()
    };
    verify(jwt, issuer_sec1) && verify(kb, holder_sec1) && digests > 0
}

fn sd_jwt_rs(presentation: &str, issuer: &PrivateJwk) -> bool {
    let jwk = issuer.public().to_json();
    let (x, y) = (
        jwk["x"].as_str().unwrap().to_owned(),
        jwk["y"].as_str().unwrap().to_owned(),
    );
    sd_jwt_rs::SDJWTVerifier::new(
        presentation.to_owned(),
        Box::new(move |_, _| jsonwebtoken::DecodingKey::from_ec_components(&x, &y).unwrap()),
        Some(AUD.to_owned()),
        Some(NONCE.to_owned()),
        sd_jwt_rs::SDJWTSerializationFormat::Compact,
    )
    .is_ok()
}

fn benches(c: &mut Criterion) {
    let f = fixture();
    let holder_jwk = Credential::parse(&f.presentation[..f.presentation.rfind('~').unwrap() + 1])
        .unwrap()
        .claims()["cnf"]["jwk"]
        .clone();
    let holder = credential::PublicJwk::from_json(&holder_jwk).unwrap();
    assert!(verify_with(&f.presentation, &f.policy, &RingP256).is_ok());
    assert!(floor(
        &f.presentation,
        f.issuer.public().sec1(),
        holder.sec1()
    ));
    let sd_jwt_rs_ok = sd_jwt_rs(&f.presentation, &f.issuer);
    println!("sd-jwt-rs accepts the presentation: {sd_jwt_rs_ok}");

    let mut group = c.benchmark_group("verify 10 disclosures + KB-JWT");
    group.bench_function("floor (2x ring ECDSA + SHA-256 digests)", |b| {
        b.iter(|| {
            floor(
                black_box(&f.presentation),
                f.issuer.public().sec1(),
                holder.sec1(),
            )
        });
    });
    group.bench_function("cachet (ring provider)", |b| {
        b.iter(|| verify_with(black_box(&f.presentation), &f.policy, &RingP256).is_ok());
    });
    group.bench_function("cachet (pure-Rust p256 provider)", |b| {
        b.iter(|| verify_with(black_box(&f.presentation), &f.policy, &RustCryptoP256).is_ok());
    });
    group.bench_function("sd-jwt-rs 0.7", |b| {
        b.iter(|| sd_jwt_rs(black_box(&f.presentation), &f.issuer));
    });
    group.finish();

    let copies: Vec<CopyParams> = (0..16)
        .map(|_| CopyParams {
            holder: Some(PrivateJwk::generate(&mut OsRng).public()),
            status: None,
        })
        .collect();
    c.bench_function("issue batch of 16", |b| {
        b.iter(|| issue_batch(&f.params, black_box(&copies), &f.issuer, &mut OsRng).unwrap());
    });
}

criterion_group!(verify, benches);
criterion_main!(verify);
