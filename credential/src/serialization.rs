//! The two serializations of SD-JWT and SD-JWT+KB (RFC 9901 §4 and §8), parsed into one
//! shape:
//!
//! ```text
//! compact:  <Issuer-signed JWT>~<Disclosure 1>~...~<Disclosure N>~[<KB-JWT>]
//! JSON:     {"payload", "protected", "signature", "header": {"disclosures", "kb_jwt"}}
//!           (flattened) or {"payload", "signatures": [{...}, ...]} (general)
//! ```
//!
//! Nothing is decoded here beyond the JSON envelope; the encoded strings are kept because
//! digests, signatures and `sd_hash` are computed over them.

use serde_json::{Map, Value};

use crate::error::VerifyError;
use crate::limits::{Limit, MAX_DISCLOSURES, MAX_PRESENTATION_BYTES};

/// One signature over the Issuer-signed JWT's payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SignatureParts {
    /// The encoded protected header.
    pub(crate) protected: String,
    /// The encoded signature.
    pub(crate) signature: String,
    /// `kid` from the unprotected header (JSON serialization only): a hint for key choice.
    pub(crate) unprotected_kid: Option<String>,
}

/// An SD-JWT or SD-JWT+KB split into its encoded parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parts {
    /// The encoded payload of the Issuer-signed JWT.
    pub(crate) payload: String,
    /// Its signatures (one, except in the general JSON serialization).
    pub(crate) signatures: Vec<SignatureParts>,
    /// The encoded Disclosures, in the order presented.
    pub(crate) disclosures: Vec<String>,
    /// The Key Binding JWT, if present.
    pub(crate) kb_jwt: Option<String>,
    /// What `sd_hash` is computed over: `<Issuer-signed JWT>~<D1>~...~<DN>~`.
    pub(crate) sd_hash_input: String,
    /// Whether it came in a JWS JSON serialization.
    pub(crate) json: bool,
}

impl Parts {
    /// The compact Issuer-signed JWT of the first signature.
    #[must_use]
    pub(crate) fn issuer_jwt(&self) -> String {
        self.signatures
            .first()
            .map_or_else(String::new, |signature| {
                format!(
                    "{}.{}.{}",
                    signature.protected, self.payload, signature.signature
                )
            })
    }

    /// Splits a presentation (compact or JSON serialization).
    ///
    /// # Errors
    /// [`VerifyError::LimitExceeded`] over the named limits, otherwise
    /// [`VerifyError::MalformedSerialization`] or [`VerifyError::MalformedJson`].
    pub(crate) fn parse(text: &str) -> Result<Self, VerifyError> {
        if text.len() > MAX_PRESENTATION_BYTES {
            return Err(VerifyError::LimitExceeded(Limit::PresentationBytes));
        }
        if text.starts_with('{') {
            Self::parse_json(text)
        } else {
            Self::parse_compact(text)
        }
    }

    fn parse_compact(text: &str) -> Result<Self, VerifyError> {
        let Some(last_tilde) = text.rfind('~') else {
            return Err(VerifyError::MalformedSerialization(
                "an SD-JWT has at least one '~' after the issuer-signed JWT",
            ));
        };
        // `split_at_checked`: '~' is one byte, so this always splits, without the
        // char-boundary panic path (and its formatting) that `split_at` brings along.
        let Some((sd_jwt, kb)) = text.split_at_checked(last_tilde + 1) else {
            return Err(VerifyError::MalformedSerialization("an SD-JWT"));
        };
        let body = sd_jwt.strip_suffix('~').unwrap_or(sd_jwt);
        let mut pieces = body.split('~');
        let jwt = pieces.next().unwrap_or_default();
        let disclosures: Vec<&str> = pieces.collect();
        if disclosures.len() > MAX_DISCLOSURES {
            return Err(VerifyError::LimitExceeded(Limit::Disclosures));
        }
        if disclosures.iter().any(|d| d.is_empty()) {
            return Err(VerifyError::MalformedSerialization("empty disclosure"));
        }
        let mut jwt_parts = jwt.split('.');
        let (Some(protected), Some(payload), Some(signature), None) = (
            jwt_parts.next(),
            jwt_parts.next(),
            jwt_parts.next(),
            jwt_parts.next(),
        ) else {
            return Err(VerifyError::MalformedSerialization(
                "the issuer-signed JWT must have three dot-separated parts",
            ));
        };
        Ok(Self {
            payload: payload.to_owned(),
            signatures: vec![SignatureParts {
                protected: protected.to_owned(),
                signature: signature.to_owned(),
                unprotected_kid: None,
            }],
            disclosures: disclosures.iter().map(|d| (*d).to_owned()).collect(),
            kb_jwt: (!kb.is_empty()).then(|| kb.to_owned()),
            sd_hash_input: sd_jwt.to_owned(),
            json: false,
        })
    }

    fn parse_json(text: &str) -> Result<Self, VerifyError> {
        let Some(Value::Object(envelope)) = crate::strict_json::parse(text.as_bytes()) else {
            return Err(VerifyError::MalformedJson("JWS JSON serialization"));
        };
        let payload = string_member(&envelope, "payload")?;
        let entries: Vec<&Map<String, Value>> = match envelope.get("signatures") {
            Some(Value::Array(list)) => list
                .iter()
                .map(|entry| {
                    entry
                        .as_object()
                        .ok_or(VerifyError::MalformedJson("signatures entry"))
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(VerifyError::MalformedJson("signatures")),
            None => vec![&envelope],
        };
        let Some(first) = entries.first() else {
            return Err(VerifyError::MalformedSerialization("no signature"));
        };
        let first_header = unprotected_header(first)?;
        let member = |name: &str| first_header.and_then(|header| header.get(name));
        let disclosures: Vec<String> = match member("disclosures") {
            None => Vec::new(),
            Some(Value::Array(list)) => {
                if list.len() > MAX_DISCLOSURES {
                    return Err(VerifyError::LimitExceeded(Limit::Disclosures));
                }
                let mut disclosures = Vec::with_capacity(list.len());
                for disclosure in list {
                    let Value::String(disclosure) = disclosure else {
                        return Err(VerifyError::MalformedJson("disclosures"));
                    };
                    disclosures.push(disclosure.clone());
                }
                disclosures
            }
            Some(_) => return Err(VerifyError::MalformedJson("disclosures")),
        };
        let kb_jwt = match member("kb_jwt") {
            None => None,
            Some(Value::String(kb)) => Some(kb.clone()),
            Some(_) => return Err(VerifyError::MalformedJson("kb_jwt")),
        };
        let mut signatures = Vec::with_capacity(entries.len());
        for (index, entry) in entries.iter().enumerate() {
            let header = unprotected_header(entry)?;
            if index > 0
                && header.is_some_and(|h| h.contains_key("disclosures") || h.contains_key("kb_jwt"))
            {
                return Err(VerifyError::MalformedSerialization(
                    "disclosures and kb_jwt belong in the first unprotected header only",
                ));
            }
            signatures.push(SignatureParts {
                protected: string_member(entry, "protected")?.to_owned(),
                signature: string_member(entry, "signature")?.to_owned(),
                unprotected_kid: header
                    .and_then(|h| h.get("kid"))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            });
        }
        let first_signature = signatures
            .first()
            .ok_or(VerifyError::MalformedSerialization("no signature"))?;
        // RFC 9901 §8.1: sd_hash is over the compact form built from the (first) signature.
        let mut sd_hash_input = format!(
            "{}.{payload}.{}~",
            first_signature.protected, first_signature.signature
        );
        for disclosure in &disclosures {
            sd_hash_input.push_str(disclosure);
            sd_hash_input.push('~');
        }
        Ok(Self {
            payload: payload.to_owned(),
            signatures,
            disclosures,
            kb_jwt,
            sd_hash_input,
            json: true,
        })
    }
}

/// Re-encodes a compact SD-JWT or SD-JWT+KB in the flattened JWS JSON serialization
/// (RFC 9901 §8.1): `{"protected", "payload", "signature", "header": {"disclosures",
/// "kb_jwt"}}`. The Key Binding JWT's `sd_hash` stays valid: it is defined over the
/// compact form in both serializations.
///
/// A JSON input is re-encoded too; of a general serialization only the first signature
/// is kept (the flattened form holds one).
///
/// # Errors
/// [`crate::VerifyError`] for a text that is not an SD-JWT in either serialization.
pub fn to_flattened_json(presentation: &str) -> Result<String, VerifyError> {
    let parts = Parts::parse(presentation)?;
    let signature = parts
        .signatures
        .first()
        .ok_or(VerifyError::MalformedSerialization("no signature"))?;
    let mut header = Map::new();
    header.insert("disclosures".into(), Value::from(parts.disclosures.clone()));
    if let Some(kb_jwt) = &parts.kb_jwt {
        header.insert("kb_jwt".into(), Value::String(kb_jwt.clone()));
    }
    let mut envelope = Map::new();
    envelope.insert("payload".into(), Value::String(parts.payload.clone()));
    envelope.insert(
        "protected".into(),
        Value::String(signature.protected.clone()),
    );
    envelope.insert(
        "signature".into(),
        Value::String(signature.signature.clone()),
    );
    envelope.insert("header".into(), Value::Object(header));
    Ok(Value::Object(envelope).to_string())
}

fn string_member<'a>(
    object: &'a Map<String, Value>,
    name: &'static str,
) -> Result<&'a str, VerifyError> {
    object
        .get(name)
        .and_then(Value::as_str)
        .ok_or(VerifyError::MalformedJson(name))
}

/// The unprotected `header` of a JSON serialization entry, if it has one.
fn unprotected_header(
    entry: &Map<String, Value>,
) -> Result<Option<&Map<String, Value>>, VerifyError> {
    match entry.get("header") {
        None => Ok(None),
        Some(Value::Object(header)) => Ok(Some(header)),
        Some(_) => Err(VerifyError::MalformedJson("unprotected header")),
    }
}
