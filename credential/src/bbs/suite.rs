//! The ciphersuite and the identifiers this format uses.

/// zkryptium's BLS12-381-SHA-256 ciphersuite.
pub(crate) type Suite = zkryptium::bbsplus::ciphersuites::Bls12381Sha256;
/// The BBS scheme over [`Suite`].
pub(crate) type Scheme = zkryptium::schemes::algorithms::BbsBls12381Sha256;

/// The JWP algorithm (`alg`) of Cachet's pseudonymous credentials: BBS over
/// BLS12-381-SHA-256, signed blind over the holder's nym secret (the pseudonym draft's
/// BlindSignWithNym), presented with ProofGenWithNym. **A private identifier**: JPA
/// registers `BBS` for plain BBS only; nothing is registered yet for blind issuance or
/// pseudonyms, so this one is Cachet's own and will change when one is.
pub const ALG: &str = "x-cachet-bbs-nym";

/// The JWP `typ` of an issued or presented Cachet pseudonymous credential.
pub const TYP: &str = "cachet-nym+jpt";
