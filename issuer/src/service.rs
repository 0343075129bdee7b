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
use credential::{CopyParams, Disclosable, IssueParams, PublicJwk, StatusReference};
use rand_core::OsRng;
use serde_json::{Map, Value, json};

use crate::catalog::{Configuration, Period};
use crate::config::Config;
use crate::person::PersonClaims;
use crate::rate_limit::RateLimiter;
use crate::refusal::Refusal;
use crate::secrets::{self, ID_BYTES, SECRET_BYTES};
use crate::signing::{IssuerKey, KeyError, KeyHolder};
use crate::store::{
    BatchRequest, GrantError, NewOffer, RefreshGrant, StatusLayout, Store, StoreError,
};

mod issuance;
mod metadata;
mod nonce;
mod pseudonymous;
mod publish;
mod status;
mod token;

pub use publish::{Publication, PublishError, publish_every_period};
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
    store: Store,
    clock: Clock,
    token_limiter: RateLimiter,
    nonce_limiter: RateLimiter,
    keys: KeyHolder,
    signing_key: Mutex<Option<IssuerKey>>,
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
    /// An issuer over `store`: creates the first signing keys (ES256 and BBS, so both
    /// are published before anyone is issued a credential: wallets and relying parties
    /// read the keys first) and records the public URL (so that `enroll` can build
    /// offers).
    ///
    /// # Errors
    /// [`KeyError`].
    pub fn new(config: Config, store: Store, clock: Clock) -> Result<Self, KeyError> {
        Self::with_keys(config, store, clock, KeyHolder::Database)
    }

    /// [`Issuer::new`] with its ES256 keys held by `keys` (a PKCS#11 token).
    ///
    /// # Errors
    /// [`KeyError`], also when the active key is held elsewhere.
    pub fn with_keys(
        config: Config,
        store: Store,
        clock: Clock,
        keys: KeyHolder,
    ) -> Result<Self, KeyError> {
        let now = clock();
        let key = keys.ensure(&store, now, &mut OsRng)?;
        store.ensure_bbs_key(now, &mut OsRng)?;
        store.set_meta(PUBLIC_URL, &config.public_url)?;
        store.set_meta(STATUS_BASE_URL, &config.status_base_url)?;
        store.set_meta(STATUS_PERIOD, &config.status_period.to_string())?;
        Ok(Self {
            token_limiter: RateLimiter::new(config.token_rate),
            nonce_limiter: RateLimiter::new(config.nonce_rate),
            config,
            store,
            clock,
            signing_key: Mutex::new(Some(key)),
            keys,
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
        self.enroll_for(claims, &Configuration::OFFERED)
    }

    /// Enrolls a person with an offer for `configurations`.
    ///
    /// # Errors
    /// [`Refusal`] on a database failure.
    pub fn enroll_for(
        &self,
        claims: &PersonClaims,
        configurations: &[Configuration],
    ) -> Result<Enrolled, Refusal> {
        enroll_for(
            &self.store,
            &self.config.public_url,
            claims,
            self.now(),
            self.config.offer_lifetime,
            configurations,
        )
    }

    /// A new offer for a person already enrolled (their new or restored device), for
    /// `configurations`. `None` for an unknown or revoked person.
    ///
    /// # Errors
    /// [`Refusal`] on a database failure.
    pub fn offer_again(
        &self,
        person_id: &str,
        configurations: &[Configuration],
    ) -> Result<Option<Enrolled>, Refusal> {
        let store = &self.store;
        match store.person(person_id)? {
            Some(person) if person.revoked_at.is_none() => {}
            _ => return Ok(None),
        }
        let (offer, code) = new_offer(&self.config.public_url, configurations)?;
        let ids: Vec<&str> = configurations.iter().map(|c| c.id()).collect();
        store.add_offer(
            person_id,
            &NewOffer {
                code_hash: &secrets::hash(&code),
                configuration_ids: &ids,
                expires_at: self.now().saturating_add(self.config.offer_lifetime),
            },
        )?;
        Ok(Some(Enrolled {
            person_id: person_id.to_owned(),
            offer,
        }))
    }
}

/// A fresh one-time offer of `configurations` and its pre-authorized code.
fn new_offer(
    public_url: &str,
    configurations: &[Configuration],
) -> Result<(CredentialOffer, String), Refusal> {
    let code = secrets::random_token(&mut OsRng, SECRET_BYTES);
    let ids = configurations.iter().map(|c| c.id().to_owned()).collect();
    let offer =
        CredentialOffer::new(public_url, ids, &code).map_err(|error| Refusal::internal(&error))?;
    Ok((offer, code))
}

const PUBLIC_URL: &str = "public_url";
const STATUS_BASE_URL: &str = "status_base_url";
const STATUS_PERIOD: &str = "status_period";

/// Records a person with a fresh offer for the configurations offered by default
/// ([`Configuration::OFFERED`]).
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
    enroll_for(
        store,
        public_url,
        claims,
        now,
        offer_lifetime,
        &Configuration::OFFERED,
    )
}

/// Records a person with a fresh offer for `configurations`.
///
/// # Errors
/// [`Refusal`] on a database failure.
pub fn enroll_for(
    store: &Store,
    public_url: &str,
    claims: &PersonClaims,
    now: i64,
    offer_lifetime: i64,
    configurations: &[Configuration],
) -> Result<Enrolled, Refusal> {
    // Prefixed so that it never starts with '-' and reads as a flag on the command line
    // (`cachet-issuer revoke --person <id>`).
    let person_id = format!("p_{}", secrets::random_token(&mut OsRng, ID_BYTES));
    let (offer, code) = new_offer(public_url, configurations)?;
    let ids: Vec<&str> = configurations.iter().map(|c| c.id()).collect();
    store.enroll(
        &person_id,
        &claims.to_json(),
        &NewOffer {
            code_hash: &secrets::hash(&code),
            configuration_ids: &ids,
            expires_at: now.saturating_add(offer_lifetime),
        },
        now,
        &mut OsRng,
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

/// The configuration the last `serve` ran with, as far as what it publishes depends on it
/// (public URL, status base URL, status period), for commands that publish beside it:
/// `publish-status` then writes the very tokens the servers serve.
///
/// # Errors
/// [`StoreError`]; [`StoreError::Corrupt`] for a recorded period that is not a number.
pub fn recorded_config(store: &Store) -> Result<Option<Config>, StoreError> {
    let Some(public_url) = store.meta(PUBLIC_URL)? else {
        return Ok(None);
    };
    let mut config = Config::new(&public_url);
    if let Some(base) = store.meta(STATUS_BASE_URL)? {
        config.status_base_url = base;
    }
    if let Some(period) = store.meta(STATUS_PERIOD)? {
        config.status_period = period
            .parse()
            .map_err(|_| StoreError::Corrupt("status period"))?;
    }
    Ok(Some(config))
}
