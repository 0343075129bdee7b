//! Sign-up and sign-in with a pseudonymous credential: the forum's question, its answer
//! verified against that question with the core, and the account of the pseudonym.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use credential::ErrorCode;
use credential::TrustedIssuer;
use credential::bbs::verify_expected;
use credential::openid4vp::{
    AnsweredStates, AuthorizationResponse, ClaimPath, ClaimsQuery, DEFAULT_REQUEST_LIFETIME,
    RelyingParty, RelyingPartySettings, RequestParams, RequestedFormat, ResponseMode,
};
use credential::time::UnixTime;
use rand_core::{OsRng, RngCore};
use serde_json::json;

use crate::accounts::{Account, AccountStore, OpenSignUp, Outcome, StoreError};

/// Where the forum's server reads the issuers it trusts, with their current keys (the
/// demo reads the local issuer's published documents; a real forum its configuration).
pub type TrustSource =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Option<Vec<TrustedIssuer>>> + Send>> + Send + Sync>;

/// The forum's fixed settings.
pub struct ForumConfig {
    /// The forum's origin (`https://forum.example`), whose pseudonym members get.
    pub origin: String,
    /// The wallet's URL, for deep links (read on each sign-up).
    pub wallet_url: Arc<dyn Fn() -> String + Send + Sync>,
    /// The trusted issuers.
    pub trust: TrustSource,
    /// The clock (Unix seconds).
    pub clock: Arc<dyn Fn() -> i64 + Send + Sync>,
}

/// Why a sign-up failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignUpError {
    /// The trusted issuers' keys cannot be read now.
    #[error("the issuer's keys cannot be read now")]
    TrustUnavailable,
    /// The answer is not a wallet's response, or answers no open sign-up.
    #[error("this answers no open sign-up")]
    UnknownSignUp,
    /// The answer was refused: the core's code.
    #[error("the answer was refused: {0}")]
    Refused(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

credential::error_codes! {
    SignUpError {
        Self::TrustUnavailable => "trust_unavailable",
        Self::UnknownSignUp => "unknown_signup",
        Self::Refused(_) => "refused",
        Self::Store(_) => "server_error",
    }
}

/// A sign-up just opened: what the page shows.
#[derive(Debug, Clone)]
pub struct SignUp {
    /// The page's handle on it (secret: it reads the result).
    pub transaction: String,
    /// The wallet link (same device) or the text of its QR code (another device).
    pub deep_link: String,
}

/// Where a sign-up stands, for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignUpResult {
    /// No answer yet.
    Pending,
    /// Signed in (the account was just made if [`Account::is_new`]).
    SignedIn(Account),
    /// The wallet declined, or its answer was refused: the code.
    Refused(String),
}

/// What the forum asks: a member is 16 or older, and comes with the forum's pseudonym.
const AGE_CLAIM: &str = "age_over_16";
const PURPOSE: &str = "Join Riverside Forum: members are 16 or older, one account per person";
const TOKEN_BYTES: usize = 16;

/// The forum's sign-up service.
pub struct Forum {
    config: ForumConfig,
    store: Mutex<AccountStore>,
}

impl Forum {
    /// The forum over `store`.
    #[must_use]
    pub fn new(config: ForumConfig, store: AccountStore) -> Self {
        Self {
            config,
            store: Mutex::new(store),
        }
    }

    /// The database.
    pub fn store(&self) -> MutexGuard<'_, AccountStore> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Where the wallet posts its answer.
    #[must_use]
    pub fn response_uri(&self) -> String {
        format!("{}/accounts/response", self.config.origin)
    }

    async fn relying_party(&self) -> Result<RelyingParty, SignUpError> {
        let issuers = (self.config.trust)()
            .await
            .filter(|issuers| !issuers.is_empty())
            .ok_or(SignUpError::TrustUnavailable)?;
        RelyingParty::new(RelyingPartySettings {
            issuers,
            audience: self.config.origin.clone(),
            clock_skew: None,
            max_presentation_age: None,
            request_lifetime: DEFAULT_REQUEST_LIFETIME,
            credential_types: Vec::new(),
        })
        .map_err(|_| SignUpError::TrustUnavailable)
    }

    /// Opens a sign-up; `same_device` when the wallet runs in this browser (its answer
    /// then comes back with a response code the page must show).
    ///
    /// # Errors
    /// [`SignUpError`].
    pub async fn open(&self, same_device: bool) -> Result<SignUp, SignUpError> {
        let now = (self.config.clock)();
        let mut party = self.relying_party().await?;
        let created = party
            .create_request(
                RequestParams {
                    format: RequestedFormat::Pseudonymous {
                        site_pseudonym: true,
                    },
                    claims: vec![ClaimsQuery {
                        values: Some(vec![json!(true)]),
                        ..ClaimPath::names([AGE_CLAIM]).into()
                    }],
                    vct_values: &[],
                    purpose: Some(PURPOSE.to_owned()),
                    response_mode: ResponseMode::DirectPost,
                    redirect_uri: &self.response_uri(),
                },
                &mut OsRng,
                UnixTime::from_secs(now),
            )
            .map_err(|err| SignUpError::Refused(err.code().to_owned()))?;
        let transaction = token();
        self.store().open_signup(
            &OpenSignUp {
                transaction: transaction.clone(),
                saved: created.saved,
                same_device,
            },
            &created.request.state,
            now.saturating_add(i64::try_from(DEFAULT_REQUEST_LIFETIME).unwrap_or(i64::MAX)),
            now,
        )?;
        Ok(SignUp {
            transaction,
            deep_link: created.request.deep_link(&(self.config.wallet_url)()),
        })
    }

    /// Takes a wallet's answer (the `direct_post` form): verifies it against the forum's
    /// question, signs the pseudonym in, and returns where the wallet sends the person
    /// next (the forum's page with the response code, for a same-device sign-up).
    ///
    /// # Errors
    /// [`SignUpError`]; the sign-up is then over, refused.
    pub async fn answer(&self, form: &str) -> Result<Option<String>, SignUpError> {
        let now = (self.config.clock)();
        let state = AuthorizationResponse::parse(form)
            .map(|response| response.state)
            .or_else(|_| declined_state(form).ok_or(SignUpError::UnknownSignUp))?;
        let open = self
            .store()
            .take_signup(&state)?
            .ok_or(SignUpError::UnknownSignUp)?;
        let verdict = self.verify(&open, form, now).await;
        let store = self.store();
        match verdict {
            Ok(pseudonym) => {
                let account = store.bind(&pseudonym, now)?;
                let code = open.same_device.then(token);
                store.finish(&open.transaction, Ok((&account, code.as_deref())))?;
                Ok(code.map(|code| format!("{}/#response_code={code}", self.config.origin)))
            }
            Err(refusal) => {
                let code = match &refusal {
                    SignUpError::Refused(code) => code.clone(),
                    other => other.code().to_owned(),
                };
                store.finish(&open.transaction, Err(&code))?;
                Err(refusal)
            }
        }
    }

    /// Verifies `form` against the sign-up's question; the forum's pseudonym.
    async fn verify(&self, open: &OpenSignUp, form: &str, now: i64) -> Result<String, SignUpError> {
        let refused = |code: &str| SignUpError::Refused(code.to_owned());
        let mut party = self.relying_party().await?;
        party
            .restore(&open.saved, &AnsweredStates::default())
            .map_err(|err| refused(err.code()))?;
        let taken = party
            .take_response(form, UnixTime::from_secs(now))
            .map_err(|err| refused(err.code()))?;
        let expected = taken
            .expected
            .pseudonymous
            .as_ref()
            .ok_or_else(|| refused("query_not_satisfied"))?;
        let verified = verify_expected(&taken.expected.presentation, expected)
            .map_err(|err| refused(err.code()))?;
        verified
            .pseudonym()
            .map(str::to_owned)
            .ok_or_else(|| refused("query_not_satisfied"))
    }

    /// Where the sign-up `transaction` stands; a finished one is told once. A same-device
    /// sign-up is told only with the response code its redirect carried.
    ///
    /// # Errors
    /// [`SignUpError::UnknownSignUp`] for no such sign-up (or a wrong response code).
    pub fn result(
        &self,
        transaction: &str,
        response_code: Option<&str>,
    ) -> Result<SignUpResult, SignUpError> {
        match self.store().outcome(transaction, response_code)? {
            None | Some(Outcome::WrongCode) => Err(SignUpError::UnknownSignUp),
            Some(Outcome::Pending) => Ok(SignUpResult::Pending),
            Some(Outcome::SignedIn(account, _)) => Ok(SignUpResult::SignedIn(account)),
            Some(Outcome::Refused(code)) => Ok(SignUpResult::Refused(code)),
        }
    }
}

/// The state of a wallet's error answer (`error=access_denied&state=…`).
fn declined_state(form: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(form.as_bytes())
        .into_owned()
        .collect();
    pairs
        .iter()
        .any(|(name, _)| name == "error")
        .then_some(())?;
    pairs
        .into_iter()
        .find(|(name, _)| name == "state")
        .map(|(_, state)| state)
}

/// 128 random bits, base64url.
fn token() -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    OsRng.fill_bytes(&mut bytes);
    credential::base64url::encode(&bytes)
}
