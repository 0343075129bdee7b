//! What a pseudonymous presentation is checked against, as plain data: the relying party
//! builds it here without the BBS code (so the in-page verifier's main module carries
//! none), and `credential::bbs` verifies under it, where that code is loaded (the
//! verifier's on-demand module, a server, the CLI).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::super::{CredentialQuery, FORMAT_NYM_JWP, Origin, REDIRECT_URI_PREFIX};

/// A trusted issuer's keys for the pseudonymous format, as its JWKS publishes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NymTrust {
    /// The issuer identifier.
    pub iss: String,
    /// Its `BLS12381G2` public JWKs.
    pub keys: Vec<Value>,
}

/// Everything a pseudonymous presentation is verified and judged against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// Whether `query` is for the pseudonymous format.
pub(super) fn is_pseudonymous(query: Option<&CredentialQuery>) -> bool {
    query.is_some_and(|query| query.format == FORMAT_NYM_JWP)
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
    let id = audience
        .strip_prefix(REDIRECT_URI_PREFIX)
        .unwrap_or(audience);
    let id = id.strip_prefix("origin:").unwrap_or(id);
    Origin::of(id).map(|origin| origin.to_string())
}
