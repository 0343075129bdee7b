//! Where a credential format plugs in. Cachet speaks SD-JWT VC ([`SdJwtVc`]); a second
//! format (BBS with per-site pseudonyms) is a second implementation of these traits, in a
//! module of its own, not branches through the wallet, the verifier and the issuer.
//!
//! What the rest of Cachet needs from a format, and nothing more:
//!
//! - the **issuer's catalog**: the format's identifier ([`Format::ID`]), which its metadata
//!   and DCQL queries name;
//! - the **wallet**: a held credential ([`Held`]) gives its issuer, type and claims for
//!   display, says which claims a query's paths select, what a selection reveals (the
//!   consent screen lists exactly that), and presents a selection;
//! - the **relying party**: a verified presentation ([`VerifiedClaims`]) gives its claims,
//!   issuer, type and expiry, which [`crate::openid4vp::judge`] checks against the question;
//! - **verification** itself: [`Format::verify`], under the format's policy (for SD-JWT
//!   VC a [`VerifyPolicy`]), each failure an [`ErrorCode`].
//!
//! DCQL matching ([`crate::openid4vp::matching`]) and the relying party's verdict are
//! written against these traits.

use serde_json::{Map, Value};

use crate::ErrorCode;
use crate::error::VerifyError;
use crate::pointer::JsonPointer;
use crate::policy::VerifyPolicy;
use crate::present::{Credential, PresentError, Selection};
use crate::verify::{TYP_DC_SD_JWT, Verified};

/// A credential format.
pub trait Format {
    /// Its identifier: `format` in DCQL queries and in credential issuer metadata.
    const ID: &'static str;
    /// A credential as the holder keeps it.
    type Held: Held;
    /// A presentation that passed verification.
    type Verified: VerifiedClaims;
    /// What a verifier accepts (trusted issuers, its transaction, the clock).
    type Policy;
    /// Why a held credential could not be read.
    type ReadError: ErrorCode + core::fmt::Debug;
    /// Why a presentation was refused.
    type VerifyError: ErrorCode + core::fmt::Debug;

    /// Reads a credential the holder received (its form; it was verified on receipt).
    ///
    /// # Errors
    /// [`Self::ReadError`] for one that is malformed.
    fn read(text: &str) -> Result<Self::Held, Self::ReadError>;

    /// Verifies a presentation under `policy`.
    ///
    /// # Errors
    /// The [`Self::VerifyError`] of the first check that fails.
    fn verify(
        presentation: &str,
        policy: &Self::Policy,
    ) -> Result<Self::Verified, Self::VerifyError>;
}

/// What the wallet needs of a credential it holds.
pub trait Held {
    /// Which of its parts go into a presentation.
    type Selection;

    /// The issuer it names (checked against trusted issuers when it was received).
    fn issuer(&self) -> Option<&str>;

    /// Its type (`vct`).
    fn credential_type(&self) -> Option<&str>;

    /// Every claim, as a verifier would see them if all were disclosed: for display and
    /// for matching a query.
    fn claims(&self) -> &Map<String, Value>;

    /// Selects the claims at `paths`, with whatever they need to be disclosed.
    ///
    /// # Errors
    /// [`PresentError::NoSuchClaim`] for a path that names no claim.
    fn select(&self, paths: &[JsonPointer]) -> Result<Self::Selection, PresentError>;

    /// What a verifier sees with `selection` (what the consent screen lists).
    fn revealed(&self, selection: &Self::Selection) -> Map<String, Value>;
}

/// What a relying party needs of a verified presentation.
pub trait VerifiedClaims {
    /// The claims disclosed (and the registered ones).
    fn claims(&self) -> &Map<String, Value>;

    /// The trusted issuer that signed it.
    fn issuer(&self) -> &str;

    /// Its type (`vct`).
    fn credential_type(&self) -> Option<&str>;

    /// When the credential expires (Unix seconds), if it does.
    fn expires_at(&self) -> Option<i64>;
}

/// SD-JWT VC (RFC 9901 with the SD-JWT VC rules), Cachet's first format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SdJwtVc;

impl Format for SdJwtVc {
    const ID: &'static str = TYP_DC_SD_JWT;
    type Held = Credential;
    type Verified = Verified;
    type Policy = VerifyPolicy;
    type ReadError = PresentError;
    type VerifyError = VerifyError;

    fn read(text: &str) -> Result<Credential, PresentError> {
        Credential::parse(text)
    }

    fn verify(presentation: &str, policy: &VerifyPolicy) -> Result<Verified, VerifyError> {
        crate::verify(presentation, policy)
    }
}

impl Held for Credential {
    type Selection = Selection;

    fn issuer(&self) -> Option<&str> {
        self.claims().get("iss").and_then(Value::as_str)
    }

    fn credential_type(&self) -> Option<&str> {
        self.claims().get("vct").and_then(Value::as_str)
    }

    fn claims(&self) -> &Map<String, Value> {
        Credential::claims(self)
    }

    fn select(&self, paths: &[JsonPointer]) -> Result<Selection, PresentError> {
        Credential::select(self, paths)
    }

    fn revealed(&self, selection: &Selection) -> Map<String, Value> {
        Credential::revealed(self, selection)
    }
}

impl VerifiedClaims for Verified {
    fn claims(&self) -> &Map<String, Value> {
        Verified::claims(self)
    }

    fn issuer(&self) -> &str {
        Verified::issuer(self)
    }

    fn credential_type(&self) -> Option<&str> {
        self.vct()
    }

    fn expires_at(&self) -> Option<i64> {
        Verified::expires_at(self)
    }
}

#[cfg(test)]
mod tests {
    use rand_core::OsRng;
    use serde_json::json;

    use super::*;
    use crate::{CopyParams, Disclosable, IssueParams, Jwks, PrivateJwk, TrustedIssuer};

    /// Code written against the seam alone: what the wallet and a relying party do.
    fn round_trip<F: Format>(issued: &str, policy: &F::Policy) -> (Map<String, Value>, String)
    where
        <F::Held as Held>::Selection: core::fmt::Debug,
    {
        let held = F::read(issued).unwrap();
        let selection = held
            .select(&[JsonPointer::root().child("age_over_18")])
            .unwrap();
        let revealed = held.revealed(&selection);
        assert_eq!(held.credential_type(), Some("urn:example:age"));
        let verified = F::verify(issued, policy).unwrap();
        (revealed, verified.issuer().to_owned())
    }

    #[test]
    fn sd_jwt_vc_is_reached_through_the_format_traits() {
        let key = PrivateJwk::generate(&mut OsRng);
        let params = IssueParams {
            issuer: "https://issuer.example".into(),
            vct: Some("urn:example:age".into()),
            claims: json!({"age_over_18": true, "age_over_21": false}),
            disclosable: Disclosable::Everything,
            decoys: 0,
            iat: Some(1_000),
            nbf: None,
            exp: Some(2_000),
        };
        let copy = CopyParams {
            holder: None,
            status: None,
        };
        let issued = crate::issue(&params, &copy, &key, &mut OsRng).unwrap();
        let policy = VerifyPolicy::new(
            vec![TrustedIssuer {
                iss: "https://issuer.example".into(),
                jwks: Jwks::new(vec![key.public()]),
            }],
            1_500,
            "",
            "",
        )
        .without_key_binding();
        let (revealed, issuer) = round_trip::<SdJwtVc>(&issued, &policy);
        assert_eq!(revealed["age_over_18"], json!(true));
        assert!(!revealed.contains_key("age_over_21"));
        assert_eq!(issuer, "https://issuer.example");
        assert_eq!(SdJwtVc::ID, "dc+sd-jwt");
    }
}
