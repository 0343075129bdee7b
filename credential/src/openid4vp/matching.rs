//! The wallet's side of DCQL: does a credential answer a credential query, which claims
//! does it disclose for it, and, when it cannot answer, which claims are missing (so the
//! person is told exactly what the site wanted that they do not have).

use serde_json::Value;

use super::dcql::{ClaimsQuery, CredentialQuery};
use crate::format::Held;
use crate::pointer::JsonPointer;

/// Why a credential does not answer a query.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Unanswerable {
    /// Its `vct` is not among the query's `vct_values`.
    #[error("the site asks for another type of credential")]
    WrongType,
    /// It lacks these claims (claims path pointers written as JSON Pointers), or holds
    /// them with values other than the ones the query accepts.
    #[error("missing claims: {}", .0.join(", "))]
    MissingClaims(Vec<String>),
}

crate::error_codes! {
    Unanswerable {
        Self::WrongType => "wrong_credential_type",
        Self::MissingClaims(_) => "missing_claims",
    }
}

/// Which claims of a credential answer a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The claims to disclose by default: the first claim set the credential satisfies
    /// (every claim of the query when it has no `claim_sets`). Empty when the query asks
    /// for the whole credential, see [`Answer::everything`].
    pub claims: Vec<JsonPointer>,
    /// The query has no `claims`: every claim is disclosed.
    pub everything: bool,
    /// Every claim set the credential satisfies, in the verifier's order of preference.
    sets: Vec<Vec<JsonPointer>>,
}

impl Answer {
    /// Whether `claim` is in every acceptable set, so the person cannot leave it out.
    #[must_use]
    pub fn required(&self, claim: &JsonPointer) -> bool {
        self.sets.iter().all(|set| set.contains(claim))
    }

    /// Whether disclosing only `chosen` still answers the query.
    #[must_use]
    pub fn accepts(&self, chosen: &[JsonPointer]) -> bool {
        self.everything
            || self
                .sets
                .iter()
                .any(|set| set.iter().all(|claim| chosen.contains(claim)))
    }
}

/// Whether `credential` answers `query`, and with which claims.
///
/// # Errors
/// [`Unanswerable`] saying why not.
pub fn answer(query: &CredentialQuery, credential: &impl Held) -> Result<Answer, Unanswerable> {
    if let Some(accepted) = query.vct_values() {
        let vct = credential.credential_type();
        if !vct.is_some_and(|vct| accepted.iter().any(|value| value.as_str() == Some(vct))) {
            return Err(Unanswerable::WrongType);
        }
    }
    let Some(claims) = &query.claims else {
        return Ok(Answer {
            claims: Vec::new(),
            everything: true,
            sets: Vec::new(),
        });
    };
    let root = Value::Object(credential.claims().clone());
    let located: Vec<Option<JsonPointer>> = claims.iter().map(|c| c.locate(&root)).collect();
    let wanted = query.claim_set_indexes();
    let pointers = |set: &[usize]| -> Option<Vec<JsonPointer>> {
        set.iter()
            .map(|i| located.get(*i).cloned().flatten())
            .collect()
    };
    let sets: Vec<Vec<JsonPointer>> = wanted.iter().filter_map(|set| pointers(set)).collect();
    match sets.first() {
        Some(first) => Ok(Answer {
            claims: first.clone(),
            everything: false,
            sets,
        }),
        None => {
            // Name what is missing for the set that comes closest.
            let missing = wanted
                .iter()
                .map(|set| {
                    set.iter()
                        .filter(|i| located.get(**i).is_some_and(Option::is_none))
                        .filter_map(|i| claims.get(*i).map(describe))
                        .collect::<Vec<_>>()
                })
                .min_by_key(Vec::len)
                .unwrap_or_default();
            Err(Unanswerable::MissingClaims(missing))
        }
    }
}
fn describe(claim: &ClaimsQuery) -> String {
    claim.path.to_pointer().map_or_else(
        || "(a path through every array element)".to_owned(),
        |p| p.to_string(),
    )
}
