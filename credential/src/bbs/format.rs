//! The pseudonymous format through the seam of [`crate::format`]: DCQL matching, the
//! consent screen and the relying party's verdict reach it as they reach SD-JWT VC.

use serde_json::{Map, Value};

use super::FORMAT_ID;
use super::error::BbsError;
use super::held::{NymCredential, NymSelection};
use super::verify::{NymPolicy, VerifiedNym, verify_nym};
use crate::format::{Format, Held, VerifiedClaims};
use crate::pointer::JsonPointer;
use crate::present::PresentError;

/// Cachet's pseudonymous credentials (BBS with per-site pseudonyms, as JWP).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NymJwp;

impl Format for NymJwp {
    const ID: &'static str = FORMAT_ID;
    type Held = NymCredential;
    type Verified = VerifiedNym;
    type Policy = NymPolicy;
    type ReadError = BbsError;
    type VerifyError = BbsError;

    fn read(text: &str) -> Result<NymCredential, BbsError> {
        NymCredential::read(text)
    }

    fn verify(presentation: &str, policy: &NymPolicy) -> Result<VerifiedNym, BbsError> {
        verify_nym(presentation, policy)
    }
}

impl Held for NymCredential {
    type Selection = NymSelection;

    fn issuer(&self) -> Option<&str> {
        Some(self.header().iss())
    }

    fn credential_type(&self) -> Option<&str> {
        Some(self.header().vct())
    }

    fn claims(&self) -> &Map<String, Value> {
        NymCredential::claims(self)
    }

    /// Claims are top-level payload slots: a path is one claim name; `iss` and `vct`
    /// (the issuer header) are always seen.
    fn select(&self, paths: &[JsonPointer]) -> Result<NymSelection, PresentError> {
        let mut names = Vec::new();
        for path in paths {
            match path.tokens() {
                [name] if name == "iss" || name == "vct" => {}
                [name] => names.push(name.as_str()),
                _ => return Err(PresentError::NoSuchClaim(path.to_string())),
            }
        }
        NymCredential::select(self, &names).map_err(|err| match err {
            BbsError::NoSuchClaim(name) => PresentError::NoSuchClaim(format!("/{name}")),
            _ => PresentError::NoSuchClaim(String::new()),
        })
    }

    fn revealed(&self, selection: &NymSelection) -> Map<String, Value> {
        NymCredential::revealed(self, selection)
    }
}

impl VerifiedClaims for VerifiedNym {
    fn claims(&self) -> &Map<String, Value> {
        VerifiedNym::claims(self)
    }

    fn issuer(&self) -> &str {
        VerifiedNym::issuer(self)
    }

    fn credential_type(&self) -> Option<&str> {
        Some(self.vct())
    }

    fn expires_at(&self) -> Option<i64> {
        Some(VerifiedNym::expires_at(self))
    }
}
