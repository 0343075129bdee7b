//! The wallet's side of DCQL: does a credential answer a credential query, which claims
//! does it disclose for it, and, when it cannot answer, which claims are missing (so the
//! person is told exactly what the site wanted that they do not have).

use serde_json::Value;

use super::dcql::{ClaimsQuery, CredentialQuery};
use crate::pointer::JsonPointer;
use crate::present::Credential;

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

impl Unanswerable {
    /// A stable machine-readable code.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::WrongType => "wrong_credential_type",
            Self::MissingClaims(_) => "missing_claims",
        }
    }
}

/// Which claims of a credential answer a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The claims to disclose; empty when the query asks for the whole credential
    /// (`claims` absent), see [`Answer::everything`].
    pub claims: Vec<JsonPointer>,
    /// The query has no `claims`: every claim is disclosed.
    pub everything: bool,
}

/// Whether `credential` answers `query`, and with which claims.
///
/// # Errors
/// [`Unanswerable`] saying why not.
pub fn answer(query: &CredentialQuery, credential: &Credential) -> Result<Answer, Unanswerable> {
    if let Some(accepted) = query.meta.get("vct_values").and_then(Value::as_array) {
        let vct = credential.claims().get("vct");
        if !accepted.iter().any(|value| Some(value) == vct) {
            return Err(Unanswerable::WrongType);
        }
    }
    let Some(claims) = &query.claims else {
        return Ok(Answer {
            claims: Vec::new(),
            everything: true,
        });
    };
    let root = Value::Object(credential.claims().clone());
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for claim in claims {
        match locate(&root, claim) {
            Some(pointer) => found.push(pointer),
            None => missing.push(describe(claim)),
        }
    }
    if missing.is_empty() {
        Ok(Answer {
            claims: found,
            everything: false,
        })
    } else {
        Err(Unanswerable::MissingClaims(missing))
    }
}

fn locate(root: &Value, claim: &ClaimsQuery) -> Option<JsonPointer> {
    let pointer = claim.path.to_pointer()?;
    let value = crate::issue::resolve(root, &pointer)?;
    match &claim.values {
        Some(accepted) if !accepted.contains(value) => None,
        _ => Some(pointer),
    }
}

fn describe(claim: &ClaimsQuery) -> String {
    claim.path.to_pointer().map_or_else(
        || "(a path through every array element)".to_owned(),
        |p| p.to_string(),
    )
}
