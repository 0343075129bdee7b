//! The relying-party session with pseudonymous credentials: the request asks for the
//! format (and the site's pseudonym), the answer is verified under the expectation the
//! session builds and judged against the question.

use rand_core::OsRng;

use super::*;
use crate::ErrorCode;
use crate::openid4vp::{
    AuthorizationRequest, AuthorizationResponse, ClaimPath, DcqlQuery, QUERY_ID, RelyingParty,
    RelyingPartySettings, RequestParams, RequestedFormat, ResponseMode,
};
use crate::{Jwks, TrustedIssuer};

const PAGE: &str = "https://forum.example/join";

fn party(f: &Fixture) -> RelyingParty {
    let jwks = serde_json::json!({ "keys": [f.key.public().to_jwk(KID)] });
    RelyingParty::new(RelyingPartySettings {
        issuers: vec![TrustedIssuer {
            iss: ISS.into(),
            jwks: Jwks::from_json(&jwks).unwrap(),
        }],
        audience: FORUM.into(),
        clock_skew: None,
        max_presentation_age: None,
        request_lifetime: 600,
        credential_types: Vec::new(),
    })
    .unwrap()
}

fn ask(party: &mut RelyingParty, claim: &str, site_pseudonym: bool) -> AuthorizationRequest {
    party
        .create_request(
            RequestParams {
                format: RequestedFormat::Pseudonymous { site_pseudonym },
                claims: vec![ClaimPath::names([claim]).into()],
                vct_values: &[VCT.into()],
                purpose: None,
                response_mode: ResponseMode::Fragment,
                redirect_uri: PAGE,
            },
            &mut OsRng,
            UnixTime::from_secs(NOW),
        )
        .unwrap()
        .request
}

/// The wallet's answer: the origin it computes from the request, and the claims asked.
fn answer(f: &Fixture, request: &AuthorizationRequest, claim: &str) -> String {
    let query = &request.dcql_query.credentials[0];
    let site = query
        .asks_pseudonym()
        .then(|| crate::openid4vp::pseudonym_site(&request.client_id).unwrap());
    answer_with(f, request, claim, site.as_deref())
}

/// An answer to `request` disclosing `claim`, with the pseudonym for `site`.
fn answer_with(
    f: &Fixture,
    request: &AuthorizationRequest,
    claim: &str,
    site: Option<&str>,
) -> String {
    let selection = f.credential.select(&[claim]).unwrap();
    let presented = f
        .credential
        .present(
            &f.holder,
            &selection,
            &request.client_id,
            &request.nonce,
            site,
            &mut OsRng,
        )
        .unwrap();
    AuthorizationResponse::new(&request.state, QUERY_ID, &presented).to_form()
}

#[test]
fn a_pseudonymous_request_is_answered_with_the_sites_pseudonym() {
    let f = fixture();
    let mut party = party(&f);
    let pseudonym = |party: &mut RelyingParty| {
        let request = ask(party, "age_over_18", true);
        assert_eq!(request.dcql_query.credentials[0].format, FORMAT_ID);
        let response = answer(&f, &request, "age_over_18");
        let taken = party
            .take_response(&response, UnixTime::from_secs(NOW))
            .unwrap();
        let expected = taken.expected.pseudonymous.as_ref().unwrap();
        assert_eq!(expected.site.as_deref(), Some(FORUM));
        let verified = verify_expected(&taken.expected.presentation, expected).unwrap();
        assert_eq!(verified.claims()["age_over_18"], true);
        verified.pseudonym().unwrap().to_owned()
    };
    assert_eq!(pseudonym(&mut party), pseudonym(&mut party));
}

#[test]
fn an_answer_to_another_question_is_refused() {
    let f = fixture();
    let mut party = party(&f);
    let request = ask(&mut party, "age_over_21", false);
    // The person's age_over_21 is false: the wallet would not offer it; a forged
    // answer disclosing something else verifies but does not answer.
    let response = answer(&f, &request, "age_over_18");
    let taken = party
        .take_response(&response, UnixTime::from_secs(NOW))
        .unwrap();
    let expected = taken.expected.pseudonymous.as_ref().unwrap();
    assert_eq!(expected.site, None);
    let err = verify_expected(&taken.expected.presentation, expected).unwrap_err();
    assert_eq!(err.code(), "query_not_satisfied");
}

#[test]
fn a_pseudonym_the_request_did_not_ask_for_is_refused() {
    let f = fixture();
    let mut party = party(&f);
    let request = ask(&mut party, "age_over_18", false);
    let response = answer_with(&f, &request, "age_over_18", Some(FORUM));
    let taken = party
        .take_response(&response, UnixTime::from_secs(NOW))
        .unwrap();
    let err = verify_expected(
        &taken.expected.presentation,
        taken.expected.pseudonymous.as_ref().unwrap(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "pseudonym_unrequested");
}

#[test]
fn outside_a_request_the_caller_asks_for_the_pseudonym() {
    let f = fixture();
    let party = party(&f);
    let selection = f.credential.select(&["age_over_18"]).unwrap();
    let presented = f
        .credential
        .present(
            &f.holder,
            &selection,
            FORUM,
            "site-nonce",
            Some(FORUM),
            &mut OsRng,
        )
        .unwrap();
    let expected = party
        .expectations()
        .expect(
            presented,
            FORUM,
            "site-nonce",
            UnixTime::from_secs(NOW),
            None,
        )
        .with_site_pseudonym();
    let nym = expected.pseudonymous.as_ref().unwrap();
    assert!(
        verify_expected(&expected.presentation, nym)
            .unwrap()
            .pseudonym()
            .is_some()
    );
    // The expectation crosses into the on-demand module as JSON.
    let json = serde_json::to_value(nym).unwrap();
    assert_eq!(
        &crate::openid4vp::NymExpectation::from_json(&json).unwrap(),
        nym
    );
    let mut asked =
        party
            .expectations()
            .expect("a.b.c.d".into(), FORUM, "n", UnixTime::from_secs(NOW), None);
    let nym = asked.pseudonymous.as_mut().unwrap();
    nym.query = Some(
        DcqlQuery::pseudonymous("q", &[VCT.into()], vec![], true)
            .credentials
            .remove(0),
    );
    let json = serde_json::to_value(&*nym).unwrap();
    assert_eq!(
        &crate::openid4vp::NymExpectation::from_json(&json).unwrap(),
        nym
    );
}

#[test]
fn a_pseudonymous_request_needs_an_origin_audience() {
    let f = fixture();
    let jwks = serde_json::json!({ "keys": [f.key.public().to_jwk(KID)] });
    let mut party = RelyingParty::new(RelyingPartySettings {
        issuers: vec![TrustedIssuer {
            iss: ISS.into(),
            jwks: Jwks::from_json(&jwks).unwrap(),
        }],
        audience: "x509_san_dns:forum.example".into(),
        clock_skew: None,
        max_presentation_age: None,
        request_lifetime: 600,
        credential_types: Vec::new(),
    })
    .unwrap();
    let err = party
        .create_request(
            RequestParams {
                format: RequestedFormat::Pseudonymous {
                    site_pseudonym: true,
                },
                claims: vec![ClaimPath::names(["age_over_18"]).into()],
                vct_values: &[],
                purpose: None,
                response_mode: ResponseMode::Fragment,
                redirect_uri: PAGE,
            },
            &mut OsRng,
            UnixTime::from_secs(NOW),
        )
        .unwrap_err();
    assert_eq!(err.code(), "invalid_dcql_query");
}

/// The compact QR form carries a pseudonymous answer byte for byte, the proof as bytes.
#[test]
fn a_pseudonymous_answer_goes_by_the_compact_qr_form() {
    let f = fixture();
    let mut party = party(&f);
    let request = ask(&mut party, "age_over_18", true);
    let form = answer(&f, &request, "age_over_18");
    let response = AuthorizationResponse::parse(&form).unwrap();
    let compact = response.to_compact().unwrap();
    assert!(compact.starts_with(crate::openid4vp::COMPACT_PREFIX));
    let back = AuthorizationResponse::from_compact(&compact).unwrap();
    assert_eq!(back, response);
    // QR alphanumeric throughout (5.5 bits a character against 8 for the form's bytes),
    // and a site takes it like any response.
    let alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    assert!(compact.chars().all(|c| alphanumeric.contains(c)));
    eprintln!(
        "pseudonymous answer: form {} bytes, compact {} characters",
        form.len(),
        compact.len()
    );
    let taken = party
        .take_response(&compact, UnixTime::from_secs(NOW))
        .unwrap();
    let verified = verify_expected(
        &taken.expected.presentation,
        taken.expected.pseudonymous.as_ref().unwrap(),
    )
    .unwrap();
    assert!(verified.pseudonym().is_some());
    // Truncated or altered compact text is refused, never a panic.
    for cut in (crate::openid4vp::COMPACT_PREFIX.len()..compact.len()).step_by(5) {
        assert!(AuthorizationResponse::from_compact(&compact[..cut]).is_err());
    }
}
