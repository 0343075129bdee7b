//! Digital Credentials Query Language (OpenID4VP 1.0 §6), restricted to what Cachet
//! answers: SD-JWT VCs (`dc+sd-jwt`) and its pseudonymous credentials
//! (`x-cachet-nym+jwp`), selected by `vct` and claims path pointers.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::RequestError;
use crate::pointer::JsonPointer;

/// The credential format Cachet speaks.
pub(super) const FORMAT_DC_SD_JWT: &str = <crate::format::SdJwtVc as crate::format::Format>::ID;
pub use crate::names::FORMAT_NYM_JWP;
/// The formats a query may ask for.
const SUPPORTED_FORMATS: [&str; 2] = [FORMAT_DC_SD_JWT, FORMAT_NYM_JWP];
/// The `meta` member of a [`FORMAT_NYM_JWP`] query that asks for the site's pseudonym.
pub const PSEUDONYM_META: &str = "pseudonym";
/// Most credential queries, and most claims per query, accepted.
pub(super) const MAX_QUERIES: usize = 16;

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

/// Most values a claims query accepts.
pub const MAX_VALUES: usize = 16;

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

impl From<ClaimPath> for ClaimsQuery {
    fn from(path: ClaimPath) -> Self {
        Self {
            path,
            id: None,
            values: None,
        }
    }
}

impl ClaimsQuery {
    /// Reads a claim a site asks for: a claims path (`["age_over_18"]`), or an object with
    /// `path` and optionally `values` (strings, integers or booleans, §6.3) and `id`.
    /// Written without serde's derive for the in-page verifier's size, as
    /// [`ClaimPath::from_json`].
    #[must_use]
    pub fn from_json(value: &Value) -> Option<Self> {
        let Value::Object(object) = value else {
            return ClaimPath::from_json(value).map(Self::from);
        };
        if object
            .keys()
            .any(|name| !matches!(name.as_str(), "path" | "values" | "id"))
        {
            return None;
        }
        let path = ClaimPath::from_json(object.get("path")?)?;
        let id = match object.get("id") {
            None | Some(Value::Null) => None,
            Some(Value::String(id)) if valid_id(id) => Some(id.clone()),
            Some(_) => return None,
        };
        let values = match object.get("values") {
            None | Some(Value::Null) => None,
            Some(Value::Array(values))
                if !values.is_empty()
                    && values.len() <= MAX_VALUES
                    && values.iter().all(|value| {
                        value.is_string() || value.is_boolean() || value.is_i64() || value.is_u64()
                    }) =>
            {
                Some(values.clone())
            }
            Some(_) => return None,
        };
        Some(Self { path, id, values })
    }

    /// Where this claim is in `root` (a credential's claims), if it is there with a value
    /// the query accepts. `None` for a path through every array element, which Cachet
    /// does not select.
    #[must_use]
    pub fn locate(&self, root: &Value) -> Option<JsonPointer> {
        let pointer = self.path.to_pointer()?;
        let value = pointer.resolve(root)?;
        match &self.values {
            Some(accepted) if !accepted.contains(value) => None,
            _ => Some(pointer),
        }
    }
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
    /// The issuers or trust frameworks the verifier accepts (§6.1.1), so that the wallet
    /// does not offer a credential the site would refuse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trusted_authorities: Option<Vec<TrustedAuthority>>,
}

/// The Trusted Authorities Query type by which Cachet names issuers: each value is an
/// issuer identifier, compared exactly with the credential's `iss`. It is private to
/// Cachet (OpenID4VP 1.0 registers only X.509 and federation types, none of which fits
/// an SD-JWT VC issuer known by its `iss`); other wallets ignore a type they do not know.
pub(super) const TRUSTED_ISSUER_TYPE: &str = "cachet_iss";

/// One entry of `trusted_authorities` (§6.1.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedAuthority {
    /// What kind of authority the values name, e.g. `TRUSTED_ISSUER_TYPE` or `aki`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The authorities.
    pub values: Vec<String>,
}

impl CredentialQuery {
    /// Whether the verifier names `issuer` among the issuers it accepts: `None` when it
    /// names issuers in no way Cachet reads (no preference), otherwise whether `issuer`
    /// is among those named with `TRUSTED_ISSUER_TYPE`.
    #[must_use]
    pub fn names_issuer(&self, issuer: &str) -> Option<bool> {
        let named: Vec<&String> = self
            .trusted_authorities
            .iter()
            .flatten()
            .filter(|authority| authority.kind == TRUSTED_ISSUER_TYPE)
            .flat_map(|authority| &authority.values)
            .collect();
        (!named.is_empty()).then(|| named.iter().any(|value| *value == issuer))
    }

    /// Whether this query asks for the site's pseudonym (a [`FORMAT_NYM_JWP`] query with
    /// `meta.pseudonym` true).
    #[must_use]
    pub fn asks_pseudonym(&self) -> bool {
        self.format == FORMAT_NYM_JWP && self.meta.get(PSEUDONYM_META) == Some(&Value::Bool(true))
    }

    /// The `vct` values this query accepts, if it names any.
    #[must_use]
    pub fn vct_values(&self) -> Option<&[Value]> {
        self.meta
            .get("vct_values")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
    }

    /// The claim sets as indexes into `claims`, most preferred first: every claim when
    /// the query has no `claim_sets`.
    #[must_use]
    pub fn claim_set_indexes(&self) -> Vec<Vec<usize>> {
        let claims = self.claims.as_deref().unwrap_or_default();
        match &self.claim_sets {
            None => vec![(0..claims.len()).collect()],
            Some(sets) => sets
                .iter()
                .map(|set| {
                    set.iter()
                        .filter_map(|id| claims.iter().position(|c| c.id.as_ref() == Some(id)))
                        .collect()
                })
                .collect(),
        }
    }

    /// Whether the verified claims of a presentation answer this query: its `vct` is one
    /// asked for, and every claim of one claim set is disclosed with an accepted value.
    /// A relying party checks this after the signatures, so that an answer to another
    /// question (or one that leaves out what was asked) is refused.
    ///
    /// # Errors
    /// [`super::ResponseError::QueryNotSatisfied`] naming what is missing.
    pub fn check_answer(
        &self,
        claims: &serde_json::Map<String, Value>,
    ) -> Result<(), super::ResponseError> {
        let refuse = |why: String| Err(super::ResponseError::QueryNotSatisfied(why));
        if let Some(accepted) = self.vct_values()
            && !claims.get("vct").is_some_and(|vct| accepted.contains(vct))
        {
            return refuse("the credential is not of a type the site asked for".into());
        }
        let Some(queries) = &self.claims else {
            return Ok(());
        };
        let root = Value::Object(claims.clone());
        let answered = self.claim_set_indexes().iter().any(|set| {
            set.iter()
                .filter_map(|i| queries.get(*i))
                .all(|query| query.locate(&root).is_some())
        });
        if answered {
            Ok(())
        } else {
            refuse("a requested claim is not disclosed with an accepted value".into())
        }
    }

    /// Reads a query as its `Serialize` implementation writes it (a verifier's own saved
    /// query, [`super::PendingRequest::save`]), by
    /// hand for the in-page verifier's size: what [`CredentialQuery::check_answer`] needs
    /// (`trusted_authorities` is left out); `None` for anything else.
    #[must_use]
    pub fn from_json(value: &Value) -> Option<Self> {
        let object = value.as_object()?;
        let string = |name: &str| object.get(name)?.as_str().map(str::to_owned);
        let claims = match object.get("claims") {
            None => None,
            Some(claims) => Some(
                claims
                    .as_array()?
                    .iter()
                    .map(ClaimsQuery::from_json)
                    .collect::<Option<Vec<_>>>()?,
            ),
        };
        let claim_sets = match object.get("claim_sets") {
            None => None,
            Some(sets) => Some(
                sets.as_array()?
                    .iter()
                    .map(|set| {
                        set.as_array()?
                            .iter()
                            .map(|id| id.as_str().map(str::to_owned))
                            .collect::<Option<Vec<_>>>()
                    })
                    .collect::<Option<Vec<_>>>()?,
            ),
        };
        let format = string("format")?;
        if !SUPPORTED_FORMATS.contains(&format.as_str()) {
            return None;
        }
        let query = Self {
            id: string("id")?,
            format,
            meta: object.get("meta")?.clone(),
            claims,
            claim_sets,
            require_cryptographic_holder_binding: match object
                .get("require_cryptographic_holder_binding")
            {
                None => None,
                Some(binding) => Some(binding.as_bool()?),
            },
            // What the wallet was told about issuers does not change what the answer is
            // checked against (the signature check keeps to the trusted issuers).
            trusted_authorities: None,
        };
        Some(query)
    }
}

/// A DCQL query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DcqlQuery {
    /// The credentials asked for.
    pub credentials: Vec<CredentialQuery>,
}

/// The `meta` of a query for types `vct_values` (empty: any type).
fn type_meta(vct_values: &[String]) -> Value {
    if vct_values.is_empty() {
        Value::Object(serde_json::Map::new())
    } else {
        serde_json::json!({ "vct_values": vct_values })
    }
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
    pub fn sd_jwt_vc(id: &str, vct_values: &[String], claims: Vec<ClaimsQuery>) -> Self {
        Self::single(id, FORMAT_DC_SD_JWT, type_meta(vct_values), claims)
    }

    /// A query for one pseudonymous credential ([`FORMAT_NYM_JWP`]) with these claims
    /// (and, if given, one of these types), with the site's pseudonym when `pseudonym`
    /// (`meta.pseudonym`, Cachet's own member, since the format is).
    #[must_use]
    pub fn pseudonymous(
        id: &str,
        vct_values: &[String],
        claims: Vec<ClaimsQuery>,
        pseudonym: bool,
    ) -> Self {
        let mut meta = type_meta(vct_values);
        if let (true, Some(object)) = (pseudonym, meta.as_object_mut()) {
            object.insert(PSEUDONYM_META.into(), Value::Bool(true));
        }
        Self::single(id, FORMAT_NYM_JWP, meta, claims)
    }

    fn single(id: &str, format: &str, meta: Value, claims: Vec<ClaimsQuery>) -> Self {
        Self {
            credentials: vec![CredentialQuery {
                id: id.to_owned(),
                format: format.to_owned(),
                meta,
                claims: Some(claims),
                claim_sets: None,
                require_cryptographic_holder_binding: None,
                trusted_authorities: None,
            }],
        }
    }

    /// The same query, naming `issuers` as the ones the verifier accepts
    /// (`TRUSTED_ISSUER_TYPE`), so the wallet prefers (and only offers) their credentials.
    #[must_use]
    pub fn trusting(mut self, issuers: &[String]) -> Self {
        if !issuers.is_empty() {
            for query in &mut self.credentials {
                query.trusted_authorities = Some(vec![TrustedAuthority {
                    kind: TRUSTED_ISSUER_TYPE.to_owned(),
                    values: issuers.to_vec(),
                }]);
            }
        }
        self
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
            if !SUPPORTED_FORMATS.contains(&query.format.as_str()) {
                return Err(RequestError::InvalidQuery(
                    "only dc+sd-jwt and x-cachet-nym+jwp credentials are supported",
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
            if query
                .trusted_authorities
                .as_ref()
                .is_some_and(|authorities| {
                    authorities.is_empty()
                        || authorities.len() > MAX_QUERIES
                        || authorities
                            .iter()
                            .any(|a| a.values.is_empty() || a.values.len() > MAX_QUERIES)
                })
            {
                return Err(RequestError::InvalidQuery(
                    "trusted_authorities must hold 1 to 16 entries of 1 to 16 values",
                ));
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
