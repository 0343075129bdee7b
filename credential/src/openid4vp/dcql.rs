//! Digital Credentials Query Language (OpenID4VP 1.0 §6), restricted to what Cachet
//! answers: SD-JWT VCs (`dc+sd-jwt`), selected by `vct` and claims path pointers.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::RequestError;
use crate::pointer::JsonPointer;

/// The credential format Cachet speaks.
pub const FORMAT_DC_SD_JWT: &str = "dc+sd-jwt";
/// Most credential queries, and most claims per query, accepted.
pub const MAX_QUERIES: usize = 16;

/// One step of a claims path pointer (§7): a property name, an array index, or `null`
/// for every element of an array.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ClaimPathElement {
    /// A property name.
    Name(String),
    /// An array index.
    Index(u64),
    /// All elements of an array (`null`).
    All(()),
}

/// A claims path pointer such as `["address", "locality"]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClaimPath(pub Vec<ClaimPathElement>);

impl ClaimPath {
    /// A path of property names.
    #[must_use]
    pub fn names<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Self {
        Self(
            names
                .into_iter()
                .map(|n| ClaimPathElement::Name(n.into()))
                .collect(),
        )
    }

    /// Reads a path from its JSON form (an array of names, indexes and nulls), as the
    /// `Deserialize` impl does, without serde's generic error machinery. Code that reads
    /// paths from a JS value (the in-page verifier) uses this to stay small.
    #[must_use]
    pub fn from_json(value: &Value) -> Option<Self> {
        value
            .as_array()?
            .iter()
            .map(|step| match step {
                Value::String(name) => Some(ClaimPathElement::Name(name.clone())),
                Value::Number(index) => index.as_u64().map(ClaimPathElement::Index),
                Value::Null => Some(ClaimPathElement::All(())),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(Self)
    }

    /// The JSON Pointer of this path, or `None` if it has a `null` (all elements) step.
    #[must_use]
    pub fn to_pointer(&self) -> Option<JsonPointer> {
        self.0
            .iter()
            .try_fold(JsonPointer::root(), |pointer, step| match step {
                ClaimPathElement::Name(name) => Some(pointer.child(name.clone())),
                ClaimPathElement::Index(index) => Some(pointer.child(index.to_string())),
                ClaimPathElement::All(()) => None,
            })
    }
}

/// A claims query: one claim the verifier asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimsQuery {
    /// Where the claim is.
    pub path: ClaimPath,
    /// An identifier, for `claim_sets`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Acceptable values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Value>>,
}

/// A credential query: one credential the verifier asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialQuery {
    /// Names the credential in the response's `vp_token`.
    pub id: String,
    /// The format; Cachet answers `dc+sd-jwt`.
    pub format: String,
    /// Format-specific constraints (`vct_values` for SD-JWT VC).
    #[serde(default)]
    pub meta: Value,
    /// The claims asked for; absent means the whole credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Vec<ClaimsQuery>>,
    /// Alternative sets of claim ids, most preferred first (§6.4.1); absent means every
    /// claim in `claims` is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_sets: Option<Vec<Vec<String>>>,
    /// Whether holder binding is required (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_cryptographic_holder_binding: Option<bool>,
}

/// A DCQL query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DcqlQuery {
    /// The credentials asked for.
    pub credentials: Vec<CredentialQuery>,
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl DcqlQuery {
    /// A query for one SD-JWT VC with these claims (and, if given, one of these types).
    #[must_use]
    pub fn sd_jwt_vc(id: &str, vct_values: &[String], claims: Vec<ClaimPath>) -> Self {
        let meta = if vct_values.is_empty() {
            Value::Object(serde_json::Map::new())
        } else {
            serde_json::json!({ "vct_values": vct_values })
        };
        Self {
            credentials: vec![CredentialQuery {
                id: id.to_owned(),
                format: FORMAT_DC_SD_JWT.to_owned(),
                meta,
                claims: Some(
                    claims
                        .into_iter()
                        .map(|path| ClaimsQuery {
                            path,
                            id: None,
                            values: None,
                        })
                        .collect(),
                ),
                claim_sets: None,
                require_cryptographic_holder_binding: None,
            }],
        }
    }

    /// Checks the rules of §6 that Cachet relies on.
    ///
    /// # Errors
    /// [`RequestError::InvalidQuery`] naming the broken rule.
    pub fn validate(&self) -> Result<(), RequestError> {
        if self.credentials.is_empty() || self.credentials.len() > MAX_QUERIES {
            return Err(RequestError::InvalidQuery(
                "credentials must hold 1 to 16 queries",
            ));
        }
        let mut ids = std::collections::HashSet::new();
        for query in &self.credentials {
            if !valid_id(&query.id) || !ids.insert(query.id.as_str()) {
                return Err(RequestError::InvalidQuery(
                    "credential ids must be unique [A-Za-z0-9_-]+",
                ));
            }
            if query.format != FORMAT_DC_SD_JWT {
                return Err(RequestError::InvalidQuery(
                    "only dc+sd-jwt credentials are supported",
                ));
            }
            if let Some(claims) = &query.claims {
                if claims.is_empty() || claims.len() > MAX_QUERIES {
                    return Err(RequestError::InvalidQuery(
                        "claims must hold 1 to 16 entries",
                    ));
                }
                if claims.iter().any(|claim| claim.path.0.is_empty()) {
                    return Err(RequestError::InvalidQuery(
                        "a claims path must not be empty",
                    ));
                }
            }
            if let Some(sets) = &query.claim_sets {
                let known = |id: &String| {
                    query
                        .claims
                        .iter()
                        .flatten()
                        .any(|claim| claim.id.as_ref() == Some(id))
                };
                if sets.is_empty()
                    || sets.len() > MAX_QUERIES
                    || sets
                        .iter()
                        .any(|set| set.is_empty() || !set.iter().all(known))
                {
                    return Err(RequestError::InvalidQuery(
                        "claim_sets must name the ids of claims in the query",
                    ));
                }
            }
        }
        Ok(())
    }
}
