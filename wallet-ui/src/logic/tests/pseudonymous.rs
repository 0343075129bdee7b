//! Pseudonymous credentials in the wallet, natively: received over OpenID4VCI with the
//! holder's commitment from an in-memory issuer that keeps one commitment and nym
//! entropy per person (as the real one does), presented any number of times to a relying
//! party of the core, with the site's pseudonym for the origin the wallet shows; the
//! recovery code shown once, and a second wallet restored from it recognised.

use std::cell::{Cell, RefCell};

use credential::bbs::{
    BbsKeyPair, IssuerHeader, NymCommitment, NymEntropy, PSEUDONYMOUS_IDENTITY, expiry_for,
    verify_expected,
};
use credential::openid4vci::CredentialOffer;
use credential::openid4vp::{
    ClaimsQuery, RelyingParty, RelyingPartySettings, RequestParams, RequestedFormat,
};
use credential::time::UnixTime;

use super::*;
use crate::logic::http::{Handler, HttpError, MemoryHttp};
use crate::logic::issuance;
use crate::logic::model::CredentialFormat;
use crate::logic::recovery::RecoveryError;

const CONFIGURATION: &str = "cachet_pseudonymous_identity";
const FORUM: &str = "https://forum.example";
const SHOP: &str = "https://shop.example";
const KID: &str = "bbs-1";

/// The issuer's memory: the one commitment of the one person it knows, and its entropy.
#[derive(Default)]
struct Person {
    commitment: RefCell<Option<[u8; 48]>>,
    entropy: RefCell<Option<NymEntropy>>,
    issued: Cell<u32>,
}

fn url(path: &str) -> String {
    format!("{ISSUER}{path}")
}

fn issuer(key: Rc<BbsKeyPair>, person: Rc<Person>) -> Handler {
    Box::new(move |request| {
        let refuse = |error: &str| {
            Err(HttpError::Status {
                url: request.url.to_owned(),
                status: 400,
                error: error.to_owned(),
            })
        };
        match (request.method, request.url.strip_prefix(ISSUER)) {
            ("GET", Some("/.well-known/openid-credential-issuer")) => Ok(Some(json!({
                "credential_issuer": ISSUER,
                "credential_endpoint": url("/credential"),
                "nonce_endpoint": url("/nonce"),
                "credential_configurations_supported": {
                    CONFIGURATION: { "format": "x-cachet-nym+jwp" },
                },
            }))),
            ("GET", Some("/.well-known/oauth-authorization-server")) => {
                Ok(Some(json!({"token_endpoint": url("/token")})))
            }
            ("GET", Some("/.well-known/jwt-vc-issuer")) => Ok(Some(json!({
                "issuer": ISSUER,
                "jwks": {"keys": [key.public().to_jwk(KID)]},
            }))),
            ("POST", Some("/token")) => Ok(Some(json!({
                "access_token": "at",
                "token_type": "Bearer",
                "refresh_token": "rt",
            }))),
            ("POST", Some("/credential")) => {
                let body: Value =
                    serde_json::from_str(request.body.unwrap_or_default()).unwrap_or_default();
                assert_eq!(body["credential_configuration_id"], CONFIGURATION);
                assert!(body["proofs"].get("jwt").is_none(), "no key proofs");
                let Some(commitment) = body["proofs"]["x-cachet-nym-commitment"][0]
                    .as_str()
                    .and_then(|text| credential::base64url::decode(text).ok())
                    .and_then(|bytes| NymCommitment::from_bytes(&bytes).ok())
                else {
                    return refuse("invalid_proof");
                };
                // One commitment per person: a second holder secret is refused.
                let point = commitment.point();
                let known = *person.commitment.borrow();
                match known {
                    Some(known) if known != point => return refuse("invalid_proof"),
                    Some(_) => {}
                    None => {
                        *person.commitment.borrow_mut() = Some(point);
                        *person.entropy.borrow_mut() = Some(NymEntropy::generate(&mut OsRng));
                    }
                }
                let header = IssuerHeader::new(
                    ISSUER,
                    &url("/types/pseudonymous_identity"),
                    KID,
                    &PSEUDONYMOUS_IDENTITY,
                )
                .unwrap();
                let claims = json!({"age_over_13": true, "age_over_16": true, "age_over_18": true});
                let entropy = person.entropy.borrow().clone().unwrap();
                let Ok(issued) = credential::bbs::issue(
                    &key,
                    &header,
                    claims.as_object().unwrap(),
                    expiry_for(NOW, credential::bbs::DEFAULT_EPOCH_SECONDS),
                    &commitment,
                    &entropy,
                ) else {
                    return refuse("invalid_proof");
                };
                person.issued.set(person.issued.get() + 1);
                Ok(Some(json!({"credentials": [{"credential": issued}]})))
            }
            _ => refuse("not_found"),
        }
    })
}

struct World {
    key: Rc<BbsKeyPair>,
    person: Rc<Person>,
    http: MemoryHttp,
}

impl World {
    fn new() -> Self {
        let key = Rc::new(BbsKeyPair::generate(&mut OsRng).unwrap());
        let person = Rc::new(Person::default());
        let http = MemoryHttp::new(issuer(Rc::clone(&key), Rc::clone(&person)));
        Self { key, person, http }
    }

    fn receive(&self, wallet: &mut TestWallet) -> Result<usize, issuance::IssuanceError> {
        let offer = CredentialOffer::new(ISSUER, vec![CONFIGURATION.into()], "code").unwrap();
        let next = Cell::new(0);
        block_on(issuance::receive(
            wallet,
            &self.http,
            &offer,
            || NOW,
            || {
                next.set(next.get() + 1);
                format!("nym-{}", next.get())
            },
            |_| {},
            &mut OsRng,
        ))
    }

    /// A relying party at `site` trusting the issuer's BBS key.
    fn site(&self, site: &str) -> RelyingParty {
        let jwks = json!({"keys": [self.key.public().to_jwk(KID)]});
        RelyingParty::new(RelyingPartySettings {
            issuers: vec![TrustedIssuer {
                iss: ISSUER.into(),
                jwks: Jwks::from_json(&jwks).unwrap(),
            }],
            audience: site.into(),
            clock_skew: None,
            max_presentation_age: None,
            request_lifetime: 600,
            credential_types: Vec::new(),
        })
        .unwrap()
    }
}

/// A pseudonymous request of `party` for over 18, answered by `mode` at `target`.
fn nym_request(
    party: &mut RelyingParty,
    mode: ResponseMode,
    target: &str,
    pseudonym: bool,
) -> AuthorizationRequest {
    party
        .create_request(
            RequestParams {
                format: RequestedFormat::Pseudonymous {
                    site_pseudonym: pseudonym,
                },
                claims: vec![ClaimsQuery {
                    values: Some(vec![json!(true)]),
                    ..ClaimPath::names(["age_over_18"]).into()
                }],
                vct_values: &[],
                purpose: Some("Sign-up".into()),
                response_mode: mode,
                redirect_uri: target,
            },
            &mut OsRng,
            UnixTime::from_secs(NOW),
        )
        .unwrap()
        .request
}

/// `wallet` signs in at `site` (over 18, with the site's pseudonym, by direct_post);
/// returns the pseudonym the site's server verified.
fn sign_in(world: &World, wallet: &mut TestWallet, site: &str, pseudonym: bool) -> Option<String> {
    let mut party = world.site(site);
    let response_uri = format!("{site}/accounts/response");
    let request = nym_request(
        &mut party,
        ResponseMode::DirectPost,
        &response_uri,
        pseudonym,
    );
    let consent = wallet.consider(request, NOW).unwrap();
    assert_eq!(consent.verifier.to_string(), site);
    let [part] = consent.parts.as_slice() else {
        panic!("one part")
    };
    assert_eq!(part.format, CredentialFormat::Pseudonymous);
    assert_eq!(part.site_pseudonym, pseudonym);
    let shared: Vec<String> = part.shared.iter().map(|c| c.path.to_string()).collect();
    assert_eq!(shared, ["/age_over_18"]);
    assert!(part.withheld.contains(&"age_over_16".to_owned()));
    let delivery = block_on(wallet.approve(
        &consent,
        &all_claims(&consent),
        Channel::SameDevice,
        NOW,
        format!("h-{}", wallet.history().len()),
        &mut OsRng,
    ))
    .unwrap();
    let Delivery::Post { url, body } = delivery else {
        panic!("direct_post answers by POST")
    };
    assert_eq!(url, response_uri);
    let taken = party
        .take_response(&body, UnixTime::from_secs(NOW))
        .unwrap();
    let expected = taken.expected.pseudonymous.as_ref().unwrap();
    let verified = verify_expected(&taken.expected.presentation, expected).unwrap();
    assert_eq!(verified.claims()["age_over_18"], true);
    assert!(verified.claims().get("age_over_16").is_none(), "withheld");
    verified.pseudonym().map(str::to_owned)
}

#[test]
fn a_pseudonymous_credential_is_received_with_a_commitment_and_never_used_up() {
    let world = World::new();
    let fixture = Fixture::new();
    let mut wallet = fixture.open();
    assert!(wallet.holder_secret().is_none());
    assert_eq!(world.receive(&mut wallet).unwrap(), 1);
    let batch = &wallet.batches()[0];
    assert_eq!(batch.format, CredentialFormat::Pseudonymous);
    assert_eq!(batch.claims["age_over_18"], json!(true));
    assert!(
        batch.claims.get("exp").is_none(),
        "the expiry is not a person's claim"
    );
    assert_eq!(batch.refresh_token.as_deref(), Some("rt"));
    assert!(
        fixture.keys.0.borrow().len() == 1,
        "only the DPoP key: no holder keys"
    );

    // The forum recognises the person on every visit; the shop sees another pseudonym.
    let first = sign_in(&world, &mut wallet, FORUM, true).unwrap();
    let again = sign_in(&world, &mut wallet, FORUM, true).unwrap();
    assert_eq!(first, again);
    let shop = sign_in(&world, &mut wallet, SHOP, true).unwrap();
    assert_ne!(first, shop);
    // Without the site's pseudonym, nothing carries over.
    assert_eq!(sign_in(&world, &mut wallet, FORUM, false), None);
    assert_eq!(wallet.batches()[0].unused(), 1, "never used up");
    assert_eq!(wallet.history().len(), 4);
    assert!(wallet.history()[1].pseudonym);
    assert!(!wallet.history()[0].pseudonym);

    // The secret survives a reopen (sealed in the store, not in memory only) and a
    // refresh brings the same pseudonyms.
    let mut reopened = fixture.open();
    assert!(reopened.holder_secret().is_some());
    world.receive(&mut reopened).unwrap();
    assert_eq!(sign_in(&world, &mut reopened, FORUM, true).unwrap(), first);
    assert_eq!(world.person.issued.get(), 2);
}

#[test]
fn formats_answer_only_their_own_queries() {
    let world = World::new();
    let fixture = Fixture::new();
    let mut wallet = fixture.open();
    world.receive(&mut wallet).unwrap();
    // An SD-JWT query for the same claim is not answered by the pseudonymous credential.
    assert_eq!(
        wallet.consider(shop_request(), NOW).unwrap_err(),
        Refusal::NoSuchCredential
    );
    // And an SD-JWT credential does not answer a pseudonymous query.
    let other = Fixture::new();
    let mut sd_jwt = other.open();
    other.receive(&mut sd_jwt, "age", age_claims(), 2);
    let mut party = world.site(FORUM);
    let request = nym_request(&mut party, ResponseMode::Fragment, FORUM, true);
    assert_eq!(
        sd_jwt.consider(request, NOW).unwrap_err(),
        Refusal::NoSuchCredential
    );
}

#[test]
fn the_recovery_code_is_shown_until_written_down_and_restores_the_pseudonyms() {
    let world = World::new();
    let fixture = Fixture::new();
    let mut wallet = fixture.open();
    world.receive(&mut wallet).unwrap();
    let code = wallet
        .recovery_code()
        .expect("shown after the first pseudonymous credential");
    assert_eq!(
        fixture.open().recovery_code().as_deref(),
        Some(code.as_str())
    );
    block_on(wallet.recovery_code_written()).unwrap();
    assert_eq!(wallet.recovery_code(), None);
    assert_eq!(fixture.open().recovery_code(), None, "never shown again");
    let at_forum = sign_in(&world, &mut wallet, FORUM, true).unwrap();

    // A second device: a code with a typo is refused; the right one restores.
    let device = Fixture::new();
    let mut second = device.open();
    let typo = code.replacen(|c: char| c.is_ascii_alphabetic(), "2", 1);
    let refused = block_on(second.restore_holder_secret(&typo)).unwrap_err();
    assert!(matches!(
        refused,
        WalletError::Recovery(RecoveryError::Checksum)
    ));
    assert_eq!(refused.code(), "recovery_code_typo");
    block_on(second.restore_holder_secret(&code.to_lowercase())).unwrap();
    assert_eq!(
        second.recovery_code(),
        None,
        "typed, so already written down"
    );
    world.receive(&mut second).unwrap();
    assert_eq!(sign_in(&world, &mut second, FORUM, true).unwrap(), at_forum);

    // A wallet with its own pseudonyms does not take another's secret over them.
    let stranger = World::new();
    let other = Fixture::new();
    let mut third = other.open();
    stranger.receive(&mut third).unwrap();
    let in_use = block_on(third.restore_holder_secret(&code)).unwrap_err();
    assert_eq!(in_use.code(), "pseudonyms_in_use");

    // A second holder secret at the same issuer is refused (one commitment per person).
    let mut fourth = Fixture::new().open();
    assert_eq!(
        world.receive(&mut fourth).unwrap_err().code(),
        "issuer_error"
    );
    assert!(fourth.batches().is_empty());
}

#[test]
fn the_secret_is_resealed_deleted_with_everything_and_kept_out_of_backups() {
    let world = World::new();
    let fixture = Fixture::new();
    let mut wallet = fixture.open();
    world.receive(&mut wallet).unwrap();
    let seed = *wallet.holder_secret().unwrap().seed();
    let sealed = block_on(fixture.store.all(Table::Holder)).unwrap();
    assert_eq!(sealed.len(), 1);
    let plain = String::from_utf8_lossy(&sealed[0]).into_owned();
    assert!(
        !plain.contains(&credential::base64url::encode(&seed)),
        "sealed"
    );

    let resealed = match block_on(wallet.reseal(TestCipher(9), Vec::new())) {
        Ok(wallet) => wallet,
        Err(_) => panic!("reseal failed"),
    };
    assert_eq!(resealed.holder_secret().unwrap().seed(), &seed);
    let reopened = block_on(Wallet::open(
        fixture.store.clone(),
        TestCipher(9),
        fixture.keys.clone(),
    ))
    .unwrap();
    assert_eq!(reopened.holder_secret().unwrap().seed(), &seed);

    // A backup restored elsewhere brings no pseudonymous credential (the recovery code
    // and a new offer do), and the backup's text holds no seed.
    let contents = serde_json::to_string(resealed.contents()).unwrap();
    assert!(!contents.contains(&credential::base64url::encode(&seed)));
    let mut elsewhere = Fixture::new().open();
    assert_eq!(
        block_on(elsewhere.restore(resealed.contents().clone())).unwrap(),
        0
    );

    let mut resealed = resealed;
    block_on(resealed.delete_everything()).unwrap();
    assert!(resealed.holder_secret().is_none());
    assert!(
        block_on(fixture.store.all(Table::Holder))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_cross_device_pseudonymous_answer_is_compact_qr_text_the_site_verifies() {
    let world = World::new();
    let fixture = Fixture::new();
    let mut wallet = fixture.open();
    world.receive(&mut wallet).unwrap();
    let mut party = world.site(FORUM);
    let request = nym_request(
        &mut party,
        ResponseMode::Fragment,
        &format!("{FORUM}/join"),
        true,
    );
    let consent = wallet.consider(request, NOW).unwrap();
    let delivery = block_on(wallet.approve(
        &consent,
        &all_claims(&consent),
        Channel::CrossDevice,
        NOW,
        "h-qr".into(),
        &mut OsRng,
    ))
    .unwrap();
    let Delivery::Qr(text) = delivery else {
        panic!("a cross-device answer is a QR code")
    };
    assert!(
        text.starts_with(credential::openid4vp::COMPACT_PREFIX),
        "{text}"
    );
    let version = credential::qr::version(&text).unwrap();
    assert!(version <= 20, "QR version {version}");
    let taken = party
        .take_response(&text, UnixTime::from_secs(NOW))
        .unwrap();
    let verified = verify_expected(
        &taken.expected.presentation,
        taken.expected.pseudonymous.as_ref().unwrap(),
    )
    .unwrap();
    assert_eq!(verified.claims()["age_over_18"], true);
    assert!(verified.pseudonym().is_some());
}
