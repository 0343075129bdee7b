//! Stage one of reading an SD-JWT: the text split ([`crate::serialization`]) and every
//! part decoded (the Issuer-signed JWT's headers, payload and signatures, the
//! Disclosures), with nothing checked but form. Every reader of an SD-JWT starts here:
//! [`crate::verify()`], [`crate::Credential::parse`], the compact QR encoding and the CLI,
//! so each reads every serialization the core reads (compact, and the flattened and
//! general JWS JSON serializations).
//!
//! ```text
//! Decoded::parse ─▶ Decoded ─[reveal]─▶ Revealed ─[verify: signature, rules]─▶ Verified
//! ```

use serde_json::{Map, Value};

use crate::disclosure::Disclosure;
use crate::error::VerifyError;
use crate::jws::Jws;
use crate::reveal::{Revealed, reveal, reveal_placed};
use crate::serialization::Parts;

/// One signature over the payload, decoded.
#[derive(Debug, Clone)]
pub(crate) struct Signature {
    /// The JWS it makes with the payload.
    pub jws: Jws,
    /// `kid` from the unprotected header (JSON serialization only).
    pub unprotected_kid: Option<String>,
}

/// An SD-JWT or SD-JWT+KB with every part decoded, nothing verified.
#[derive(Debug, Clone)]
pub struct Decoded {
    parts: Parts,
    payload: Map<String, Value>,
    signatures: Vec<Signature>,
    disclosures: Vec<Disclosure>,
}

impl Decoded {
    /// Splits and decodes a presentation or credential (compact or JSON serialization).
    ///
    /// # Errors
    /// [`VerifyError`] for the first part that is malformed or over a limit.
    pub fn parse(text: &str) -> Result<Self, VerifyError> {
        let parts = Parts::parse(text)?;
        let payload = crate::jws::decode_object(&parts.payload, "issuer JWT payload")?;
        let mut signatures = Vec::with_capacity(parts.signatures.len());
        for signature in &parts.signatures {
            signatures.push(Signature {
                jws: Jws::from_parts(&signature.protected, &parts.payload, &signature.signature)?,
                unprotected_kid: signature.unprotected_kid.clone(),
            });
        }
        let mut disclosures = Vec::with_capacity(parts.disclosures.len());
        for encoded in &parts.disclosures {
            disclosures.push(Disclosure::decode(encoded)?);
        }
        Ok(Self {
            parts,
            payload,
            signatures,
            disclosures,
        })
    }

    /// The Issuer-signed JWT's payload, digests and all.
    #[must_use]
    pub fn payload(&self) -> &Map<String, Value> {
        &self.payload
    }

    /// The protected header of each signature (one, except in the general JSON
    /// serialization).
    pub fn headers(&self) -> impl Iterator<Item = &Map<String, Value>> {
        self.signatures
            .iter()
            .map(|signature| signature.jws.header())
    }

    /// The Disclosures, in the order presented.
    #[must_use]
    pub fn disclosures(&self) -> &[Disclosure] {
        &self.disclosures
    }

    /// The Key Binding JWT, if one came with it.
    #[must_use]
    pub fn key_binding_jwt(&self) -> Option<&str> {
        self.parts.kb_jwt.as_deref()
    }

    /// The `iss` the payload names, not yet checked against anything: for choosing which
    /// issuer's keys to verify with.
    #[must_use]
    pub fn claimed_issuer(&self) -> Option<&str> {
        self.payload.get("iss").and_then(Value::as_str)
    }

    /// The compact Issuer-signed JWT (of the first signature).
    #[must_use]
    pub fn issuer_jwt(&self) -> String {
        self.parts.issuer_jwt()
    }

    /// `<Issuer-signed JWT>~<D1>~...~<DN>~`: what a Key Binding JWT's `sd_hash` covers.
    #[must_use]
    pub fn sd_hash_input(&self) -> &str {
        &self.parts.sd_hash_input
    }

    /// The claims as all its Disclosures reveal them (RFC 9901 §7.1).
    ///
    /// # Errors
    /// The [`VerifyError`] of the first processing rule broken.
    pub fn reveal(&self) -> Result<Revealed, VerifyError> {
        reveal(self.payload.clone(), &self.disclosures)
    }

    /// As [`Self::reveal`], recording where each Disclosure landed.
    pub(crate) fn reveal_placed(&self) -> Result<Revealed, VerifyError> {
        reveal_placed(self.payload.clone(), &self.disclosures)
    }

    pub(crate) fn signatures(&self) -> &[Signature] {
        &self.signatures
    }
}
