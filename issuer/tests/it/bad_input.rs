//! Hostile and broken requests get OpenID4VCI/OAuth errors with a 4xx status, never a 5xx,
//! and consume nothing they should not.

use crate::support::{Harness, NOW};
use credential::PrivateJwk;
use credential::jws;
use credential::openid4vci::TYP_KEY_PROOF;
use rand_core::OsRng;
use serde_json::json;

fn expect(result: (u16, serde_json::Value), status: u16, error: &str) {
    assert_eq!(result.0, status, "{}", result.1);
    assert_eq!(result.1["error"], error, "{}", result.1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_endpoint_refusals() {
    let harness = Harness::start("bad-token").await;
    let (_, offer) = harness.enroll("1990-01-01");
    let code = offer.pre_authorized_code();
    expect(
        harness
            .post_form("/token", "grant_type=authorization_code&code=x".into())
            .await,
        400,
        "unsupported_grant_type",
    );
    expect(
        harness
            .post_form("/token", "pre-authorized_code=x".into())
            .await,
        400,
        "invalid_request",
    );
    expect(
        harness.post_form("/token", format!("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code={code}&pre-authorized_code=y")).await,
        400,
        "invalid_request",
    );
    expect(harness.token("not-a-code").await, 400, "invalid_grant");
    let response = harness
        .http
        .post(harness.url("/token"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let huge = format!("grant_type=x&pad={}", "a".repeat(10_000));
    expect(
        harness.post_form("/token", huge).await,
        413,
        "invalid_request",
    );

    // Reused code; expired code.
    assert_eq!(harness.token(code).await.0, 200);
    expect(harness.token(code).await, 400, "invalid_grant");
    let (_, late) = harness.enroll("1990-01-01");
    harness.advance(601);
    expect(
        harness.token(late.pre_authorized_code()).await,
        400,
        "invalid_grant",
    );
    harness.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credential_endpoint_refusals() {
    let harness = Harness::start("bad-credential").await;
    let (_, offer) = harness.enroll("1990-01-01");
    let token = harness.access_token(&offer).await;
    let holder = PrivateJwk::generate(&mut OsRng);
    let other = PrivateJwk::generate(&mut OsRng);
    let nonce = harness.nonce().await;
    let good = harness.proof(&holder, &nonce);
    let signed = |header: serde_json::Value, payload: serde_json::Value, key: &PrivateJwk| {
        jws::sign(&header, &payload, key.signing_key())
    };
    let header = json!({"alg": "ES256", "typ": TYP_KEY_PROOF, "jwk": holder.public().bare_json()});
    let payload = json!({"aud": harness.base, "iat": NOW, "nonce": nonce});

    // No or unknown token.
    let response = harness
        .http
        .post(harness.url("/credential"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(
        response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
    expect(
        harness
            .credential("unknown", "cachet_age", std::slice::from_ref(&good))
            .await,
        401,
        "invalid_token",
    );

    // Malformed requests.
    expect(
        harness.credential_raw(&token, b"{not json".to_vec()).await,
        400,
        "invalid_credential_request",
    );
    expect(
        harness.credential_raw(&token, b"[]".to_vec()).await,
        400,
        "invalid_credential_request",
    );
    expect(
        harness.credential_raw(&token, br#"{"credential_configuration_id":"cachet_age","credential_configuration_id":"cachet_identity","proofs":{"jwt":[]}}"#.to_vec()).await,
        400,
        "invalid_credential_request",
    );
    expect(
        harness
            .credential(&token, "cachet_passport", std::slice::from_ref(&good))
            .await,
        400,
        "unknown_credential_configuration",
    );
    expect(
        harness
            .credential_raw(
                &token,
                br#"{"credential_configuration_id":"cachet_age"}"#.to_vec(),
            )
            .await,
        400,
        "invalid_proof",
    );
    expect(
        harness.credential_raw(&token, br#"{"credential_configuration_id":"cachet_age","proofs":{"jwt":[],"attestation":[]}}"#.to_vec()).await,
        400,
        "invalid_proof",
    );
    let too_many: Vec<String> = (0..51).map(|_| good.clone()).collect();
    expect(
        harness.credential(&token, "cachet_age", &too_many).await,
        400,
        "invalid_credential_request",
    );
    let oversized = json!({"credential_configuration_id": "cachet_age", "proofs": {"jwt": ["x".repeat(200_000)]}});
    // Answered before the body is read: the server closes the connection and says so,
    // so that a client does not send its next request on it (and fail).
    let response = harness
        .http
        .post(harness.url("/credential"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(oversized.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(response.headers()["connection"], "close");
    expect(
        harness
            .credential_raw(&token, oversized.to_string().into_bytes())
            .await,
        413,
        "invalid_credential_request",
    );

    // Broken proofs (each refused before the nonce is consumed).
    let mut wrong_typ = header.clone();
    wrong_typ["typ"] = json!("JWT");
    expect(
        harness
            .credential(
                &token,
                "cachet_age",
                &[signed(wrong_typ, payload.clone(), &holder)],
            )
            .await,
        400,
        "invalid_proof",
    );
    let mut wrong_alg = header.clone();
    wrong_alg["alg"] = json!("ES384");
    expect(
        harness
            .credential(
                &token,
                "cachet_age",
                &[signed(wrong_alg, payload.clone(), &holder)],
            )
            .await,
        400,
        "invalid_proof",
    );
    let hs256 = format!(
        "{}.c2ln",
        jws::signing_input(
            &json!({"alg": "HS256", "typ": TYP_KEY_PROOF, "jwk": holder.public().bare_json()}),
            &payload
        )
    );
    expect(
        harness.credential(&token, "cachet_age", &[hs256]).await,
        400,
        "invalid_proof",
    );
    expect(
        harness
            .credential(&token, "cachet_age", &["a.b.c".into()])
            .await,
        400,
        "invalid_proof",
    );

    // Signed by a key other than its header jwk (nonce consumed: fetch a new one each time).
    let nonce = harness.nonce().await;
    let payload = json!({"aud": harness.base, "iat": NOW, "nonce": nonce});
    expect(
        harness
            .credential(
                &token,
                "cachet_age",
                &[signed(header.clone(), payload, &other)],
            )
            .await,
        400,
        "invalid_proof",
    );
    let nonce = harness.nonce().await;
    let twice = harness.proof(&holder, &nonce);
    expect(
        harness
            .credential(&token, "cachet_age", &[twice.clone(), twice])
            .await,
        400,
        "invalid_proof",
    );
    let nonce = harness.nonce().await;
    let payload = json!({"aud": "https://elsewhere.example", "iat": NOW, "nonce": nonce});
    expect(
        harness
            .credential(
                &token,
                "cachet_age",
                &[signed(header.clone(), payload, &holder)],
            )
            .await,
        400,
        "invalid_proof",
    );

    // Nonces: unknown, reused, stale; mixed within one request.
    expect(
        harness
            .credential(&token, "cachet_age", &[harness.proof(&holder, "made-up")])
            .await,
        400,
        "invalid_nonce",
    );
    let nonce = harness.nonce().await;
    let proof = harness.proof(&holder, &nonce);
    let other_nonce = harness.nonce().await;
    expect(
        harness
            .credential(
                &token,
                "cachet_age",
                &[proof, harness.proof(&other, &other_nonce)],
            )
            .await,
        400,
        "invalid_nonce",
    );
    let stale = harness.nonce().await;
    harness.advance(301);
    expect(
        harness
            .credential(&token, "cachet_age", &[harness.proof(&holder, &stale)])
            .await,
        400,
        "invalid_nonce",
    );

    // After all that, the grant is still unspent: a good request succeeds once.
    assert_eq!(harness.batch(&token, "cachet_age", 2).await.len(), 2);
    let nonce = harness.nonce().await;
    expect(
        harness
            .credential(&token, "cachet_age", &[harness.proof(&holder, &nonce)])
            .await,
        400,
        "credential_request_denied",
    );
    // An expired token.
    harness.advance(600);
    let nonce = harness.nonce().await;
    expect(
        harness
            .credential(&token, "cachet_identity", &[harness.proof(&holder, &nonce)])
            .await,
        401,
        "invalid_token",
    );
    harness.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_endpoint_is_rate_limited() {
    let db = crate::support::scratch_dir("rate").join("issuer.db");
    let harness = Harness::start_with(db, |config| {
        config.token_rate = issuer::rate_limit::RateLimit {
            burst: 5.0,
            per_second: 0.01,
        };
    })
    .await;
    for _ in 0..5 {
        assert_eq!(harness.token("guess").await.0, 400);
    }
    expect(harness.token("guess").await, 429, "slow_down");
    harness.stop().await;
}

/// A flood of nonce requests costs its sender: past its budget one address is told to
/// slow down, the store stays bounded, and a wallet at another address still gets its
/// nonce and its batch. A credential request with a dead access token is refused before
/// any of its key proofs is looked at, so it cannot burn the nonce they carry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nonce_flood_does_not_reach_other_wallets() {
    let db = crate::support::scratch_dir("nonce-flood").join("issuer.db");
    let harness = Harness::start_with(db, |config| {
        // The default burst, refilled slowly enough that the test's own pace does not
        // matter.
        config.nonce_rate = issuer::rate_limit::RateLimit {
            burst: 200.0,
            per_second: 0.01,
        };
    })
    .await;
    let (_, offer) = harness.enroll("1990-01-01");
    let token = harness.access_token(&offer).await;
    let mut refused = 0;
    for _ in 0..300 {
        let response = harness
            .http
            .post(harness.url("/nonce"))
            .send()
            .await
            .unwrap();
        match response.status().as_u16() {
            200 => {}
            429 => {
                assert_eq!(response.headers()["retry-after"], "1");
                refused += 1;
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(refused, 100, "the burst of 200 is served, the rest refused");
    assert_eq!(harness.issuer.outstanding_nonces().unwrap(), 200);

    // Another wallet (another loopback address) is not affected.
    let other = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .unwrap();
    let response = other.post(harness.url("/nonce")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let (_, body) = crate::support::status_and_json(response).await;
    let nonce = body["c_nonce"].as_str().unwrap().to_owned();
    let holder = PrivateJwk::generate(&mut OsRng);
    let proof = harness.proof(&holder, &nonce);
    // A dead token with that proof is refused first, and the nonce survives it.
    let (status, body) = harness
        .credential("not-a-token", "cachet_age", &vec![proof.clone(); 50])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_token"))
    );
    let (status, body) = harness.credential(&token, "cachet_age", &[proof]).await;
    assert_eq!(status, 200, "{body}");
}

/// The flake this guards against: a request refused with 413 before its body was read,
/// then the next request on the same connection. With `Connection: close` the client does
/// not reuse it; this runs the pair ten times while two threads keep both cores busy (the
/// load under which the flake showed), bounded: the hogs stop when the test ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_oversized_body_does_not_break_the_next_request_under_load() {
    let harness = Harness::start("under-load").await;
    let (_, offer) = harness.enroll("1990-01-01");
    let token = harness.access_token(&offer).await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let hogs: Vec<_> = (0..2)
        .map(|_| {
            let stop = std::sync::Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut x: u64 = 1;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    x = std::hint::black_box(
                        x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1),
                    );
                }
            })
        })
        .collect();
    let oversized = json!({"credential_configuration_id": "cachet_age", "proofs": {"jwt": ["x".repeat(200_000)]}});
    for round in 0..10 {
        let (status, _) = harness
            .credential_raw(&token, oversized.to_string().into_bytes())
            .await;
        assert_eq!(status, 413, "round {round}");
        let next = harness.http.post(harness.url("/nonce")).send().await;
        assert_eq!(next.unwrap().status(), 200, "round {round}");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for hog in hogs {
        hog.join().unwrap();
    }
    harness.stop().await;
}
