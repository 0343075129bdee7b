//! The holder's side: read an issued credential, list what it can disclose, select by
//! JSON Pointer, and build the presentation with its Key Binding JWT.
//!
//! Signing is two steps so that the wallet can sign with a non-extractable WebCrypto key:
//! [`Credential::present_with_key_binding`] hands out an [`UnsignedPresentation`] whose
//! [`signing_input`](UnsignedPresentation::signing_input) is signed elsewhere, and
//! [`finish`](UnsignedPresentation::finish) takes the 64-byte `r || s` signature back.

use std::collections::BTreeSet;

use p256::ecdsa::SigningKey;
use serde_json::{Map, Value, json};

use crate::crypto::{ES256_SIGNATURE_LEN, sign_es256};
use crate::decoded::Decoded;
use crate::disclosure::{Disclosure, sha256_b64};
use crate::error::VerifyError;
use crate::jws;
use crate::pointer::JsonPointer;
use crate::reveal::{Revealed, reveal};
use crate::verify::TYP_KB_JWT;

/// Why a credential could not be read or presented.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PresentError {
    /// The credential is malformed.
    #[error("malformed credential: {0}")]
    Malformed(#[from] VerifyError),
    /// The holder received an SD-JWT+KB, which RFC 9901 §7.2 says to reject.
    #[error("a credential from an issuer must not carry a key binding JWT")]
    UnexpectedKeyBinding,
    /// A path to disclose names no claim of the credential.
    #[error("the credential has no claim at {0}")]
    NoSuchClaim(String),
}

crate::error_codes! {
    PresentError {
        Self::UnexpectedKeyBinding => "unexpected_key_binding",
        Self::NoSuchClaim(_) => "no_such_claim",
    }
    delegate {
        Malformed => VerifyError,
    }
}

/// A selectively disclosable claim of a credential.
#[derive(Debug, Clone, PartialEq)]
pub struct DisclosableClaim {
    /// Where it is in the processed credential (array indices count every element).
    pub path: JsonPointer,
    /// Its value, with everything nested in it disclosed.
    pub value: Value,
    disclosure: usize,
}

/// An issued credential as the holder keeps it.
#[derive(Debug, Clone)]
pub struct Credential {
    decoded: Decoded,
    claims: Map<String, Value>,
    disclosable: Vec<DisclosableClaim>,
}

/// Which Disclosures go into a presentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    disclosures: BTreeSet<usize>,
}

/// What the Key Binding JWT binds the presentation to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBindingParams {
    /// The verifier (`aud`), e.g. its `client_id`.
    pub audience: String,
    /// The verifier's nonce.
    pub nonce: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
}

/// A presentation waiting for the holder's signature over its Key Binding JWT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsignedPresentation {
    sd_jwt: String,
    signing_input: String,
}

impl UnsignedPresentation {
    /// The bytes to sign with ES256 (the KB-JWT's `header.payload`).
    #[must_use]
    pub fn signing_input(&self) -> &[u8] {
        self.signing_input.as_bytes()
    }

    /// The SD-JWT+KB, given the `r || s` signature of [`Self::signing_input`].
    #[must_use]
    pub fn finish(self, signature: &[u8; ES256_SIGNATURE_LEN]) -> String {
        let mut out = self.sd_jwt;
        out.push_str(&jws::attach_signature(&self.signing_input, signature));
        out
    }

    /// Signs with a key held in memory (CLI, tests) and finishes.
    #[must_use]
    pub fn sign_with(self, key: &SigningKey) -> String {
        let signature = sign_es256(key, self.signing_input());
        self.finish(&signature)
    }
}

impl Credential {
    /// Reads an issued SD-JWT (compact or JSON serialization). Checks its structure but
    /// not the issuer's signature (use [`crate::verify()`] for that).
    ///
    /// # Errors
    /// [`PresentError::Malformed`] for anything that is not a well-formed SD-JWT, or
    /// [`PresentError::UnexpectedKeyBinding`].
    pub fn parse(text: &str) -> Result<Self, PresentError> {
        let decoded = Decoded::parse(text)?;
        if decoded.key_binding_jwt().is_some() {
            return Err(PresentError::UnexpectedKeyBinding);
        }
        let revealed = decoded.reveal_placed()?;
        let root = Value::Object(revealed.claims().clone());
        let disclosable = revealed
            .placements()
            .iter()
            .map(|placement| DisclosableClaim {
                value: placement
                    .path
                    .resolve(&root)
                    .cloned()
                    .unwrap_or(Value::Null),
                path: placement.path.clone(),
                disclosure: placement.disclosure,
            })
            .collect();
        Ok(Self {
            claims: revealed.into_claims(),
            decoded,
            disclosable,
        })
    }

    /// All claims, as a verifier would see them if everything were disclosed.
    #[must_use]
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The Issuer-signed JWT's payload, digests and all.
    #[must_use]
    pub fn issuer_payload(&self) -> &Map<String, Value> {
        self.decoded.payload()
    }

    /// The selectively disclosable claims, in document order.
    #[must_use]
    pub fn disclosable(&self) -> &[DisclosableClaim] {
        &self.disclosable
    }

    /// Selects the claims at `paths`, with what they need: the Disclosures of their
    /// ancestors and of everything nested inside them.
    ///
    /// # Errors
    /// [`PresentError::NoSuchClaim`] for a path that names no claim.
    pub fn select(&self, paths: &[JsonPointer]) -> Result<Selection, PresentError> {
        let root = Value::Object(self.claims.clone());
        let mut disclosures = BTreeSet::new();
        for path in paths {
            if path.resolve(&root).is_none() {
                return Err(PresentError::NoSuchClaim(path.to_string()));
            }
            for claim in &self.disclosable {
                if claim.path.contains(path) || path.contains(&claim.path) {
                    disclosures.insert(claim.disclosure);
                }
            }
        }
        Ok(Selection { disclosures })
    }

    /// What a verifier sees with `selection`: the payload processed with exactly those
    /// Disclosures (registered claims such as `iss` and `cnf` included). The wallet's
    /// consent screen lists this, so it shows what the presentation carries, not what was
    /// asked for (a child claim whose parent alone is disclosable brings the parent).
    #[must_use]
    pub fn revealed(&self, selection: &Selection) -> Map<String, Value> {
        let chosen: Vec<Disclosure> = selection
            .disclosures
            .iter()
            .filter_map(|index| self.decoded.disclosures().get(*index).cloned())
            .collect();
        // The Disclosures come from this credential, which parsed: revealing a subset of
        // them cannot fail.
        reveal(self.decoded.payload().clone(), &chosen)
            .map_or_else(|_| Map::new(), Revealed::into_claims)
    }

    /// The disclosable claim whose Disclosure carries `path` (the claim itself, or the
    /// nearest disclosable ancestor), or `None` for a claim that is always visible.
    #[must_use]
    pub fn disclosed_with(&self, path: &JsonPointer) -> Option<&DisclosableClaim> {
        self.disclosable
            .iter()
            .filter(|claim| claim.path.contains(path))
            .min_by_key(|claim| claim.path.to_string().len())
    }

    /// Selects every Disclosure.
    #[must_use]
    pub fn select_all(&self) -> Selection {
        Selection {
            disclosures: (0..self.decoded.disclosures().len()).collect(),
        }
    }

    /// The SD-JWT with the selected Disclosures, without key binding.
    #[must_use]
    pub fn present(&self, selection: &Selection) -> String {
        let mut out = self.decoded.issuer_jwt();
        out.push('~');
        for disclosure in selection
            .disclosures
            .iter()
            .filter_map(|index| self.decoded.disclosures().get(*index))
        {
            out.push_str(disclosure.encoded());
            out.push('~');
        }
        out
    }

    /// The presentation with a Key Binding JWT still to be signed.
    #[must_use]
    pub fn present_with_key_binding(
        &self,
        selection: &Selection,
        params: &KeyBindingParams,
    ) -> UnsignedPresentation {
        let sd_jwt = self.present(selection);
        let header = json!({"alg": jws::ES256, "typ": TYP_KB_JWT});
        let payload = json!({
            "iat": params.iat,
            "aud": params.audience,
            "nonce": params.nonce,
            "sd_hash": sha256_b64(&sd_jwt),
        });
        UnsignedPresentation {
            signing_input: jws::signing_input(&header, &payload),
            sd_jwt,
        }
    }
}

#[cfg(test)]
mod tests;
