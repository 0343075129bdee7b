//! The names the specifications define, in one place: header `typ` values, claim and
//! member names, algorithm and protocol identifiers. The modules that use them re-export
//! them where callers have always found them.

// JOSE (RFC 7515, RFC 7518).

/// The only signature algorithm Cachet accepts or produces.
pub const ES256: &str = "ES256";

// SD-JWT (RFC 9901), SD-JWT VC and the Token Status List.

/// The key under which an object lists the digests of its disclosable properties.
pub const SD: &str = "_sd";

/// The key of an array element that stands for a disclosable element.
pub const ELLIPSIS: &str = "...";

/// The top-level claim naming the digest algorithm.
pub const SD_ALG: &str = "_sd_alg";

/// `typ` of a status list token.
pub const TYP_STATUS_LIST_JWT: &str = "statuslist+jwt";

/// `typ` of a plain (non-VC) SD-JWT issued by Cachet.
pub const TYP_SD_JWT: &str = "sd-jwt";

/// `typ` of an SD-JWT VC.
pub const TYP_DC_SD_JWT: &str = "dc+sd-jwt";

/// Earlier `typ` of an SD-JWT VC, still accepted.
pub const TYP_VC_SD_JWT: &str = "vc+sd-jwt";

/// The DCQL and metadata format of Cachet's pseudonymous credentials (BBS as JWP),
/// private: OpenID4VP defines no JWP format yet. See `credential::bbs`.
pub const FORMAT_NYM_JWP: &str = "x-cachet-nym+jwp";

/// The JWK curve of a pseudonymous credential issuer's key (BLS12-381 G2).
pub const CRV_BLS12381G2: &str = "BLS12381G2";

/// `typ` of a Key Binding JWT.
pub const TYP_KB_JWT: &str = "kb+jwt";

/// The one digest algorithm accepted in `_sd_alg`.
pub const SHA_256: &str = "sha-256";

/// Claims that SD-JWT VC never allows to be selectively disclosed.
pub const REGISTERED_CLAIMS: [&str; 8] = [
    "iss",
    "nbf",
    "exp",
    "iat",
    "cnf",
    "vct",
    "vct#integrity",
    "status",
];

// OpenID4VCI 1.0 and DPoP (RFC 9449).

/// `typ` of a key proof JWT.
pub const TYP_KEY_PROOF: &str = "openid4vci-proof+jwt";

/// The grant type of the pre-authorized code flow.
pub const PRE_AUTHORIZED_GRANT: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";

/// The URI scheme of credential offers for same-device wallets.
pub const OFFER_SCHEME: &str = "openid-credential-offer://";

/// `typ` of a DPoP proof JWT.
pub const TYP_DPOP: &str = "dpop+jwt";

// OpenID4VP 1.0.

/// The exchange protocol of unsigned OpenID4VP requests.
pub const DC_API_PROTOCOL: &str = "openid4vp-v1-unsigned";

/// The client identifier prefix of unsigned requests whose identifier is the URI the
/// response goes to.
pub const REDIRECT_URI_PREFIX: &str = "redirect_uri:";
