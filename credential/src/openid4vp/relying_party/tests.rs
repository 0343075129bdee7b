//! The relying-party session, natively: what the in-page verifier does with it, case by
//! case (request, restore, response, replay, expiry, another site, another question).

use rand_core::OsRng;
use serde_json::json;

use super::*;
use crate::ErrorCode;
use crate::openid4vp::ClaimPath;
use crate::{
    CopyParams, Credential, Disclosable, IssueParams, Jwks, KeyBindingParams, PrivateJwk,
    StatusReference, Verified, verify,
};

const ISSUER: &str = "https://issuer.cachet.example";
const VCT: &str = "https://issuer.cachet.example/types/age";
const SHOP: &str = "https://shop.example/checkout";
const NOW: i64 = 1_795_400_000;

struct World {
    issuer: PrivateJwk,
    holder: PrivateJwk,
    credential: Credential,
}

impl World {
    fn new() -> Self {
        let issuer = PrivateJwk::generate(&mut OsRng);
        let holder = PrivateJwk::generate(&mut OsRng);
        let params = IssueParams {
            issuer: ISSUER.into(),
            vct: Some(VCT.into()),
            claims: json!({"age_over_18": true, "age_over_21": true}),
            disclosable: Disclosable::Everything,
            decoys: 0,
            iat: Some(NOW - 86_400),
            nbf: None,
            exp: Some(NOW + 86_400),
        };
        let copy = CopyParams {
            holder: Some(holder.public()),
            status: Some(StatusReference {
                idx: 7,
                uri: format!("{ISSUER}/status/1"),
            }),
        };
        let issued = crate::issue(&params, &copy, &issuer, &mut OsRng).unwrap();
        Self {
            credential: Credential::parse(&issued).unwrap(),
            issuer,
            holder,
        }
    }

    fn party(&self) -> RelyingParty {
        RelyingParty::new(RelyingPartySettings {
            issuers: vec![TrustedIssuer {
                iss: ISSUER.into(),
                jwks: Jwks::new(vec![self.issuer.public()]),
            }],
            audience: "https://shop.example".into(),
            clock_skew: None,
            max_presentation_age: None,
            request_lifetime: 600,
            credential_types: Vec::new(),
        })
        .unwrap()
    }

    /// The wallet's answer to `request`, disclosing `claim`.
    fn answer(&self, request: &AuthorizationRequest, claim: &str) -> String {
        let selection = self
            .credential
            .select(&[crate::JsonPointer::root().child(claim)])
            .unwrap();
        let presentation = self
            .credential
            .present_with_key_binding(
                &selection,
                &KeyBindingParams {
                    audience: request.client_id.clone(),
                    nonce: request.nonce.clone(),
                    iat: NOW,
                },
            )
            .sign_with(self.holder.signing_key());
        AuthorizationResponse::new(&request.state, QUERY_ID, &presentation).to_form()
    }
}

fn ask_over_18(party: &mut RelyingParty, now: i64) -> CreatedRequest {
    party
        .create_request(
            RequestParams {
                format: RequestedFormat::SdJwtVc,
                claims: vec![ClaimPath::names(["age_over_18"]).into()],
                vct_values: &[VCT.into()],
                purpose: Some("Age check".into()),
                response_mode: ResponseMode::Fragment,
                redirect_uri: SHOP,
            },
            &mut OsRng,
            UnixTime::from_secs(now),
        )
        .unwrap()
}

fn verdict(expected: &Expected) -> Result<Verified, Rejection> {
    judge(
        expected.query.as_ref(),
        verify(&expected.presentation, &expected.policy),
    )
}

#[test]
fn a_request_is_answered_once_and_its_answer_is_checked_against_its_question() {
    let world = World::new();
    let mut party = world.party();
    let created = ask_over_18(&mut party, NOW);
    let request = &created.request;
    assert_eq!(request.client_id, format!("redirect_uri:{SHOP}"));
    assert_eq!(party.open_requests(), 1);
    // Fresh 128-bit nonce and state, different for every request.
    let other = ask_over_18(&mut party, NOW);
    assert_eq!(request.nonce.len(), 22);
    assert_ne!(request.nonce, other.request.nonce);
    assert_ne!(request.state, other.request.state);
    // The request names the trusted issuers.
    let query = serde_json::to_value(&request.dcql_query).unwrap();
    assert_eq!(
        query["credentials"][0]["trusted_authorities"][0]["values"],
        json!([ISSUER])
    );

    let response = world.answer(request, "age_over_18");
    let taken = party
        .take_response(&response, UnixTime::from_secs(NOW))
        .unwrap();
    assert_eq!(taken.state, request.state);
    assert_eq!(taken.expires_at, NOW + 600);
    let verified = verdict(&taken.expected).unwrap();
    assert_eq!(verified.claims()["age_over_18"], json!(true));

    // Used once: the same response again names no open request.
    assert_eq!(
        party
            .take_response(&response, UnixTime::from_secs(NOW))
            .unwrap_err(),
        ResponseError::UnknownState
    );
}

#[test]
fn an_answer_to_another_question_or_another_request_is_refused() {
    let world = World::new();
    let mut party = world.party();
    // Verified, but discloses age_over_21 instead of the age_over_18 asked for.
    let created = ask_over_18(&mut party, NOW);
    let response = world.answer(&created.request, "age_over_21");
    let taken = party
        .take_response(&response, UnixTime::from_secs(NOW))
        .unwrap();
    assert_eq!(
        verdict(&taken.expected).unwrap_err().code(),
        "query_not_satisfied"
    );
    // An answer bound to one request's nonce, sent with another request's state.
    let first = ask_over_18(&mut party, NOW);
    let second = ask_over_18(&mut party, NOW);
    let mut swapped = first.request.clone();
    swapped.state.clone_from(&second.request.state);
    let response = world.answer(&swapped, "age_over_18");
    let taken = party
        .take_response(&response, UnixTime::from_secs(NOW))
        .unwrap();
    assert_eq!(
        verdict(&taken.expected).unwrap_err().code(),
        "nonce_mismatch"
    );
}

#[test]
fn a_request_expires_after_its_lifetime() {
    let world = World::new();
    let mut party = world.party();
    let created = ask_over_18(&mut party, NOW - 600);
    let response = world.answer(&created.request, "age_over_18");
    assert_eq!(
        party
            .take_response(&response, UnixTime::from_secs(NOW))
            .unwrap_err(),
        ResponseError::ExpiredRequest
    );
}

#[test]
fn a_saved_request_is_restored_once_by_its_own_site_only() {
    let world = World::new();
    // The page that made the request navigated away; a new page restores it.
    let created = ask_over_18(&mut world.party(), NOW);
    let mut party = world.party();
    let none = AnsweredStates::default();
    party.restore(&created.saved, &none).unwrap();
    // Restoring it again before it is answered changes nothing (one open request).
    party.restore(&created.saved, &none).unwrap();
    assert_eq!(party.open_requests(), 1);
    let response = world.answer(&created.request, "age_over_18");
    let taken = party
        .take_response(&response, UnixTime::from_secs(NOW))
        .unwrap();
    assert!(verdict(&taken.expected).is_ok());
    // Taken for good: this session refuses to reopen it, and so does a later page load
    // that knows the state was answered.
    assert_eq!(
        party.restore(&created.saved, &none).unwrap_err(),
        ResponseError::AlreadyAnswered
    );
    let mut answered = AnsweredStates::default();
    answered.record(&taken.state, taken.expires_at, NOW);
    assert_eq!(
        world
            .party()
            .restore(&created.saved, &answered)
            .unwrap_err(),
        ResponseError::AlreadyAnswered
    );
    assert_eq!(
        world
            .party()
            .restore(&created.saved, &answered)
            .unwrap_err()
            .code(),
        "unknown_state"
    );

    // Another site's verifier does not take it.
    let mut forum = RelyingParty::new(RelyingPartySettings {
        audience: "https://forum.example".into(),
        ..settings_of(&world)
    })
    .unwrap();
    let error = forum.restore(&created.saved, &none).unwrap_err();
    assert_eq!(error, ResponseError::OtherSite);
    assert_eq!(error.code(), "aud_mismatch");
    assert_eq!(
        forum.restore("{not saved}", &none).unwrap_err(),
        ResponseError::Malformed("pending")
    );
}

fn settings_of(world: &World) -> RelyingPartySettings {
    RelyingPartySettings {
        issuers: vec![TrustedIssuer {
            iss: ISSUER.into(),
            jwks: Jwks::new(vec![world.issuer.public()]),
        }],
        audience: "https://shop.example".into(),
        clock_skew: None,
        max_presentation_age: None,
        request_lifetime: 600,
        credential_types: Vec::new(),
    }
}

#[test]
fn status_lists_are_checked_and_held_for_later_verifications() {
    use crate::status_list::{Status, StatusList, StatusListTokenParams, sign_status_list};
    let world = World::new();
    let mut party = world.party();
    let mut list = StatusList::with_capacity(16);
    assert!(list.set(7, Status::Invalid));
    let token = sign_status_list(
        &list,
        &StatusListTokenParams {
            uri: format!("{ISSUER}/status/1"),
            iat: NOW - 10,
            exp: NOW + 3_600,
            ttl: 3_600,
        },
        &world.issuer,
    );
    let now = UnixTime::from_secs(NOW);
    party
        .use_status_list(&token, now, &crate::crypto::RustCryptoP256)
        .unwrap();
    // A list signed by someone else is not taken.
    let stranger = PrivateJwk::generate(&mut OsRng);
    let forged = sign_status_list(
        &list,
        &StatusListTokenParams {
            uri: format!("{ISSUER}/status/1"),
            iat: NOW - 10,
            exp: NOW + 3_600,
            ttl: 3_600,
        },
        &stranger,
    );
    assert_eq!(
        party
            .use_status_list(&forged, now, &crate::crypto::RustCryptoP256)
            .unwrap_err()
            .code(),
        "unknown_key"
    );
    let created = ask_over_18(&mut party, NOW);
    let response = world.answer(&created.request, "age_over_18");
    let taken = party.take_response(&response, now).unwrap();
    assert_eq!(verdict(&taken.expected).unwrap_err().code(), "revoked");
}

#[test]
fn a_relying_party_needs_a_trusted_issuer_and_browser_requests_have_their_own_nonce() {
    let world = World::new();
    assert_eq!(
        RelyingParty::new(RelyingPartySettings {
            issuers: Vec::new(),
            ..settings_of(&world)
        })
        .unwrap_err(),
        SetupError::NoTrustedIssuer
    );
    let party = world.party();
    let asked = party
        .dc_api_request(
            &[VCT.into()],
            vec![ClaimPath::names(["age_over_18"]).into()],
            &mut OsRng,
        )
        .unwrap();
    assert_eq!(asked.data["nonce"], json!(asked.nonce));
    assert_eq!(asked.data["response_mode"], json!("dc_api"));
    let origin = Origin::of("https://shop.example").unwrap();
    assert_eq!(asked.audience(&origin), "origin:https://shop.example");
    // Nothing is remembered for a browser request: the caller holds the nonce.
    assert_eq!(party.open_requests(), 0);
    let again = party
        .dc_api_request(
            &[VCT.into()],
            vec![ClaimPath::names(["age_over_18"]).into()],
            &mut OsRng,
        )
        .unwrap();
    assert_ne!(asked.nonce, again.nonce);
    assert!(
        party
            .dc_api_request(&[VCT.into()], Vec::new(), &mut OsRng)
            .is_err_and(|err| err.code() == "invalid_dcql_query")
    );
}

#[test]
fn an_sd_jwt_request_always_names_its_types_the_sites_own_by_default() {
    let world = World::new();
    let age = || vec![ClaimPath::names(["age_over_18"]).into()];
    // Neither the request nor the relying party names a type: OpenID4VP 1.0 §B.3.5
    // makes `vct_values` required, so no request goes out with `meta: {}`.
    let untyped = world.party();
    let refused = untyped.dc_api_request(&[], age(), &mut OsRng).unwrap_err();
    assert_eq!(refused.code(), "invalid_dcql_query");
    assert!(refused.to_string().contains("vct_values"), "{refused}");
    // A pseudonymous request may leave the type open (Cachet's own format).
    let nym = untyped
        .query(
            RequestedFormat::Pseudonymous {
                site_pseudonym: false,
            },
            &[],
            age(),
        )
        .unwrap();
    assert_eq!(nym.credentials[0].vct_values(), None);

    // The relying party's types fill every request that names none; a request's own
    // types replace them.
    let typed = RelyingParty::new(RelyingPartySettings {
        credential_types: vec![VCT.into(), "https://issuer.example/types/age".into()],
        ..settings_of(&world)
    })
    .unwrap();
    let asked = typed.dc_api_request(&[], age(), &mut OsRng).unwrap();
    assert_eq!(
        asked.query.meta,
        json!({ "vct_values": [VCT, "https://issuer.example/types/age"] })
    );
    let own = typed
        .query(RequestedFormat::SdJwtVc, &["urn:other".into()], age())
        .unwrap();
    assert_eq!(
        own.credentials[0].meta,
        json!({ "vct_values": ["urn:other"] })
    );
}
