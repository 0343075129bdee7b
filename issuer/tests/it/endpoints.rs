//! Metadata, CORS and the demo enrollment page, as a wallet and a browser see them.

use crate::support::{Harness, WALLET};

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
    // The token request carries the wallet's DPoP proof.
    let token = harness
        .http
        .request(reqwest::Method::OPTIONS, harness.url("/token"))
        .header("origin", WALLET)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type, dpop")
        .send()
        .await
        .unwrap();
    let allowed_headers = token.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed_headers.contains("dpop"), "{allowed_headers}");
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
    let admin = |path: &str| format!("{}{path}", harness.admin_base);
    let cookie = format!("cachet_admin={}", harness.admin_key);
    let page = harness
        .http
        .get(admin("/admin"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    assert!(page.text().await.unwrap().contains(r#"name="birthdate""#));
    let post = |body: &'static str| {
        harness
            .http
            .post(admin("/admin"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", &cookie)
            .body(body)
    };
    let response = post("given_name=Ada&family_name=Lovelace&birthdate=2001-02-03&region=")
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

    let refused = post("given_name=A&family_name=B&birthdate=2001-02-03")
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "cross-site form posts are refused");
    let foreign = post("given_name=A&family_name=B&birthdate=2001-02-03")
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        foreign.status(),
        403,
        "a form from another origin is refused"
    );
    let invalid = post("given_name=<script>&family_name=B&birthdate=2001-02-30")
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 400);
    assert!(!invalid.text().await.unwrap().contains("<script>"));
    harness.stop().await;
}

/// The admin page mints offers, so it is on a listener of its own, answers only its own
/// `Host` (a DNS-rebinding page sends its own name), and wants the admin key: once in the
/// link, traded for an HttpOnly SameSite=Strict cookie and a redirect without the key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_page_wants_its_own_host_and_its_key() {
    let harness = Harness::start("admin-guard").await;
    assert_eq!(
        harness.get_status("/admin").await,
        404,
        "not on the public listener"
    );
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let admin = format!("{}/admin", harness.admin_base);
    let cookie = format!("cachet_admin={}", harness.admin_key);
    let status = |response: reqwest::Response| response.status().as_u16();
    assert_eq!(status(no_redirects.get(&admin).send().await.unwrap()), 401);
    let wrong = format!("{admin}?key=not-the-key-but-long-enough");
    assert_eq!(status(no_redirects.get(&wrong).send().await.unwrap()), 401);
    let wrong_cookie = no_redirects
        .get(&admin)
        .header("cookie", "cachet_admin=guess")
        .send()
        .await
        .unwrap();
    assert_eq!(status(wrong_cookie), 401);

    let opened = no_redirects
        .get(format!("{admin}?key={}", harness.admin_key))
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 303);
    assert_eq!(opened.headers()["location"], "/admin");
    let set_cookie = opened.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set_cookie.starts_with(&cookie), "{set_cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/admin"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }

    // DNS rebinding: a page on rebound.example reaches 127.0.0.1 under its own name.
    let port = harness.admin_base.rsplit(':').next().unwrap();
    for host in [
        "rebound.example",
        &format!("rebound.example:{port}"),
        "127.0.0.1:1",
    ] {
        let rebound = no_redirects
            .get(&admin)
            .header("host", host)
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(status(rebound), 421, "{host}");
    }
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        let own = no_redirects
            .get(&admin)
            .header("host", &host)
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(status(own), 200, "{host}");
    }
    harness.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_answers_from_the_database_and_names_nobody() {
    let harness = Harness::start("health").await;
    let health = harness.get_json("/health").await;
    assert_eq!(health["status"], "ok");
    assert_eq!(health["schema_version"], 8);
    assert!(health["active_kid"].is_string());
    let mut members: Vec<&String> = health.as_object().unwrap().keys().collect();
    members.sort();
    assert_eq!(members, ["active_kid", "schema_version", "status"]);
}
