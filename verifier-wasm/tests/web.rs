//! The verifier as a website uses it, in headless Chromium: request → wallet response →
//! verification, replay and expiry, hostile input to every method, QR round trip through
//! a real canvas, and revocation through a status list.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use credential::openid4vp::AuthorizationResponse;
use credential::{
    CopyParams, Credential, Disclosable, IssueParams, JsonPointer, KeyBindingParams, PrivateJwk,
    Status, StatusList, StatusListTokenParams, StatusReference, issue, status_list,
};
use js_sys::{Function, Promise, Reflect};
use rand_core::OsRng;
use serde_json::{Value, json};
use verifier_wasm::Verifier;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const ISS: &str = "https://issuer.example";
const SITE: &str = "https://shop.example/age-check";
/// The credential type the tests issue, and the one their verifiers accept by default.
const VCT: &str = "urn:cachet:age";
const LIST_URI: &str = "https://issuer.example/status/1";

fn js(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap()
}

fn rust(value: &JsValue) -> Value {
    serde_json::from_str(&String::from(js_sys::JSON::stringify(value).unwrap())).unwrap()
}

/// Awaits one of the verifier's Promises.
async fn settled(promise: Promise) -> JsValue {
    JsFuture::from(promise).await.unwrap()
}

fn get(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap()
}

fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

struct World {
    issuer: PrivateJwk,
    holder: PrivateJwk,
    credential: Credential,
}

fn world(status: Option<StatusReference>) -> World {
    let issuer = PrivateJwk::generate(&mut OsRng);
    let holder = PrivateJwk::generate(&mut OsRng);
    let params = IssueParams {
        issuer: ISS.into(),
        vct: Some(VCT.into()),
        claims: json!({"age_over_18": true, "age_over_21": false, "given_name": "Ada"}),
        disclosable: Disclosable::Everything,
        decoys: 2,
        iat: Some(now() - 60),
        nbf: None,
        exp: Some(now() + 3600),
    };
    let copy = CopyParams {
        holder: Some(holder.public()),
        status,
    };
    let issued = issue(&params, &copy, &issuer, &mut OsRng).unwrap();
    World {
        credential: Credential::parse(&issued).unwrap(),
        issuer,
        holder,
    }
}

fn verifier_for(issuer: &PrivateJwk) -> Verifier {
    Verifier::new(js(&json!({
        "trustedIssuers": [{"iss": ISS, "jwks": {"keys": [issuer.public().to_json()]}}],
        "audience": SITE,
        "credentialTypes": [VCT],
    })))
}

/// What the wallet does: answer `request` with a key-bound presentation of age_over_18.
fn wallet_answer(world: &World, request: &JsValue) -> String {
    wallet_answer_disclosing(world, request, "/age_over_18")
}

/// An answer to `request` that discloses the claim at `pointer` only.
fn wallet_answer_disclosing(world: &World, request: &JsValue, pointer: &str) -> String {
    let nonce = get(request, "nonce").as_string().unwrap();
    let state = get(request, "state").as_string().unwrap();
    let client_id = get(request, "clientId").as_string().unwrap();
    let selection = world
        .credential
        .select(&[JsonPointer::parse(pointer).unwrap()])
        .unwrap();
    let kb = KeyBindingParams {
        audience: client_id,
        nonce,
        iat: now(),
    };
    let presentation = world
        .credential
        .present_with_key_binding(&selection, &kb)
        .sign_with(world.holder.signing_key());
    format!(
        "#{}",
        AuthorizationResponse::new(&state, "cachet", &presentation).to_form()
    )
}

fn create_request(verifier: &mut Verifier) -> JsValue {
    verifier.create_request(js(&json!({
        "claims": [["age_over_18"]], "purpose": "Age check", "redirectUri": SITE,
    })))
}

#[wasm_bindgen_test]
async fn a_site_requests_and_verifies_an_age_check_once() {
    let world = world(None);
    let mut verifier = verifier_for(&world.issuer);
    let request = create_request(&mut verifier);
    let params = rust(&get(&request, "request"));
    assert_eq!(params["response_type"], "vp_token");
    assert_eq!(params["client_id"], format!("redirect_uri:{SITE}"));
    assert_eq!(
        params["dcql_query"]["credentials"][0]["claims"][0]["path"],
        json!(["age_over_18"])
    );
    // The request names the issuers this site trusts, so a wallet offers only theirs.
    assert_eq!(
        params["dcql_query"]["credentials"][0]["trusted_authorities"],
        json!([{"type": "cachet_iss", "values": [ISS]}])
    );
    assert_eq!(
        get(&request, "nonce").as_string().unwrap().len(),
        22,
        "128-bit nonce"
    );

    let response = wallet_answer(&world, &request);
    let result = rust(&settled(verifier.verify_response(JsValue::from_str(&response))).await);
    assert_eq!(result["valid"], true, "{result}");
    assert_eq!(result["claims"]["age_over_18"], true);
    assert!(
        result["claims"].get("given_name").is_none(),
        "only what was approved"
    );
    assert_eq!(result["issuer"], ISS);

    let replay = rust(&settled(verifier.verify_response(JsValue::from_str(&response))).await);
    assert_eq!(replay["error"]["code"], "unknown_state");
}

/// A site checks the answer against its own question: a signed, fresh presentation that
/// leaves out the claim asked for, or shows a value the site does not accept, or is of
/// another type, is refused with `query_not_satisfied`.
#[wasm_bindgen_test]
async fn an_answer_that_does_not_answer_the_question_is_refused() {
    let world = world(None);
    let mut verifier = verifier_for(&world.issuer);
    let ask = |verifier: &mut Verifier, claim: Value, vct: Value| {
        verifier.create_request(js(&json!({
            "claims": [claim], "redirectUri": SITE, "vctValues": vct,
        })))
    };
    let age_18 = json!({"path": ["age_over_18"], "values": [true]});
    let age_21 = json!({"path": ["age_over_21"], "values": [true]});
    for (claim, vct, disclosed, code) in [
        (age_18.clone(), json!(null), "/age_over_18", None),
        (
            age_18.clone(),
            json!(null),
            "/age_over_21",
            Some("query_not_satisfied"),
        ),
        (
            age_21,
            json!(null),
            "/age_over_21",
            Some("query_not_satisfied"),
        ),
        (json!(["age_over_21"]), json!(null), "/age_over_21", None),
        (
            age_18.clone(),
            json!(["urn:cachet:identity"]),
            "/age_over_18",
            Some("query_not_satisfied"),
        ),
        (age_18, json!([VCT]), "/age_over_18", None),
    ] {
        let request = ask(&mut verifier, claim.clone(), vct);
        let response = wallet_answer_disclosing(&world, &request, disclosed);
        let result = rust(&settled(verifier.verify_response(JsValue::from_str(&response))).await);
        match code {
            None => assert_eq!(result["valid"], true, "{claim} {disclosed}: {result}"),
            Some(code) => assert_eq!(result["error"]["code"], code, "{claim} {disclosed}"),
        }
    }
    // A restored request keeps its question.
    let mut before = verifier_for(&world.issuer);
    let request = ask(
        &mut before,
        json!({"path": ["age_over_18"], "values": [true]}),
        json!(null),
    );
    let mut after = verifier_for(&world.issuer);
    assert_eq!(
        rust(&after.restore_pending(get(&request, "pending")))["valid"],
        true
    );
    let response = wallet_answer_disclosing(&world, &request, "/age_over_21");
    let result = rust(&settled(after.verify_response(JsValue::from_str(&response))).await);
    assert_eq!(result["error"]["code"], "query_not_satisfied");

    // A request that names no type, from a verifier with no credentialTypes, is refused
    // (OpenID4VP 1.0 §B.3.5 makes vct_values required); its own vctValues are enough.
    let mut untyped = Verifier::new(js(&json!({
        "trustedIssuers": [{"iss": ISS, "jwks": {"keys": [world.issuer.public().to_json()]}}],
        "audience": SITE,
    })));
    let refused = rust(&ask(&mut untyped, json!(["age_over_18"]), json!(null)));
    assert_eq!(refused["error"]["code"], "invalid_dcql_query", "{refused}");
    let named = ask(&mut untyped, json!(["age_over_18"]), json!([VCT]));
    assert!(get(&named, "nonce").is_string());
}

#[wasm_bindgen_test]
async fn a_response_for_another_request_or_site_is_rejected() {
    let world = world(None);
    let mut verifier = verifier_for(&world.issuer);
    let first = create_request(&mut verifier);
    let second = create_request(&mut verifier);
    // A presentation made for the first request's nonce, sent with the second's state.
    let answer = wallet_answer(&world, &first);
    let second_state = get(&second, "state").as_string().unwrap();
    let first_state = get(&first, "state").as_string().unwrap();
    let swapped = answer.replace(&first_state, &second_state);
    let result = rust(&settled(verifier.verify_response(JsValue::from_str(&swapped))).await);
    assert_eq!(result["error"]["code"], "nonce_mismatch");
    // The person declined in the wallet.
    let declined = format!("#error=access_denied&state={first_state}");
    let result = rust(&settled(verifier.verify_response(JsValue::from_str(&declined))).await);
    assert_eq!(result["error"]["code"], "access_denied");
}

#[wasm_bindgen_test]
async fn an_expired_request_is_rejected() {
    let world = world(None);
    let mut verifier = Verifier::new(js(&json!({
        "trustedIssuers": [{"iss": ISS, "jwks": {"keys": [world.issuer.public().to_json()]}}],
        "audience": SITE,
        "credentialTypes": [VCT],
        "requestLifetimeSeconds": 0,
    })));
    let request = create_request(&mut verifier);
    let response = wallet_answer(&world, &request);
    let result = rust(&settled(verifier.verify_response(JsValue::from_str(&response))).await);
    assert_eq!(result["error"]["code"], "expired_request");
}

#[wasm_bindgen_test]
async fn hostile_input_never_throws() {
    let world = world(None);
    let hostile = [
        JsValue::NULL,
        JsValue::UNDEFINED,
        JsValue::from_f64(f64::NAN),
        JsValue::from_str(""),
        JsValue::from_str(&"~".repeat(300_000)),
        js(&json!({"claims": "not a list", "redirectUri": 7})),
        js(&json!({"claims": [[{"x": 1}]], "redirectUri": "javascript:alert(1)"})),
        js(&json!([1, 2, 3])),
    ];
    let mut broken = Verifier::new(JsValue::NULL);
    assert_eq!(
        rust(&create_request(&mut broken))["error"]["code"],
        "invalid_config"
    );
    let mut verifier = verifier_for(&world.issuer);
    for input in &hostile {
        for result in [
            verifier.create_request(input.clone()),
            settled(verifier.verify_response(input.clone())).await,
            settled(verifier.verify(input.clone(), input.clone())).await,
            settled(verifier.verify(JsValue::from_str("a.b.c~"), input.clone())).await,
            verifier.use_status_list(input.clone()),
            settled(broken.verify(input.clone(), js(&json!({"nonce": "n"})))).await,
        ] {
            let result = rust(&result);
            assert_eq!(result["valid"], false, "{result}");
            assert!(
                result["error"]["code"]
                    .as_str()
                    .is_some_and(|c| !c.is_empty()),
                "{result}"
            );
        }
        assert!(verifier.scan_qr(input.clone()).is_null());
    }
}

/// Draws an SVG into a canvas, as a camera frame would show it, and returns its ImageData.
async fn render(svg: &str) -> JsValue {
    let body = "return (async () => {
        const img = new Image();
        img.src = 'data:image/svg+xml;base64,' + btoa(svg);
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.width; canvas.height = img.height;
        const ctx = canvas.getContext('2d');
        ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(img, 0, 0);
        return ctx.getImageData(0, 0, canvas.width, canvas.height);
    })();";
    let draw = Function::new_with_args("svg", body);
    let promise: Promise = draw
        .call1(&JsValue::NULL, &JsValue::from_str(svg))
        .unwrap()
        .into();
    JsFuture::from(promise).await.unwrap()
}

#[wasm_bindgen_test]
async fn request_qr_round_trips_through_a_canvas() {
    let world = world(None);
    let mut verifier = verifier_for(&world.issuer);
    let request = create_request(&mut verifier);
    let wallet = "http://localhost:7001/#/home";
    let deep_link = Reflect::get(&request, &"deepLink".into()).unwrap();
    let deep_link: Function = deep_link.into();
    let link = deep_link
        .call1(&request, &wallet.into())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(link.starts_with("http://localhost:7001/#/present?response_type=vp_token"));
    let qr_svg: Function = Reflect::get(&request, &"qrSvg".into()).unwrap().into();
    let svg = qr_svg
        .call1(&request, &wallet.into())
        .unwrap()
        .as_string()
        .unwrap();
    let frame = render(&svg).await;
    // The decoder the package's scanner module runs (tests/e2e/verifier-csp loads that
    // module through initScanner and scans with scanQr).
    let size = |name: &str| {
        Reflect::get(&frame, &name.into())
            .unwrap()
            .as_f64()
            .unwrap() as usize
    };
    let rgba = js_sys::Uint8Array::new(&Reflect::get(&frame, &"data".into()).unwrap()).to_vec();
    assert_eq!(
        credential::qr::decode_rgba(&rgba, size("width"), size("height")),
        Some(link)
    );
    // The verifier hands well-formed frames to that module; here it is not served, so
    // scanQr answers null and initScanner says why, without throwing.
    assert!(verifier.scan_qr(frame).is_null());
    let loaded = JsFuture::from(verifier_wasm::init_scanner(JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_eq!(rust(&loaded)["error"]["code"], "scanner_unavailable");
}

#[wasm_bindgen_test]
async fn a_revoked_credential_fails_with_its_own_code() {
    let status = StatusReference {
        idx: 3,
        uri: LIST_URI.into(),
    };
    let world = world(Some(status));
    let mut verifier = verifier_for(&world.issuer);
    let mut list = StatusList::with_capacity(64);
    let token = |list: &StatusList, key: &PrivateJwk| {
        let params = StatusListTokenParams {
            uri: LIST_URI.into(),
            iat: now(),
            exp: now() + 600,
            ttl: 300,
        };
        JsValue::from_str(&status_list::sign_status_list(list, &params, key))
    };
    assert_eq!(
        rust(&verifier.use_status_list(token(&list, &world.issuer)))["valid"],
        true
    );
    let request = create_request(&mut verifier);
    let answer = wallet_answer(&world, &request);
    let result = rust(&settled(verifier.verify_response(JsValue::from_str(&answer))).await);
    assert_eq!(result["status"], "valid", "{result}");

    list.set(3, Status::Invalid);
    assert_eq!(
        rust(&verifier.use_status_list(token(&list, &world.issuer)))["valid"],
        true
    );
    let request = create_request(&mut verifier);
    let answer = wallet_answer(&world, &request);
    let result = rust(&settled(verifier.verify_response(JsValue::from_str(&answer))).await);
    assert_eq!(result["error"]["code"], "revoked");
    // A list signed by someone else is refused.
    let forged = token(
        &StatusList::with_capacity(64),
        &PrivateJwk::generate(&mut OsRng),
    );
    assert_eq!(rust(&verifier.use_status_list(forged))["valid"], false);
}

/// Another trusted issuer cannot vouch for this issuer's credentials with a list of the
/// same URI, and a second list (another URI) does not push out the first.
#[wasm_bindgen_test]
async fn status_lists_count_only_for_their_issuer_and_many_are_held() {
    let world = world(Some(StatusReference {
        idx: 3,
        uri: LIST_URI.into(),
    }));
    let other = PrivateJwk::generate(&mut OsRng);
    let mut verifier = Verifier::new(js(&json!({
        "trustedIssuers": [
            {"iss": ISS, "jwks": {"keys": [world.issuer.public().to_json()]}},
            {"iss": "https://other.example", "jwks": {"keys": [other.public().to_json()]}},
        ],
        "audience": SITE,
        "credentialTypes": [VCT],
    })));
    let token = |list: &StatusList, uri: &str, key: &PrivateJwk| {
        let params = StatusListTokenParams {
            uri: uri.into(),
            iat: now(),
            exp: now() + 600,
            ttl: 300,
        };
        JsValue::from_str(&status_list::sign_status_list(list, &params, key))
    };
    let mut revoked = StatusList::with_capacity(64);
    revoked.set(3, Status::Invalid);
    let valid = StatusList::with_capacity(64);
    for list in [
        token(&revoked, LIST_URI, &world.issuer),
        token(&valid, LIST_URI, &other),
        token(&valid, "https://issuer.example/status/other", &world.issuer),
    ] {
        assert_eq!(rust(&verifier.use_status_list(list))["valid"], true);
    }
    let request = create_request(&mut verifier);
    let answer = wallet_answer(&world, &request);
    let result = rust(&settled(verifier.verify_response(JsValue::from_str(&answer))).await);
    assert_eq!(result["error"]["code"], "revoked", "{result}");
}

#[wasm_bindgen_test]
async fn overlapping_calls_do_not_collide() {
    let world = world(None);
    let verifier = verifier_for(&world.issuer);
    let options = js(&json!({"nonce": "n"}));
    let a = verifier.verify(JsValue::from_str("a.b.c~"), options.clone());
    let b = verifier.verify(JsValue::from_str("d.e.f~"), options);
    let both = Promise::all(&js_sys::Array::of2(&a, &b));
    let results = rust(&settled(both).await);
    assert_eq!(results[0]["valid"], false);
    assert_eq!(results[1]["valid"], false);
}

/// `world`'s credential presenting only `age_over_18`, bound to `audience` and `nonce`.
fn age_over_18_presentation(world: &World, audience: &str, nonce: &str) -> String {
    let selection = world
        .credential
        .select(&[JsonPointer::parse("/age_over_18").unwrap()])
        .unwrap();
    world
        .credential
        .present_with_key_binding(
            &selection,
            &KeyBindingParams {
                audience: audience.into(),
                nonce: nonce.into(),
                iat: now(),
            },
        )
        .sign_with(world.holder.signing_key())
}

fn verifier_with_backend(issuer: &PrivateJwk, backend: &str) -> Verifier {
    Verifier::new(js(&json!({
        "trustedIssuers": [{"iss": ISS, "jwks": {"keys": [issuer.public().to_json()]}}],
        "audience": SITE,
        "credentialTypes": [VCT],
        "signatureBackend": backend,
    })))
}

/// Flips one bit of the base64url signature ending at byte `end`.
fn corrupt_signature_before(text: &str, end: usize) -> String {
    let start = text[..end].rfind('.').unwrap() + 1;
    let mut signature = credential::base64url::decode(&text[start..end]).unwrap();
    signature[7] ^= 0x10;
    format!(
        "{}{}{}",
        &text[..start],
        credential::base64url::encode(&signature),
        &text[end..]
    )
}

#[wasm_bindgen_test]
async fn webcrypto_and_wasm_backends_agree_on_every_outcome() {
    let world = world(None);
    let present = |nonce: &str| age_over_18_presentation(&world, SITE, nonce);
    let good = present("n-1");
    let issuer_end = good.find('~').unwrap();
    let cases = [
        (good.clone(), "n-1", None),
        (
            corrupt_signature_before(&good, issuer_end),
            "n-1",
            Some("invalid_signature"),
        ),
        (
            corrupt_signature_before(&good, good.len()),
            "n-1",
            Some("invalid_kb_signature"),
        ),
        (good.clone(), "n-2", Some("nonce_mismatch")),
        (present("n-2"), "n-2", None),
        (
            "garbage~".to_owned(),
            "n-1",
            Some("malformed_serialization"),
        ),
    ];
    let webcrypto = verifier_with_backend(&world.issuer, "webcrypto");
    let wasm = verifier_with_backend(&world.issuer, "wasm");
    for (presentation, nonce, expected) in cases {
        let options = js(&json!({ "nonce": nonce }));
        let fast = rust(
            &settled(webcrypto.verify(JsValue::from_str(&presentation), options.clone())).await,
        );
        let portable = rust(&settled(wasm.verify(JsValue::from_str(&presentation), options)).await);
        assert_eq!(fast, portable, "{presentation:.40}");
        match expected {
            None => assert_eq!(fast["valid"], true, "{fast}"),
            Some(code) => assert_eq!(fast["error"]["code"], code, "{fast}"),
        }
    }
    let bogus = verifier_with_backend(&world.issuer, "gpu");
    let result =
        rust(&settled(bogus.verify(JsValue::from_str(&good), js(&json!({"nonce": "n-1"})))).await);
    assert_eq!(result["error"]["code"], "invalid_config");
}

/// Replaces `navigator.credentials.get` with a stand-in wallet the test answers through
/// `globalThis.__dc` ({ arg, resolve, reject }).
fn install_browser_wallet() {
    js_sys::eval(
        r#"globalThis.DigitalCredential = globalThis.DigitalCredential || class DigitalCredential {};
        Object.defineProperty(navigator, "credentials", { configurable: true, value: {
          get: (arg) => new Promise((resolve, reject) => { globalThis.__dc = { arg, resolve, reject }; }),
        }});"#,
    )
    .unwrap();
}

/// Waits (a few event-loop turns) until the verifier has asked the browser, then takes
/// the pending call out of `globalThis.__dc`.
async fn asked() -> JsValue {
    for _ in 0..100 {
        let pending = get(&js_sys::global(), "__dc");
        if !pending.is_undefined() {
            Reflect::set(&js_sys::global(), &"__dc".into(), &JsValue::UNDEFINED).unwrap();
            return pending;
        }
        JsFuture::from(Promise::resolve(&JsValue::NULL))
            .await
            .unwrap();
    }
    panic!("the verifier never called navigator.credentials.get");
}

#[wasm_bindgen_test]
async fn a_site_can_ask_through_the_digital_credentials_api() {
    install_browser_wallet();
    let world = world(None);
    let verifier = verifier_for(&world.issuer);
    let origin = get(&get(&js_sys::global(), "location"), "origin")
        .as_string()
        .unwrap();
    let options = js(&json!({"claims": [["age_over_18"]]}));

    let answer = |call: &JsValue, audience: &str| {
        let request = rust(&get(&get(call, "arg"), "digital"))["requests"][0].clone();
        assert_eq!(request["protocol"], "openid4vp-v1-unsigned");
        assert_eq!(request["data"]["response_mode"], "dc_api");
        assert!(request["data"].get("client_id").is_none());
        let nonce = request["data"]["nonce"].as_str().unwrap();
        let presentation = age_over_18_presentation(&world, audience, nonce);
        js(
            &json!({"protocol": "openid4vp-v1-unsigned", "data": {"vp_token": {"cachet": [presentation]}}}),
        )
    };
    let call = |function: &JsValue| -> Function { function.clone().unchecked_into() };

    // The person approves in a wallet that binds to origin:<origin>.
    let pending = verifier.request_with_browser(options.clone());
    let browser = asked().await;
    let response = answer(&browser, &format!("origin:{origin}"));
    call(&get(&browser, "resolve"))
        .call1(&JsValue::NULL, &response)
        .unwrap();
    let result = rust(&settled(pending).await);
    assert_eq!(result["valid"], true, "{result}");
    assert_eq!(result["claims"]["age_over_18"], true);
    assert!(result["claims"].get("given_name").is_none());

    // A presentation made for another audience (e.g. a redirect client_id) is refused.
    let pending = verifier.request_with_browser(options.clone());
    let browser = asked().await;
    let response = answer(&browser, SITE);
    call(&get(&browser, "resolve"))
        .call1(&JsValue::NULL, &response)
        .unwrap();
    let result = rust(&settled(pending).await);
    assert_eq!(result["error"]["code"], "aud_mismatch", "{result}");

    // Declined: the browser rejects, or the wallet answers access_denied.
    let pending = verifier.request_with_browser(options.clone());
    let declined = js_sys::eval(r#"new DOMException("closed", "NotAllowedError")"#).unwrap();
    call(&get(&asked().await, "reject"))
        .call1(&JsValue::NULL, &declined)
        .unwrap();
    assert_eq!(
        rust(&settled(pending).await)["error"]["code"],
        "access_denied"
    );
    let pending = verifier.request_with_browser(options.clone());
    let wallet_error =
        js(&json!({"protocol": "openid4vp-v1-unsigned", "data": {"error": "access_denied"}}));
    call(&get(&asked().await, "resolve"))
        .call1(&JsValue::NULL, &wallet_error)
        .unwrap();
    assert_eq!(
        rust(&settled(pending).await)["error"]["code"],
        "access_denied"
    );

    // Hostile options and a browser without the API.
    let bad = rust(&settled(verifier.request_with_browser(js(&json!({"claims": "x"})))).await);
    assert_eq!(bad["error"]["code"], "invalid_argument");
    js_sys::eval("globalThis.__savedDC = globalThis.DigitalCredential; globalThis.DigitalCredential = undefined;").unwrap();
    let missing = rust(&settled(verifier.request_with_browser(options)).await);
    js_sys::eval("globalThis.DigitalCredential = globalThis.__savedDC;").unwrap();
    assert_eq!(missing["error"]["code"], "dc_api_unavailable");
}

#[wasm_bindgen_test]
async fn a_page_back_from_the_wallet_restores_its_request_and_answers_once() {
    let world = world(None);
    let mut before = verifier_for(&world.issuer);
    let request = create_request(&mut before);
    let saved = get(&request, "pending");
    let response = wallet_answer(&world, &request);
    drop(before); // the page navigated to the wallet

    let mut after = verifier_for(&world.issuer);
    let fresh = rust(&settled(after.verify_response(JsValue::from_str(&response))).await);
    assert_eq!(fresh["error"]["code"], "unknown_state");
    assert_eq!(rust(&after.restore_pending(saved.clone()))["valid"], true);
    let result = rust(&settled(after.verify_response(JsValue::from_str(&response))).await);
    assert_eq!(result["valid"], true, "{result}");
    let replay = rust(&settled(after.verify_response(JsValue::from_str(&response))).await);
    assert_eq!(replay["error"]["code"], "unknown_state");
    // Restoring the same saved request again does not reopen it.
    assert_eq!(
        rust(&after.restore_pending(saved.clone()))["error"]["code"],
        "unknown_state"
    );
    let again = rust(&settled(after.verify_response(JsValue::from_str(&response))).await);
    assert_eq!(again["error"]["code"], "unknown_state");

    // A reload (a new verifier, as the page makes after navigating) restoring the same
    // saved request does not reopen it either: the answered state is kept in the page's
    // storage, so the fragment cannot be accepted twice.
    drop(after);
    let mut reloaded = verifier_for(&world.issuer);
    assert_eq!(
        rust(&reloaded.restore_pending(saved.clone()))["error"]["code"],
        "unknown_state"
    );
    let replayed = rust(&settled(reloaded.verify_response(JsValue::from_str(&response))).await);
    assert_eq!(replayed["error"]["code"], "unknown_state");
    let mut after = reloaded;

    // Another site's verifier does not take it; junk never throws.
    let mut elsewhere = Verifier::new(js(&json!({
        "trustedIssuers": [{"iss": ISS, "jwks": {"keys": [world.issuer.public().to_json()]}}],
        "audience": "redirect_uri:https://other.example/",
        "credentialTypes": [VCT],
    })));
    assert_eq!(
        rust(&elsewhere.restore_pending(saved))["error"]["code"],
        "aud_mismatch"
    );
    for junk in [
        JsValue::NULL,
        JsValue::from_str(""),
        JsValue::from_str("{\"v\":1}"),
    ] {
        assert_eq!(rust(&after.restore_pending(junk))["valid"], false);
    }
}
