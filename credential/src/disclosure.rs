//! Disclosures (RFC 9901 §4.2): `base64url([salt, name, value])` for object properties
//! and `base64url([salt, value])` for array elements, and their digests.
//!
//! The digest is over the exact encoded string received, never a re-encoding.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::base64url;
use crate::error::VerifyError;

/// What a Disclosure reveals.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// An object property: `[salt, name, value]`.
    Property {
        /// The claim name.
        name: String,
        /// The claim value.
        value: Value,
    },
    /// An array element: `[salt, value]`.
    Element {
        /// The element.
        value: Value,
    },
}

/// One decoded Disclosure with its encoded form and digest.
#[derive(Debug, Clone, PartialEq)]
pub struct Disclosure {
    encoded: String,
    digest: String,
    salt: String,
    content: Content,
}

/// `base64url(SHA-256(ASCII(text)))`, the digest of a Disclosure and the `sd_hash`.
#[must_use]
pub fn sha256_b64(text: &str) -> String {
    base64url::encode(&Sha256::digest(text.as_bytes()))
}

impl Disclosure {
    /// Decodes an encoded Disclosure.
    ///
    /// # Errors
    /// [`VerifyError::InvalidBase64Url`], or [`VerifyError::MalformedDisclosure`] for
    /// anything but a JSON array of a string salt and a claim (name and value, or value).
    pub fn decode(encoded: &str) -> Result<Self, VerifyError> {
        let bytes =
            base64url::decode(encoded).map_err(|_| VerifyError::InvalidBase64Url("disclosure"))?;
        let Some(Value::Array(items)) = crate::strict_json::parse(&bytes) else {
            return Err(VerifyError::MalformedDisclosure);
        };
        let mut items = items.into_iter();
        let (salt, content) = match (items.next(), items.next(), items.next(), items.next()) {
            (Some(Value::String(salt)), Some(Value::String(name)), Some(value), None) => {
                (salt, Content::Property { name, value })
            }
            (Some(Value::String(salt)), Some(value), None, None) => {
                (salt, Content::Element { value })
            }
            _ => return Err(VerifyError::MalformedDisclosure),
        };
        Ok(Self {
            digest: sha256_b64(encoded),
            encoded: encoded.to_owned(),
            salt,
            content,
        })
    }

    /// A new property Disclosure.
    #[must_use]
    pub fn property(salt: &str, name: &str, value: Value) -> Self {
        let encoded = encode(&Value::Array(vec![salt.into(), name.into(), value.clone()]));
        Self {
            digest: sha256_b64(&encoded),
            encoded,
            salt: salt.to_owned(),
            content: Content::Property {
                name: name.to_owned(),
                value,
            },
        }
    }

    /// A new array-element Disclosure.
    #[must_use]
    pub fn element(salt: &str, value: Value) -> Self {
        let encoded = encode(&Value::Array(vec![salt.into(), value.clone()]));
        Self {
            digest: sha256_b64(&encoded),
            encoded,
            salt: salt.to_owned(),
            content: Content::Element { value },
        }
    }

    /// The encoded form.
    #[must_use]
    pub fn encoded(&self) -> &str {
        &self.encoded
    }

    /// The digest over the encoded form.
    #[must_use]
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The salt.
    #[must_use]
    pub fn salt(&self) -> &str {
        &self.salt
    }

    /// What it reveals.
    #[must_use]
    pub fn content(&self) -> &Content {
        &self.content
    }
}

fn encode(array: &Value) -> String {
    base64url::encode(array.to_string().as_bytes())
}
