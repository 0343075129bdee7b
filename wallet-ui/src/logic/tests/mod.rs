//! The wallet's behaviour on in-memory stores: receiving, consent and refusals, copy
//! selection (never twice), delivery, history, deletion, backups and re-encryption.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use credential::ErrorCode;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use credential::openid4vp::{
    AuthorizationRequest, AuthorizationResponse, ClaimPath, DcqlQuery, ResponseMode,
};
use credential::{
    CopyParams, Disclosable, IssueParams, Jwks, PrivateJwk, PublicJwk, TrustedIssuer, VerifyPolicy,
};
use futures::executor::block_on;
use rand_core::OsRng;
use serde_json::{Value, json};

use super::backup::{Backup, BackupError};
use super::consent::Refusal;
use super::incoming::{self, Incoming, IncomingError};
use super::receive::{ReceiveError, Received, batch_from};
use super::store::{Cipher, HolderKeys, KeyError, MemoryStore, Store, StoreError, Table, Write};
use super::wallet::{Channel, Delivery, Wallet, WalletError, decline};

const ISSUER: &str = "https://issuer.example";
const NOW: i64 = 1_795_400_000;

/// A toy authenticated cipher (XOR stream plus a keyed tag): enough to show the wallet
/// never stores plaintext and refuses records sealed under another key. The real one
/// (AES-GCM in WebCrypto) is tested in the browser.
struct TestCipher(u8);

impl Cipher for TestCipher {
    async fn seal(&self, plain: &[u8]) -> Result<Vec<u8>, StoreError> {
        let mut out: Vec<u8> = plain.iter().map(|b| b ^ self.0).collect();
        out.extend_from_slice(&tag(self.0, plain));
        Ok(out)
    }

    async fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        let split = sealed.len().checked_sub(8).ok_or(StoreError::Unreadable)?;
        let (body, last) = sealed.split_at(split);
        let plain: Vec<u8> = body.iter().map(|b| b ^ self.0).collect();
        (tag(self.0, &plain) == last)
            .then_some(plain)
            .ok_or(StoreError::Unreadable)
    }
}

fn tag(key: u8, plain: &[u8]) -> [u8; 8] {
    let mut keyed = vec![key];
    keyed.extend_from_slice(plain);
    let digest = credential::disclosure::sha256_b64(&String::from_utf8_lossy(&keyed));
    let mut tag = [0u8; 8];
    tag.copy_from_slice(&digest.as_bytes()[..8]);
    tag
}

/// Store handle shared between wallet instances (a reopen sees the same records).
#[derive(Clone, Default)]
struct SharedStore(Rc<MemoryStore>);

impl Store for SharedStore {
    async fn all(&self, table: Table) -> Result<Vec<Vec<u8>>, StoreError> {
        self.0.all(table).await
    }
    async fn commit(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        self.0.commit(writes).await
    }
}

#[derive(Clone, Default)]
struct MemoryKeys(Rc<RefCell<HashMap<String, PrivateJwk>>>);

impl HolderKeys for MemoryKeys {
    async fn generate(&self) -> Result<(String, PublicJwk), KeyError> {
        let key = PrivateJwk::generate(&mut OsRng);
        let id = key.kid().to_owned();
        let public = key.public();
        self.0.borrow_mut().insert(id.clone(), key);
        Ok((id, public))
    }

    async fn sign(&self, key: &str, message: &[u8]) -> Result<[u8; 64], KeyError> {
        let keys = self.0.borrow();
        let key = keys.get(key).ok_or(KeyError::Missing)?;
        Ok(credential::crypto::sign_es256(key.signing_key(), message))
    }

    async fn delete(&self, keys: &[String]) -> Result<(), KeyError> {
        let mut held = self.0.borrow_mut();
        for key in keys {
            held.remove(key);
        }
        Ok(())
    }
}

type TestWallet = Wallet<SharedStore, TestCipher, MemoryKeys>;

struct Fixture {
    store: SharedStore,
    keys: MemoryKeys,
    issuer_key: PrivateJwk,
}

impl Fixture {
    fn new() -> Self {
        Self {
            store: SharedStore::default(),
            keys: MemoryKeys::default(),
            issuer_key: PrivateJwk::generate(&mut OsRng),
        }
    }

    fn open(&self) -> TestWallet {
        block_on(Wallet::open(
            self.store.clone(),
            TestCipher(7),
            self.keys.clone(),
        ))
        .unwrap()
    }

    fn trusted(&self) -> TrustedIssuer {
        TrustedIssuer {
            iss: ISSUER.into(),
            jwks: Jwks::new(vec![self.issuer_key.public()]),
        }
    }

    /// Issues `copies` copies of a credential of `kind` bound to fresh wallet keys.
    fn issue(
        &self,
        kind: &str,
        claims: Value,
        copies: usize,
    ) -> (Vec<(String, PublicJwk)>, Vec<String>) {
        self.issue_with_decoys(kind, claims, &vec![1; copies])
    }

    /// Issues one copy per entry of `decoys`, with that many decoy digests.
    fn issue_with_decoys(
        &self,
        kind: &str,
        claims: Value,
        decoys: &[usize],
    ) -> (Vec<(String, PublicJwk)>, Vec<String>) {
        self.issue_disclosable(kind, claims, decoys, Disclosable::Everything)
    }

    /// As [`Fixture::issue_with_decoys`], with only `disclosable` selectively disclosable.
    fn issue_disclosable(
        &self,
        kind: &str,
        claims: Value,
        decoys: &[usize],
        disclosable: Disclosable,
    ) -> (Vec<(String, PublicJwk)>, Vec<String>) {
        let copies = decoys.len();
        let keys: Vec<(String, PublicJwk)> = (0..copies)
            .map(|_| block_on(self.keys.generate()).unwrap())
            .collect();
        let params = IssueParams {
            issuer: ISSUER.into(),
            vct: Some(format!("{ISSUER}/types/{kind}")),
            claims,
            disclosable,
            decoys: 1,
            iat: Some(NOW - 86_400),
            nbf: None,
            exp: Some(NOW + 365 * 86_400),
        };
        let copies: Vec<CopyParams> = keys
            .iter()
            .map(|(_, public)| CopyParams {
                holder: Some(public.clone()),
                status: None,
            })
            .collect();
        let credentials = copies
            .iter()
            .zip(decoys)
            .map(|(copy, decoys)| {
                let params = IssueParams {
                    decoys: *decoys,
                    ..params.clone()
                };
                credential::issue(&params, copy, &self.issuer_key, &mut OsRng).unwrap()
            })
            .collect();
        (keys, credentials)
    }

    fn receive(&self, wallet: &mut TestWallet, kind: &str, claims: Value, copies: usize) {
        let (keys, credentials) = self.issue(kind, claims, copies);
        self.receive_issued(wallet, kind, &keys, &credentials);
    }

    fn receive_issued(
        &self,
        wallet: &mut TestWallet,
        kind: &str,
        keys: &[(String, PublicJwk)],
        credentials: &[String],
    ) {
        let batch = batch_from(
            &Received {
                issuer: self.trusted(),
                configuration: kind,
                keys,
                credentials,
            },
            format!("batch-{kind}"),
            NOW,
        )
        .unwrap();
        block_on(wallet.add_batch(batch)).unwrap();
    }
}

fn age_claims() -> Value {
    json!({"age_over_13": true, "age_over_16": true, "age_over_18": true,
           "age_over_21": false, "age_over_65": false})
}

fn identity_claims() -> Value {
    json!({"given_name": "Mei", "family_name": "Lin", "birthdate": "2001-04-09",
           "region": "Zhejiang", "age_over_18": true})
}

fn request(target: &str, claims: &[&str], mode: ResponseMode) -> AuthorizationRequest {
    AuthorizationRequest::new(
        mode,
        target,
        "nonce-123456",
        "state-1",
        DcqlQuery::sd_jwt_vc(
            "q",
            &[],
            claims
                .iter()
                .map(|c| ClaimPath::names([*c]).into())
                .collect(),
        ),
        Some("Age check".into()),
    )
    .unwrap()
}

fn shop_request() -> AuthorizationRequest {
    request(
        "https://shop.example/checkout",
        &["age_over_18"],
        ResponseMode::Fragment,
    )
}

fn all_claims(consent: &super::consent::Consent) -> Vec<Vec<credential::JsonPointer>> {
    consent
        .parts
        .iter()
        .map(|p| p.shared.iter().map(|c| c.path.clone()).collect())
        .collect()
}

fn fragment_response(delivery: &Delivery) -> AuthorizationResponse {
    let Delivery::Redirect(url) = delivery else {
        panic!("expected a redirect, got {delivery:?}");
    };
    let (base, fragment) = url.split_once('#').unwrap();
    assert_eq!(base, "https://shop.example/checkout");
    AuthorizationResponse::parse(fragment).unwrap()
}

/// Approves `consent` with every claim it lists, same device, and returns the
/// presentation of query `q` from the redirect.
fn approve_everything(
    wallet: &mut TestWallet,
    consent: &super::consent::Consent,
    history: &str,
) -> String {
    let delivery = block_on(wallet.approve(
        consent,
        &all_claims(consent),
        Channel::SameDevice,
        NOW,
        history.to_owned(),
        &mut rand_core::OsRng,
    ))
    .unwrap();
    fragment_response(&delivery)
        .presentation("q")
        .unwrap()
        .to_owned()
}

#[test]
fn a_received_batch_is_checked_against_issuer_and_holder_keys() {
    let fixture = Fixture::new();
    let (keys, credentials) = fixture.issue("age", age_claims(), 3);
    let received = |keys: &[(String, PublicJwk)], credentials: &[String], issuer: TrustedIssuer| {
        batch_from(
            &Received {
                issuer,
                configuration: "age",
                keys,
                credentials,
            },
            "b".into(),
            NOW,
        )
    };
    let batch = received(&keys, &credentials, fixture.trusted()).unwrap();
    assert_eq!(batch.unused(), 3);
    assert_eq!(batch.vct, "https://issuer.example/types/age");
    assert_eq!(batch.claims.get("age_over_18"), Some(&json!(true)));
    assert!(!batch.claims.contains_key("cnf") && !batch.claims.contains_key("iss"));

    let mut swapped = keys.clone();
    swapped.swap(0, 1);
    assert_eq!(
        received(&swapped, &credentials, fixture.trusted()),
        Err(ReceiveError::WrongHolderKey)
    );
    assert_eq!(
        received(&keys[..2], &credentials, fixture.trusted())
            .unwrap_err()
            .code(),
        "wrong_count"
    );
    let stranger = TrustedIssuer {
        iss: ISSUER.into(),
        jwks: Jwks::new(vec![PrivateJwk::generate(&mut OsRng).public()]),
    };
    assert_eq!(
        received(&keys, &credentials, stranger).unwrap_err().code(),
        "invalid_credential"
    );
}

#[test]
fn consent_uses_the_smallest_credential_and_names_what_is_withheld() {
    let fixture = Fixture::new();
    let mut wallet = fixture.open();
    fixture.receive(&mut wallet, "identity", identity_claims(), 4);
    fixture.receive(&mut wallet, "age", age_claims(), 4);
    let consent = wallet.consider(shop_request(), NOW).unwrap();
    assert_eq!(consent.verifier.as_str(), "https://shop.example");
    let part = &consent.parts[0];
    assert_eq!(part.batch, "batch-age");
    assert_eq!(part.shared.len(), 1);
    assert_eq!(part.shared[0].path.to_string(), "/age_over_18");
    assert_eq!(part.shared[0].value, json!(true));
    let mut withheld = part.withheld.clone();
    withheld.sort();
    assert_eq!(
        withheld,
        ["age_over_13", "age_over_16", "age_over_21", "age_over_65"]
    );

    // Only the identity credential has a region.
    let forum = request(
        "https://forum.example/join",
        &["region", "age_over_18"],
        ResponseMode::Fragment,
    );
    assert_eq!(
        wallet.consider(forum, NOW).unwrap().parts[0].batch,
        "batch-identity"
    );
}

#[test]
fn requests_the_wallet_cannot_or_will_not_answer_are_refused_with_reasons() {
    let fixture = Fixture::new();
    let mut wallet = fixture.open();
    assert_eq!(
        wallet.consider(shop_request(), NOW).unwrap_err(),
        Refusal::NoSuchCredential
    );
    fixture.receive(&mut wallet, "age", age_claims(), 1);
    let nationality = request(
        "https://shop.example/checkout",
        &["age_over_18", "nationality"],
        ResponseMode::Fragment,
    );
    assert_eq!(
        wallet.consider(nationality, NOW).unwrap_err(),
        Refusal::MissingClaims(vec!["/nationality".into()])
    );
    let plain_http = request(
        "http://shop.example/checkout",
        &["age_over_18"],
        ResponseMode::Fragment,
    );
    assert_eq!(
        wallet.consider(plain_http, NOW).unwrap_err().code(),
        "insecure_verifier"
    );
    // Loopback http is a secure context, as in the demo.
    let local = request(
        "http://localhost:7004/",
        &["age_over_18"],
        ResponseMode::Fragment,
    );
    assert!(wallet.consider(local, NOW).is_ok());
    // Expired copies are not offered.
    assert_eq!(
        wallet
            .consider(shop_request(), NOW + 400 * 86_400)
            .unwrap_err(),
        Refusal::NoUnusedCopy
    );
}

#[test]
fn an_approved_presentation_verifies_and_uses_up_exactly_one_copy() {
    let fixture = Fixture::new();
    let mut wallet = fixture.open();
    fixture.receive(&mut wallet, "age", age_claims(), 3);
    let mut presented = Vec::new();
    for round in 0..3 {
        let consent = wallet.consider(shop_request(), NOW).unwrap();
        let delivery = block_on(wallet.approve(
            &consent,
            &all_claims(&consent),
            Channel::SameDevice,
            NOW,
            format!("h{round}"),
            &mut rand_core::OsRng,
        ))
        .unwrap();
        let response = fragment_response(&delivery);
        assert_eq!(response.state, "state-1");
        let presentation = response.presentation("q").unwrap().to_owned();
        let policy = VerifyPolicy::new(
            vec![fixture.trusted()],
            NOW,
            "redirect_uri:https://shop.example/checkout",
            "nonce-123456",
        );
        let verified = credential::verify(&presentation, &policy).unwrap();
        let mut names: Vec<&String> = verified.claims().keys().collect();
        names.sort();
        assert!(names.contains(&&"age_over_18".to_owned()));
        assert!(!names.contains(&&"age_over_21".to_owned()));
        assert_eq!(wallet.batches()[0].unused(), 2 - round);
        presented.push(presentation);
    }
    // Three different copies: no shared issuer signature.
    let signatures: std::collections::HashSet<&str> = presented
        .iter()
        .map(|p| p.split('~').next().unwrap().rsplit('.').next().unwrap())
        .collect();
    assert_eq!(signatures.len(), 3);
    assert_eq!(
        wallet.consider(shop_request(), NOW).unwrap_err(),
        Refusal::NoUnusedCopy
    );
    // Used copies' keys are gone from the key store.
    assert!(fixture.keys.0.borrow().is_empty());

    // A reopened wallet remembers what was used and shared.
    let reopened = fixture.open();
    assert_eq!(reopened.batches()[0].unused(), 0);
    assert_eq!(reopened.history().len(), 3);
    assert_eq!(reopened.history()[0].verifier, "https://shop.example");
    assert_eq!(reopened.history()[0].shared, ["/age_over_18"]);
}

/// What consent lists is what the presentation carries: a child claim whose parent
/// alone is disclosable brings the whole parent, and a request for everything lists every
/// disclosed claim (a disclosed `sub` too), not just the stored person claims.
#[test]
fn consent_lists_what_the_presentation_carries() {
    let fixture = Fixture::new();
    let mut wallet = fixture.open();
    let claims = json!({"address": {"locality": "London", "street_address": "1 Main St"},
                        "sub": "user-42", "region": "Greater London"});
    let pointer = |text: &str| credential::JsonPointer::parse(text).unwrap();
    let (keys, credentials) = fixture.issue_disclosable(
        "identity",
        claims,
        &[0],
        Disclosable::Paths(vec![
            pointer("/address"),
            pointer("/sub"),
            pointer("/region"),
        ]),
    );
    fixture.receive_issued(&mut wallet, "identity", &keys, &credentials);
    let locality = AuthorizationRequest::new(
        ResponseMode::Fragment,
        "https://shop.example/checkout",
        "nonce-123456",
        "state-1",
        DcqlQuery::sd_jwt_vc(
            "q",
            &[],
            vec![ClaimPath::names(["address", "locality"]).into()],
        ),
        None,
    )
    .unwrap();
    let consent = wallet.consider(locality, NOW).unwrap();
    let shared = &consent.parts[0].shared;
    assert_eq!(shared.len(), 1);
    assert_eq!(shared[0].path, pointer("/address/locality"));
    assert_eq!(shared[0].disclosed, pointer("/address"));
    assert_eq!(
        shared[0].value,
        json!({"locality": "London", "street_address": "1 Main St"})
    );
    // And the presentation carries exactly that.
    let presentation = approve_everything(&mut wallet, &consent, "h1");
    let policy = VerifyPolicy::new(
        vec![fixture.trusted()],
        NOW,
        "redirect_uri:https://shop.example/checkout",
        "nonce-123456",
    );
    let verified = credential::verify(&presentation, &policy).unwrap();
    assert_eq!(verified.claims()["address"], shared[0].value);

    let everything = AuthorizationRequest::new(
        ResponseMode::Fragment,
        "https://shop.example/checkout",
        "nonce-123456",
        "state-2",
        DcqlQuery {
            credentials: vec![credential::openid4vp::CredentialQuery {
                claims: None,
                ..DcqlQuery::sd_jwt_vc("q", &[], vec![]).credentials.remove(0)
            }],
        },
        None,
    )
    .unwrap();
    let mut wallet = fixture.open();
    let (keys, credentials) = fixture.issue_disclosable(
        "identity",
        json!({"sub": "user-42", "region": "Greater London"}),
        &[0],
        Disclosable::Everything,
    );
    fixture.receive_issued(&mut wallet, "identity2", &keys, &credentials);
    let consent = wallet.consider(everything, NOW).unwrap();
    let mut names: Vec<String> = consent.parts[0]
        .shared
        .iter()
        .map(|claim| claim.disclosed.to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["/region", "/sub"]);
}

/// Which copy is presented must not depend on its length (a shortest-first wallet would
/// make the digest count, and so the person's optional claims, visible over visits).
#[test]
fn copies_are_presented_in_the_order_received_whatever_their_length() {
    let fixture = Fixture::new();
    let mut wallet = fixture.open();
    let (keys, credentials) = fixture.issue_with_decoys("age", age_claims(), &[4, 0, 2]);
    fixture.receive_issued(&mut wallet, "age", &keys, &credentials);
    for (round, issued) in credentials.iter().enumerate() {
        let consent = wallet.consider(shop_request(), NOW).unwrap();
        let presentation = approve_everything(&mut wallet, &consent, &format!("h{round}"));
        assert_eq!(
            presentation.split('~').next(),
            issued.split('~').next(),
            "round {round}"
        );
    }
}

#[test]
fn a_stale_consent_cannot_use_a_copy_twice() {
    let fixture = Fixture::new();
    let mut wallet = fixture.open();
    fixture.receive(&mut wallet, "age", age_claims(), 1);
    let consent = wallet.consider(shop_request(), NOW).unwrap();
    let chosen = all_claims(&consent);
    block_on(wallet.approve(
        &consent,
        &chosen,
        Channel::SameDevice,
        NOW,
        "h1".into(),
        &mut rand_core::OsRng,
    ))
    .unwrap();
    let again = block_on(wallet.approve(
        &consent,
        &chosen,
        Channel::SameDevice,
        NOW,
        "h2".into(),
        &mut rand_core::OsRng,
    ));
    assert_eq!(again, Err(WalletError::Stale));
    assert_eq!(wallet.history().len(), 1);
}

#[test]
fn cross_device_answers_are_compact_qr_text_and_direct_post_is_a_form() {
    let fixture = Fixture::new();
    let mut wallet = fixture.open();
    fixture.receive(&mut wallet, "age", age_claims(), 2);
    let consent = wallet.consider(shop_request(), NOW).unwrap();
    let delivery = block_on(wallet.approve(
        &consent,
        &all_claims(&consent),
        Channel::CrossDevice,
        NOW,
        "h1".into(),
        &mut rand_core::OsRng,
    ))
    .unwrap();
    let Delivery::Qr(text) = delivery else {
        panic!("expected a QR code");
    };
    let response = AuthorizationResponse::parse(&text).unwrap();
    assert_eq!(response.state, "state-1");
    assert!(credential::qr::version(&text).unwrap() <= 20);

    let posted = request(
        "https://shop.example/response",
        &["age_over_18"],
        ResponseMode::DirectPost,
    );
    let consent = wallet.consider(posted, NOW).unwrap();
    let delivery = block_on(wallet.approve(
        &consent,
        &all_claims(&consent),
        Channel::SameDevice,
        NOW,
        "h2".into(),
        &mut rand_core::OsRng,
    ))
    .unwrap();
    let Delivery::Post { url, body } = delivery else {
        panic!("expected a POST");
    };
    assert_eq!(url, "https://shop.example/response");
    assert!(AuthorizationResponse::parse(&body).is_ok());
}

#[test]
fn declining_or_leaving_out_required_claims_changes_nothing() {
    let fixture = Fixture::new();
    let mut wallet = fixture.open();
    fixture.receive(&mut wallet, "age", age_claims(), 2);
    let consent = wallet.consider(shop_request(), NOW).unwrap();
    let declined = decline(&consent.request, Channel::SameDevice).unwrap();
    let Delivery::Redirect(url) = declined else {
        panic!()
    };
    let err = AuthorizationResponse::parse(url.split_once('#').unwrap().1).unwrap_err();
    assert_eq!(err.code(), "access_denied");
    assert_eq!(decline(&consent.request, Channel::CrossDevice), None);

    let none = vec![Vec::new()];
    assert_eq!(
        block_on(wallet.approve(
            &consent,
            &none,
            Channel::SameDevice,
            NOW,
            "h".into(),
            &mut rand_core::OsRng
        )),
        Err(WalletError::NotEnoughClaims)
    );
    assert_eq!(wallet.batches()[0].unused(), 2);
    assert!(wallet.history().is_empty());
    assert_eq!(fixture.open().batches()[0].unused(), 2);
}

#[test]
fn history_and_everything_can_be_deleted() {
    let fixture = Fixture::new();
    let mut wallet = fixture.open();
    fixture.receive(&mut wallet, "age", age_claims(), 3);
    for id in ["h1", "h2"] {
        let consent = wallet.consider(shop_request(), NOW).unwrap();
        block_on(wallet.approve(
            &consent,
            &all_claims(&consent),
            Channel::SameDevice,
            NOW,
            id.into(),
            &mut rand_core::OsRng,
        ))
        .unwrap();
    }
    block_on(wallet.forget("h1")).unwrap();
    assert_eq!(fixture.open().history().len(), 1);
    block_on(wallet.forget_all()).unwrap();
    assert!(fixture.open().history().is_empty());
    block_on(wallet.delete_everything()).unwrap();
    let reopened = fixture.open();
    assert!(reopened.batches().is_empty());
    assert!(fixture.keys.0.borrow().is_empty());
}

#[test]
fn records_are_sealed_and_a_new_key_reseals_them_all() {
    let fixture = Fixture::new();
    let mut wallet = fixture.open();
    fixture.receive(&mut wallet, "age", age_claims(), 2);
    let sealed = block_on(fixture.store.all(Table::Batches)).unwrap();
    assert!(!String::from_utf8_lossy(&sealed[0]).contains("age_over_18"));

    let meta = vec![Write::PutMeta("lock".into(), b"wrapped".to_vec())];
    let Ok(wallet) = block_on(wallet.reseal(TestCipher(99), meta)) else {
        panic!("reseal failed");
    };
    assert_eq!(wallet.batches().len(), 1);
    assert_eq!(
        fixture.store.0.meta("lock").as_deref(),
        Some(&b"wrapped"[..])
    );
    let old_key = block_on(Wallet::open(
        fixture.store.clone(),
        TestCipher(7),
        fixture.keys.clone(),
    ));
    assert_eq!(
        old_key.err(),
        Some(WalletError::Store(StoreError::Unreadable))
    );
    let new_key = block_on(Wallet::open(
        fixture.store.clone(),
        TestCipher(99),
        fixture.keys.clone(),
    ));
    assert_eq!(new_key.unwrap().batches().len(), 1);
}

#[test]
fn a_restored_backup_shows_credentials_but_cannot_present_them_here() {
    let fixture = Fixture::new();
    let mut wallet = fixture.open();
    fixture.receive(&mut wallet, "age", age_claims(), 2);
    // The batch came with a refresh token: a backup must not carry it (it would buy new,
    // presentable copies for whoever cracks the backup's passphrase).
    let token = "rt-0123456789abcdef-secret";
    let mut contents = wallet.contents().clone();
    contents.batches[0].refresh_token = Some(token.into());
    let plain = super::backup::plain_of(&contents);
    assert!(
        !String::from_utf8_lossy(&plain).contains(token),
        "no refresh token in a backup"
    );
    let restored_contents = super::backup::contents_from(&plain).unwrap();
    assert!(
        restored_contents
            .batches
            .iter()
            .all(|b| b.refresh_token.is_none())
    );

    let other_device = Fixture::new();
    let mut other = other_device.open();
    assert_eq!(
        block_on(other.restore(restored_contents.clone())).unwrap(),
        1
    );
    assert_eq!(block_on(other.restore(restored_contents)).unwrap(), 0);
    assert!(other.batches()[0].restored);
    assert_eq!(
        other.consider(shop_request(), NOW).unwrap_err(),
        Refusal::KeysOnAnotherDevice
    );
    assert_eq!(other_device.open().batches().len(), 1);
    assert_eq!(
        super::backup::contents_from(b"{\"batches\": 3}"),
        Err(BackupError::Damaged)
    );
}

#[test]
fn backup_files_are_parsed_strictly() {
    let backup = Backup {
        salt: vec![1; 16],
        iterations: 600_000,
        iv: vec![2; 12],
        data: vec![3; 40],
    };
    assert_eq!(Backup::parse(&backup.to_json()).unwrap(), backup);
    for bad in [
        "",
        "{}",
        "[1]",
        &backup.to_json().replace("600000", "10"),
        &backup.to_json().replace("AES-GCM", "AES-CBC"),
        &backup.to_json().replace("cachet-wallet-backup", "other"),
    ] {
        assert_eq!(Backup::parse(bad), Err(BackupError::NotABackup), "{bad}");
    }
    assert_eq!(
        Backup::parse(&" ".repeat(super::backup::MAX_BACKUP_BYTES + 1)),
        Err(BackupError::TooLarge)
    );
}

#[test]
fn incoming_text_becomes_an_offer_or_a_request_or_a_reason() {
    let request = shop_request();
    let deep_link = format!("http://localhost:7001/#/present?{}", request.to_query());
    assert_eq!(
        incoming::parse(&deep_link).unwrap(),
        Incoming::Request(Box::new(request.clone()))
    );
    assert!(matches!(
        incoming::parse(&format!("openid4vp://?{}", request.to_query())).unwrap(),
        Incoming::Request(_)
    ));
    let offer =
        credential::openid4vci::CredentialOffer::new(ISSUER, vec!["cachet_age".into()], "code-1")
            .unwrap();
    assert_eq!(
        incoming::parse(&format!(
            "http://localhost:7001/#/receive?{}",
            offer.to_query()
        ))
        .unwrap(),
        Incoming::Offer(offer.clone())
    );
    assert_eq!(
        incoming::parse(&offer.to_uri()).unwrap(),
        Incoming::Offer(offer)
    );
    assert_eq!(incoming::parse("hello"), Err(IncomingError::Unrecognised));
    assert_eq!(
        incoming::parse(&"a".repeat(20_000)),
        Err(IncomingError::TooLarge)
    );
    // A redirect_uri other than the client_id's is refused before anything is shown.
    let mismatched = request.to_query().replace(
        "redirect_uri=https",
        "redirect_uri=https%3A%2F%2Fevil.example%2F%3Fx%3Dhttps",
    );
    assert_eq!(
        incoming::parse(&format!("#/present?{mismatched}"))
            .unwrap_err()
            .code(),
        "client_id_mismatch"
    );
}

#[test]
fn a_refresh_replaces_the_batches_of_one_grant_and_rotates_their_token() {
    let fixture = Fixture::new();
    let mut wallet = fixture.open();
    fixture.receive(&mut wallet, "age", age_claims(), 2);
    fixture.receive(&mut wallet, "identity", identity_claims(), 2);
    let ids: Vec<String> = wallet.batches().iter().map(|b| b.id.clone()).collect();
    block_on(wallet.rotate_refresh_token("none-yet", Some("x".into()))).unwrap();
    assert!(wallet.batches().iter().all(|b| b.refresh_token.is_none()));
    // Give both batches the grant's token, as receiving does.
    let mut with_token: Vec<_> = wallet.batches().to_vec();
    for batch in &mut with_token {
        batch.refresh_token = Some("rt-1".into());
    }
    block_on(wallet.replace_batches(&ids, with_token)).unwrap();
    block_on(wallet.rotate_refresh_token("rt-1", Some("rt-2".into()))).unwrap();
    let reopened = fixture.open();
    assert!(
        reopened
            .batches()
            .iter()
            .all(|b| b.refresh_token.as_deref() == Some("rt-2"))
    );

    // A refresh: the age batch is replaced by a new one; its old keys are deleted.
    let old_keys: Vec<String> = wallet
        .batches()
        .iter()
        .find(|b| b.configuration == "age")
        .unwrap()
        .copies
        .iter()
        .map(|c| c.key.clone())
        .collect();
    let (keys, credentials) = fixture.issue("age", age_claims(), 3);
    let mut fresh = batch_from(
        &Received {
            issuer: fixture.trusted(),
            configuration: "age",
            keys: &keys,
            credentials: &credentials,
        },
        "batch-age-2".into(),
        NOW,
    )
    .unwrap();
    fresh.refresh_token = Some("rt-2".into());
    block_on(wallet.replace_batches(&["batch-age".into()], vec![fresh])).unwrap();
    let reopened = fixture.open();
    let age = reopened
        .batches()
        .iter()
        .find(|b| b.configuration == "age")
        .unwrap();
    assert_eq!((age.id.as_str(), age.unused()), ("batch-age-2", 3));
    assert_eq!(reopened.batches().len(), 2);
    assert!(
        old_keys
            .iter()
            .all(|k| !fixture.keys.0.borrow().contains_key(k))
    );
}

/// A credential from an issuer the site does not name cannot answer for the real one:
/// consent names the issuer, a named issuer's credential is preferred over a smaller one,
/// and when the site names only other issuers the wallet refuses.
#[test]
fn consent_names_the_issuer_and_prefers_the_ones_the_site_trusts() {
    let fixture = Fixture::new();
    let mut wallet = fixture.open();
    // The real issuer's identity credential (more claims) ...
    fixture.receive(&mut wallet, "identity", identity_claims(), 1);
    // ... and a junk issuer's age credential, smaller: chosen by size alone.
    let junk_key = PrivateJwk::generate(&mut OsRng);
    let junk = TrustedIssuer {
        iss: "https://junk.example".into(),
        jwks: Jwks::new(vec![junk_key.public()]),
    };
    let (key_id, public) = block_on(fixture.keys.generate()).unwrap();
    let params = IssueParams {
        issuer: junk.iss.clone(),
        vct: Some("https://junk.example/types/age".into()),
        claims: json!({"age_over_18": true}),
        disclosable: Disclosable::Everything,
        decoys: 0,
        iat: Some(NOW - 86_400),
        nbf: None,
        exp: Some(NOW + 86_400),
    };
    let copy = CopyParams {
        holder: Some(public.clone()),
        status: None,
    };
    let issued = credential::issue(&params, &copy, &junk_key, &mut OsRng).unwrap();
    let batch = batch_from(
        &Received {
            issuer: junk,
            configuration: "age",
            keys: &[(key_id, public)],
            credentials: &[issued],
        },
        "batch-junk".into(),
        NOW,
    )
    .unwrap();
    block_on(wallet.add_batch(batch)).unwrap();

    let ask = |issuers: &[&str]| {
        let query = DcqlQuery::sd_jwt_vc("q", &[], vec![ClaimPath::names(["age_over_18"]).into()])
            .trusting(&issuers.iter().map(|i| (*i).to_owned()).collect::<Vec<_>>());
        AuthorizationRequest::new(
            ResponseMode::Fragment,
            "https://shop.example/checkout",
            "nonce-123456",
            "state-1",
            query,
            None,
        )
        .unwrap()
    };
    let by_size = wallet.consider(ask(&[]), NOW).unwrap();
    assert_eq!(by_size.parts[0].issuer, "https://junk.example");
    let trusted = wallet.consider(ask(&[ISSUER]), NOW).unwrap();
    assert_eq!(trusted.parts[0].issuer, ISSUER);
    assert_eq!(
        wallet.consider(ask(&["https://elsewhere.example"]), NOW),
        Err(Refusal::UntrustedIssuer)
    );
}

/// Refreshes follow a schedule, not usage: a batch is due a week (plus a jitter drawn from
/// its random local id) after it arrived, whatever number of copies is left, and the
/// batches of one offer are refreshed together.
#[test]
fn refreshes_are_scheduled_whatever_the_usage() {
    use super::model::{Batch, StoredCopy};
    use super::schedule::{REFRESH_INTERVAL, REFRESH_JITTER, due, due_batches, refresh_at};
    let batch = |id: &str, used: usize, token: Option<&str>| Batch {
        v: 1,
        id: id.into(),
        format: Default::default(),
        configuration: "cachet_age".into(),
        issuer: ISSUER.into(),
        vct: format!("{ISSUER}/types/age"),
        claims: serde_json::Map::new(),
        issued_at: None,
        expires_at: None,
        received_at: NOW,
        copies: (0..10)
            .map(|i| StoredCopy {
                credential: String::new(),
                key: format!("k{i}"),
                used: i < used,
            })
            .collect(),
        restored: false,
        refresh_token: token.map(str::to_owned),
        dpop_key: None,
    };
    let mut jitters = Vec::new();
    for i in 0..200 {
        let id = format!("batch-{i}");
        let idle = batch(&id, 0, Some("t"));
        let busy = batch(&id, 10, Some("t"));
        let at = refresh_at(&idle);
        assert!((NOW + REFRESH_INTERVAL..NOW + REFRESH_INTERVAL + REFRESH_JITTER).contains(&at));
        for now in [at - 1, at, at + 1] {
            assert_eq!(due(&idle, now), due(&busy, now), "usage must not matter");
        }
        assert!(!due(&idle, at - 1) && due(&idle, at));
        jitters.push(at - NOW - REFRESH_INTERVAL);
    }
    let (low, high) = (jitters.iter().min().unwrap(), jitters.iter().max().unwrap());
    assert!(
        *low < REFRESH_JITTER / 4 && *high > REFRESH_JITTER * 3 / 4,
        "{low}..{high}"
    );

    // One refresh per offer (shared token); no token or keys elsewhere: never due.
    let later = NOW + REFRESH_INTERVAL + REFRESH_JITTER;
    let mut restored = batch("r", 0, Some("u"));
    restored.restored = true;
    let batches = [
        batch("a", 0, Some("t")),
        batch("b", 3, Some("t")),
        batch("c", 0, None),
        restored,
    ];
    assert_eq!(due_batches(&batches, later), ["a"]);
    assert!(due_batches(&batches, NOW).is_empty());
}

mod issuance;
mod pseudonymous;
