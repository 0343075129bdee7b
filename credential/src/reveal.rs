//! Processing of the Issuer-signed JWT payload with the presented Disclosures
//! (RFC 9901 §7.1, steps 3 to 5): digests are replaced by what their Disclosures reveal,
//! undisclosed digests and `_sd`/`_sd_alg` are removed, and every rule that makes an
//! SD-JWT invalid (duplicate digests, unreferenced or misplaced Disclosures, reserved or
//! repeated claim names) is enforced. Depth and array length are bounded.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::disclosure::{Disclosure, Revealed};
use crate::error::VerifyError;
use crate::limits::{Limit, MAX_ARRAY_LENGTH, MAX_DEPTH};

/// The key under which an object lists the digests of its disclosable properties.
pub const SD: &str = "_sd";
/// The key of an array element that stands for a disclosable element.
pub const ELLIPSIS: &str = "...";
/// The top-level claim naming the digest algorithm.
pub const SD_ALG: &str = "_sd_alg";

/// The processed payload and which top-level claims came from Disclosures.
#[derive(Debug)]
pub struct Processed {
    /// The payload with disclosed claims filled in.
    pub claims: Map<String, Value>,
    /// Names of top-level claims that were selectively disclosed.
    pub disclosed_top_level: Vec<String>,
}

struct Revealer<'a> {
    by_digest: HashMap<&'a str, usize>,
    disclosures: &'a [Disclosure],
    used: Vec<bool>,
    seen: HashSet<String>,
    disclosed_top_level: Vec<String>,
}

/// Processes `payload` with `disclosures`.
///
/// # Errors
/// The [`VerifyError`] of the first rule broken.
pub fn reveal(
    payload: Map<String, Value>,
    disclosures: &[Disclosure],
) -> Result<Processed, VerifyError> {
    let mut by_digest = HashMap::with_capacity(disclosures.len());
    for (index, disclosure) in disclosures.iter().enumerate() {
        if by_digest.insert(disclosure.digest(), index).is_some() {
            return Err(VerifyError::DuplicateDisclosure);
        }
    }
    let mut revealer = Revealer {
        by_digest,
        disclosures,
        used: vec![false; disclosures.len()],
        seen: HashSet::new(),
        disclosed_top_level: Vec::new(),
    };
    let mut claims = revealer.object(payload, 0)?;
    if revealer.used.iter().any(|used| !used) {
        return Err(VerifyError::UnreferencedDisclosure);
    }
    claims.remove(SD_ALG);
    Ok(Processed {
        claims,
        disclosed_top_level: revealer.disclosed_top_level,
    })
}

impl Revealer<'_> {
    /// Records a digest and returns the index of its Disclosure, if one was presented.
    fn lookup(&mut self, digest: &str) -> Result<Option<usize>, VerifyError> {
        if !self.seen.insert(digest.to_owned()) {
            return Err(VerifyError::DuplicateDigest);
        }
        let found = self.by_digest.get(digest).copied();
        if let Some(index) = found
            && let Some(used) = self.used.get_mut(index)
        {
            *used = true;
        }
        Ok(found)
    }

    fn value(&mut self, value: Value, depth: usize) -> Result<Value, VerifyError> {
        match value {
            Value::Object(object) => Ok(Value::Object(self.object(object, depth + 1)?)),
            Value::Array(array) => Ok(Value::Array(self.array(array, depth + 1)?)),
            scalar => Ok(scalar),
        }
    }

    fn object(
        &mut self,
        mut object: Map<String, Value>,
        depth: usize,
    ) -> Result<Map<String, Value>, VerifyError> {
        if depth > MAX_DEPTH {
            return Err(VerifyError::LimitExceeded(Limit::Depth));
        }
        let digests = match object.remove(SD) {
            None => Vec::new(),
            Some(Value::Array(digests)) => digests,
            Some(_) => return Err(VerifyError::MalformedJson("_sd must be an array")),
        };
        if digests.len() > MAX_ARRAY_LENGTH {
            return Err(VerifyError::LimitExceeded(Limit::ArrayLength));
        }
        let mut output = Map::with_capacity(object.len() + digests.len());
        for (name, value) in object {
            let value = self.value(value, depth)?;
            output.insert(name, value);
        }
        for digest in digests {
            let Value::String(digest) = digest else {
                return Err(VerifyError::MalformedJson("_sd must hold strings"));
            };
            let Some(index) = self.lookup(&digest)? else {
                continue; // undisclosed or decoy
            };
            let disclosures = self.disclosures;
            let Some(disclosure) = disclosures.get(index) else {
                continue;
            };
            let Revealed::Property { name, value } = disclosure.revealed() else {
                return Err(VerifyError::DisclosureKindMismatch);
            };
            if name == SD || name == ELLIPSIS {
                return Err(VerifyError::ReservedClaimName(name.clone()));
            }
            if output.contains_key(name) {
                return Err(VerifyError::ClaimNameExists(name.clone()));
            }
            let value = self.value(value.clone(), depth)?;
            if depth == 0 {
                self.disclosed_top_level.push(name.clone());
            }
            output.insert(name.clone(), value);
        }
        Ok(output)
    }

    fn array(&mut self, array: Vec<Value>, depth: usize) -> Result<Vec<Value>, VerifyError> {
        if depth > MAX_DEPTH {
            return Err(VerifyError::LimitExceeded(Limit::Depth));
        }
        if array.len() > MAX_ARRAY_LENGTH {
            return Err(VerifyError::LimitExceeded(Limit::ArrayLength));
        }
        let mut output = Vec::with_capacity(array.len());
        for element in array {
            match element_digest(&element) {
                Some(digest) => {
                    let Some(index) = self.lookup(digest)? else {
                        continue; // undisclosed or decoy element: removed
                    };
                    let disclosures = self.disclosures;
                    let Some(disclosure) = disclosures.get(index) else {
                        continue;
                    };
                    let Revealed::Element { value } = disclosure.revealed() else {
                        return Err(VerifyError::DisclosureKindMismatch);
                    };
                    output.push(self.value(value.clone(), depth)?);
                }
                None => output.push(self.value(element, depth)?),
            }
        }
        Ok(output)
    }
}

/// The digest of an array element `{"...": "<digest>"}`, if it is one.
#[must_use]
pub fn element_digest(element: &Value) -> Option<&str> {
    let object = element.as_object()?;
    if object.len() != 1 {
        return None;
    }
    object.get(ELLIPSIS)?.as_str()
}
