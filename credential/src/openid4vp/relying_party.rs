//! A relying party's side of OpenID4VP as one session object: it mints a request's nonce
//! and state, remembers the request until it is answered or expires, takes back a request
//! a page saved before navigating to the wallet (same site only, never one already
//! answered), consumes a response's state exactly once, and builds the policy the
//! presentation is verified under, status lists included. The answer is then judged
//! against the request's own question ([`judge`]).
//!
//! The in-page verifier (`verifier-wasm`) only translates between JavaScript and this
//! type, and keeps what must outlive the page (the answered states in `localStorage`), so
//! every rule here runs in native tests too.

use std::sync::Arc;

use rand_core::CryptoRngCore;

use super::{
    AnsweredStates, AuthorizationRequest, AuthorizationResponse, ClaimsQuery, CredentialQuery,
    DcqlQuery, Origin, PendingRequest, PendingRequests, REDIRECT_URI_PREFIX, RequestError,
    ResponseError, ResponseMode, dc_api_audience, dc_api_request,
};
use crate::crypto::SignatureVerifier;
use crate::error::VerifyError;
use crate::format::VerifiedClaims;
use crate::policy::{TrustedIssuer, VerifyPolicy};
use crate::status_list::{StatusLists, verify_status_list};
use crate::time::UnixTime;

/// Default lifetime of a created request, seconds.
pub const DEFAULT_REQUEST_LIFETIME: u64 = 600;
/// The credential query id of the requests a relying party makes.
pub const QUERY_ID: &str = "cachet";
/// Why an SD-JWT VC request without types is refused.
const NO_CREDENTIAL_TYPE: &str = "no vct_values";
/// Bytes of randomness in a nonce or state (128 bits).
const TOKEN_BYTES: usize = 16;

/// Why a relying party could not be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// No trusted issuer was given: nothing could ever verify.
    #[error("trustedIssuers must name at least one issuer")]
    NoTrustedIssuer,
}

/// Which kind of credential a request asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RequestedFormat {
    /// An SD-JWT VC.
    #[default]
    SdJwtVc,
    /// A pseudonymous credential: an unlinkable proof, with the site's pseudonym when
    /// `site_pseudonym` (the same person is recognised here on every visit, nowhere else).
    Pseudonymous {
        /// Whether the answer carries the site's pseudonym.
        site_pseudonym: bool,
    },
}

/// What a site asks for in a request.
#[derive(Debug, Clone)]
pub struct RequestParams<'a> {
    /// The kind of credential.
    pub format: RequestedFormat,
    /// The claims asked for.
    pub claims: Vec<ClaimsQuery>,
    /// Acceptable credential types (`vct`); empty: the relying party's
    /// [`RelyingPartySettings::credential_types`].
    pub vct_values: &'a [String],
    /// Why the site asks, shown to the person.
    pub purpose: Option<String>,
    /// How the answer comes back.
    pub response_mode: ResponseMode,
    /// Where the answer goes (the page's URL, or the site's endpoint).
    pub redirect_uri: &'a str,
}

/// A request just made: the request to show, and the text a page keeps while the person
/// is away at the wallet ([`RelyingParty::restore`] takes it back).
#[derive(Debug, Clone)]
pub struct CreatedRequest {
    /// The authorization request.
    pub request: AuthorizationRequest,
    /// The saved form of the pending request.
    pub saved: String,
}

/// A request over the Digital Credentials API ([`RelyingParty::dc_api_request`]).
#[derive(Debug, Clone)]
pub struct DcApiRequest {
    /// The request's `data` (protocol [`super::DC_API_PROTOCOL`]).
    pub data: serde_json::Value,
    /// Its nonce, which the presentation must carry.
    pub nonce: String,
    /// The question the answer must satisfy.
    pub query: CredentialQuery,
}

impl DcApiRequest {
    /// The audience the presentation must be bound to, for a page of `origin`.
    #[must_use]
    pub fn audience(&self, origin: &Origin) -> String {
        dc_api_audience(origin)
    }
}

/// A presentation to verify, with the policy and the question it must answer.
#[derive(Debug, Clone)]
pub struct Expected {
    /// The presentation.
    pub presentation: String,
    /// The policy to verify it under (audience, nonce, clock, trusted issuers, status).
    pub policy: VerifyPolicy,
    /// The question it answers, if it answers one of this relying party's requests.
    pub query: Option<CredentialQuery>,
    /// For a pseudonymous presentation, what it is verified under instead of `policy`
    /// (by `credential::bbs`, which only the modules that verify them carry).
    pub pseudonymous: Option<NymExpectation>,
}

impl Expected {
    /// Asks a pseudonymous presentation outside a request for the site's pseudonym (the
    /// origin of the audience it is bound to).
    #[must_use]
    pub fn with_site_pseudonym(mut self) -> Self {
        if let Some(nym) = &mut self.pseudonymous {
            nym.site = pseudonym_site(&nym.audience);
        }
        self
    }
}

/// A response whose state was taken: what to verify, and the state, which the caller
/// remembers as answered (beyond this session, e.g. across page loads) until it expires.
#[derive(Debug, Clone)]
pub struct TakenResponse {
    /// What to verify.
    pub expected: Expected,
    /// The response's state.
    pub state: String,
    /// When the request it answered expires (Unix seconds).
    pub expires_at: i64,
}

/// Why a presentation was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// The presentation failed verification.
    #[error(transparent)]
    Invalid(#[from] VerifyError),
    /// It verified, but does not answer the question asked.
    #[error(transparent)]
    Unanswered(#[from] ResponseError),
}

crate::error_codes! {
    Rejection {}
    delegate {
        Invalid => VerifyError,
        Unanswered => ResponseError,
    }
}

/// The verdict on `outcome`, the result of verifying an [`Expected`] presentation under
/// its policy (with whichever signature provider), for its `query`: a verified
/// presentation that does not satisfy the question is refused, so a signature alone never
/// stands for an answer.
///
/// # Errors
/// [`Rejection`] saying why.
pub fn judge<V: VerifiedClaims>(
    query: Option<&CredentialQuery>,
    outcome: Result<V, VerifyError>,
) -> Result<V, Rejection> {
    let verified = outcome?;
    if let Some(query) = query {
        query.check_answer(verified.claims())?;
    }
    Ok(verified)
}

/// What a relying party expects of presentations (its trusted issuers, audience, clock
/// tolerance and status lists), cheap to clone into a task that outlives a borrow of
/// the [`RelyingParty`], e.g. one waiting for the browser to answer.
#[derive(Debug, Clone)]
pub struct Expectations {
    settings: Arc<RelyingPartySettings>,
    status_lists: StatusLists,
}

impl Expectations {
    /// What to verify for a presentation bound to `audience` and `nonce` outside a
    /// request of a session (the site issued the nonce itself, or the browser's Digital
    /// Credentials API carried the request), optionally against `query`.
    #[must_use]
    pub fn expect(
        &self,
        presentation: String,
        audience: &str,
        nonce: &str,
        now: UnixTime,
        query: Option<CredentialQuery>,
    ) -> Expected {
        let pseudonymous = query.as_ref().map_or_else(
            || pseudonymous::looks_pseudonymous(&presentation),
            pseudonymous::is_pseudonymous,
        );
        Expected {
            pseudonymous: pseudonymous
                .then(|| self.nym_expectation(audience, nonce, now, query.as_ref())),
            presentation,
            policy: self.policy(audience, nonce, now),
            query,
        }
    }

    fn nym_expectation(
        &self,
        audience: &str,
        nonce: &str,
        now: UnixTime,
        query: Option<&CredentialQuery>,
    ) -> NymExpectation {
        let issuers = self
            .settings
            .issuers
            .iter()
            .filter(|issuer| !issuer.jwks.pseudonymous_keys().is_empty())
            .map(|issuer| NymTrust {
                iss: issuer.iss.clone(),
                keys: issuer.jwks.pseudonymous_keys().to_vec(),
            })
            .collect();
        // Inside a request, the question says whether the site's pseudonym is wanted;
        // outside one, the caller says ([`Expected::with_site_pseudonym`]).
        let site = query
            .filter(|query| query.asks_pseudonym())
            .and_then(|_| pseudonym_site(audience));
        NymExpectation {
            issuers,
            audience: audience.to_owned(),
            nonce: nonce.to_owned(),
            now: now.as_secs(),
            clock_skew: self
                .settings
                .clock_skew
                .unwrap_or(crate::policy::DEFAULT_CLOCK_SKEW_SECONDS),
            site,
            query: query.cloned(),
        }
    }

    fn policy(&self, audience: &str, nonce: &str, now: UnixTime) -> VerifyPolicy {
        let settings = &self.settings;
        let mut policy =
            VerifyPolicy::new(settings.issuers.clone(), now.as_secs(), audience, nonce);
        if let Some(skew) = settings.clock_skew {
            policy = policy.clock_skew(skew);
        }
        if let Some(max_age) = settings.max_presentation_age {
            policy = policy.max_key_binding_age(max_age);
        }
        policy.status_lists(self.status_lists.clone())
    }
}

/// A relying party's fixed settings.
#[derive(Debug, Clone)]
pub struct RelyingPartySettings {
    /// The issuers whose credentials it accepts (at least one).
    pub issuers: Vec<TrustedIssuer>,
    /// Its identifier, which presentations outside its own requests are bound to.
    pub audience: String,
    /// Tolerated clock difference, seconds (`None`: the core's default).
    pub clock_skew: Option<u64>,
    /// Oldest Key Binding JWT accepted, seconds (`None`: the core's default).
    pub max_presentation_age: Option<u64>,
    /// How long a request stays open, seconds ([`DEFAULT_REQUEST_LIFETIME`] is usual).
    pub request_lifetime: u64,
    /// The credential types (`vct`) its requests accept when a request names none. An
    /// SD-JWT VC query must name at least one (OpenID4VP 1.0 §B.3.5 makes `vct_values`
    /// required), so a site sets these once or names the types in every request.
    pub credential_types: Vec<String>,
}

/// One relying party: its trusted issuers, its audience, its open requests and the
/// status lists it holds.
#[derive(Debug)]
pub struct RelyingParty {
    settings: Arc<RelyingPartySettings>,
    pending: PendingRequests,
    status_lists: StatusLists,
}

impl RelyingParty {
    /// A relying party trusting `issuers`, identified by `audience` (its `client_id` or
    /// origin), with the clock skew and presentation age given (the core's defaults for
    /// `None`) and requests open `request_lifetime` seconds.
    ///
    /// # Errors
    /// [`SetupError::NoTrustedIssuer`] for an empty list.
    pub fn new(settings: RelyingPartySettings) -> Result<Self, SetupError> {
        if settings.issuers.is_empty() {
            return Err(SetupError::NoTrustedIssuer);
        }
        Ok(Self {
            settings: Arc::new(settings),
            pending: PendingRequests::default(),
            status_lists: StatusLists::default(),
        })
    }

    /// The audience presentations must be bound to outside a request of its own.
    #[must_use]
    pub fn audience(&self) -> &str {
        &self.settings.audience
    }

    /// The trusted issuers' identifiers, which requests name (DCQL `trusted_authorities`)
    /// so that a wallet offers only credentials this relying party accepts.
    #[must_use]
    pub fn issuer_ids(&self) -> Vec<String> {
        self.settings
            .issuers
            .iter()
            .map(|issuer| issuer.iss.clone())
            .collect()
    }

    /// How many requests are open.
    #[must_use]
    pub fn open_requests(&self) -> usize {
        self.pending.len()
    }

    /// The question this relying party asks for `claims` of the types `vct_values` (its
    /// [`RelyingPartySettings::credential_types`] when empty), in `format`.
    ///
    /// # Errors
    /// [`RequestError::InvalidQuery`] for an SD-JWT VC question that names no type.
    #[inline(never)]
    pub fn query(
        &self,
        format: RequestedFormat,
        vct_values: &[String],
        claims: Vec<ClaimsQuery>,
    ) -> Result<DcqlQuery, RequestError> {
        let types = if vct_values.is_empty() {
            self.settings.credential_types.as_slice()
        } else {
            vct_values
        };
        let query = match format {
            RequestedFormat::SdJwtVc if types.is_empty() => {
                return Err(RequestError::InvalidQuery(NO_CREDENTIAL_TYPE));
            }
            RequestedFormat::SdJwtVc => DcqlQuery::sd_jwt_vc(QUERY_ID, types, claims),
            RequestedFormat::Pseudonymous { site_pseudonym } => {
                DcqlQuery::pseudonymous(QUERY_ID, types, claims, site_pseudonym)
            }
        };
        Ok(query.trusting(&self.issuer_ids()))
    }

    /// Makes a single-use request with a fresh nonce and state (128 random bits each),
    /// open for the request lifetime from `now`.
    ///
    /// # Errors
    /// [`RequestError`] for a response target or query the request cannot carry.
    pub fn create_request(
        &mut self,
        params: RequestParams<'_>,
        rng: &mut (impl CryptoRngCore + ?Sized),
        now: UnixTime,
    ) -> Result<CreatedRequest, RequestError> {
        if params.format != RequestedFormat::SdJwtVc
            && pseudonym_site(&self.settings.audience).is_none()
        {
            return Err(RequestError::InvalidQuery(
                "a pseudonymous request needs an audience naming the site's origin",
            ));
        }
        let query = self.query(params.format, params.vct_values, params.claims)?;
        let expected = first_query(&query)?;
        let (nonce, state) = (random_token(rng), random_token(rng));
        let request = AuthorizationRequest::new(
            params.response_mode,
            params.redirect_uri,
            &nonce,
            &state,
            query,
            params.purpose,
        )?;
        let pending = PendingRequest {
            nonce,
            client_id: request.client_id.clone(),
            query: expected,
            expires_at: now.plus(self.settings.request_lifetime).as_secs(),
        };
        let saved = pending.save(&state);
        let _ = self.pending.insert(state, pending, now.as_secs());
        Ok(CreatedRequest { request, saved })
    }

    /// Takes back a request a page of this site saved ([`CreatedRequest::saved`]) before
    /// it navigated to the wallet, so that its answer is accepted once. An expired request
    /// is kept, and refused as expired when answered.
    ///
    /// # Errors
    /// [`ResponseError::Malformed`] for a saved text that is not one,
    /// [`ResponseError::OtherSite`] for a request of another origin than this relying
    /// party's audience, [`ResponseError::AlreadyAnswered`] for a state in `answered` or
    /// already taken by this session.
    pub fn restore(&mut self, saved: &str, answered: &AnsweredStates) -> Result<(), ResponseError> {
        let (state, pending) = PendingRequest::restore(saved)?;
        if site_origin(&pending.client_id) != site_origin(&self.settings.audience) {
            return Err(ResponseError::OtherSite);
        }
        if answered.contains(&state) || !self.pending.insert(state, pending, i64::MIN) {
            return Err(ResponseError::AlreadyAnswered);
        }
        Ok(())
    }

    /// Reads a wallet's response (form, fragment or compact QR text) and takes the open
    /// request its state names, for good: what comes back is the presentation with the
    /// policy of that request (its nonce and client identifier) and its question.
    ///
    /// # Errors
    /// [`ResponseError`]: malformed, unknown or used state, expired request, a wallet
    /// error, no presentation for the request's query.
    pub fn take_response(
        &mut self,
        text: &str,
        now: UnixTime,
    ) -> Result<TakenResponse, ResponseError> {
        let response = AuthorizationResponse::parse(text)?;
        let pending = self.pending.take(&response.state, now.as_secs())?;
        let presentation = response.presentation(&pending.query.id)?.to_owned();
        Ok(TakenResponse {
            expected: self.expectations().expect(
                presentation,
                &pending.client_id,
                &pending.nonce,
                now,
                Some(pending.query),
            ),
            state: response.state,
            expires_at: pending.expires_at,
        })
    }

    /// A request to make through the browser's Digital Credentials API: a fresh nonce
    /// and the question. Nothing is remembered: the caller's Promise holds the nonce, so
    /// it is single use by construction.
    ///
    /// # Errors
    /// [`RequestError`] for a query a request cannot carry.
    pub fn dc_api_request(
        &self,
        vct_values: &[String],
        claims: Vec<ClaimsQuery>,
        rng: &mut (impl CryptoRngCore + ?Sized),
    ) -> Result<DcApiRequest, RequestError> {
        let query = self.query(RequestedFormat::SdJwtVc, vct_values, claims)?;
        query.validate()?;
        let expected = first_query(&query)?;
        let nonce = random_token(rng);
        Ok(DcApiRequest {
            data: dc_api_request(&nonce, &query),
            nonce,
            query: expected,
        })
    }

    /// What this relying party expects of presentations, as they stand now (the status
    /// lists held so far included).
    #[must_use]
    pub fn expectations(&self) -> Expectations {
        Expectations {
            settings: Arc::clone(&self.settings),
            status_lists: self.status_lists.clone(),
        }
    }

    /// Checks a status list token against the trusted issuers and holds it (one per
    /// issuer and URI, a newer replacing an older).
    ///
    /// # Errors
    /// The [`VerifyError`] of the last trusted issuer tried.
    pub fn use_status_list(
        &mut self,
        token: &str,
        now: UnixTime,
        provider: &dyn SignatureVerifier,
    ) -> Result<(), VerifyError> {
        let mut last_error = VerifyError::UntrustedIssuer;
        for issuer in &self.settings.issuers {
            match verify_status_list(token, issuer, now, provider) {
                Ok(list) => {
                    self.status_lists.insert(list);
                    return Ok(());
                }
                Err(err) => last_error = err,
            }
        }
        Err(last_error)
    }
}

/// The one credential query of a request made by [`RelyingParty::query`].
fn first_query(query: &DcqlQuery) -> Result<CredentialQuery, RequestError> {
    query
        .credentials
        .first()
        .cloned()
        .ok_or(RequestError::InvalidQuery(
            "the request has no credential query",
        ))
}

/// 128 random bits, base64url.
fn random_token(rng: &mut (impl CryptoRngCore + ?Sized)) -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    rng.fill_bytes(&mut bytes);
    crate::base64url::encode(&bytes)
}

/// The origin of a client identifier or audience (`redirect_uri:` prefix or not).
fn site_origin(id: &str) -> Option<Origin> {
    Origin::of(id.strip_prefix(REDIRECT_URI_PREFIX).unwrap_or(id))
}

mod pseudonymous;
pub use pseudonymous::{NymExpectation, NymTrust, pseudonym_site};

#[cfg(test)]
mod tests;
