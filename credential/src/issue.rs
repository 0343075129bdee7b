//! Issuing SD-JWT VCs: claims plus a policy of which claims are selectively disclosable
//! become an Issuer-signed JWT and its Disclosures.
//!
//! Privacy by construction (RFC 9901 §10.1): every Disclosure gets a fresh 128-bit salt,
//! decoy digests hide how many claims there are, digests are shuffled, and a batch gives
//! each holder key its own copy sharing nothing but the issuer key and the claim values.
//! Randomness and the clock come from the caller.

use std::collections::BTreeSet;

use rand_core::CryptoRngCore;
use serde_json::{Map, Value, json};

use crate::base64url;
use crate::crypto::{Es256Signer, SignError};
use crate::disclosure::{Disclosure, sha256_b64};
use crate::jwk::PublicJwk;
use crate::jws;
use crate::pointer::JsonPointer;
use crate::reveal::{ELLIPSIS, SD, SD_ALG};
use crate::status_list::StatusReference;
use crate::verify::{REGISTERED_CLAIMS, SHA_256, TYP_DC_SD_JWT};

/// Salt length in bytes (128 bits, RFC 9901 §9.3).
pub const SALT_BYTES: usize = 16;
pub use crate::names::TYP_SD_JWT;

/// Why a credential could not be issued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IssueError {
    /// The claims are not a JSON object.
    #[error("claims must be a JSON object")]
    ClaimsNotAnObject,
    /// A disclosable path names no claim.
    #[error("no claim at {0}")]
    NoSuchClaim(String),
    /// A disclosable path names a registered claim, which is never disclosable.
    #[error("registered claim {0} cannot be selectively disclosable")]
    RegisteredClaim(String),
    /// The claims use a name reserved by SD-JWT (`_sd`, `_sd_alg`, `...`).
    #[error("claim name {0:?} is reserved by SD-JWT")]
    ReservedName(String),
    /// The root (empty pointer) cannot be disclosable.
    #[error("the whole payload cannot be selectively disclosable")]
    RootNotDisclosable,
    /// The issuer's signing key could not sign (its device failed).
    #[error(transparent)]
    Signing(#[from] SignError),
}

/// Which claims are selectively disclosable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disclosable {
    /// Every non-registered object property and array element, at every depth.
    Everything,
    /// The claims at these pointers (nested ones give recursive disclosures).
    Paths(Vec<JsonPointer>),
}

/// What to issue, apart from the holder key.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueParams {
    /// The issuer identifier (`iss`).
    pub issuer: String,
    /// The credential type (`vct`); `None` issues a plain SD-JWT instead of an SD-JWT VC.
    pub vct: Option<String>,
    /// The subject's claims (a JSON object).
    pub claims: Value,
    /// Which claims are selectively disclosable.
    pub disclosable: Disclosable,
    /// How many decoy digests to add.
    pub decoys: usize,
    /// `iat` (Unix seconds); the caller rounds it as its privacy policy requires.
    pub iat: Option<i64>,
    /// `nbf` (Unix seconds).
    pub nbf: Option<i64>,
    /// `exp` (Unix seconds).
    pub exp: Option<i64>,
}

/// One copy to issue in a batch: its holder key and status index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyParams {
    /// The holder key bound into `cnf.jwk`; `None` issues a bearer credential.
    pub holder: Option<PublicJwk>,
    /// The copy's own status list entry.
    pub status: Option<StatusReference>,
}

/// Issues one credential in compact serialization (`<JWT>~<D1>~...~<DN>~`).
///
/// # Errors
/// [`IssueError`] for claims or paths that cannot be issued.
pub fn issue(
    params: &IssueParams,
    copy: &CopyParams,
    key: &(impl Es256Signer + ?Sized),
    rng: &mut impl CryptoRngCore,
) -> Result<String, IssueError> {
    let claims = params
        .claims
        .as_object()
        .ok_or(IssueError::ClaimsNotAnObject)?;
    check_names(&params.claims)?;
    let selected = match &params.disclosable {
        Disclosable::Everything => None,
        Disclosable::Paths(paths) => Some(check_paths(&params.claims, paths)?),
    };
    let mut concealer = Concealer {
        selected: selected.as_ref(),
        rng,
        disclosures: Vec::new(),
    };
    let mut payload = Map::new();
    payload.insert("iss".into(), json!(params.issuer));
    for (name, value) in [
        ("iat", params.iat),
        ("nbf", params.nbf),
        ("exp", params.exp),
    ] {
        if let Some(value) = value {
            payload.insert(name.into(), json!(value));
        }
    }
    if let Some(vct) = &params.vct {
        payload.insert("vct".into(), json!(vct));
    }
    if let Some(holder) = &copy.holder {
        payload.insert("cnf".into(), json!({"jwk": holder.bare_json()}));
    }
    if let Some(status) = &copy.status {
        payload.insert("status".into(), status.to_claim());
    }
    let mut digests = Vec::new();
    for (name, value) in claims {
        if payload.contains_key(name) {
            continue; // the parameters' registered claims win over the claims file
        }
        if REGISTERED_CLAIMS.contains(&name.as_str()) {
            payload.insert(name.clone(), value.clone());
            continue;
        }
        let pointer = JsonPointer::root().child(name.clone());
        let value = concealer.conceal(value, &pointer);
        if concealer.is_disclosable(&pointer) {
            digests.push(concealer.disclose_property(name, value));
        } else {
            payload.insert(name.clone(), value);
        }
    }
    for _ in 0..params.decoys {
        digests.push(concealer.decoy());
    }
    if !digests.is_empty() || !concealer.disclosures.is_empty() {
        concealer.shuffle(&mut digests);
        payload.insert(SD.into(), json!(digests));
        payload.insert(SD_ALG.into(), json!(SHA_256));
    }
    let typ = if params.vct.is_some() {
        TYP_DC_SD_JWT
    } else {
        TYP_SD_JWT
    };
    let header = json!({"alg": jws::ES256, "typ": typ, "kid": key.kid()});
    let mut out = jws::sign_with(&header, &Value::Object(payload), key)?;
    out.push('~');
    for disclosure in &concealer.disclosures {
        out.push_str(disclosure.encoded());
        out.push('~');
    }
    Ok(out)
}

/// Issues one copy per entry of `copies`, each with independent salts, decoys and digest
/// order (RFC 9901 §10.1 batch issuance).
///
/// # Errors
/// As [`issue`].
pub fn issue_batch(
    params: &IssueParams,
    copies: &[CopyParams],
    key: &(impl Es256Signer + ?Sized),
    rng: &mut impl CryptoRngCore,
) -> Result<Vec<String>, IssueError> {
    copies
        .iter()
        .map(|copy| issue(params, copy, key, rng))
        .collect()
}

fn check_names(value: &Value) -> Result<(), IssueError> {
    match value {
        Value::Object(object) => {
            for (name, child) in object {
                if name == SD || name == SD_ALG || name == ELLIPSIS {
                    return Err(IssueError::ReservedName(name.clone()));
                }
                check_names(child)?;
            }
            Ok(())
        }
        Value::Array(items) => items.iter().try_for_each(check_names),
        _ => Ok(()),
    }
}

/// Checks that each disclosable path names a non-registered claim in `root` (the claims).
fn check_paths(root: &Value, paths: &[JsonPointer]) -> Result<BTreeSet<JsonPointer>, IssueError> {
    for path in paths {
        let Some(first) = path.tokens().first() else {
            return Err(IssueError::RootNotDisclosable);
        };
        if REGISTERED_CLAIMS.contains(&first.as_str()) {
            return Err(IssueError::RegisteredClaim(path.to_string()));
        }
        if path.resolve(root).is_none() {
            return Err(IssueError::NoSuchClaim(path.to_string()));
        }
    }
    Ok(paths.iter().cloned().collect())
}

struct Concealer<'a, R> {
    selected: Option<&'a BTreeSet<JsonPointer>>,
    rng: &'a mut R,
    disclosures: Vec<Disclosure>,
}

impl<R: CryptoRngCore> Concealer<'_, R> {
    fn is_disclosable(&self, pointer: &JsonPointer) -> bool {
        self.selected
            .is_none_or(|selected| selected.contains(pointer))
    }

    fn salt(&mut self) -> String {
        let mut salt = [0u8; SALT_BYTES];
        self.rng.fill_bytes(&mut salt);
        base64url::encode(&salt)
    }

    fn decoy(&mut self) -> String {
        sha256_b64(&self.salt())
    }

    fn disclose_property(&mut self, name: &str, value: Value) -> String {
        let disclosure = Disclosure::property(&self.salt(), name, value);
        let digest = disclosure.digest().to_owned();
        self.disclosures.push(disclosure);
        digest
    }

    fn disclose_element(&mut self, value: Value) -> Value {
        let disclosure = Disclosure::element(&self.salt(), value);
        let element = json!({ELLIPSIS: disclosure.digest()});
        self.disclosures.push(disclosure);
        element
    }

    /// Fisher-Yates shuffle driven by the caller's randomness.
    fn shuffle(&mut self, digests: &mut [String]) {
        for i in (1..digests.len()).rev() {
            let bound = u64::try_from(i + 1).unwrap_or(u64::MAX);
            let j = usize::try_from(self.rng.next_u64() % bound).unwrap_or(0);
            digests.swap(i, j);
        }
    }

    /// Conceals the disclosable parts inside `value` (bottom-up), returning what stands
    /// in the payload or the parent Disclosure.
    fn conceal(&mut self, value: &Value, pointer: &JsonPointer) -> Value {
        match value {
            Value::Object(object) => {
                let mut out = Map::new();
                let mut digests = Vec::new();
                for (name, child) in object {
                    let child_pointer = pointer.child(name.clone());
                    let concealed = self.conceal(child, &child_pointer);
                    if self.is_disclosable(&child_pointer) {
                        digests.push(self.disclose_property(name, concealed));
                    } else {
                        out.insert(name.clone(), concealed);
                    }
                }
                if !digests.is_empty() {
                    self.shuffle(&mut digests);
                    out.insert(SD.into(), json!(digests));
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(index, child)| {
                        let child_pointer = pointer.child(index.to_string());
                        let concealed = self.conceal(child, &child_pointer);
                        if self.is_disclosable(&child_pointer) {
                            self.disclose_element(concealed)
                        } else {
                            concealed
                        }
                    })
                    .collect(),
            ),
            scalar => scalar.clone(),
        }
    }
}

#[cfg(test)]
mod tests;
