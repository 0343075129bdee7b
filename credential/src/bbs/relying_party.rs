//! A relying party's verdict on a pseudonymous presentation: verified under the
//! [`NymExpectation`] its session built, then judged against its own question, as
//! [`crate::openid4vp::judge`] does for SD-JWT VC.

use serde_json::{Map, Value};

use super::error::BbsError;
use super::keys::BbsPublicKey;
use super::verify::{NymIssuer, NymPolicy, VerifiedNym, verify_nym};
use crate::openid4vp::{NymExpectation, ResponseError};
use crate::time::UnixTime;

/// Why a pseudonymous presentation was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NymRejection {
    /// The presentation failed verification (or a trusted key is not one).
    #[error(transparent)]
    Invalid(#[from] BbsError),
    /// It verified, but does not answer the question asked.
    #[error(transparent)]
    Unanswered(#[from] ResponseError),
}

crate::error_codes! {
    NymRejection {}
    delegate {
        Invalid => BbsError,
        Unanswered => ResponseError,
    }
}

/// The policy of an expectation: its trusted keys read (each `kid` as published, or the
/// key's thumbprint), its transaction, its clock, its site.
///
/// # Errors
/// [`BbsError::InvalidKey`] (or a point error) for a trusted key that is not a BBS key.
pub fn policy_of(expected: &NymExpectation) -> Result<NymPolicy, BbsError> {
    let mut issuers = Vec::new();
    for trust in &expected.issuers {
        for jwk in &trust.keys {
            let object: &Map<String, Value> =
                jwk.as_object().ok_or(BbsError::InvalidKey("not a JWK"))?;
            let key = BbsPublicKey::from_jwk(object)?;
            let kid = key.kid_in(object);
            issuers.push(NymIssuer {
                iss: trust.iss.clone(),
                kid,
                key,
            });
        }
    }
    let policy = NymPolicy::new(
        issuers,
        UnixTime::from_secs(expected.now),
        expected.audience.clone(),
        expected.nonce.clone(),
    )
    .with_clock_skew(expected.clock_skew);
    Ok(match &expected.site {
        Some(site) => policy.with_pseudonym_for(site.clone()),
        None => policy,
    })
}

/// Verifies `presentation` under `expected` and judges it against its question: a
/// verified presentation that does not satisfy the question is refused.
///
/// # Errors
/// [`NymRejection`] saying why.
pub fn verify_expected(
    presentation: &str,
    expected: &NymExpectation,
) -> Result<VerifiedNym, NymRejection> {
    let verified = verify_nym(presentation, &policy_of(expected)?)?;
    if let Some(query) = &expected.query {
        query.check_answer(verified.claims())?;
    }
    Ok(verified)
}
