//! What a pseudonymous presentation is checked against, as plain data: the relying party
//! builds it here without the BBS code (so the in-page verifier's main module carries
//! none), and `credential::bbs` verifies under it, where that code is loaded (the
//! verifier's on-demand module, a server, the CLI).

use serde::Serialize;
use serde_json::Value;

use super::super::dc_api::ORIGIN_PREFIX;
use super::super::{CredentialQuery, FORMAT_NYM_JWP};

/// A trusted issuer's keys for the pseudonymous format, as its JWKS publishes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NymTrust {
    /// The issuer identifier.
    pub iss: String,
    /// Its `BLS12381G2` public JWKs.
    pub keys: Vec<Value>,
}

/// Everything a pseudonymous presentation is verified and judged against. It crosses into
/// the on-demand module as JSON (`Serialize`, read back by [`NymExpectation::from_json`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NymExpectation {
    /// The trusted issuers with pseudonymous keys.
    pub issuers: Vec<NymTrust>,
    /// The audience the presentation must be bound to.
    pub audience: String,
    /// The nonce it must answer.
    pub nonce: String,
    /// The time to verify at, Unix seconds.
    pub now: i64,
    /// Tolerated clock difference, seconds.
    pub clock_skew: u64,
    /// The site whose pseudonym it must carry (this relying party's own origin, from its
    /// audience), when the question asked for one.
    pub site: Option<String>,
    /// The question it answers, if it answers one of this relying party's requests.
    pub query: Option<CredentialQuery>,
}

impl NymExpectation {
    /// Reads an expectation as its `Serialize` implementation writes it, by hand (serde's
    /// derived readers would bring their error formatting into the on-demand module);
    /// `None` for anything else.
    #[must_use]
    pub fn from_json(value: &Value) -> Option<Self> {
        let object = value.as_object()?;
        let string = |name: &str| object.get(name)?.as_str().map(str::to_owned);
        let issuers = object
            .get("issuers")?
            .as_array()?
            .iter()
            .map(|trust| {
                Some(NymTrust {
                    iss: trust.get("iss")?.as_str()?.to_owned(),
                    keys: trust.get("keys")?.as_array()?.clone(),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let optional = |name: &str| object.get(name).filter(|value| !value.is_null());
        Some(Self {
            issuers,
            audience: string("audience")?,
            nonce: string("nonce")?,
            now: object.get("now")?.as_i64()?,
            clock_skew: object.get("clock_skew")?.as_u64()?,
            site: match optional("site") {
                None => None,
                Some(site) => Some(site.as_str()?.to_owned()),
            },
            query: match optional("query") {
                None => None,
                Some(query) => Some(CredentialQuery::from_json(query)?),
            },
        })
    }
}

/// Whether `query` is for the pseudonymous format.
pub(super) fn is_pseudonymous(query: &CredentialQuery) -> bool {
    query.format == FORMAT_NYM_JWP
}

/// Whether `presentation` is in the pseudonymous format's presented form when no query
/// says: a JWP has four dot-separated parts, an SD-JWT three (five with key binding).
pub(super) fn looks_pseudonymous(presentation: &str) -> bool {
    presentation.split('.').count() == 4
}

/// The origin whose pseudonym a presentation bound to `audience` carries: the site's
/// own, as the wallet takes it from the same client identifier.
#[must_use]
pub fn pseudonym_site(audience: &str) -> Option<String> {
    let id = audience.strip_prefix(ORIGIN_PREFIX).unwrap_or(audience);
    super::site_origin(id).map(|origin| origin.to_string())
}
