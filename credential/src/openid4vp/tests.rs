use super::*;
use crate::ErrorCode;
use serde_json::json;

fn query() -> DcqlQuery {
    DcqlQuery::sd_jwt_vc(
        "age",
        &["urn:cachet:age".into()],
        vec![ClaimPath::names(["age_over_18"]).into()],
    )
}

fn request() -> AuthorizationRequest {
    AuthorizationRequest::new(
        ResponseMode::Fragment,
        "https://shop.example/checkout",
        "n-0S6_WzA2Mj",
        "st-1",
        query(),
        Some("Age check".into()),
    )
    .unwrap()
}

#[test]
fn request_round_trips_through_a_query_string() {
    let request = request();
    assert_eq!(
        request.client_id,
        "redirect_uri:https://shop.example/checkout"
    );
    let query = request.to_query();
    assert!(query.starts_with("response_type=vp_token&client_id=redirect_uri%3Ahttps"));
    assert_eq!(AuthorizationRequest::from_query(&query).unwrap(), request);
    assert_eq!(
        AuthorizationRequest::from_query(&format!("?{query}")).unwrap(),
        request
    );
    assert_eq!(
        request.verifier_origin().unwrap().as_str(),
        "https://shop.example"
    );
}

fn with(query: &str, name: &str, value: &str) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    let mut replaced = false;
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k == name {
            replaced = true;
            out.append_pair(&k, value);
        } else {
            out.append_pair(&k, &v);
        }
    }
    if !replaced {
        out.append_pair(name, value);
    }
    out.finish()
}

fn without(query: &str, name: &str) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.as_bytes()).filter(|(k, _)| k != name) {
        out.append_pair(&k, &v);
    }
    out.finish()
}

#[test]
fn wallet_refuses_a_response_target_other_than_the_client_id() {
    let query = request().to_query();
    let evil = with(&query, "redirect_uri", "https://evil.example/steal");
    assert_eq!(
        AuthorizationRequest::from_query(&evil),
        Err(RequestError::ClientIdMismatch)
    );
    // Omitted target: it is the client identifier's.
    let omitted = AuthorizationRequest::from_query(&without(&query, "redirect_uri")).unwrap();
    assert_eq!(omitted.response_target, "https://shop.example/checkout");
    let other_prefix = with(&query, "client_id", "x509_san_dns:shop.example");
    assert_eq!(
        AuthorizationRequest::from_query(&other_prefix),
        Err(RequestError::UnsupportedClientId)
    );
    let not_http = with(
        &with(&query, "client_id", "redirect_uri:javascript:alert(1)"),
        "redirect_uri",
        "javascript:alert(1)",
    );
    assert_eq!(
        AuthorizationRequest::from_query(&not_http),
        Err(RequestError::Malformed("redirect_uri"))
    );
}

#[test]
fn malformed_and_unsupported_requests_are_refused_with_codes() {
    let query = request().to_query();
    let cases = [
        (
            with(&query, "response_type", "code"),
            "unsupported_response_type",
        ),
        (
            with(&query, "response_mode", "form_post"),
            "unsupported_response_mode",
        ),
        (
            with(&query, "transaction_data", "[]"),
            "transaction_data_unsupported",
        ),
        (without(&query, "nonce"), "malformed_request"),
        (without(&query, "state"), "malformed_request"),
        (with(&query, "nonce", ""), "malformed_request"),
        (format!("{query}&state=again"), "malformed_request"),
        (with(&query, "dcql_query", "{not json"), "malformed_request"),
        (
            with(&query, "dcql_query", r#"{"credentials": []}"#),
            "invalid_dcql_query",
        ),
        (
            with(
                &query,
                "dcql_query",
                r#"{"credentials": [{"id": "a b", "format": "dc+sd-jwt"}]}"#,
            ),
            "invalid_dcql_query",
        ),
        (
            with(
                &query,
                "dcql_query",
                r#"{"credentials": [{"id": "m", "format": "mso_mdoc"}]}"#,
            ),
            "invalid_dcql_query",
        ),
        (
            with(
                &query,
                "dcql_query",
                r#"{"credentials": [{"id": "m", "format": "dc+sd-jwt", "claims": [{"path": []}]}]}"#,
            ),
            "invalid_dcql_query",
        ),
        ("x".repeat(MAX_REQUEST_BYTES + 1), "request_too_large"),
        (String::new(), "unsupported_response_type"),
    ];
    for (query, code) in cases {
        let err = AuthorizationRequest::from_query(&query).unwrap_err();
        assert_eq!(err.code(), code, "{query:.80}: {err:?}");
    }
}

#[test]
fn claim_paths_follow_the_spec_syntax() {
    let path: ClaimPath = serde_json::from_value(json!(["nationalities", 1, null])).unwrap();
    assert_eq!(
        serde_json::to_value(&path).unwrap(),
        json!(["nationalities", 1, null])
    );
    assert_eq!(path.to_pointer(), None);
    let path: ClaimPath = serde_json::from_value(json!(["address", "a/b"])).unwrap();
    assert_eq!(path.to_pointer().unwrap().to_string(), "/address/a~1b");
}

#[test]
fn claim_paths_read_from_json_as_the_derive_reads_them() {
    let inputs = [
        json!(["nationalities", 1, null]),
        json!([]),
        json!(["a", 18446744073709551615u64]),
        json!(["a", -1]),
        json!(["a", 1.0]),
        json!(["a", 1.5]),
        json!(["a", true]),
        json!(["a", ["b"]]),
        json!(["a", {}]),
        json!("age_over_18"),
        json!(null),
        json!({"0": "a"}),
    ];
    for input in inputs {
        let derived = serde_json::from_value::<ClaimPath>(input.clone()).ok();
        assert_eq!(ClaimPath::from_json(&input), derived, "{input}");
    }
    assert!(ClaimPath::from_json(&json!(["a", 0, null])).is_some());
}

// These read URLs as the wallet does (the `url` feature, on in every workspace build that
// has the wallet; `origin.rs` tests the verifier's canonical reader against it).
#[cfg(feature = "url")]
#[test]
fn origins_are_normalised_and_strict() {
    assert_eq!(
        Origin::of("HTTPS://Shop.Example:443/cb?x=1#y")
            .unwrap()
            .as_str(),
        "https://shop.example"
    );
    assert_eq!(
        Origin::of("http://localhost:7003/").unwrap().as_str(),
        "http://localhost:7003"
    );
    for bad in [
        "https://user@evil.example/",
        "https://:pass@evil.example/",
        "ftp://x/",
        "https:///",
        "shop.example",
        "https://a b/",
        "https://shop.example/\tpath",
        "https://shop.example:99999/",
        "https://[::1/",
        "javascript:alert(1)//https://shop.example/",
    ] {
        assert_eq!(Origin::of(bad), None, "{bad}");
    }
}

/// The origin shown is the one the browser uses (WHATWG URL): `\` ends the authority
/// as `/` does, so `https://shop.example\@evil.example/` goes to shop.example and says
/// so; a Unicode host shows as the `xn--` name the browser connects to.
#[cfg(feature = "url")]
#[test]
fn origins_are_read_as_the_browser_reads_them() {
    for (url, origin) in [
        (
            "https://shop.example\\@evil.example/",
            "https://shop.example",
        ),
        (
            "https://shop.example\\evil.example/",
            "https://shop.example",
        ),
        (
            "https://evil.example\\.shop.example/",
            "https://evil.example",
        ),
        ("https://shop.example:443\\x", "https://shop.example"),
        ("https://SHOP.example./", "https://shop.example."),
        ("https://0x7f.1/", "https://127.0.0.1"),
        ("http://[0:0::1]:7001/", "http://[::1]:7001"),
        ("https://xn--pple-43d.com/", "https://xn--pple-43d.com"),
    ] {
        assert_eq!(
            Origin::of(url).map(|o| o.to_string()).as_deref(),
            Some(origin),
            "{url}"
        );
    }
    // A Unicode host is refused (a page's own URL carries the xn-- form); an xn-- host
    // is flagged so the wallet can say it may be a look-alike.
    assert_eq!(Origin::of("https://\u{430}pple.com/"), None);
    assert_eq!(Origin::of("https://b\u{fc}cher.example/"), None);
    assert!(
        Origin::of("https://xn--pple-43d.com/")
            .unwrap()
            .is_internationalized()
    );
    assert!(
        !Origin::of("https://apple.com/")
            .unwrap()
            .is_internationalized()
    );
}

#[test]
fn responses_round_trip_and_wallet_errors_are_typed() {
    let response = AuthorizationResponse::new("st-1", "age", "eyJ...~");
    let form = response.to_form();
    assert_eq!(
        AuthorizationResponse::parse(&format!("#{form}")).unwrap(),
        response
    );
    assert_eq!(response.presentation("age").unwrap(), "eyJ...~");
    assert_eq!(
        response.presentation("other"),
        Err(ResponseError::MissingPresentation)
    );
    assert_eq!(
        AuthorizationResponse::parse("#error=access_denied&state=st-1")
            .unwrap_err()
            .code(),
        "access_denied"
    );
    for bad in [
        "#state=s",
        "#vp_token=%7B%7D",
        "#vp_token=[1]&state=s",
        "#vp_token=%7B%22a%22%3A%5B1%5D%7D&state=s",
        "#state=a&state=b",
    ] {
        assert_eq!(
            AuthorizationResponse::parse(bad).unwrap_err().code(),
            "malformed_response",
            "{bad}"
        );
    }
}

#[test]
fn pending_requests_are_single_use_and_expire() {
    let mut pending = PendingRequests::default();
    let entry = |expires_at| PendingRequest {
        nonce: "n".into(),
        client_id: "redirect_uri:https://shop.example/".into(),
        query: query().credentials.remove(0),
        expires_at,
    };
    pending.insert("a".into(), entry(1_000), 0);
    pending.insert("b".into(), entry(1_000), 0);
    assert_eq!(pending.take("a", 500).unwrap().nonce, "n");
    assert_eq!(
        pending.take("a", 500),
        Err(ResponseError::UnknownState),
        "replayed"
    );
    assert_eq!(pending.take("b", 1_000), Err(ResponseError::ExpiredRequest));
    assert_eq!(pending.take("zzz", 0), Err(ResponseError::UnknownState));
    for i in 0..(pending::MAX_PENDING + 10) {
        pending.insert(format!("s{i}"), entry(2_000 + i as i64), 0);
    }
    assert_eq!(pending.len(), pending::MAX_PENDING);
    assert_eq!(
        pending.take("s0", 0),
        Err(ResponseError::UnknownState),
        "oldest evicted"
    );
}

#[test]
fn digital_credentials_api_requests_and_responses() {
    let data = dc_api_request("n-1", &query());
    assert_eq!(data["response_mode"], "dc_api");
    assert_eq!(data["nonce"], "n-1");
    assert!(
        data.get("client_id").is_none(),
        "unsigned DC API requests carry no client_id"
    );
    assert_eq!(data["dcql_query"]["credentials"][0]["format"], "dc+sd-jwt");
    let origin = Origin::of("https://shop.example/age").unwrap();
    assert_eq!(dc_api_audience(&origin), "origin:https://shop.example");

    let object = serde_json::json!({"vp_token": {"q": ["pres~"]}});
    let response = AuthorizationResponse::from_dc_api(&object).unwrap();
    assert_eq!(response.presentation("q").unwrap(), "pres~");
    let text = serde_json::Value::String(object.to_string());
    assert_eq!(AuthorizationResponse::from_dc_api(&text).unwrap(), response);
    let declined = serde_json::json!({"error": "access_denied"});
    assert_eq!(
        AuthorizationResponse::from_dc_api(&declined)
            .unwrap_err()
            .code(),
        "access_denied"
    );
    for bad in [
        serde_json::json!(null),
        serde_json::json!({"vp_token": "x"}),
        serde_json::json!({"vp_token": {"q": [1]}}),
        serde_json::Value::String("{\"vp_token\":{},\"vp_token\":{}}".into()),
    ] {
        assert_eq!(
            AuthorizationResponse::from_dc_api(&bad).unwrap_err().code(),
            "malformed_response",
            "{bad}"
        );
    }
}

/// An age credential shaped like the issuer's (five flags, two decoys, status entry,
/// holder key) with a presentation of `age_over_18` bound to `request()`.
fn age_presentation(rng: &mut rand_core::OsRng) -> (crate::present::Credential, String) {
    use crate::{
        CopyParams, Disclosable, IssueParams, KeyBindingParams, PrivateJwk, StatusReference,
    };
    let issuer_key = PrivateJwk::generate(rng);
    let holder = PrivateJwk::generate(rng);
    let params = IssueParams {
        issuer: "https://issuer.cachet.example".into(),
        vct: Some("https://issuer.cachet.example/types/age".into()),
        claims: json!({"age_over_13": true, "age_over_16": true, "age_over_18": true,
                       "age_over_21": true, "age_over_65": false}),
        disclosable: Disclosable::Everything,
        decoys: 2,
        iat: Some(1_795_392_000),
        nbf: None,
        exp: Some(1_826_928_000),
    };
    let copy = CopyParams {
        holder: Some(holder.public()),
        status: Some(StatusReference {
            idx: 48_213,
            uri: "https://issuer.cachet.example/status/3".into(),
        }),
    };
    let issued = crate::issue(&params, &copy, &issuer_key, rng).unwrap();
    let credential = crate::present::Credential::parse(&issued).unwrap();
    let request = request();
    let query = DcqlQuery::sd_jwt_vc(
        "age",
        &["https://issuer.cachet.example/types/age".into()],
        vec![ClaimPath::names(["age_over_18"]).into()],
    );
    let answer = matching::answer(&query.credentials[0], &credential).unwrap();
    let selection = credential.select(&answer.claims).unwrap();
    let presentation = credential
        .present_with_key_binding(
            &selection,
            &KeyBindingParams {
                audience: request.client_id.clone(),
                nonce: request.nonce.clone(),
                iat: 1_795_400_000,
            },
        )
        .sign_with(holder.signing_key());
    (credential, presentation)
}

#[test]
fn compact_responses_round_trip_byte_for_byte_and_fit_a_version_20_qr() {
    let mut rng = rand_core::OsRng;
    let (_, presentation) = age_presentation(&mut rng);
    let response = AuthorizationResponse::new("st-1", "age", &presentation);
    let compact = response.to_compact().unwrap();
    assert!(compact.starts_with(COMPACT_PREFIX));
    assert_eq!(
        AuthorizationResponse::from_compact(&compact).unwrap(),
        response
    );
    assert_eq!(AuthorizationResponse::parse(&compact).unwrap(), response);
    // Every character is QR alphanumeric, and at level L version 20 holds 1,249 of them.
    let alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    assert!(compact.chars().all(|c| alphanumeric.contains(c)));
    eprintln!(
        "age check response: plain {} bytes, compact {} characters",
        response.to_form().len(),
        compact.len()
    );
    assert!(
        compact.len() <= 1_249,
        "compact age response is {} characters (plain form {} bytes)",
        compact.len(),
        response.to_form().len()
    );
}

#[test]
fn compact_body_version_1_still_reads_as_the_same_response() {
    let v1 = include_str!("../../tests/vectors/compact-v1/compact.txt").trim_end();
    let form = include_str!("../../tests/vectors/compact-v1/form.txt").trim_end();
    let expected = AuthorizationResponse::parse(form).unwrap();
    assert_eq!(AuthorizationResponse::from_compact(v1).unwrap(), expected);
    // Written again it is version 2, and shorter.
    let v2 = expected.to_compact().unwrap();
    assert_ne!(v2, v1);
    assert!(v2.len() < v1.len(), "{} >= {}", v2.len(), v1.len());
    assert_eq!(AuthorizationResponse::from_compact(&v2).unwrap(), expected);
}

#[test]
fn compact_form_refuses_what_it_cannot_carry_and_garbage() {
    let mut rng = rand_core::OsRng;
    let (credential, presentation) = age_presentation(&mut rng);
    let without_kb = credential.present(&credential.select_all());
    let two = AuthorizationResponse {
        state: "s".into(),
        vp_token: [(
            "a".to_owned(),
            vec![presentation.clone(), presentation.clone()],
        )]
        .into(),
    };
    assert_eq!(two.to_compact(), Err(CompactError::NotOnePresentation));
    let bearer = AuthorizationResponse::new("s", "age", &without_kb);
    assert_eq!(
        bearer.to_compact(),
        Err(CompactError::NotCompactPresentation)
    );
    let compact = AuthorizationResponse::new("s", "age", &presentation)
        .to_compact()
        .unwrap();
    for bad in [
        "CACHET1:",
        "CACHET1:%%%",
        "CACHET1:ABC",
        &compact[..compact.len() - 3],
        &format!("{compact}00"),
    ] {
        assert_eq!(
            AuthorizationResponse::from_compact(bad).unwrap_err().code(),
            "malformed_response",
            "{bad}"
        );
    }
    // A deflate bomb is stopped at the size limit instead of being inflated.
    let bomb = miniz_oxide::deflate::compress_to_vec(&vec![1u8; 10 * MAX_REQUEST_BYTES], 10);
    let bomb = format!("{COMPACT_PREFIX}{}", base45::encode(bomb));
    assert_eq!(
        AuthorizationResponse::from_compact(&bomb),
        Err(ResponseError::TooLarge)
    );
}

#[test]
fn wallet_matches_queries_to_credentials_and_names_what_is_missing() {
    let mut rng = rand_core::OsRng;
    let (credential, _) = age_presentation(&mut rng);
    let vct = "https://issuer.cachet.example/types/age".to_owned();
    let ask = |claims: &[&str]| {
        DcqlQuery::sd_jwt_vc(
            "q",
            std::slice::from_ref(&vct),
            claims
                .iter()
                .map(|c| ClaimPath::names([*c]).into())
                .collect(),
        )
        .credentials
        .remove(0)
    };
    let answer = matching::answer(&ask(&["age_over_18", "age_over_21"]), &credential).unwrap();
    assert_eq!(
        answer
            .claims
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["/age_over_18", "/age_over_21"]
    );
    assert_eq!(
        matching::answer(&ask(&["age_over_18", "region", "given_name"]), &credential),
        Err(matching::Unanswerable::MissingClaims(vec![
            "/region".into(),
            "/given_name".into()
        ]))
    );
    let other_type = DcqlQuery::sd_jwt_vc(
        "q",
        &["urn:other".into()],
        vec![ClaimPath::names(["age_over_18"]).into()],
    );
    assert_eq!(
        matching::answer(&other_type.credentials[0], &credential),
        Err(matching::Unanswerable::WrongType)
    );
    // A `values` constraint the credential does not meet counts as missing.
    let mut over_65 = ask(&["age_over_65"]);
    over_65.claims.as_mut().unwrap()[0].values = Some(vec![json!(true)]);
    assert!(matching::answer(&over_65, &credential).is_err());
    let mut whole = ask(&[]);
    whole.claims = None;
    assert!(matching::answer(&whole, &credential).unwrap().everything);
}

#[cfg(feature = "qr")]
#[test]
fn compact_age_response_fits_qr_version_20_level_l() {
    let (_, presentation) = age_presentation(&mut rand_core::OsRng);
    let compact = AuthorizationResponse::new("st-1", "age", &presentation)
        .to_compact()
        .unwrap();
    let version = crate::qr::version(&compact).unwrap();
    eprintln!("age check response: QR version {version} at level L");
    assert!(version <= 20, "QR version {version}");
}

#[test]
fn claim_sets_make_claims_optional_and_are_validated() {
    let (credential, _) = age_presentation(&mut rand_core::OsRng);
    let mut query: DcqlQuery = serde_json::from_value(json!({"credentials": [{
        "id": "q", "format": "dc+sd-jwt",
        "claims": [
            {"id": "a18", "path": ["age_over_18"]},
            {"id": "a21", "path": ["age_over_21"]},
            {"id": "reg", "path": ["region"]}
        ],
        "claim_sets": [["a18", "reg"], ["a18", "a21"], ["a18"]]
    }]}))
    .unwrap();
    query.validate().unwrap();
    let answer = matching::answer(&query.credentials[0], &credential).unwrap();
    let pointer = |name: &str| crate::JsonPointer::root().child(name.to_owned());
    // The first set needs `region`, which this credential lacks: the second is the default.
    assert_eq!(
        answer.claims,
        [pointer("age_over_18"), pointer("age_over_21")]
    );
    assert!(answer.required(&pointer("age_over_18")));
    assert!(!answer.required(&pointer("age_over_21")));
    assert!(answer.accepts(&[pointer("age_over_18")]));
    assert!(!answer.accepts(&[pointer("age_over_21")]));
    query.credentials[0].claim_sets = Some(vec![vec!["nope".into()]]);
    assert_eq!(query.validate().unwrap_err().code(), "invalid_dcql_query");
    query.credentials[0].claim_sets = Some(vec![vec!["reg".into()]]);
    assert_eq!(
        matching::answer(&query.credentials[0], &credential),
        Err(matching::Unanswerable::MissingClaims(vec![
            "/region".into()
        ]))
    );
}

#[test]
fn a_saved_request_restores_and_junk_does_not() {
    let request = PendingRequest {
        nonce: "n".into(),
        client_id: "redirect_uri:https://shop.example/".into(),
        query: query().credentials.remove(0),
        expires_at: 1_000,
    };
    let saved = request.save("st");
    assert_eq!(
        PendingRequest::restore(&saved),
        Ok(("st".to_owned(), request))
    );
    for junk in [
        "",
        "{}",
        "[]",
        "null",
        &saved.replace("\"v\":2", "\"v\":1"),
        &saved.replace("\"format\":\"dc+sd-jwt\"", "\"format\":\"mso_mdoc\""),
        &saved.replace("\"n\"", "\"\""),
        &"x".repeat(5000),
    ] {
        assert_eq!(
            PendingRequest::restore(junk),
            Err(ResponseError::Malformed("pending")),
            "{junk}"
        );
    }
}

fn claims(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    value.as_object().unwrap().clone()
}

#[test]
fn an_answer_is_checked_against_the_question() {
    let mut query = query().credentials.remove(0);
    query.claims = Some(vec![
        ClaimsQuery::from_json(&json!({"path": ["age_over_18"], "values": [true]})).unwrap(),
    ]);
    let answer = |value| query.check_answer(&claims(value));
    assert_eq!(
        answer(json!({"vct": "urn:cachet:age", "age_over_18": true})),
        Ok(())
    );
    for (wrong, why) in [
        (json!({"vct": "urn:cachet:age"}), "not disclosed"),
        (
            json!({"vct": "urn:cachet:age", "age_over_18": false}),
            "false",
        ),
        (
            json!({"vct": "urn:cachet:age", "age_over_18": "true"}),
            "a string",
        ),
        (
            json!({"vct": "urn:other", "age_over_18": true}),
            "another type",
        ),
        (json!({"age_over_18": true}), "no type"),
    ] {
        let refused = answer(wrong).unwrap_err();
        assert_eq!(refused.code(), "query_not_satisfied", "{why}");
    }
    // Claim sets: any one set answers.
    let mut sets = query.clone();
    sets.meta = json!({});
    sets.claims = Some(vec![
        ClaimsQuery::from_json(&json!({"path": ["age_over_18"], "id": "a"})).unwrap(),
        ClaimsQuery::from_json(&json!({"path": ["birthdate"], "id": "b"})).unwrap(),
    ]);
    sets.claim_sets = Some(vec![vec!["a".into()], vec!["b".into()]]);
    assert_eq!(
        sets.check_answer(&claims(json!({"birthdate": "2000-01-01"}))),
        Ok(())
    );
    assert_eq!(
        sets.check_answer(&claims(json!({"age_over_18": false}))),
        Ok(())
    );
    assert!(
        sets.check_answer(&claims(json!({"given_name": "A"})))
            .is_err()
    );
    // A saved request keeps its question.
    let pending = PendingRequest {
        nonce: "n".into(),
        client_id: "redirect_uri:https://shop.example/".into(),
        query: query.clone(),
        expires_at: 1_000,
    };
    let (_, restored) = PendingRequest::restore(&pending.save("st")).unwrap();
    assert_eq!(restored.query, query);
    assert!(
        restored
            .query
            .check_answer(&claims(
                json!({"vct": "urn:cachet:age", "age_over_18": false})
            ))
            .is_err()
    );
}

#[test]
fn claims_queries_read_the_path_and_the_object_form() {
    assert_eq!(
        ClaimsQuery::from_json(&json!(["age_over_18"])),
        Some(ClaimPath::names(["age_over_18"]).into())
    );
    let with_values =
        ClaimsQuery::from_json(&json!({"path": ["n"], "values": ["a", 3, true]})).unwrap();
    assert_eq!(
        with_values.values,
        Some(vec![json!("a"), json!(3), json!(true)])
    );
    for bad in [
        json!({"path": ["n"], "values": []}),
        json!({"path": ["n"], "values": [1.5]}),
        json!({"path": ["n"], "values": [{"a": 1}]}),
        json!({"path": ["n"], "values": "true"}),
        json!({"path": ["n"], "other": 1}),
        json!({"path": "n"}),
        json!({"values": [true]}),
        json!({"path": ["n"], "id": "bad id"}),
        json!({"path": ["n"], "values": vec![json!(1); MAX_VALUES_FOR_TEST + 1]}),
    ] {
        assert_eq!(ClaimsQuery::from_json(&bad), None, "{bad}");
    }
}

const MAX_VALUES_FOR_TEST: usize = MAX_CLAIM_VALUES;

#[test]
fn answered_states_survive_as_text_and_forget_expired_requests() {
    let mut answered = AnsweredStates::default();
    answered.record("a", 1_000, 0);
    answered.record("b", 2_000, 0);
    let kept = AnsweredStates::parse(&answered.to_text());
    assert_eq!(kept, answered);
    assert!(kept.contains("a") && kept.contains("b") && !kept.contains("c"));
    // Past its request's expiry an entry is dropped (the request is refused anyway).
    let mut later = kept.clone();
    later.record("c", 3_000, 1_500);
    assert!(!later.contains("a") && later.contains("b") && later.contains("c"));
    // Bounded.
    let mut many = AnsweredStates::default();
    for i in 0..(pending::MAX_PENDING + 10) {
        many.record(&format!("s{i}"), 10_000, 0);
    }
    assert!(!many.contains("s0") && many.contains(&format!("s{}", pending::MAX_PENDING + 9)));
    for junk in [
        "",
        "{}",
        "[[1,2]]",
        "[[\"a\"]]",
        "[[\"a\",1.5]]",
        "nonsense",
    ] {
        assert_eq!(
            AnsweredStates::parse(junk),
            AnsweredStates::default(),
            "{junk}"
        );
    }
}

/// Cachet's web wallet takes the request in the fragment (never sent to a server); a
/// native wallet's scheme, `openid4vp://` included, in the query (OpenID4VP 1.0 §5).
#[test]
fn deep_links_put_the_request_where_each_wallet_reads_it() {
    let request = request();
    let web = request.deep_link("https://wallet.example/#/home");
    assert!(
        web.starts_with("https://wallet.example/#/present?response_type=vp_token"),
        "{web}"
    );
    let native = request.deep_link("openid4vp://");
    assert!(
        native.starts_with("openid4vp://?response_type=vp_token"),
        "{native}"
    );
    let (_, query) = native.split_once('?').unwrap();
    assert_eq!(AuthorizationRequest::from_query(query).unwrap(), request);
    assert!(
        request
            .deep_link("HTTP://localhost:7001/")
            .starts_with("HTTP://localhost:7001/#/present?")
    );
    assert!(
        request
            .deep_link("mywallet://open?x=1")
            .starts_with("mywallet://open?x=1&response_type=")
    );
}
