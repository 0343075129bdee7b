//! The OpenID4VCI client natively, against an in-memory issuer that checks what a real
//! one checks (the pre-authorized code, DPoP proofs bound to one key, the access token,
//! the `c_nonce` and every key proof) and issues with the core: receiving, refreshing
//! with a rotating refresh token, and failures that must leave nothing behind.

use credential::ErrorCode;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use credential::crypto::RustCryptoP256;
use credential::openid4vci::{
    CredentialOffer, DpopPolicy, KeyProof, PRE_AUTHORIZED_GRANT, ProofPolicy, verify_dpop,
};
use credential::time::{UnixTime, Window};

use super::*;
use crate::logic::http::{Handler, HttpError, HttpRequest, MemoryHttp};
use crate::logic::issuance::{self, IssuanceError, Step};

const CODE: &str = "code-1";
const NONCE: &str = "c-nonce-1";

/// What the in-memory issuer remembers between requests.
#[derive(Default)]
struct IssuerState {
    /// The current refresh token, and the DPoP key thumbprint it is bound to.
    refresh: RefCell<Option<(String, String)>>,
    /// Token trades so far.
    trades: Cell<u32>,
    /// The last DPoP proof's key thumbprint.
    dpop_jkt: RefCell<Option<String>>,
    /// Answer the credential endpoint with an error.
    refuse_credentials: Cell<bool>,
}

fn url(path: &str) -> String {
    format!("{ISSUER}{path}")
}

fn form(body: Option<&str>) -> HashMap<String, String> {
    form_urlencoded::parse(body.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn header<'a>(request: &HttpRequest<'a>, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, value)| *value)
}

fn refuse(request: &HttpRequest<'_>, error: &str) -> Result<Option<Value>, HttpError> {
    Err(HttpError::Status {
        url: request.url.to_owned(),
        status: 400,
        error: error.to_owned(),
    })
}

/// An issuer at [`ISSUER`] signing with `key`, offering `cachet_age`.
fn issuer(key: PrivateJwk, state: Rc<IssuerState>) -> Handler {
    Box::new(move |request| {
        let window = Window::new(UnixTime::from_secs(NOW), 60);
        match (request.method, request.url.strip_prefix(ISSUER)) {
            ("GET", Some("/.well-known/openid-credential-issuer")) => Ok(Some(json!({
                "credential_issuer": ISSUER,
                "credential_endpoint": url("/credential"),
                "nonce_endpoint": url("/nonce"),
                "batch_credential_issuance": {"batch_size": 3},
            }))),
            ("GET", Some("/.well-known/oauth-authorization-server")) => {
                Ok(Some(json!({"token_endpoint": url("/token")})))
            }
            ("GET", Some("/.well-known/jwt-vc-issuer")) => Ok(Some(json!({
                "issuer": ISSUER,
                "jwks": {"keys": [key.public().to_json()]},
            }))),
            ("POST", Some("/token")) => {
                let Some(proof) = header(request, "dpop") else {
                    return refuse(request, "invalid_dpop_proof");
                };
                let policy = DpopPolicy {
                    method: "POST",
                    url: &url("/token"),
                    window,
                    max_age: 300,
                };
                let Ok(dpop) = verify_dpop(proof, &policy, &RustCryptoP256) else {
                    return refuse(request, "invalid_dpop_proof");
                };
                let form = form(request.body);
                let granted = match form.get("grant_type").map(String::as_str) {
                    Some(PRE_AUTHORIZED_GRANT) => {
                        form.get("pre-authorized_code").map(String::as_str) == Some(CODE)
                    }
                    Some("refresh_token") => {
                        state.refresh.borrow().as_ref()
                            == form
                                .get("refresh_token")
                                .map(|t| (t.clone(), dpop.jkt.clone()))
                                .as_ref()
                    }
                    _ => false,
                };
                if !granted {
                    return refuse(request, "invalid_grant");
                }
                state.trades.set(state.trades.get() + 1);
                let refresh = format!("rt-{}", state.trades.get());
                *state.refresh.borrow_mut() = Some((refresh.clone(), dpop.jkt.clone()));
                *state.dpop_jkt.borrow_mut() = Some(dpop.jkt);
                Ok(Some(json!({
                    "access_token": format!("at-{}", state.trades.get()),
                    "token_type": "Bearer",
                    "refresh_token": refresh,
                })))
            }
            ("POST", Some("/nonce")) => Ok(Some(json!({"c_nonce": NONCE}))),
            ("POST", Some("/credential")) => {
                let bearer = format!("Bearer at-{}", state.trades.get());
                if header(request, "authorization") != Some(bearer.as_str()) {
                    return refuse(request, "invalid_token");
                }
                if state.refuse_credentials.get() {
                    return refuse(request, "server_error");
                }
                let body: Value =
                    serde_json::from_str(request.body.unwrap_or_default()).unwrap_or_default();
                let proofs = body["proofs"]["jwt"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let policy = ProofPolicy {
                    audience: ISSUER,
                    nonce: NONCE,
                    window,
                    max_age: 300,
                };
                let mut credentials = Vec::new();
                for proof in proofs {
                    let Some(holder) = proof
                        .as_str()
                        .and_then(|proof| KeyProof::parse(proof).ok())
                        .and_then(|proof| proof.verify(&policy, &RustCryptoP256).ok())
                    else {
                        return refuse(request, "invalid_proof");
                    };
                    let params = IssueParams {
                        issuer: ISSUER.into(),
                        vct: Some(url("/types/age")),
                        claims: json!({"age_over_18": true}),
                        disclosable: Disclosable::Everything,
                        decoys: 1,
                        iat: Some(NOW - 86_400),
                        nbf: None,
                        exp: Some(NOW + 365 * 86_400),
                    };
                    let copy = CopyParams {
                        holder: Some(holder),
                        status: None,
                    };
                    let issued = credential::issue(&params, &copy, &key, &mut OsRng).unwrap();
                    credentials.push(json!({"credential": issued}));
                }
                Ok(Some(json!({"credentials": credentials})))
            }
            _ => Err(HttpError::Status {
                url: request.url.to_owned(),
                status: 404,
                error: String::new(),
            }),
        }
    })
}

fn offer() -> CredentialOffer {
    CredentialOffer::new(ISSUER, vec!["cachet_age".into()], CODE).unwrap()
}

fn world() -> (Fixture, Rc<IssuerState>, MemoryHttp) {
    let fixture = Fixture::new();
    let state = Rc::new(IssuerState::default());
    let http = MemoryHttp::new(issuer(fixture.issuer_key.clone(), Rc::clone(&state)));
    (fixture, state, http)
}

fn ids() -> impl Fn() -> String {
    let next = Cell::new(0);
    move || {
        next.set(next.get() + 1);
        format!("id-{}", next.get())
    }
}

#[test]
fn an_offer_is_redeemed_for_a_checked_batch_with_a_bound_refresh_token() {
    let (fixture, state, http) = world();
    let mut wallet = fixture.open();
    let steps = RefCell::new(Vec::new());
    let kept = block_on(issuance::receive(
        &mut wallet,
        &http,
        &offer(),
        || NOW,
        ids(),
        |step| steps.borrow_mut().push(step),
        &mut rand_core::OsRng,
    ))
    .unwrap();
    assert_eq!(kept, 1);
    assert_eq!(
        *steps.borrow(),
        [
            Step::Contacting,
            Step::Authorizing,
            Step::MakingKeys,
            Step::Receiving,
            Step::Storing
        ]
    );
    let batch = &wallet.batches()[0];
    // As many copies as the issuer's batch size allows (at most ten are asked for).
    assert_eq!(batch.copies.len(), 3);
    assert_eq!(batch.claims["age_over_18"], json!(true));
    assert_eq!(batch.refresh_token.as_deref(), Some("rt-1"));
    // The refresh token is bound to the DPoP key the wallet keeps for it.
    let dpop_key = batch.dpop_key.clone().unwrap();
    let jkt = PublicJwk::from_json(&dpop_key.jwk).unwrap().thumbprint();
    assert_eq!(state.dpop_jkt.borrow().as_deref(), Some(jkt.as_str()));
    // Every request went to the issuer's own origin, and none carried a cookie.
    let sent = http.sent();
    assert!(sent.iter().all(|request| request.url.starts_with(ISSUER)));
    assert!(
        sent.iter()
            .all(|request| request.headers.iter().all(|(name, _)| name != "cookie"))
    );
    // The copies verify, each bound to its own key.
    let keys: Vec<String> = batch.copies.iter().map(|copy| copy.key.clone()).collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|key| !key.is_empty()));
    assert_ne!(keys[0], keys[1]);
}

#[test]
fn a_refresh_trades_the_token_and_replaces_the_batch() {
    let (fixture, state, http) = world();
    let mut wallet = fixture.open();
    block_on(issuance::receive(
        &mut wallet,
        &http,
        &offer(),
        || NOW,
        ids(),
        |_| {},
        &mut rand_core::OsRng,
    ))
    .unwrap();
    let old = wallet.batches()[0].id.clone();
    let old_copies: Vec<String> = wallet.batches()[0]
        .copies
        .iter()
        .map(|copy| copy.credential.clone())
        .collect();
    let replaced = block_on(issuance::refresh(
        &mut wallet,
        &http,
        &old,
        || NOW,
        || "fresh".to_owned(),
        |_| {},
        &mut rand_core::OsRng,
    ))
    .unwrap();
    assert_eq!(replaced, 1);
    assert_eq!(state.trades.get(), 2);
    let batch = &wallet.batches()[0];
    assert_eq!(wallet.batches().len(), 1);
    assert_ne!(batch.id, old);
    assert_eq!(batch.refresh_token.as_deref(), Some("rt-2"));
    assert!(
        batch
            .copies
            .iter()
            .all(|copy| !old_copies.contains(&copy.credential))
    );
}

#[test]
fn a_refused_refresh_token_is_dropped_and_the_batch_kept() {
    let (fixture, state, http) = world();
    let mut wallet = fixture.open();
    block_on(issuance::receive(
        &mut wallet,
        &http,
        &offer(),
        || NOW,
        ids(),
        |_| {},
        &mut rand_core::OsRng,
    ))
    .unwrap();
    let id = wallet.batches()[0].id.clone();
    // The issuer ended the grant (e.g. reuse was detected elsewhere).
    *state.refresh.borrow_mut() = None;
    let err = block_on(issuance::refresh(
        &mut wallet,
        &http,
        &id,
        || NOW,
        ids(),
        |_| {},
        &mut rand_core::OsRng,
    ))
    .unwrap_err();
    assert_eq!(err.code(), "refresh_refused");
    let batch = &wallet.batches()[0];
    assert_eq!(batch.id, id);
    assert_eq!(batch.copies.len(), 3);
    assert_eq!(batch.refresh_token, None);
}

#[test]
fn a_failed_issuance_keeps_nothing_and_deletes_its_keys() {
    let (fixture, state, http) = world();
    let mut wallet = fixture.open();
    state.refuse_credentials.set(true);
    let err = block_on(issuance::receive(
        &mut wallet,
        &http,
        &offer(),
        || NOW,
        ids(),
        |_| {},
        &mut rand_core::OsRng,
    ))
    .unwrap_err();
    assert_eq!(err.code(), "issuer_error");
    assert!(wallet.batches().is_empty());
    // Only the DPoP key of the offer remains; the holder keys made for the copies are gone.
    assert_eq!(fixture.keys.0.borrow().len(), 1);

    // A wrong code is refused as such.
    let wrong = CredentialOffer::new(ISSUER, vec!["cachet_age".into()], "other").unwrap();
    let err = block_on(issuance::receive(
        &mut wallet,
        &http,
        &wrong,
        || NOW,
        ids(),
        |_| {},
        &mut rand_core::OsRng,
    ))
    .unwrap_err();
    assert_eq!(err.code(), "grant_refused");
    assert!(matches!(err, IssuanceError::Http(_)));

    // Metadata naming an endpoint on another origin is refused before any token request.
    let elsewhere = MemoryHttp::new(Box::new(|request| {
        Ok(Some(json!({
            "credential_issuer": ISSUER,
            "credential_endpoint": "https://attacker.example/credential",
            "nonce_endpoint": url("/nonce"),
            "token_endpoint": url("/token"),
            "issuer": ISSUER,
            "jwks": {"keys": []},
            "url": request.url,
        })))
    }));
    let err = block_on(issuance::receive(
        &mut wallet,
        &elsewhere,
        &offer(),
        || NOW,
        ids(),
        |_| {},
        &mut rand_core::OsRng,
    ))
    .unwrap_err();
    assert_eq!(err, IssuanceError::Metadata("credential_endpoint"));
    assert!(
        elsewhere
            .sent()
            .iter()
            .all(|request| request.method == "GET")
    );
}
