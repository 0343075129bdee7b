//! P-256 keys as JSON Web Keys (RFC 7517), the only kind Cachet uses (ES256).
//!
//! Parsing is strict: `kty` must be `EC`, `crv` `P-256`, and `x`/`y` 32-byte canonical
//! base64url coordinates of a point on the curve. A public key never carries `d`.

use p256::ecdsa::{SigningKey, VerifyingKey};
use p256::elliptic_curve::sec1::{EncodedPoint, FromEncodedPoint};
use p256::{NistP256, PublicKey};
use rand_core::CryptoRngCore;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::{base64url, names};

/// Why a JWK was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwkError {
    /// Not a JSON object.
    #[error("a JWK must be a JSON object")]
    NotAnObject,
    /// `kty` is not `EC` or `crv` is not `P-256`.
    #[error("only EC keys on P-256 are supported")]
    UnsupportedKeyType,
    /// `x`, `y` or `d` is missing, not canonical base64url, or not 32 bytes.
    #[error("a coordinate or the private scalar is missing or malformed")]
    MalformedMember,
    /// The coordinates are not a point on P-256, or `d` is not a valid scalar.
    #[error("not a valid P-256 key")]
    InvalidKey,
    /// A public key was expected but the JWK holds the private part `d`.
    #[error("the JWK contains a private key where a public key is expected")]
    UnexpectedPrivateKey,
    /// A private key was expected but `d` is missing.
    #[error("the JWK has no private part d")]
    MissingPrivateKey,
    /// A JWKS has no `keys` array.
    #[error("a JWKS must have a keys array")]
    MalformedSet,
}

/// A P-256 public key with its optional `kid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicJwk {
    key: VerifyingKey,
    /// Uncompressed SEC1 encoding (`04 || x || y`), kept for backends that take bytes.
    sec1: [u8; 65],
    kid: Option<String>,
}

fn member<'a>(object: &'a Map<String, Value>, name: &str) -> Result<&'a str, JwkError> {
    object
        .get(name)
        .and_then(Value::as_str)
        .ok_or(JwkError::MalformedMember)
}

fn coordinate(object: &Map<String, Value>, name: &str) -> Result<[u8; 32], JwkError> {
    let bytes = base64url::decode(member(object, name)?).map_err(|_| JwkError::MalformedMember)?;
    bytes.try_into().map_err(|_| JwkError::MalformedMember)
}

fn check_type(object: &Map<String, Value>) -> Result<(), JwkError> {
    let kty = object.get("kty").and_then(Value::as_str);
    let crv = object.get("crv").and_then(Value::as_str);
    if kty == Some("EC") && crv == Some("P-256") {
        Ok(())
    } else {
        Err(JwkError::UnsupportedKeyType)
    }
}

fn public_from_object(object: &Map<String, Value>) -> Result<PublicJwk, JwkError> {
    check_type(object)?;
    let x = coordinate(object, "x")?;
    let y = coordinate(object, "y")?;
    let point = EncodedPoint::<NistP256>::from_affine_coordinates(&x.into(), &y.into(), false);
    let public = Option::<PublicKey>::from(PublicKey::from_encoded_point(&point))
        .ok_or(JwkError::InvalidKey)?;
    let kid = object.get("kid").and_then(Value::as_str).map(str::to_owned);
    Ok(PublicJwk::from_key(VerifyingKey::from(public), kid))
}

impl PublicJwk {
    /// Parses a public JWK, rejecting one that contains a private part.
    ///
    /// # Errors
    /// [`JwkError`] for anything but a well-formed P-256 public key.
    pub fn from_json(value: &Value) -> Result<Self, JwkError> {
        let object = value.as_object().ok_or(JwkError::NotAnObject)?;
        if object.contains_key("d") {
            return Err(JwkError::UnexpectedPrivateKey);
        }
        public_from_object(object)
    }

    /// Wraps a verifying key.
    #[must_use]
    pub fn from_key(key: VerifyingKey, kid: Option<String>) -> Self {
        let mut sec1 = [0u8; 65];
        let point = key.to_encoded_point(false);
        if let Ok(bytes) = <[u8; 65]>::try_from(point.as_bytes()) {
            sec1 = bytes;
        }
        Self { key, sec1, kid }
    }

    /// A key from its uncompressed SEC1 encoding, if that is a point on P-256.
    #[must_use]
    pub fn from_sec1(sec1: &[u8; 65]) -> Option<Self> {
        VerifyingKey::from_sec1_bytes(sec1)
            .ok()
            .map(|key| Self::from_key(key, None))
    }

    /// The uncompressed SEC1 encoding `04 || x || y`.
    #[must_use]
    pub fn sec1(&self) -> &[u8; 65] {
        &self.sec1
    }

    /// The key.
    #[must_use]
    pub fn key(&self) -> &VerifyingKey {
        &self.key
    }

    /// The `kid`, if the JWK had one.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The key as a JWK object (with its `kid` when it has one).
    #[must_use]
    pub fn to_json(&self) -> Value {
        let mut jwk = self.bare_json();
        if let (Some(kid), Some(object)) = (&self.kid, jwk.as_object_mut()) {
            object.insert("kid".into(), Value::String(kid.clone()));
        }
        jwk
    }

    /// The required members only (`kty`, `crv`, `x`, `y`), as used in `cnf.jwk`: a `kid`
    /// there would only be another identifier to link copies by.
    #[must_use]
    pub fn bare_json(&self) -> Value {
        let point = self.key.to_encoded_point(false);
        let x = point.x().map(|x| base64url::encode(x)).unwrap_or_default();
        let y = point.y().map(|y| base64url::encode(y)).unwrap_or_default();
        json!({"kty": "EC", "crv": "P-256", "x": x, "y": y})
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url), used as a default `kid`.
    #[must_use]
    pub fn thumbprint(&self) -> String {
        let point = self.key.to_encoded_point(false);
        let x = point.x().map(|x| base64url::encode(x)).unwrap_or_default();
        let y = point.y().map(|y| base64url::encode(y)).unwrap_or_default();
        // Members in lexicographic order, no white space (RFC 7638 §3).
        let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
        base64url::encode(&Sha256::digest(canonical.as_bytes()))
    }
}

/// A P-256 private key with its `kid`. Used by the issuer and the CLI; the wallet keeps
/// its keys in WebCrypto instead and signs through [`crate::crypto`]'s two-step interface.
#[derive(Clone)]
pub struct PrivateJwk {
    key: SigningKey,
    kid: String,
}

impl core::fmt::Debug for PrivateJwk {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PrivateJwk")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl PrivateJwk {
    /// A fresh key from `rng`, with its thumbprint as `kid`.
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        let key = SigningKey::random(rng);
        let kid = PublicJwk::from_key(*key.verifying_key(), None).thumbprint();
        Self { key, kid }
    }

    /// Parses a private JWK. Without a `kid`, the thumbprint is used.
    ///
    /// # Errors
    /// [`JwkError`] for anything but a well-formed P-256 private key whose `x`/`y` match `d`.
    pub fn from_json(value: &Value) -> Result<Self, JwkError> {
        let object = value.as_object().ok_or(JwkError::NotAnObject)?;
        check_type(object)?;
        if !object.contains_key("d") {
            return Err(JwkError::MissingPrivateKey);
        }
        let d = coordinate(object, "d")?;
        let key = SigningKey::from_bytes(&d.into()).map_err(|_| JwkError::InvalidKey)?;
        let public = public_from_object(object)?;
        if public.key != *key.verifying_key() {
            return Err(JwkError::InvalidKey);
        }
        let kid = public
            .kid
            .unwrap_or_else(|| PublicJwk::from_key(*key.verifying_key(), None).thumbprint());
        Ok(Self { key, kid })
    }

    /// The signing key.
    #[must_use]
    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// The `kid`.
    #[must_use]
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public half, with the same `kid`.
    #[must_use]
    pub fn public(&self) -> PublicJwk {
        PublicJwk::from_key(*self.key.verifying_key(), Some(self.kid.clone()))
    }

    /// The private JWK (`kty`, `crv`, `x`, `y`, `d`, `kid`).
    #[must_use]
    pub fn to_json(&self) -> Value {
        let mut jwk = self.public().to_json();
        if let Some(object) = jwk.as_object_mut() {
            object.insert(
                "d".into(),
                Value::String(base64url::encode(&self.key.to_bytes())),
            );
        }
        jwk
    }
}

/// A set of public keys (RFC 7517 §5), e.g. an issuer's published keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Jwks {
    keys: Vec<PublicJwk>,
    /// Keys of the pseudonymous format (`crv` BLS12381G2), kept as published for
    /// `credential::bbs`, which reads them.
    pseudonymous: Vec<Value>,
}

impl Jwks {
    /// A set of the given keys.
    #[must_use]
    pub fn new(keys: Vec<PublicJwk>) -> Self {
        Self {
            keys,
            pseudonymous: Vec::new(),
        }
    }

    /// Parses `{"keys": [...]}`; every key must be a valid public P-256 JWK, except the
    /// pseudonymous format's (`crv` BLS12381G2), which are kept as they are for it.
    ///
    /// # Errors
    /// [`JwkError::MalformedSet`] without a `keys` array, or the first bad key's error.
    pub fn from_json(value: &Value) -> Result<Self, JwkError> {
        let keys = value
            .get("keys")
            .and_then(Value::as_array)
            .ok_or(JwkError::MalformedSet)?;
        let mut set = Self::new(Vec::new());
        for key in keys {
            if key.get("crv").and_then(Value::as_str) == Some(names::CRV_BLS12381G2) {
                set.pseudonymous.push(key.clone());
            } else {
                set.keys.push(PublicJwk::from_json(key)?);
            }
        }
        Ok(set)
    }

    /// The pseudonymous format's keys, as published.
    #[must_use]
    pub fn pseudonymous_keys(&self) -> &[Value] {
        &self.pseudonymous
    }

    /// The keys.
    #[must_use]
    pub fn keys(&self) -> &[PublicJwk] {
        &self.keys
    }

    /// `{"keys": [...]}`.
    #[must_use]
    pub fn to_json(&self) -> Value {
        let keys = self.keys.iter().map(PublicJwk::to_json);
        json!({"keys": keys.chain(self.pseudonymous.iter().cloned()).collect::<Vec<_>>()})
    }

    /// The keys to try for a token with this `kid`: the one with that `kid`, or all of
    /// them when the token names none.
    pub fn candidates<'a>(&'a self, kid: Option<&'a str>) -> impl Iterator<Item = &'a PublicJwk> {
        self.keys
            .iter()
            .filter(move |key| kid.is_none() || key.kid() == kid)
    }
}

#[cfg(test)]
mod tests;
