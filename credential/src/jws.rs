//! Compact JWS (RFC 7515) as SD-JWT uses it: decoding with the original encoded parts kept
//! (signatures and digests are over them), and ES256 signing. The header rules (ES256
//! pinned, `typ`, no `crit`) are `jwt.rs`'s.

use serde_json::{Map, Value};

use crate::base64url;
use crate::crypto::{ES256_SIGNATURE_LEN, Es256Signer, SignError, SignatureVerifier, sign_es256};
use crate::error::VerifyError;
use crate::jwk::PublicJwk;
use p256::ecdsa::SigningKey;

pub use crate::names::ES256;

/// A decoded JWS: its header and payload as JSON objects, next to the exact encoded
/// strings they came from.
#[derive(Debug, Clone)]
pub struct Jws {
    signing_input: String,
    header: Map<String, Value>,
    payload: Map<String, Value>,
    signature: Vec<u8>,
}

/// Decodes base64url JSON that must be an object (a JWS header or payload).
///
/// # Errors
/// [`VerifyError::InvalidBase64Url`] or [`VerifyError::MalformedJson`], naming `what`.
pub fn decode_object(encoded: &str, what: &'static str) -> Result<Map<String, Value>, VerifyError> {
    let bytes = base64url::decode(encoded).map_err(|_| VerifyError::InvalidBase64Url(what))?;
    match crate::strict_json::parse(&bytes) {
        Some(Value::Object(object)) => Ok(object),
        _ => Err(VerifyError::MalformedJson(what)),
    }
}

impl Jws {
    /// Decodes a compact JWS `header.payload.signature`.
    ///
    /// # Errors
    /// [`VerifyError::MalformedSerialization`] without exactly three parts; base64url and
    /// JSON errors for the parts. (A signature of the wrong length simply fails to
    /// verify, after the header checks, so that `alg: none` is reported as such.)
    pub fn decode(compact: &str) -> Result<Self, VerifyError> {
        let mut parts = compact.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(VerifyError::MalformedSerialization(
                "a JWS must have three dot-separated parts",
            ));
        };
        Self::from_parts(header, payload, signature)
    }

    /// Decodes a JWS from its three encoded parts (as in the JWS JSON serialization).
    ///
    /// # Errors
    /// As [`Jws::decode`].
    pub fn from_parts(header: &str, payload: &str, signature: &str) -> Result<Self, VerifyError> {
        let header_object = decode_object(header, "JWS header")?;
        let payload_object = decode_object(payload, "JWS payload")?;
        let signature =
            base64url::decode(signature).map_err(|_| VerifyError::InvalidBase64Url("signature"))?;
        Ok(Self {
            signing_input: format!("{header}.{payload}"),
            header: header_object,
            payload: payload_object,
            signature,
        })
    }

    /// The protected header.
    #[must_use]
    pub fn header(&self) -> &Map<String, Value> {
        &self.header
    }

    /// The payload.
    #[must_use]
    pub fn payload(&self) -> &Map<String, Value> {
        &self.payload
    }

    /// Takes the payload out.
    #[must_use]
    pub fn into_payload(self) -> Map<String, Value> {
        self.payload
    }

    /// A string header parameter.
    #[must_use]
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header.get(name).and_then(Value::as_str)
    }

    /// Whether the signature is 64 bytes and verifies with `key`.
    #[must_use]
    pub fn verify_with(&self, key: &PublicJwk, provider: &dyn SignatureVerifier) -> bool {
        <&[u8; ES256_SIGNATURE_LEN]>::try_from(self.signature.as_slice()).is_ok_and(|signature| {
            provider.verify_es256(key, self.signing_input.as_bytes(), signature)
        })
    }
}

/// A header value as text for an error message: a string as it is, anything else as JSON.
pub(crate) fn value_text(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

/// `base64url(header) . base64url(payload)`: the JWS signing input.
#[must_use]
pub fn signing_input(header: &Value, payload: &Value) -> String {
    format!(
        "{}.{}",
        base64url::encode(header.to_string().as_bytes()),
        base64url::encode(payload.to_string().as_bytes())
    )
}

/// Appends an ES256 signature to a signing input, giving a compact JWS.
#[must_use]
pub fn attach_signature(signing_input: &str, signature: &[u8; ES256_SIGNATURE_LEN]) -> String {
    format!("{signing_input}.{}", base64url::encode(signature))
}

/// Signs header and payload with `signer` (ES256) as a compact JWS.
///
/// # Errors
/// [`SignError`] from the signer.
pub fn sign_with(
    header: &Value,
    payload: &Value,
    signer: &(impl Es256Signer + ?Sized),
) -> Result<String, SignError> {
    let input = signing_input(header, payload);
    let signature = signer.sign_es256(input.as_bytes())?;
    Ok(attach_signature(&input, &signature))
}

/// Signs header and payload with `key` (ES256) as a compact JWS.
#[must_use]
pub fn sign(header: &Value, payload: &Value, key: &SigningKey) -> String {
    let input = signing_input(header, payload);
    let signature = sign_es256(key, input.as_bytes());
    attach_signature(&input, &signature)
}
