//! The issuer over HTTP: a full batch issuance verified by the core, unlinkable copies,
//! concurrent redemption, revocation and restart.

use credential::ErrorCode;
use std::collections::HashSet;

use crate::support::{Harness, NOW, payload_of};
use credential::crypto::RustCryptoP256;
use credential::openid4vp::AuthorizationResponse;
use credential::time::UnixTime;
use credential::{
    Credential, KeyBindingParams, StatusCheck, StatusReference, VerifyPolicy, verify,
    verify_status_list,
};
use serde_json::Value;

const DAY: i64 = 86_400;

/// A copy's status reference and the path of its list on the harness's issuer.
fn status_of(harness: &Harness, credential: &str) -> (StatusReference, String) {
    let reference = StatusReference::from_claim(&payload_of(credential)["status"]).unwrap();
    let path = reference
        .uri
        .strip_prefix(&harness.base)
        .unwrap()
        .to_owned();
    (reference, path)
}

/// The policy of a shop that checks status in `list`.
fn policy_with(
    trusted: &credential::TrustedIssuer,
    list: &credential::VerifiedStatusList,
) -> VerifyPolicy {
    VerifyPolicy::new(vec![trusted.clone()], NOW, "https://shop.example", "n")
        .status_list(list.clone())
}

fn present(holder: &credential::PrivateJwk, credential: &str, now: i64) -> String {
    let parsed = Credential::parse(credential).unwrap();
    parsed
        .present_with_key_binding(
            &parsed.select_all(),
            &KeyBindingParams {
                audience: "https://shop.example".into(),
                nonce: "n".into(),
                iat: now,
            },
        )
        .sign_with(holder.signing_key())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_verifies_and_its_copies_share_nothing_linkable() {
    let harness = Harness::start("batch").await;
    let (_, offer) = harness.enroll("2000-05-17");
    assert_eq!(offer.credential_issuer(), harness.base);
    let token = harness.access_token(&offer).await;
    let copies = harness.batch(&token, "cachet_identity", 16).await;
    let trusted = harness.trusted().await;

    let mut keys = HashSet::new();
    let mut salts = HashSet::new();
    let mut digests = HashSet::new();
    let mut status = HashSet::new();
    let mut signatures = HashSet::new();
    for (holder, issued) in &copies {
        let policy = VerifyPolicy::new(vec![trusted.clone()], NOW, "https://shop.example", "n");
        let verified = verify(&present(holder, issued, NOW), &policy).unwrap();
        let claims = verified.claims();
        assert_eq!(claims["given_name"], "Ada");
        assert_eq!(claims["birthdate"], "2000-05-17");
        assert_eq!(claims["age_over_18"], true);
        assert!(
            !claims.contains_key("age_over_65"),
            "a flag that is not true is left out"
        );
        assert_eq!(claims["vct"], format!("{}/types/identity", harness.base));

        let payload = payload_of(issued);
        for name in ["jti", "sub", "given_name", "birthdate", "age_over_18"] {
            assert!(
                !payload.contains_key(name),
                "{name} must not be in the clear"
            );
        }
        let iat = payload["iat"].as_i64().unwrap();
        assert_eq!(iat % DAY, 0, "iat is rounded down to the day");
        // NOW is a Sunday: the week began on Monday 2026-11-16.
        assert_eq!(
            iat,
            NOW - NOW % DAY - 6 * DAY,
            "iat is the start of the week"
        );
        assert_eq!(payload["_sd"].as_array().unwrap().len(), 13);
        assert!(payload["exp"].as_i64().unwrap() > NOW);
        assert!(
            keys.insert(payload["cnf"]["jwk"].to_string()),
            "holder key reused"
        );
        let reference = StatusReference::from_claim(&payload["status"]).unwrap();
        assert!(
            status.insert((reference.uri, reference.idx)),
            "status index reused"
        );
        for digest in payload["_sd"].as_array().unwrap() {
            assert!(
                digests.insert(digest.as_str().unwrap().to_owned()),
                "digest reused"
            );
        }
        for disclosure in issued.split('~').skip(1).filter(|d| !d.is_empty()) {
            let decoded = credential::disclosure::Disclosure::decode(disclosure).unwrap();
            assert!(salts.insert(decoded.salt().to_owned()), "salt reused");
        }
        assert!(
            signatures.insert(
                issued
                    .split('~')
                    .next()
                    .unwrap()
                    .rsplit('.')
                    .next()
                    .unwrap()
                    .to_owned()
            )
        );
    }

    // The age credential of the same grant: only age flags.
    let age = harness.batch(&token, "cachet_age", 2).await;
    let policy = VerifyPolicy::new(vec![trusted.clone()], NOW, "https://shop.example", "n");
    let verified = verify(&present(&age[0].0, &age[0].1, NOW), &policy).unwrap();
    let mut names: Vec<&str> = verified
        .claims()
        .keys()
        .map(String::as_str)
        .filter(|name| !["iss", "iat", "exp", "vct", "cnf", "status"].contains(name))
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["age_over_13", "age_over_16", "age_over_18", "age_over_21"]
    );

    // Every copy is valid in the served status list.
    let (_, list_path) = status_of(&harness, &copies[0].1);
    let response = harness.get(&list_path).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/statuslist+jwt"
    );
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let token_text = response.text().await.unwrap();
    let list = verify_status_list(
        &token_text,
        &trusted,
        UnixTime::from_secs(NOW),
        &RustCryptoP256,
    )
    .unwrap();
    for (holder, issued) in &copies {
        let policy = policy_with(&trusted, &list);
        let verified = verify(&present(holder, issued, NOW), &policy).unwrap();
        assert_eq!(verified.status(), StatusCheck::Valid);
    }
    harness.stop().await;
}

/// The cross-device answer (compact form, `credential::openid4vp::compact`) to an age
/// check with a copy of this issuer's age credential, as the wallet shows it.
fn age_check_qr_text(holder: &credential::PrivateJwk, credential: &str) -> String {
    let parsed = Credential::parse(credential).unwrap();
    let selection = parsed.select(&["/age_over_18".parse().unwrap()]).unwrap();
    let presentation = parsed
        .present_with_key_binding(
            &selection,
            &KeyBindingParams {
                // As long as the demo shop's: `redirect_uri:` and an origin with a port.
                audience: "redirect_uri:http://127.0.0.1:41234/".into(),
                nonce: "qT3vEw9xYb2L0aKc8mZr1A".into(),
                iat: NOW,
            },
        )
        .sign_with(holder.signing_key());
    AuthorizationResponse::new("Zk2pQ8rWm4tYc7vB1nX0aE", "age", &presentation)
        .to_compact()
        .unwrap()
}

/// The wallet's response QR must stay readable by a laptop webcam: version 20 at level L
/// at most (1,249 characters). Every copy of a batch is checked (their status indices
/// differ in length), and the largest must leave room for a longer site URL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_age_copy_answers_an_age_check_in_a_qr_code_of_version_20_or_less() {
    let harness = Harness::start("qr-size").await;
    let (_, offer) = harness.enroll("2001-04-09");
    let token = harness.access_token(&offer).await;
    let copies = harness.batch(&token, "cachet_age", 20).await;
    let longest = copies
        .iter()
        .map(|(holder, issued)| age_check_qr_text(holder, issued))
        .max_by_key(String::len)
        .unwrap();
    let version = credential::qr::version(&longest).unwrap();
    assert!(
        longest.len() + 100 <= 1_249 && version <= 20,
        "{} characters, QR version {version}",
        longest.len()
    );
    harness.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_100_concurrent_redemptions_of_one_code_exactly_one_succeeds() {
    let harness = std::sync::Arc::new(Harness::start("race").await);
    let (_, offer) = harness.enroll("1990-01-01");
    let code = offer.pre_authorized_code().to_owned();
    let attempts: Vec<_> = (0..100)
        .map(|_| {
            let harness = std::sync::Arc::clone(&harness);
            let code = code.clone();
            tokio::spawn(async move { harness.token(&code).await })
        })
        .collect();
    let mut successes = 0;
    for attempt in attempts {
        let (status, body) = attempt.await.unwrap();
        match status {
            200 => successes += 1,
            400 => assert_eq!(body["error"], "invalid_grant"),
            other => panic!("unexpected status {other}: {body}"),
        }
    }
    assert_eq!(successes, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocation_shows_in_the_list_and_a_restart_keeps_everything() {
    let harness = Harness::start("revoke").await;
    let (person, offer) = harness.enroll("1990-01-01");
    let token = harness.access_token(&offer).await;
    let copies = harness.batch(&token, "cachet_age", 3).await;
    let trusted = harness.trusted().await;
    let (reference, list_path) = status_of(&harness, &copies[0].1);

    let first = harness.get(&list_path).await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(
        first.headers()["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("public, max-age=")
    );
    let unchanged = harness.get_if_none_match(&list_path, &etag).await;
    assert_eq!(unchanged.status(), 304);

    // Revoke from another connection, as `cachet-issuer revoke` does beside a server.
    assert_eq!(harness.revoke(&person), 3);

    // Lists are published on a schedule: until the next period starts, the list (and its
    // bytes) stay as they were, so nothing dates the revocation within its period.
    let pending = harness.get_if_none_match(&list_path, &etag).await;
    assert_eq!(
        pending.status(),
        304,
        "unchanged until the next publication"
    );
    harness.advance(issuer::config::DEFAULT_STATUS_PERIOD);
    let changed = harness.get_if_none_match(&list_path, &etag).await;
    assert_eq!(
        changed.status(),
        200,
        "the revocation shows at the next publication"
    );
    let list = verify_status_list(
        &changed.text().await.unwrap(),
        &trusted,
        UnixTime::from_secs(NOW),
        &RustCryptoP256,
    )
    .unwrap();
    for (holder, issued) in &copies {
        let policy = policy_with(&trusted, &list);
        let error = verify(&present(holder, issued, NOW), &policy).unwrap_err();
        assert_eq!(error.code(), "revoked");
    }

    let db = harness.stop().await;
    let restarted = Harness::start_with(db, |_| {}).await;
    restarted.advance(issuer::config::DEFAULT_STATUS_PERIOD);
    assert_eq!(
        restarted.trusted().await.jwks,
        trusted.jwks,
        "the signing key survives a restart"
    );
    let list_after = restarted.get(&list_path).await;
    let list_after = verify_status_list(
        &list_after.text().await.unwrap(),
        &trusted,
        UnixTime::from_secs(NOW),
        &RustCryptoP256,
    )
    .unwrap();
    assert_eq!(
        list_after
            .status_of(&StatusReference {
                uri: list_after.uri().to_owned(),
                idx: reference.idx
            })
            .unwrap(),
        credential::Status::Invalid
    );
    let store = crate::support::open_store(&restarted.db);
    assert!(store.person(&person).unwrap().unwrap().revoked_at.is_some());
    restarted.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotation_keeps_old_keys_published_until_their_credentials_expire() {
    let harness = Harness::start("rotate").await;
    let (_, offer) = harness.enroll("1950-01-01");
    let token = harness.access_token(&offer).await;
    let old = harness.batch(&token, "cachet_age", 1).await;
    let old_exp = payload_of(&old[0].1)["exp"].as_i64().unwrap();
    let old_kid = harness.trusted().await.jwks.keys()[0]
        .kid()
        .unwrap()
        .to_owned();

    let store = crate::support::open_store(&harness.db);
    let new_kid = store.rotate_key(NOW, &mut rand_core::OsRng).unwrap();
    drop(store);
    let new = harness.batch(&token, "cachet_identity", 1).await;
    let header = credential::jws::Jws::decode(new[0].1.split('~').next().unwrap()).unwrap();
    assert_eq!(
        header.header_str("kid"),
        Some(new_kid.as_str()),
        "new copies use the new key"
    );

    let kids = |jwks: &credential::Jwks| -> Vec<String> {
        jwks.keys()
            .iter()
            .map(|k| k.kid().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        kids(&harness.trusted().await.jwks),
        [new_kid.clone(), old_kid.clone()]
    );
    harness.advance(old_exp - NOW + 1);
    let published = kids(&harness.trusted().await.jwks);
    assert!(
        !published.contains(&old_kid),
        "expired old key is withdrawn: {published:?}"
    );
    harness.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_token_buys_one_new_batch_and_stops_at_revocation() {
    let harness = Harness::start("refresh").await;
    let metadata = harness
        .get_json("/.well-known/oauth-authorization-server")
        .await;
    assert!(
        metadata["grant_types_supported"]
            .as_array()
            .unwrap()
            .contains(&"refresh_token".into())
    );
    assert_eq!(
        metadata["dpop_signing_alg_values_supported"],
        serde_json::json!(["ES256"])
    );

    // Without a DPoP proof there is no refresh token: it would be a bare bearer grant.
    let (_, bare) = harness.enroll("1990-01-01");
    let (status, first) = harness.token(bare.pre_authorized_code()).await;
    assert_eq!(status, 200, "{first}");
    assert!(first.get("refresh_token").is_none(), "{first}");

    let wallet_key = credential::PrivateJwk::generate(&mut rand_core::OsRng);
    let (_, offer) = harness.enroll("1990-01-01");
    let redeem = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", credential::openid4vci::PRE_AUTHORIZED_GRANT)
        .append_pair("pre-authorized_code", offer.pre_authorized_code())
        .finish();
    let (status, first) = harness
        .post_token_with_dpop(redeem, &harness.dpop(&wallet_key))
        .await;
    assert_eq!(status, 200, "{first}");
    let refresh = first["refresh_token"].as_str().unwrap().to_owned();

    let form = |token: &str| {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "refresh_token")
            .append_pair("refresh_token", token)
            .finish()
    };
    let error = |answer: &(u16, Value)| (answer.0, answer.1["error"].as_str().map(str::to_owned));
    let refused = |code: &str| (400, Some(code.to_owned()));
    // The token alone (as a thief who copied it has it) is not enough.
    assert_eq!(
        error(&harness.post_form("/token", form(&refresh)).await),
        refused("invalid_dpop_proof")
    );
    let thief = credential::PrivateJwk::generate(&mut rand_core::OsRng);
    assert_eq!(
        error(
            &harness
                .post_token_with_dpop(form(&refresh), &harness.dpop(&thief))
                .await
        ),
        refused("invalid_grant")
    );
    // The wallet's own key trades it (the thief's try spent nothing).
    let proof = harness.dpop(&wallet_key);
    let (status, second) = harness.post_token_with_dpop(form(&refresh), &proof).await;
    assert_eq!(status, 200, "{second}");
    let access = second["access_token"].as_str().unwrap().to_owned();
    let next = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(next, refresh);
    // The new access token grants a batch of each offered configuration.
    assert_eq!(harness.batch(&access, "cachet_age", 2).await.len(), 2);
    assert_eq!(harness.batch(&access, "cachet_identity", 2).await.len(), 2);
    // A DPoP proof works once.
    assert_eq!(
        error(&harness.post_token_with_dpop(form(&next), &proof).await),
        refused("invalid_dpop_proof")
    );
    // A refresh token used twice ends its whole family: the old one, then even the new.
    assert_eq!(
        error(
            &harness
                .post_token_with_dpop(form(&refresh), &harness.dpop(&wallet_key))
                .await
        ),
        refused("invalid_grant")
    );
    assert_eq!(
        error(
            &harness
                .post_token_with_dpop(form(&next), &harness.dpop(&wallet_key))
                .await
        ),
        refused("invalid_grant"),
        "the family ended"
    );

    // After revocation a person's refresh token is refused.
    let (revoked_person, offer) = harness.enroll("1991-01-01");
    let redeem = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", credential::openid4vci::PRE_AUTHORIZED_GRANT)
        .append_pair("pre-authorized_code", offer.pre_authorized_code())
        .finish();
    let (_, granted) = harness
        .post_token_with_dpop(redeem, &harness.dpop(&wallet_key))
        .await;
    let token = granted["refresh_token"].as_str().unwrap().to_owned();
    harness.revoke(&revoked_person);
    assert_eq!(
        error(
            &harness
                .post_token_with_dpop(form(&token), &harness.dpop(&wallet_key))
                .await
        ),
        refused("invalid_grant")
    );
    let (status, missing) = harness
        .post_form("/token", "grant_type=refresh_token".into())
        .await;
    assert_eq!(
        (status, missing["error"].as_str()),
        (400, Some("invalid_request"))
    );
}

/// Revocations are published on a schedule: every revocation of a period shows in one
/// update, so a verifier that kept `(uri, idx)` of past visits sees a whole cohort flip
/// together, not one person's copies alone; within the period the list's bytes do not
/// change, so nothing dates a revocation inside it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_revocation_of_a_period_shows_in_one_update() {
    let harness = Harness::start("schedule").await;
    let period = issuer::config::DEFAULT_STATUS_PERIOD;
    // Start of a period, so that every revocation below falls in the same one.
    harness.advance(period - NOW.rem_euclid(period));
    let mut people = Vec::new();
    for i in 0..12 {
        let (person, offer) = harness.enroll(&format!("19{:02}-03-04", 60 + i));
        let token = harness.access_token(&offer).await;
        let copies = harness.batch(&token, "cachet_age", 2).await;
        people.push((person, copies));
    }
    let trusted = harness.trusted().await;
    let (_, list_path) = status_of(&harness, &people[0].1[0].1);
    let (before, _) = published(&harness, &list_path, &trusted).await;
    // Half of them are revoked at different moments of the period.
    let revoked: Vec<usize> = (0..people.len()).step_by(2).collect();
    for (step, person) in revoked.iter().enumerate() {
        let other = crate::support::open_store(&harness.db);
        other
            .revoke(
                &people[*person].0,
                harness.now() + i64::try_from(step).unwrap() * 60,
            )
            .unwrap();
        harness.advance(60);
        let (during, _) = published(&harness, &list_path, &trusted).await;
        assert_eq!(
            during, before,
            "the list's bytes do not change within the period"
        );
    }
    harness.advance(period);
    let (_, list) = published(&harness, &list_path, &trusted).await;
    let mut flipped = 0;
    for (i, (_, copies)) in people.iter().enumerate() {
        for (_, issued) in copies {
            let (reference, _) = status_of(&harness, issued);
            let status = list.status_of(&reference).unwrap();
            assert_eq!(
                status == credential::Status::Invalid,
                revoked.contains(&i),
                "person {i}"
            );
        }
        flipped += usize::from(revoked.contains(&i));
    }
    println!("one status list update flipped the copies of {flipped} people at once");
    assert_eq!(flipped, revoked.len());
}

/// The status list at `path` as served now, and as a verifier reads it.
async fn published(
    harness: &Harness,
    path: &str,
    trusted: &credential::TrustedIssuer,
) -> (String, credential::VerifiedStatusList) {
    let token = harness.get(path).await.text().await.unwrap();
    let list = verify_status_list(
        &token,
        trusted,
        UnixTime::from_secs(harness.now()),
        &RustCryptoP256,
    )
    .unwrap();
    (token, list)
}
