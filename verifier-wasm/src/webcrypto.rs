//! ES256 signature checks through the page's WebCrypto (`crypto.subtle`), which is native
//! code and much faster than elliptic-curve arithmetic in wasm. Used with the core's
//! two-phase [`credential::deferred`] verification; where `crypto.subtle` is
//! missing (a page that is not a secure context) the pure-Rust provider is used instead.

use std::cell::RefCell;
use std::collections::HashMap;

use credential::deferred::SignatureCheck;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

/// Imported keys kept for reuse (issuer keys recur; holder keys do not).
const MAX_CACHED_KEYS: usize = 64;

/// The page's `crypto.subtle` with a cache of imported public keys.
pub(crate) struct WebCrypto {
    subtle: SubtleCrypto,
    keys: RefCell<HashMap<[u8; 65], CryptoKey>>,
}

fn object(entries: &[(&str, &str)]) -> Result<Object, JsValue> {
    let object = Object::new();
    for (name, value) in entries {
        Reflect::set(&object, &JsValue::from_str(name), &JsValue::from_str(value))?;
    }
    Ok(object)
}

impl WebCrypto {
    /// `globalThis.crypto.subtle`, if the page has it.
    pub(crate) fn detect() -> Option<Self> {
        let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).ok()?;
        let subtle = Reflect::get(&crypto, &JsValue::from_str("subtle")).ok()?;
        if subtle.is_undefined() || subtle.is_null() {
            return None;
        }
        Some(Self {
            subtle: subtle.unchecked_into(),
            keys: RefCell::new(HashMap::new()),
        })
    }

    fn import(&self, sec1: &[u8; 65]) -> Result<js_sys::Promise, JsValue> {
        let algorithm = object(&[("name", "ECDSA"), ("namedCurve", "P-256")])?;
        let usages = Array::of1(&JsValue::from_str("verify"));
        self.subtle.import_key_with_object(
            "raw",
            &Uint8Array::from(&sec1[..]),
            &algorithm,
            false,
            &usages,
        )
    }

    /// Imports the keys not yet cached, all at once.
    async fn import_missing(&self, checks: &[SignatureCheck]) -> Result<(), JsValue> {
        let mut started: Vec<([u8; 65], js_sys::Promise)> = Vec::new();
        for check in checks {
            let cached = self.keys.borrow().contains_key(&check.key);
            if !cached && !started.iter().any(|(key, _)| *key == check.key) {
                started.push((check.key, self.import(&check.key)?));
            }
        }
        for (sec1, promise) in started {
            let key: CryptoKey = JsFuture::from(promise).await?.unchecked_into();
            let mut keys = self.keys.borrow_mut();
            if keys.len() >= MAX_CACHED_KEYS {
                keys.clear();
            }
            keys.insert(sec1, key);
        }
        Ok(())
    }

    /// Whether each signature is valid, all checked concurrently; an error if WebCrypto
    /// failed (the caller then checks in Rust).
    pub(crate) async fn verify_all(&self, checks: &[SignatureCheck]) -> Result<Vec<bool>, JsValue> {
        self.import_missing(checks).await?;
        let algorithm = object(&[("name", "ECDSA"), ("hash", "SHA-256")])?;
        let mut started = Vec::with_capacity(checks.len());
        for check in checks {
            let key = self
                .keys
                .borrow()
                .get(&check.key)
                .cloned()
                .ok_or_else(|| JsValue::from_str("key not imported"))?;
            started.push(self.subtle.verify_with_object_and_u8_array_and_u8_array(
                &algorithm,
                &key,
                &check.signature,
                &check.message,
            )?);
        }
        let mut results = Vec::with_capacity(started.len());
        for promise in started {
            results.push(JsFuture::from(promise).await?.as_bool().unwrap_or(false));
        }
        Ok(results)
    }
}
