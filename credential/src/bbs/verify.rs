//! Verifying a pseudonymous presentation: the only way to a [`VerifiedNym`].
//!
//! In order: the size limit; the form (four parts, both headers, one payload slot per
//! claim, two proof components); a trusted issuer for `iss` and `kid`; the transaction
//! (audience and nonce are this verifier's, the pseudonym is the kind it asked for); the
//! expiry slot disclosed; the exact lengths, points and scalars of the proof and the
//! pseudonym ([`super::wire`]); then the proof itself, with the context this verifier
//! computes from its own origin when it asked for its pseudonym (never a context from the
//! presentation), or else the one-time context the presentation names; last the epoch, and the disclosed claims read as JSON.

use serde_json::{Map, Value};
use zkryptium::bbsplus::pseudonym::BBSplusPseudonym;
use zkryptium::schemes::generics::PoKSignature;

use super::context::Context;
use super::error::BbsError;
use super::held::{claims_of, hidden_messages, slot_values};
use super::issue::NYM_COUNT;
use super::jwp::Presented;
use super::keys::BbsPublicKey;
use super::suite::Scheme;
use super::wire;
use crate::base64url;
use crate::policy::DEFAULT_CLOCK_SKEW_SECONDS;
use crate::time::UnixTime;

/// An issuer this verifier trusts for pseudonymous credentials: its identifier and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NymIssuer {
    /// The issuer identifier (`iss`).
    pub iss: String,
    /// The key's id (`kid`) in the issuer's JWKS.
    pub kid: String,
    /// The key.
    pub key: BbsPublicKey,
}

/// What a verifier accepts: trusted issuers, its own transaction, the clock, and whether
/// it asked for its pseudonym.
#[derive(Debug, Clone)]
pub struct NymPolicy {
    issuers: Vec<NymIssuer>,
    audience: String,
    nonce: String,
    site: Option<String>,
    now: UnixTime,
    clock_skew: u64,
}

impl NymPolicy {
    /// A policy for presentations to `audience` answering `nonce`, at `now`, without a
    /// site pseudonym.
    #[must_use]
    pub fn new(
        issuers: Vec<NymIssuer>,
        now: UnixTime,
        audience: impl Into<String>,
        nonce: impl Into<String>,
    ) -> Self {
        Self {
            issuers,
            audience: audience.into(),
            nonce: nonce.into(),
            site: None,
            now,
            clock_skew: DEFAULT_CLOCK_SKEW_SECONDS,
        }
    }

    /// Asks for the pseudonym of the site at `origin` (this verifier's own origin).
    #[must_use]
    pub fn with_pseudonym_for(mut self, origin: impl Into<String>) -> Self {
        self.site = Some(origin.into());
        self
    }

    /// Tolerates clocks `seconds` apart.
    #[must_use]
    pub fn with_clock_skew(mut self, seconds: u64) -> Self {
        self.clock_skew = seconds;
        self
    }
}

/// A pseudonymous presentation that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedNym {
    issuer: String,
    vct: String,
    claims: Map<String, Value>,
    expires_at: i64,
    pseudonym: Option<String>,
}

impl VerifiedNym {
    /// `iss`, `vct`, `exp` and the disclosed claims.
    #[must_use]
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The trusted issuer.
    #[must_use]
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The credential type.
    #[must_use]
    pub fn vct(&self) -> &str {
        &self.vct
    }

    /// The end of the credential's epoch (Unix seconds).
    #[must_use]
    pub fn expires_at(&self) -> i64 {
        self.expires_at
    }

    /// The site's pseudonym for this person (base64url of the point), when the policy
    /// asked for one: the same at this site on every visit, unrelated at any other.
    #[must_use]
    pub fn pseudonym(&self) -> Option<&str> {
        self.pseudonym.as_deref()
    }
}

/// Verifies a presented pseudonymous credential under `policy`.
///
/// # Errors
/// The [`BbsError`] of the first check that fails, in the order of the module docs.
pub fn verify_nym(text: &str, policy: &NymPolicy) -> Result<VerifiedNym, BbsError> {
    let presented = Presented::parse(text.trim())?;
    let header = &presented.header;
    let issuer = policy
        .issuers
        .iter()
        .find(|issuer| issuer.iss == header.iss() && issuer.kid == header.kid())
        .ok_or(BbsError::UntrustedIssuer)?;
    let transaction = &presented.presentation;
    if transaction.aud() != policy.audience {
        return Err(BbsError::AudienceMismatch);
    }
    if transaction.nonce() != policy.nonce {
        return Err(BbsError::NonceMismatch);
    }
    let context = match (policy.site.as_deref(), transaction.one_time_context()) {
        (Some(origin), None) => Context::Site(origin),
        (None, Some(value)) => Context::OneTime(value),
        (Some(_), Some(_)) => return Err(BbsError::PseudonymMissing),
        (None, None) => return Err(BbsError::PseudonymUnrequested),
    };
    if !matches!(presented.payloads.first(), Some(Some(_))) {
        return Err(BbsError::ExpiryHidden);
    }
    let disclosed: Vec<usize> = presented
        .payloads
        .iter()
        .enumerate()
        .filter_map(|(slot, payload)| payload.as_ref().map(|_| slot))
        .collect();
    let messages: Vec<Vec<u8>> = presented.payloads.iter().flatten().cloned().collect();
    let slots = presented.payloads.len();
    wire::proof(&presented.proof, hidden_messages(slots, disclosed.len()))?;
    let pseudonym = wire::pseudonym(&presented.pseudonym)?;

    let proof = PoKSignature::<Scheme>::from_bytes(&presented.proof)
        .map_err(|_| BbsError::InvalidSignature)?;
    let nym = BBSplusPseudonym::from_bytes(&pseudonym)
        .map_err(|_| BbsError::InvalidPoint("pseudonym"))?;
    proof
        .proof_verify_with_nym(
            &issuer.key.inner,
            Some(header.as_bytes()),
            Some(transaction.as_bytes()),
            &nym,
            &context.id(),
            NYM_COUNT,
            Some(slots),
            Some(&messages),
            Some(&[]),
            Some(&disclosed),
            Some(&[]),
        )
        .map_err(|_| BbsError::InvalidSignature)?;

    let (values, expires_at) = slot_values(presented.payloads.iter().map(Option::as_deref))?;
    if policy.now.as_secs() > expires_at.saturating_add_unsigned(policy.clock_skew) {
        return Err(BbsError::Expired);
    }
    Ok(VerifiedNym {
        issuer: header.iss().to_owned(),
        vct: header.vct().to_owned(),
        claims: claims_of(header, &values),
        expires_at,
        pseudonym: policy.site.is_some().then(|| base64url::encode(&pseudonym)),
    })
}
