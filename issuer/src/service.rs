//! The issuer's behaviour, independent of HTTP: enrollment, the token, nonce and
//! credential steps of the pre-authorized code flow, status list publication and
//! metadata. Every method is synchronous (SQLite and signing are blocking work); the
//! HTTP layer calls them from blocking threads.

use credential::openid4vci::OAuthError;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use credential::age::CivilDate;
use credential::crypto::RingP256;
use credential::openid4vci::{CredentialOffer, DpopPolicy, DpopProof, KeyProof, ProofPolicy};
use credential::time::{UnixTime, Window};
use credential::{CopyParams, Disclosable, IssueParams, PrivateJwk, PublicJwk, StatusReference};
use rand_core::OsRng;
use serde_json::{Map, Value, json};

use crate::catalog::{Configuration, Period};
use crate::config::Config;
use crate::nonces::NonceStore;
use crate::person::PersonClaims;
use crate::rate_limit::RateLimiter;
use crate::refusal::Refusal;
use crate::secrets::{self, ID_BYTES, SECRET_BYTES};
use crate::store::{
    BatchRequest, GrantError, NewOffer, RefreshGrant, StatusLayout, Store, StoreError,
};

mod status;

pub use status::PublishedStatusList;

/// The current time in Unix seconds; tests pass a clock they control.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system clock.
#[must_use]
pub fn system_clock() -> Clock {
    Arc::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| {
                i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
            })
    })
}

/// A person just enrolled.
#[derive(Debug, Clone)]
pub struct Enrolled {
    /// The person's id (for `revoke`).
    pub person_id: String,
    /// The one-time offer.
    pub offer: CredentialOffer,
}

/// A successful token response.
#[derive(Debug, Clone)]
pub struct AccessToken {
    /// The bearer token.
    pub token: String,
    /// Seconds until it expires.
    pub expires_in: i64,
    /// The refresh token (only for a request with a DPoP proof, and bound to its key),
    /// traded once for a new access token and a new refresh token.
    pub refresh_token: Option<String>,
}

/// The OAuth refresh token grant type.
pub const REFRESH_GRANT: &str = "refresh_token";

/// One running issuer.
pub struct Issuer {
    config: Config,
    store: Mutex<Store>,
    clock: Clock,
    nonces: NonceStore,
    dpop_ids: NonceStore,
    token_limiter: RateLimiter,
    nonce_limiter: RateLimiter,
    signing_key: Mutex<Option<PrivateJwk>>,
    published: Mutex<HashMap<i64, PublishedStatusList>>,
}

impl std::fmt::Debug for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issuer")
            .field("public_url", &self.config.public_url)
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Issuer {
    /// An issuer over `store`: creates the first signing key and records the public URL
    /// (so that `enroll` can build offers).
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn new(config: Config, store: Store, clock: Clock) -> Result<Self, StoreError> {
        let now = clock();
        let key = store.ensure_key(now, &mut OsRng)?;
        store.set_meta(PUBLIC_URL, &config.public_url)?;
        Ok(Self {
            token_limiter: RateLimiter::new(config.token_rate),
            nonce_limiter: RateLimiter::new(config.nonce_rate),
            config,
            store: Mutex::new(store),
            clock,
            nonces: NonceStore::default(),
            dpop_ids: NonceStore::default(),
            signing_key: Mutex::new(Some(key)),
            published: Mutex::new(HashMap::new()),
        })
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The current time.
    #[must_use]
    pub fn now(&self) -> i64 {
        (self.clock)()
    }

    /// Enrolls a person and returns their first offer (both credential types).
    ///
    /// # Errors
    /// [`Refusal`] on a database failure.
    pub fn enroll(&self, claims: &PersonClaims) -> Result<Enrolled, Refusal> {
        enroll(
            &lock(&self.store),
            &self.config.public_url,
            claims,
            self.now(),
            self.config.offer_lifetime,
        )
    }

    /// The token endpoint: exchanges a pre-authorized code or a refresh token (form fields
    /// already parsed). `dpop` is the request's `DPoP` header: with a valid proof, a
    /// redemption also yields a refresh token bound to that key; a refresh needs a proof by
    /// the key its token is bound to.
    ///
    /// # Errors
    /// `unsupported_grant_type`, `invalid_request`, `invalid_grant`, `invalid_dpop_proof`.
    pub fn token(
        &self,
        form: &[(String, String)],
        dpop: Option<&str>,
    ) -> Result<AccessToken, Refusal> {
        let field = |name: &str| -> Result<Option<&str>, Refusal> {
            let mut values = form.iter().filter(|(key, _)| key == name);
            let first = values.next().map(|(_, value)| value.as_str());
            if values.next().is_some() {
                return Err(Refusal::new(
                    OAuthError::InvalidRequest,
                    format!("{name} is repeated"),
                ));
            }
            Ok(first)
        };
        let grant = field("grant_type")?;
        if field("tx_code")?.is_some() {
            return Err(Refusal::new(
                OAuthError::InvalidRequest,
                "this issuer sets no tx_code",
            ));
        }
        let now = self.now();
        let proven = dpop.map(|proof| self.verify_dpop(proof, now)).transpose()?;
        let token = secrets::random_token(&mut OsRng, SECRET_BYTES);
        let expires_at = now.saturating_add(self.config.token_lifetime);
        let refresh_token = secrets::random_token(&mut OsRng, SECRET_BYTES);
        let refresh_hash = secrets::hash(&refresh_token);
        let secret = |name: &'static str| {
            field(name)?
                .filter(|value| !value.is_empty() && value.len() <= 512)
                .ok_or_else(|| {
                    Refusal::new(OAuthError::InvalidRequest, format!("{name} is missing"))
                })
        };
        let granted = match grant {
            Some(credential::openid4vci::PRE_AUTHORIZED_GRANT) => {
                let code = secret("pre-authorized_code")?;
                lock(&self.store).redeem_offer(
                    &secrets::hash(code),
                    &secrets::hash(&token),
                    expires_at,
                    now,
                    proven.as_ref().map(|proof| RefreshGrant {
                        hash: &refresh_hash,
                        expires_at: now.saturating_add(self.config.refresh_lifetime),
                        jkt: &proof.jkt,
                    }),
                )
            }
            Some(REFRESH_GRANT) => {
                let presented = secret("refresh_token")?;
                let proof = proven.as_ref().ok_or_else(|| {
                    Refusal::new(
                        OAuthError::InvalidDpopProof,
                        "a refresh needs a DPoP proof by the key the token is bound to",
                    )
                })?;
                lock(&self.store).refresh(
                    &secrets::hash(presented),
                    &secrets::hash(&token),
                    expires_at,
                    &refresh_hash,
                    &proof.jkt,
                    now,
                )
            }
            Some(_) => {
                return Err(Refusal::new(
                    OAuthError::UnsupportedGrantType,
                    "only the pre-authorized code and refresh token grants are supported",
                ));
            }
            None => {
                return Err(Refusal::new(
                    OAuthError::InvalidRequest,
                    "grant_type is missing",
                ));
            }
        };
        match granted {
            Ok(_) => Ok(AccessToken {
                token,
                expires_in: self.config.token_lifetime,
                refresh_token: proven.map(|_| refresh_token),
            }),
            Err(
                GrantError::InvalidGrant
                | GrantError::Revoked
                | GrantError::ReusedRefreshToken
                | GrantError::WrongKey,
            ) => Err(Refusal::new(
                OAuthError::InvalidGrant,
                "the code or refresh token is unknown, expired, already used or bound to another key",
            )),
            Err(other) => Err(Refusal::internal(&other)),
        }
    }

    /// Verifies a DPoP proof for this token endpoint, and that its `jti` is new.
    fn verify_dpop(&self, proof: &str, now: i64) -> Result<DpopProof, Refusal> {
        let refuse = |description: String| Refusal::new(OAuthError::InvalidDpopProof, description);
        let url = self.config.url("/token");
        let verified = credential::openid4vci::verify_dpop(
            proof,
            &DpopPolicy {
                method: "POST",
                url: &url,
                window: Window::new(UnixTime::from_secs(now), self.config.clock_skew),
                max_age: self.config.proof_max_age,
            },
            &RingP256,
        )
        .map_err(|error| refuse(error.to_string()))?;
        // Remembered for as long as a proof of that age is accepted (the age is not
        // stretched by the skew: `credential::time::Window::check_issued_at`).
        let until = verified
            .issued_at
            .saturating_add_unsigned(self.config.proof_max_age);
        if !self.dpop_ids.insert_new(verified.jti.clone(), until, now) {
            return Err(refuse("this DPoP proof was already used".into()));
        }
        Ok(verified)
    }

    /// Whether `client` may call the token endpoint now.
    #[must_use]
    pub fn allow_token_request(&self, client: std::net::IpAddr) -> bool {
        self.token_limiter.allow(client)
    }

    /// Whether `client` may call the nonce endpoint now.
    #[must_use]
    pub fn allow_nonce_request(&self, client: std::net::IpAddr) -> bool {
        self.nonce_limiter.allow(client)
    }

    /// How many `c_nonce` values are outstanding (bounded by
    /// [`crate::nonces::MAX_OUTSTANDING`]).
    #[must_use]
    pub fn outstanding_nonces(&self) -> usize {
        self.nonces.len()
    }

    /// The nonce endpoint: a fresh single-use `c_nonce`.
    #[must_use]
    pub fn nonce(&self) -> String {
        let nonce = secrets::random_token(&mut OsRng, SECRET_BYTES);
        let now = self.now();
        self.nonces.insert(
            nonce.clone(),
            now.saturating_add(self.config.nonce_lifetime),
            now,
        );
        nonce
    }

    /// The credential endpoint: one SD-JWT VC per key proof.
    ///
    /// # Errors
    /// `invalid_token` (401), `invalid_credential_request`,
    /// `unknown_credential_configuration`, `invalid_proof`, `invalid_nonce`,
    /// `credential_request_denied`.
    pub fn credential(&self, access_token: &str, body: &[u8]) -> Result<Value, Refusal> {
        let request = CredentialRequest::parse(body, self.config.batch_size)?;
        let now = self.now();
        // The cheap check first: no key proof is verified for a request whose access
        // token grants nothing (it is spent, with the proofs, in one transaction below).
        lock(&self.store)
            .check_grant(
                &secrets::hash(access_token),
                request.configuration.id(),
                now,
            )
            .map_err(grant_refusal)?;
        let keys = self.verify_proofs(&request.proofs, now)?;
        let today = CivilDate::from_unix(now);
        let period = Period::containing(now);
        let exp = period.exp(self.config.validity_days);
        let issuance = lock(&self.store)
            .begin_issuance(
                &BatchRequest {
                    token_hash: &secrets::hash(access_token),
                    configuration_id: request.configuration.id(),
                    copies: keys.len(),
                },
                StatusLayout {
                    capacity: self.config.status_capacity,
                },
                now,
                &mut OsRng,
                |_| Some(exp),
            )
            .map_err(grant_refusal)?;
        let claims = issuance
            .person
            .claims
            .as_object()
            .ok_or_else(|| Refusal::internal(&"stored claims are not an object"))?;
        let birthdate = stored_birthdate(&issuance.person.claims)
            .ok_or_else(|| Refusal::internal(&"stored birthdate does not parse"))?;
        let key = self.signing_key(&issuance.kid)?;
        let claims = request.configuration.claims(claims, birthdate, today);
        let claim_count = claims.as_object().map_or(0, Map::len);
        // What every copy of this type issued this week shares: the time fields of the
        // period and the digest count of the type. Only the holder key and the status
        // entry (below), the salts and the digest order differ from copy to copy.
        let params = IssueParams {
            issuer: self.config.public_url.clone(),
            vct: Some(request.configuration.vct(&self.config.public_url)),
            claims,
            disclosable: Disclosable::Everything,
            decoys: request.configuration.decoys(claim_count),
            iat: Some(period.iat()),
            nbf: None,
            exp: Some(issuance.exp),
        };
        let mut rng = OsRng;
        let mut credentials = Vec::with_capacity(keys.len());
        for (holder, (list_id, idx)) in keys.into_iter().zip(issuance.status) {
            let copy = CopyParams {
                holder: Some(holder),
                status: Some(StatusReference {
                    idx,
                    uri: self.status_list_uri(list_id),
                }),
            };
            let issued = credential::issue(&params, &copy, &key, &mut rng)
                .map_err(|error| Refusal::internal(&error))?;
            credentials.push(json!({ "credential": issued }));
        }
        Ok(json!({ "credentials": credentials }))
    }

    fn verify_proofs(&self, proofs: &[String], now: i64) -> Result<Vec<PublicJwk>, Refusal> {
        let refuse = |error: credential::openid4vci::ProofError| {
            Refusal::new(error.oid4vci_error(), error.to_string())
        };
        let parsed = proofs
            .iter()
            .map(|proof| KeyProof::parse(proof).map_err(refuse))
            .collect::<Result<Vec<_>, _>>()?;
        let nonce = parsed
            .first()
            .and_then(KeyProof::claimed_nonce)
            .ok_or_else(|| Refusal::new(OAuthError::InvalidProof, "the key proofs carry no nonce"))?
            .to_owned();
        if !self.nonces.take(&nonce, now) {
            return Err(Refusal::new(
                OAuthError::InvalidNonce,
                "the c_nonce is unknown, used or expired; fetch a new one",
            ));
        }
        let policy = ProofPolicy {
            audience: &self.config.public_url,
            nonce: &nonce,
            window: Window::new(UnixTime::from_secs(now), self.config.clock_skew),
            max_age: self.config.proof_max_age,
        };
        let mut seen = HashSet::new();
        let mut keys = Vec::with_capacity(parsed.len());
        for proof in parsed {
            let key = proof.verify(&policy, &RingP256).map_err(refuse)?;
            if !seen.insert(*key.sec1()) {
                return Err(Refusal::new(
                    OAuthError::InvalidProof,
                    "two key proofs name the same key; every copy needs its own key",
                ));
            }
            keys.push(key);
        }
        Ok(keys)
    }

    fn signing_key(&self, kid: &str) -> Result<PrivateJwk, Refusal> {
        let mut cached = lock(&self.signing_key);
        if let Some(key) = cached.as_ref().filter(|key| key.kid() == kid) {
            return Ok(key.clone());
        }
        let key = lock(&self.store)
            .active_key()?
            .filter(|key| key.kid() == kid)
            .ok_or_else(|| Refusal::internal(&"the signing key changed during issuance"))?;
        *cached = Some(key.clone());
        Ok(key)
    }

    /// The URI of status list `id`.
    #[must_use]
    pub fn status_list_uri(&self, id: i64) -> String {
        self.config.url(&format!("/status/{id}"))
    }

    /// `/.well-known/openid-credential-issuer`.
    #[must_use]
    pub fn issuer_metadata(&self) -> Value {
        let issuer = &self.config.public_url;
        let configurations: serde_json::Map<String, Value> = Configuration::ALL
            .iter()
            .map(|configuration| {
                (
                    configuration.id().to_owned(),
                    configuration.issuer_metadata(issuer),
                )
            })
            .collect();
        json!({
            "credential_issuer": issuer,
            "credential_endpoint": self.config.url("/credential"),
            "nonce_endpoint": self.config.url("/nonce"),
            "batch_credential_issuance": { "batch_size": self.config.batch_size },
            "display": [
                {"locale": "en", "name": "Cachet demo issuer"},
                {"locale": "zh-Hans", "name": "Cachet 演示签发方"}
            ],
            "credential_configurations_supported": configurations,
        })
    }

    /// `/.well-known/oauth-authorization-server` (RFC 8414): the token endpoint.
    #[must_use]
    pub fn authorization_server_metadata(&self) -> Value {
        json!({
            "issuer": self.config.public_url,
            "token_endpoint": self.config.url("/token"),
            "grant_types_supported": [credential::openid4vci::PRE_AUTHORIZED_GRANT, REFRESH_GRANT],
            "pre-authorized_grant_anonymous_access_supported": true,
            "dpop_signing_alg_values_supported": ["ES256"],
        })
    }

    /// `/.well-known/jwt-vc-issuer` (SD-JWT VC §5): the issuer and its published keys.
    ///
    /// # Errors
    /// [`Refusal`] on a database failure.
    pub fn jwt_vc_issuer_metadata(&self) -> Result<Value, Refusal> {
        let keys = lock(&self.store).published_keys(self.now())?;
        Ok(json!({
            "issuer": self.config.public_url,
            "jwks": credential::Jwks::new(keys).to_json(),
        }))
    }

    /// Type metadata for `/types/{name}`.
    #[must_use]
    pub fn type_metadata(&self, name: &str) -> Option<Value> {
        Configuration::ALL
            .into_iter()
            .find(|configuration| configuration.type_name() == name)
            .map(|configuration| configuration.type_metadata(&self.config.public_url))
    }
}

const PUBLIC_URL: &str = "public_url";

/// The credential endpoint's answer to a grant that does not allow the request.
fn grant_refusal(error: GrantError) -> Refusal {
    match error {
        GrantError::InvalidToken => Refusal::new(
            OAuthError::InvalidToken,
            "the access token is unknown or expired",
        ),
        GrantError::NotGranted => Refusal::new(
            OAuthError::CredentialRequestDenied,
            "this access token does not (or no longer) grant that credential",
        ),
        GrantError::Revoked => Refusal::new(
            OAuthError::CredentialRequestDenied,
            "the credentials of this person were revoked",
        ),
        other => Refusal::internal(&other),
    }
}

fn stored_birthdate(claims: &Value) -> Option<CivilDate> {
    claims
        .get("birthdate")
        .and_then(Value::as_str)
        .and_then(|text| CivilDate::parse(text).ok())
}

/// Records a person with a fresh offer for every credential configuration.
///
/// # Errors
/// [`Refusal`] on a database failure.
pub fn enroll(
    store: &Store,
    public_url: &str,
    claims: &PersonClaims,
    now: i64,
    offer_lifetime: i64,
) -> Result<Enrolled, Refusal> {
    // Prefixed so that it never starts with '-' and reads as a flag on the command line
    // (`cachet-issuer revoke --person <id>`).
    let person_id = format!("p_{}", secrets::random_token(&mut OsRng, ID_BYTES));
    let code = secrets::random_token(&mut OsRng, SECRET_BYTES);
    let ids: Vec<&str> = Configuration::ALL.iter().map(|c| c.id()).collect();
    let offer = CredentialOffer::new(
        public_url,
        ids.iter().map(|id| (*id).to_owned()).collect(),
        &code,
    )
    .map_err(|error| Refusal::internal(&error))?;
    store.enroll(
        &person_id,
        &claims.to_json(),
        &NewOffer {
            code_hash: &secrets::hash(&code),
            configuration_ids: &ids,
            expires_at: now.saturating_add(offer_lifetime),
        },
        now,
    )?;
    Ok(Enrolled { person_id, offer })
}

/// The public URL the last `serve` recorded, for commands that build offers.
///
/// # Errors
/// [`StoreError`].
pub fn recorded_public_url(store: &Store) -> Result<Option<String>, StoreError> {
    store.meta(PUBLIC_URL)
}

/// A parsed credential request.
struct CredentialRequest {
    configuration: Configuration,
    proofs: Vec<String>,
}

impl CredentialRequest {
    fn parse(body: &[u8], batch_size: usize) -> Result<Self, Refusal> {
        let malformed =
            |description: &str| Refusal::new(OAuthError::InvalidCredentialRequest, description);
        let Some(Value::Object(object)) = credential::strict_json::parse(body) else {
            return Err(malformed("the body must be one JSON object"));
        };
        if object.contains_key("credential_identifier") {
            return Err(malformed(
                "credential_identifier is not supported; use credential_configuration_id",
            ));
        }
        if object.contains_key("proof") {
            return Err(malformed("use proofs (OpenID4VCI 1.0), not proof"));
        }
        let id = object
            .get("credential_configuration_id")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed("credential_configuration_id is missing"))?;
        let configuration = Configuration::from_id(id).ok_or_else(|| {
            Refusal::new(
                OAuthError::UnknownCredentialConfiguration,
                "no such credential configuration",
            )
        })?;
        let proofs = object
            .get("proofs")
            .and_then(Value::as_object)
            .ok_or_else(|| Refusal::new(OAuthError::InvalidProof, "proofs is missing"))?;
        if proofs.len() != 1 {
            return Err(Refusal::new(
                OAuthError::InvalidProof,
                "proofs must hold exactly the jwt proof type",
            ));
        }
        let jwts = proofs.get("jwt").and_then(Value::as_array).ok_or_else(|| {
            Refusal::new(
                OAuthError::InvalidProof,
                "only the jwt proof type is supported",
            )
        })?;
        if jwts.is_empty() {
            return Err(Refusal::new(
                OAuthError::InvalidProof,
                "proofs.jwt is empty",
            ));
        }
        if jwts.len() > batch_size {
            return Err(malformed(&format!(
                "at most {batch_size} proofs per request (batch_size)"
            )));
        }
        let proofs = jwts
            .iter()
            .map(|jwt| jwt.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                Refusal::new(OAuthError::InvalidProof, "every proof must be a string")
            })?;
        Ok(Self {
            configuration,
            proofs,
        })
    }
}
