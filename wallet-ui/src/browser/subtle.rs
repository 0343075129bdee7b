//! The WebCrypto operations the wallet uses, as plain async functions: random bytes,
//! ECDSA P-256 holder keys (non-extractable), AES-GCM, and PBKDF2 for passphrases.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Crypto, CryptoKey, CryptoKeyPair, SubtleCrypto};

/// Why a WebCrypto call failed, with the browser's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("WebCrypto: {0}")]
pub struct CryptoError(pub String);

impl From<JsValue> for CryptoError {
    fn from(value: JsValue) -> Self {
        let message = Reflect::get(&value, &JsValue::from_str("message"))
            .ok()
            .and_then(|m| m.as_string())
            .or_else(|| value.as_string())
            .unwrap_or_else(|| "unknown error".to_owned());
        Self(message)
    }
}

type Result<T> = core::result::Result<T, CryptoError>;

fn crypto() -> Result<Crypto> {
    let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))?;
    if crypto.is_undefined() {
        return Err(CryptoError("crypto is not available".into()));
    }
    Ok(crypto.unchecked_into())
}

fn subtle() -> Result<SubtleCrypto> {
    let subtle = crypto()?.subtle();
    if JsValue::from(subtle.clone()).is_undefined() {
        return Err(CryptoError(
            "crypto.subtle is not available (the wallet needs a secure context)".into(),
        ));
    }
    Ok(subtle)
}

fn object(entries: &[(&str, JsValue)]) -> Result<Object> {
    let object = Object::new();
    for (name, value) in entries {
        Reflect::set(&object, &JsValue::from_str(name), value)?;
    }
    Ok(object)
}

fn usages(names: &[&str]) -> Array {
    names.iter().map(|name| JsValue::from_str(name)).collect()
}

async fn bytes_of(promise: js_sys::Promise) -> Result<Vec<u8>> {
    let buffer = JsFuture::from(promise).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// `n` random bytes from `crypto.getRandomValues`.
///
/// # Errors
/// [`CryptoError`] without a `crypto` object.
pub fn random_bytes(n: usize) -> Result<Vec<u8>> {
    let mut bytes = vec![0u8; n];
    crypto()?.get_random_values_with_u8_array(&mut bytes)?;
    Ok(bytes)
}

/// A random identifier (128 bits, base64url).
///
/// # Errors
/// [`CryptoError`] without a `crypto` object.
pub fn random_id() -> Result<String> {
    Ok(credential::base64url::encode(&random_bytes(16)?))
}

/// A new ECDSA P-256 key pair whose private key cannot be exported; returns the pair
/// and the public key as uncompressed SEC1 bytes.
///
/// # Errors
/// [`CryptoError`] from WebCrypto.
pub async fn generate_signing_key() -> Result<(CryptoKeyPair, Vec<u8>)> {
    let algorithm = object(&[("name", "ECDSA".into()), ("namedCurve", "P-256".into())])?;
    let pair: CryptoKeyPair = JsFuture::from(subtle()?.generate_key_with_object(
        &algorithm,
        false,
        &usages(&["sign", "verify"]),
    )?)
    .await?
    .unchecked_into();
    let public = pair.get_public_key();
    let raw = bytes_of(subtle()?.export_key("raw", &public)?).await?;
    Ok((pair, raw))
}

/// ES256 signature (`r || s`, 64 bytes) of `message`.
///
/// # Errors
/// [`CryptoError`] from WebCrypto, or if the signature is not 64 bytes.
pub async fn sign(key: &CryptoKey, message: &[u8]) -> Result<[u8; 64]> {
    let algorithm = object(&[("name", "ECDSA".into()), ("hash", "SHA-256".into())])?;
    let signature =
        bytes_of(subtle()?.sign_with_object_and_u8_array(&algorithm, key, message)?).await?;
    signature
        .try_into()
        .map_err(|_| CryptoError("signature is not 64 bytes".into()))
}

/// A new AES-GCM 256 key that cannot be exported.
///
/// # Errors
/// [`CryptoError`] from WebCrypto.
pub async fn generate_aes_key() -> Result<CryptoKey> {
    let algorithm = object(&[("name", "AES-GCM".into()), ("length", 256.into())])?;
    Ok(JsFuture::from(subtle()?.generate_key_with_object(
        &algorithm,
        false,
        &usages(&["encrypt", "decrypt"]),
    )?)
    .await?
    .unchecked_into())
}

/// Imports raw key bytes as a non-extractable AES-GCM key.
///
/// # Errors
/// [`CryptoError`] from WebCrypto.
pub async fn import_aes_key(raw: &[u8]) -> Result<CryptoKey> {
    let algorithm = object(&[("name", "AES-GCM".into())])?;
    Ok(JsFuture::from(subtle()?.import_key_with_object(
        "raw",
        &Uint8Array::from(raw),
        &algorithm,
        false,
        &usages(&["encrypt", "decrypt"]),
    )?)
    .await?
    .unchecked_into())
}

/// The AES-GCM key PBKDF2-SHA-256 derives from `passphrase`.
///
/// # Errors
/// [`CryptoError`] from WebCrypto.
pub async fn passphrase_key(passphrase: &str, salt: &[u8], iterations: u32) -> Result<CryptoKey> {
    let subtle = subtle()?;
    let base: CryptoKey = JsFuture::from(subtle.import_key_with_str(
        "raw",
        &Uint8Array::from(passphrase.as_bytes()),
        "PBKDF2",
        false,
        &usages(&["deriveKey"]),
    )?)
    .await?
    .unchecked_into();
    let params = object(&[
        ("name", "PBKDF2".into()),
        ("hash", "SHA-256".into()),
        ("salt", Uint8Array::from(salt).into()),
        ("iterations", iterations.into()),
    ])?;
    let derived = object(&[("name", "AES-GCM".into()), ("length", 256.into())])?;
    Ok(JsFuture::from(subtle.derive_key_with_object_and_object(
        &params,
        &base,
        &derived,
        false,
        &usages(&["encrypt", "decrypt"]),
    )?)
    .await?
    .unchecked_into())
}

/// AES-GCM encryption with a random 96-bit nonce: returns `nonce || ciphertext || tag`.
///
/// # Errors
/// [`CryptoError`] from WebCrypto.
pub async fn seal(key: &CryptoKey, plain: &[u8]) -> Result<Vec<u8>> {
    let iv = random_bytes(12)?;
    let algorithm = object(&[
        ("name", "AES-GCM".into()),
        ("iv", Uint8Array::from(&iv[..]).into()),
    ])?;
    let sealed =
        bytes_of(subtle()?.encrypt_with_object_and_u8_array(&algorithm, key, plain)?).await?;
    Ok([iv, sealed].concat())
}

/// The inverse of [`seal`]; fails for a wrong key or altered bytes.
///
/// # Errors
/// [`CryptoError`] from WebCrypto.
pub async fn open(key: &CryptoKey, sealed: &[u8]) -> Result<Vec<u8>> {
    if sealed.len() < 12 + 16 {
        return Err(CryptoError("too short".into()));
    }
    let (iv, body) = sealed.split_at(12);
    let algorithm = object(&[
        ("name", "AES-GCM".into()),
        ("iv", Uint8Array::from(iv).into()),
    ])?;
    bytes_of(subtle()?.decrypt_with_object_and_u8_array(&algorithm, key, body)?).await
}
