//! OpenID for Verifiable Presentations 1.0, the parts Cachet uses: unsigned same-device and
//! cross-device requests with the `redirect_uri:` client identifier prefix, a DCQL query
//! for one SD-JWT VC, `fragment` and `direct_post` responses, and the single-use
//! state/nonce bookkeeping a verifier needs.
//!
//! These are business rules shared by the in-page verifier (which builds requests and
//! checks responses) and the wallet (which parses requests and refuses bad ones), so they
//! live here rather than in either.

pub mod compact;
mod dc_api;
mod dcql;
mod error;
pub mod matching;
mod origin;
mod pending;
mod relying_party;
mod request;
mod response;

pub use compact::{COMPACT_PREFIX, CompactError};
pub use dc_api::{DC_API_PROTOCOL, dc_api_audience, dc_api_request};
pub use dcql::{
    ClaimPath, ClaimPathElement, ClaimsQuery, CredentialQuery, DcqlQuery, FORMAT_NYM_JWP,
    MAX_VALUES as MAX_CLAIM_VALUES, PSEUDONYM_META,
};
pub use error::{RequestError, ResponseError};
pub use origin::{MAX_URL_BYTES, Origin};
pub use pending::{AnsweredStates, PendingRequest, PendingRequests};
pub use relying_party::{
    CreatedRequest, DEFAULT_REQUEST_LIFETIME, DcApiRequest, Expectations, Expected, NymExpectation,
    NymTrust, QUERY_ID, Rejection, RelyingParty, RelyingPartySettings, RequestParams,
    RequestedFormat, SetupError, TakenResponse, judge, pseudonym_site,
};
pub use request::{AuthorizationRequest, MAX_REQUEST_BYTES, REDIRECT_URI_PREFIX, ResponseMode};
pub use response::AuthorizationResponse;

#[cfg(test)]
mod tests;
