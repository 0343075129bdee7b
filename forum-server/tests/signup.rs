//! The forum's server natively, over its HTTP routes: a person signs up with a
//! pseudonymous credential (the wallet's part played with the core), comes back and finds
//! the same account; another person gets another; a replayed, foreign-site, declined or
//! garbage answer is refused with a code; a same-device result needs its response code.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use credential::bbs::{
    BbsKeyPair, HolderSecret, IssuerHeader, NymCredential, NymEntropy, PSEUDONYMOUS_IDENTITY,
    expiry_for,
};
use credential::openid4vp::AuthorizationRequest;
use credential::{Jwks, TrustedIssuer};
use forum_server::{AccountStore, Forum, ForumConfig};
use http_body_util::BodyExt;
use rand_core::OsRng;
use serde_json::{Value, json};
use tower::ServiceExt;

const ISSUER: &str = "https://issuer.example";
const FORUM: &str = "https://forum.example";
const WALLET: &str = "https://wallet.example/";
const NOW: i64 = 1_795_400_000;

struct World {
    key: BbsKeyPair,
    router: axum::Router,
    forum: Arc<Forum>,
}

impl World {
    fn new() -> Self {
        let key = BbsKeyPair::generate(&mut OsRng).unwrap();
        let jwks = json!({"keys": [key.public().to_jwk("bbs-1")]});
        let trusted = TrustedIssuer {
            iss: ISSUER.into(),
            jwks: Jwks::from_json(&jwks).unwrap(),
        };
        let forum = Arc::new(Forum::new(
            ForumConfig {
                origin: FORUM.into(),
                wallet_url: Arc::new(|| WALLET.to_owned()),
                trust: Arc::new(move || {
                    let trusted = trusted.clone();
                    Box::pin(async move { Some(vec![trusted]) })
                }),
                clock: Arc::new(|| NOW),
            },
            AccountStore::in_memory().unwrap(),
        ));
        Self {
            key,
            router: forum_server::router(Arc::clone(&forum)),
            forum,
        }
    }

    /// A person's credential (over 16 or not).
    fn person(&self, over_16: bool) -> (HolderSecret, NymCredential) {
        let holder = HolderSecret::generate(&mut OsRng);
        let header = IssuerHeader::new(
            ISSUER,
            &format!("{ISSUER}/types/pseudonymous_identity"),
            "bbs-1",
            &PSEUDONYMOUS_IDENTITY,
        )
        .unwrap();
        let claims = if over_16 {
            json!({"age_over_13": true, "age_over_16": true})
        } else {
            json!({"age_over_13": true})
        };
        let issued = credential::bbs::issue(
            &self.key,
            &header,
            claims.as_object().unwrap(),
            expiry_for(NOW, credential::bbs::DEFAULT_EPOCH_SECONDS),
            &holder.commit(&mut OsRng).unwrap(),
            &NymEntropy::generate(&mut OsRng),
        )
        .unwrap();
        let credential = NymCredential::accept(&issued, self.key.public(), &holder).unwrap();
        (holder, credential)
    }

    async fn call(&self, method: &str, uri: &str, body: String) -> (StatusCode, Value) {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .body(Body::from(body))
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// The result of a cross-device sign-up (polled with its transaction only).
    async fn poll(&self, transaction: &str) -> Value {
        let uri = format!("/accounts/result?transaction={transaction}");
        self.call("GET", &uri, String::new()).await.1
    }

    /// Opens a sign-up; the transaction and the request the wallet reads.
    async fn open(&self, device: &str) -> (String, AuthorizationRequest) {
        let (status, body) = self
            .call(
                "POST",
                "/accounts/sign-up",
                json!({"device": device}).to_string(),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let link = body["deepLink"].as_str().unwrap();
        let query = link.split_once("#/present?").unwrap().1;
        let request = AuthorizationRequest::from_query(query).unwrap();
        assert_eq!(
            request.response_target,
            format!("{FORUM}/accounts/response")
        );
        assert_eq!(body["qrSvg"].is_string(), device == "cross");
        (body["transaction"].as_str().unwrap().to_owned(), request)
    }

    /// What a wallet posts for `request`, with the pseudonym of `site`.
    fn answer(
        request: &AuthorizationRequest,
        (holder, credential): &(HolderSecret, NymCredential),
        site: &str,
        claims: &[&str],
    ) -> String {
        let selection = credential.select(claims).unwrap();
        let presented = credential
            .present(
                holder,
                &selection,
                &request.client_id,
                &request.nonce,
                Some(site),
                &mut OsRng,
            )
            .unwrap();
        form_urlencoded::Serializer::new(String::new())
            .append_pair("vp_token", &json!({"cachet": [presented]}).to_string())
            .append_pair("state", &request.state)
            .finish()
    }

    /// Signs `person` up on the same device; the account's JSON.
    async fn sign_up(&self, person: &(HolderSecret, NymCredential)) -> Value {
        let (transaction, request) = self.open("same").await;
        let (status, body) = self
            .call(
                "POST",
                "/accounts/response",
                Self::answer(&request, person, FORUM, &["age_over_16"]),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let next = body["redirect_uri"].as_str().unwrap();
        let code = next
            .strip_prefix(&format!("{FORUM}/#response_code="))
            .unwrap();
        // Without the code the result is not told (session fixation), with it once.
        let (status, _) = self
            .call(
                "GET",
                &format!("/accounts/result?transaction={transaction}"),
                String::new(),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let uri = format!("/accounts/result?transaction={transaction}&response_code={code}");
        let (status, body) = self.call("GET", &uri, String::new()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "signed_in", "{body}");
        let (again, _) = self.call("GET", &uri, String::new()).await;
        assert_eq!(again, StatusCode::NOT_FOUND, "told once");
        body["account"].clone()
    }
}

#[tokio::test]
async fn one_person_one_account_and_another_person_another() {
    let world = World::new();
    let ada = world.person(true);
    let first = world.sign_up(&ada).await;
    assert_eq!(first["new"], true);
    let back = world.sign_up(&ada).await;
    assert_eq!(back["new"], false, "recognised: {back}");
    assert_eq!(back["number"], first["number"]);
    assert_eq!(back["pseudonym"], first["pseudonym"]);
    assert_eq!(back["visits"], 2);
    let bob = world.sign_up(&world.person(true)).await;
    assert_ne!(bob["number"], first["number"]);
    assert_eq!(world.forum.store().account_count().unwrap(), 2);
}

#[tokio::test]
async fn a_cross_device_sign_up_is_read_by_polling() {
    let world = World::new();
    let ada = world.person(true);
    let (transaction, request) = world.open("cross").await;
    let pending = world.poll(&transaction).await;
    assert_eq!(pending["status"], "pending");
    let (status, body) = world
        .call(
            "POST",
            "/accounts/response",
            World::answer(&request, &ada, FORUM, &["age_over_16"]),
        )
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({})),
        "no redirect on another device"
    );
    let done = world.poll(&transaction).await;
    assert_eq!(done["status"], "signed_in");
    assert_eq!(done["account"]["new"], true);
}

#[tokio::test]
async fn answers_that_do_not_answer_the_forum_are_refused() {
    let world = World::new();
    let ada = world.person(true);

    // Replayed: the same answer twice.
    let (_, request) = world.open("same").await;
    let answer = World::answer(&request, &ada, FORUM, &["age_over_16"]);
    assert_eq!(
        world
            .call("POST", "/accounts/response", answer.clone())
            .await
            .0,
        StatusCode::OK
    );
    let (status, body) = world.call("POST", "/accounts/response", answer).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unknown_signup"))
    );

    // Another site's pseudonym: the proof does not verify for the forum's.
    let (transaction, request) = world.open("cross").await;
    let foreign = World::answer(&request, &ada, "https://shop.example", &["age_over_16"]);
    let (status, body) = world.call("POST", "/accounts/response", foreign).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("refused"))
    );
    let result = world.poll(&transaction).await;
    assert_eq!(result["status"], "refused");

    // Not the question: the age flag left out.
    let (transaction, request) = world.open("cross").await;
    let (_, body) = world
        .call(
            "POST",
            "/accounts/response",
            World::answer(&request, &ada, FORUM, &[]),
        )
        .await;
    assert_eq!(body["error"], "refused", "{body}");
    let result = world.poll(&transaction).await;
    assert_eq!(result["error"], "query_not_satisfied", "{result}");

    // Declined in the wallet.
    let (transaction, request) = world.open("cross").await;
    let declined = format!("error=access_denied&state={}", request.state);
    assert_eq!(
        world.call("POST", "/accounts/response", declined).await.0,
        StatusCode::BAD_REQUEST
    );
    let result = world.poll(&transaction).await;
    assert_eq!(result["status"], "refused");

    // Garbage of every shape, and an oversized body.
    for body in ["", "vp_token=x", "state=nope&vp_token=%7B%7D", "\u{0}\u{1}"] {
        let (status, answer) = world.call("POST", "/accounts/response", body.into()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body:?}: {answer}");
    }
    let huge = "a".repeat(1024 * 1024);
    assert_eq!(
        world.call("POST", "/accounts/response", huge).await.0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    for body in ["", "{}", r#"{"device":"phone"}"#] {
        assert_eq!(
            world.call("POST", "/accounts/sign-up", body.into()).await.0,
            StatusCode::BAD_REQUEST
        );
    }
    assert_eq!(
        world.forum.store().account_count().unwrap(),
        1,
        "only the first answer made one"
    );
}
