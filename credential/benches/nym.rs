//! The pseudonymous format, natively: the issuer's blind signing, the holder's check on
//! receipt, the holder's proof (presentation) and a site's verification of an age answer
//! with the site's pseudonym, on the pseudonymous identity type (6 payload slots, so 8
//! signed messages with the commitment's blinding factor and the nym secret), 1 and 2
//! claims disclosed besides the expiry; and the size of each answer.
//!
//! `cargo xtask bench` (or `cargo bench -p credential --features bbs --bench nym`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

// Native only (criterion is a native dev-dependency); on wasm32, where a workspace lint
// of the wallet turns `bbs` on, an empty program.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;

    use credential::bbs::{
        BbsKeyPair, HolderSecret, IssuerHeader, NymCredential, NymEntropy, NymIssuer, NymPolicy,
        PSEUDONYMOUS_IDENTITY, issue, verify_nym,
    };
    use credential::openid4vp::{AuthorizationResponse, QUERY_ID};
    use credential::time::UnixTime;
    use criterion::{Criterion, criterion_group};
    use qrcodegen::{QrCode, QrCodeEcc};
    use rand_core::OsRng;
    use serde_json::json;

    const ISS: &str = "https://issuer.example";
    const KID: &str = "bbs-1";
    /// The client identifier of a request made by the forum's page, as the wallet answers it.
    const AUD: &str = "redirect_uri:https://forum.example/join";
    /// A nonce and a state as the relying party mints them (128 bits, base64url).
    const NONCE: &str = "q1Vx0bTz3mR6y8PnA2cL7w";
    const STATE: &str = "Zk4pW9sHd2TfGm0xYc6NvQ";
    const SITE: &str = "https://forum.example";
    const NOW: i64 = 1_800_000_000;

    fn bench(c: &mut Criterion) {
        let key = BbsKeyPair::generate(&mut OsRng).unwrap();
        let vct = format!("{ISS}/types/pseudonymous_identity");
        let header = IssuerHeader::new(ISS, &vct, KID, &PSEUDONYMOUS_IDENTITY).unwrap();
        let holder = HolderSecret::generate(&mut OsRng);
        let claims = json!({"age_over_13": true, "age_over_16": true, "age_over_18": true,
        "age_over_21": true, "age_over_65": false});
        let commitment = holder.commit(&mut OsRng).unwrap();
        let entropy = NymEntropy::generate(&mut OsRng);
        let issued = issue(
            &key,
            &header,
            claims.as_object().unwrap(),
            NOW + 86_400,
            &commitment,
            &entropy,
        )
        .unwrap();
        let credential = NymCredential::accept(&issued, key.public(), &holder).unwrap();
        let issuers = vec![NymIssuer {
            iss: ISS.into(),
            kid: KID.into(),
            key: key.public().clone(),
        }];
        let policy =
            NymPolicy::new(issuers, UnixTime::from_secs(NOW), AUD, NONCE).with_pseudonym_for(SITE);

        c.bench_function("nym: issue (blind sign, issuer side)", |b| {
            b.iter(|| {
                issue(
                    &key,
                    &header,
                    claims.as_object().unwrap(),
                    NOW,
                    &commitment,
                    &entropy,
                )
                .unwrap()
            });
        });
        c.bench_function(
            "nym: accept (check the blind signature, holder side)",
            |b| {
                b.iter(|| {
                    NymCredential::accept(black_box(&issued), key.public(), &holder).unwrap()
                });
            },
        );
        for disclosed in [&["age_over_18"][..], &["age_over_18", "age_over_21"][..]] {
            let selection = credential.select(disclosed).unwrap();
            let presented = credential
                .present(&holder, &selection, AUD, NONCE, Some(SITE), &mut OsRng)
                .unwrap();
            let response = AuthorizationResponse::new(STATE, QUERY_ID, &presented);
            let compact = response.to_compact().unwrap();
            let version =
                QrCode::encode_text(&compact, QrCodeEcc::Low).map(|qr| qr.version().value());
            println!(
                "nym answer disclosing exp + {disclosed:?} with the site's pseudonym: {} bytes; \
             response form {} bytes; compact QR form {} characters, QR version {version:?} \
             at level L (goal <= 20)",
                presented.len(),
                response.to_form().len(),
                compact.len()
            );
            let label = disclosed.len();
            c.bench_function(
                &format!("nym: present ({label} disclosed + exp, pseudonym)"),
                |b| {
                    b.iter(|| {
                        credential
                            .present(&holder, &selection, AUD, NONCE, Some(SITE), &mut OsRng)
                            .unwrap()
                    });
                },
            );
            c.bench_function(
                &format!("nym: verify ({label} disclosed + exp, pseudonym)"),
                |b| {
                    b.iter(|| verify_nym(black_box(&presented), &policy).unwrap());
                },
            );
        }
    }

    criterion_group!(benches, bench);
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
