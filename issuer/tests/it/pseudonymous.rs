//! Pseudonymous issuance over HTTP: the holder's commitment in place of key proofs, the
//! credential checked by the core and presented with per-site pseudonyms; the same
//! commitment keeps the person's pseudonyms across refresh and a restored device, and
//! sybil attempts (a second holder secret, another person's commitment) are refused
//! until an operator's counted reset.

use credential::bbs::{
    HolderSecret, NymCommitment, NymCredential, NymIssuer, NymPolicy, verify_nym,
};
use credential::time::UnixTime;
use issuer::catalog::Configuration;
use rand_core::OsRng;
use serde_json::{Value, json};

use crate::support::{Harness, NOW};

const ID: &str = "cachet_pseudonymous_identity";
const FORUM: &str = "https://forum.example";

async fn request(harness: &Harness, token: &str, commitment: &NymCommitment) -> (u16, Value) {
    let body = json!({
        "credential_configuration_id": ID,
        "proofs": { "x-cachet-nym-commitment": [credential::base64url::encode(commitment.as_bytes())] },
    });
    harness
        .credential_raw(token, body.to_string().into_bytes())
        .await
}

/// A wallet's grant: the offer redeemed with a DPoP key, then refreshed for each new
/// access token, as the wallet refreshes every epoch.
struct Grant {
    key: credential::PrivateJwk,
    refresh: String,
}

impl Grant {
    async fn redeem(
        harness: &Harness,
        offer: &credential::openid4vci::CredentialOffer,
    ) -> (Self, String) {
        let key = credential::PrivateJwk::generate(&mut OsRng);
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", credential::openid4vci::PRE_AUTHORIZED_GRANT)
            .append_pair("pre-authorized_code", offer.pre_authorized_code())
            .finish();
        let (status, answer) = harness
            .post_token_with_dpop(form, &harness.dpop(&key))
            .await;
        assert_eq!(status, 200, "{answer}");
        let refresh = answer["refresh_token"].as_str().unwrap().to_owned();
        (
            Self { key, refresh },
            answer["access_token"].as_str().unwrap().to_owned(),
        )
    }

    /// A new access token.
    async fn next(&mut self, harness: &Harness) -> String {
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "refresh_token")
            .append_pair("refresh_token", &self.refresh)
            .finish();
        let (status, answer) = harness
            .post_token_with_dpop(form, &harness.dpop(&self.key))
            .await;
        assert_eq!(status, 200, "{answer}");
        self.refresh = answer["refresh_token"].as_str().unwrap().to_owned();
        answer["access_token"].as_str().unwrap().to_owned()
    }
}

/// Issues to `holder` under `token`, asserting success.
async fn issued(harness: &Harness, token: &str, holder: &HolderSecret) -> NymCredential {
    let (status, body) = request(harness, token, &holder.commit(&mut OsRng).unwrap()).await;
    assert_eq!(status, 200, "{body}");
    let text = body["credentials"][0]["credential"].as_str().unwrap();
    let key = bbs_keys(harness).await.remove(0).key;
    NymCredential::accept(text, &key, holder).unwrap()
}

async fn bbs_keys(harness: &Harness) -> Vec<NymIssuer> {
    let metadata = harness.get_json("/.well-known/jwt-vc-issuer").await;
    let expected = json!({ "keys": metadata["jwks"]["keys"].clone() });
    let jwks = credential::Jwks::from_json(&expected).unwrap();
    jwks.pseudonymous_keys()
        .iter()
        .map(|jwk| {
            let jwk = jwk.as_object().unwrap();
            NymIssuer {
                iss: harness.base.clone(),
                kid: jwk["kid"].as_str().unwrap().to_owned(),
                key: credential::bbs::BbsPublicKey::from_jwk(jwk).unwrap(),
            }
        })
        .collect()
}

async fn pseudonym_at(
    harness: &Harness,
    credential: &NymCredential,
    holder: &HolderSecret,
    site: &str,
) -> String {
    let selection = credential.select(&["age_over_18"]).unwrap();
    let presented = credential
        .present(holder, &selection, site, "n", Some(site), &mut OsRng)
        .unwrap();
    let policy = NymPolicy::new(bbs_keys(harness).await, UnixTime::from_secs(NOW), site, "n")
        .with_pseudonym_for(site);
    let verified = verify_nym(&presented, &policy).unwrap();
    assert_eq!(verified.claims()["age_over_18"], true);
    assert_eq!(verified.issuer(), harness.base);
    verified.pseudonym().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_keeps_one_pseudonym_per_site_and_cannot_mint_a_second() {
    let harness = Harness::start("nym").await;
    let metadata = harness
        .get_json("/.well-known/openid-credential-issuer")
        .await;
    let entry = &metadata["credential_configurations_supported"][ID];
    assert_eq!(entry["format"], "x-cachet-nym+jwp");
    assert!(entry["proof_types_supported"]["x-cachet-nym-commitment"].is_object());
    // The BBS key is published from the start: a wallet reads the keys before it asks.
    assert_eq!(bbs_keys(&harness).await.len(), 1);

    let (person, offer) = harness.enroll_for("2000-05-17", &Configuration::ALL);
    let holder = HolderSecret::generate(&mut OsRng);
    let (mut grant, token) = Grant::redeem(&harness, &offer).await;
    let first = issued(&harness, &token, &holder).await;
    assert_eq!(
        first.expires_at(),
        credential::bbs::expiry_for(NOW, credential::bbs::DEFAULT_EPOCH_SECONDS),
        "one weekly epoch, shared by everyone issued in it"
    );
    assert_eq!(
        first.claims().get("age_over_65"),
        None,
        "a flag that is not true is absent"
    );
    let at_forum = pseudonym_at(&harness, &first, &holder, FORUM).await;
    assert_ne!(
        at_forum,
        pseudonym_at(&harness, &first, &holder, "https://shop.example").await
    );

    // A refresh from a restored device (same seed, same commitment point) keeps the
    // pseudonyms.
    let restored = HolderSecret::from_seed(*holder.seed());
    let token = grant.next(&harness).await;
    let refreshed = issued(&harness, &token, &restored).await;
    assert_eq!(
        pseudonym_at(&harness, &refreshed, &restored, FORUM).await,
        at_forum
    );

    // A new device: the desk makes a new offer for the same person; the wallet restored
    // from the recovery code gets the same pseudonyms under the new grant.
    let again = harness
        .issuer
        .offer_again(&person, &Configuration::ALL)
        .unwrap()
        .expect("an enrolled person gets a new offer");
    let token = harness.access_token(&again.offer).await;
    let on_new_device = issued(&harness, &token, &restored).await;
    assert_eq!(
        pseudonym_at(&harness, &on_new_device, &restored, FORUM).await,
        at_forum
    );
    assert!(
        harness
            .issuer
            .offer_again("p_nobody", &Configuration::ALL)
            .unwrap()
            .is_none()
    );

    // A second holder secret for the same person is refused, and so is a commitment that
    // belongs to someone else.
    let other_secret = HolderSecret::generate(&mut OsRng);
    let token = grant.next(&harness).await;
    let (status, body) = request(&harness, &token, &other_secret.commit(&mut OsRng).unwrap()).await;
    let held_token = token.clone();
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("credential_request_denied")),
        "{body}"
    );
    let (_, stranger_offer) = harness.enroll_for("1990-01-01", &Configuration::ALL);
    let token = harness.access_token(&stranger_offer).await;
    let (status, body) = request(&harness, &token, &holder.commit(&mut OsRng).unwrap()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("credential_request_denied")),
        "{body}"
    );

    // After a counted reset the new secret is accepted, with new pseudonyms (under the
    // access token the refused request did not spend).
    let store = crate::support::open_store(&harness.db);
    assert_eq!(store.reset_pseudonyms(&person).unwrap(), 1);
    let reset = issued(&harness, &held_token, &other_secret).await;
    assert_ne!(
        pseudonym_at(&harness, &reset, &other_secret, FORUM).await,
        at_forum
    );
    assert_eq!(
        store.reset_pseudonyms(&person).unwrap(),
        2,
        "resets are counted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_forged_commitments_are_refused() {
    let harness = Harness::start("nym-bad").await;
    let (_, offer) = harness.enroll_for("2000-05-17", &Configuration::ALL);
    let token = harness.access_token(&offer).await;
    let good = HolderSecret::generate(&mut OsRng)
        .commit(&mut OsRng)
        .unwrap();
    let mut forged = *good.as_bytes();
    forged[60] ^= 1;
    for proofs in [
        json!({ "x-cachet-nym-commitment": [] }),
        json!({ "x-cachet-nym-commitment": ["not base64!"] }),
        json!({ "x-cachet-nym-commitment": [credential::base64url::encode(&good.as_bytes()[..100])] }),
        json!({ "x-cachet-nym-commitment": [credential::base64url::encode(&forged)] }),
        json!({ "jwt": ["a.b.c"] }),
    ] {
        let body = json!({ "credential_configuration_id": ID, "proofs": proofs });
        let (status, answer) = harness
            .credential_raw(&token, body.to_string().into_bytes())
            .await;
        assert_eq!(
            (status, answer["error"].as_str()),
            (400, Some("invalid_proof")),
            "{proofs}: {answer}"
        );
    }
    // The grant was not spent by the refusals: the good commitment still gets its credential.
    let (status, body) = request(&harness, &token, &good).await;
    assert_eq!(status, 200, "{body}");
    // A person enrolled without the pseudonymous configuration is not granted it.
    let (_, plain) = harness.enroll("2000-05-17");
    let token = harness.access_token(&plain).await;
    let (status, body) = request(&harness, &token, &good).await;
    assert_eq!(
        body["error"].as_str(),
        Some("credential_request_denied"),
        "{status} {body}"
    );
}

/// Rotating the keys rotates the BBS key too: the old one stays published while what it
/// signed lives, and the person's pseudonyms do not change (they are the holder's secret
/// and the stored entropy, not the key).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pseudonyms_outlive_a_key_rotation() {
    let harness = Harness::start("nym-rotate").await;
    let (_, offer) = harness.enroll_for("2000-05-17", &Configuration::ALL);
    let holder = HolderSecret::generate(&mut OsRng);
    let (mut grant, token) = Grant::redeem(&harness, &offer).await;
    let before = issued(&harness, &token, &holder).await;
    let old_kid = before.header().kid().to_owned();
    let at_forum = pseudonym_at(&harness, &before, &holder, FORUM).await;

    crate::support::open_store(&harness.db)
        .rotate_key(NOW, &mut OsRng)
        .unwrap();
    let published: Vec<String> = bbs_keys(&harness)
        .await
        .into_iter()
        .map(|k| k.kid)
        .collect();
    assert_eq!(
        published.len(),
        2,
        "the old key stays published: {published:?}"
    );
    assert_ne!(published[0], old_kid, "the new key is first");
    let token = grant.next(&harness).await;
    let after = issued(&harness, &token, &holder).await;
    assert_ne!(after.header().kid(), old_kid);
    assert_eq!(
        pseudonym_at(&harness, &after, &holder, FORUM).await,
        at_forum
    );
    assert_eq!(
        pseudonym_at(&harness, &before, &holder, FORUM).await,
        at_forum,
        "the old credential still verifies"
    );
}

/// Revocation of a pseudonymous credential is refusing its next refresh: there is no
/// status list to watch, and the credential in hand expires with its epoch.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_person_gets_no_next_epoch() {
    let harness = Harness::start("nym-revoke").await;
    let (person, offer) = harness.enroll_for("2000-05-17", &Configuration::ALL);
    let holder = HolderSecret::generate(&mut OsRng);
    let (mut grant, token) = Grant::redeem(&harness, &offer).await;
    let held = issued(&harness, &token, &holder).await;
    assert!(held.expires_at() > NOW);
    let unspent = grant.next(&harness).await;
    crate::support::open_store(&harness.db)
        .revoke(&person, NOW)
        .unwrap();
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "refresh_token")
        .append_pair("refresh_token", &grant.refresh)
        .finish();
    let (status, answer) = harness
        .post_token_with_dpop(form, &harness.dpop(&grant.key))
        .await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (400, Some("invalid_grant")),
        "{answer}"
    );
    // Nor does an access token handed out before the revocation buy a credential.
    let (status, answer) = request(&harness, &unspent, &holder.commit(&mut OsRng).unwrap()).await;
    assert_eq!(status, 400, "{answer}");
}
