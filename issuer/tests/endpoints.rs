//! Metadata, CORS and the demo enrollment page, as a wallet and a browser see them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::{Harness, WALLET};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metadata_describes_the_flow() {
    let harness = Harness::start("metadata").await;
    let metadata = harness
        .get_json("/.well-known/openid-credential-issuer")
        .await;
    assert_eq!(metadata["credential_issuer"], harness.base);
    assert_eq!(metadata["credential_endpoint"], harness.url("/credential"));
    assert_eq!(metadata["nonce_endpoint"], harness.url("/nonce"));
    assert_eq!(metadata["batch_credential_issuance"]["batch_size"], 50);
    for id in ["cachet_identity", "cachet_age"] {
        let configuration = &metadata["credential_configurations_supported"][id];
        assert_eq!(configuration["format"], "dc+sd-jwt");
        assert_eq!(
            configuration["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"][0],
            "ES256"
        );
        let vct = configuration["vct"].as_str().unwrap();
        let path = vct.strip_prefix(&harness.base).unwrap();
        assert_eq!(harness.get_json(path).await["vct"], vct);
    }
    let authorization = harness
        .get_json("/.well-known/oauth-authorization-server")
        .await;
    assert_eq!(authorization["token_endpoint"], harness.url("/token"));
    assert_eq!(
        authorization["pre-authorized_grant_anonymous_access_supported"],
        true
    );
    let jwks = harness.get_json("/.well-known/jwt-vc-issuer").await;
    assert!(jwks["jwks"]["keys"][0].get("d").is_none());
    for missing in ["/types/passport", "/status/999", "/status/x"] {
        assert_eq!(harness.get_status(missing).await, 404, "{missing}");
    }
    harness.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_admits_the_wallet_on_issuance_and_everyone_on_status() {
    let harness = Harness::start("cors").await;
    let preflight = |origin: &'static str| {
        harness
            .http
            .request(reqwest::Method::OPTIONS, harness.url("/credential"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
            .send()
    };
    let allowed = preflight(WALLET).await.unwrap();
    assert_eq!(allowed.headers()["access-control-allow-origin"], WALLET);
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    let nonce = harness
        .http
        .post(harness.url("/nonce"))
        .header("origin", WALLET)
        .send()
        .await
        .unwrap();
    assert_eq!(nonce.headers()["access-control-allow-origin"], WALLET);
    assert_eq!(nonce.headers()["cache-control"], "no-store");
    let keys = harness
        .http
        .get(harness.url("/.well-known/jwt-vc-issuer"))
        .header("origin", "https://any.example")
        .send()
        .await
        .unwrap();
    assert_eq!(keys.headers()["access-control-allow-origin"], "*");
    harness.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_enrollment_page_creates_a_redeemable_offer() {
    let harness = Harness::start("admin").await;
    let page = harness.get("/admin").await;
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    assert!(page.text().await.unwrap().contains(r#"name="birthdate""#));
    let response = harness
        .http
        .post(harness.url("/admin"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("given_name=Ada&family_name=Lovelace&birthdate=2001-02-03&region=")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("<svg"), "the offer is shown as a QR code");
    let link = html
        .split(r#"id="open-wallet" class="button" href=""#)
        .nth(1)
        .unwrap();
    let link = link.split('"').next().unwrap().replace("&amp;", "&");
    assert!(link.starts_with(&format!("{WALLET}/#/receive?credential_offer=")));
    let offer = credential::openid4vci::CredentialOffer::parse(&link).unwrap();
    assert_eq!(harness.token(offer.pre_authorized_code()).await.0, 200);

    let refused = harness
        .http
        .post(harness.url("/admin"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body("given_name=A&family_name=B&birthdate=2001-02-03")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "cross-site form posts are refused");
    let invalid = harness
        .http
        .post(harness.url("/admin"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("given_name=<script>&family_name=B&birthdate=2001-02-30")
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 400);
    assert!(!invalid.text().await.unwrap().contains("<script>"));
    harness.stop().await;
}
