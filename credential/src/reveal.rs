//! Stage two of reading an SD-JWT: the Issuer-signed JWT payload processed with the
//! presented Disclosures (RFC 9901 §7.1, steps 3 to 5). Digests are replaced by what their
//! Disclosures reveal, undisclosed digests and `_sd`/`_sd_alg` are removed, and every rule
//! that makes an SD-JWT invalid (duplicate digests, unreferenced or misplaced Disclosures,
//! reserved or repeated claim names) is enforced. Depth and array length are bounded.
//!
//! The holder needs one more thing from the same walk: where each Disclosure landed (to
//! select claims by path, and to show what a selection reveals), so [`Revealed`] can
//! carry its [`Placement`]s. There is one walk, used by the verifier and the holder alike.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::disclosure::{Content, Disclosure};
use crate::error::VerifyError;
use crate::limits::{Limit, MAX_ARRAY_LENGTH, MAX_DEPTH};
use crate::pointer::JsonPointer;

pub use crate::names::ELLIPSIS;
pub use crate::names::SD;
pub use crate::names::SD_ALG;

/// Where one Disclosure's claim is in the processed claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// The Disclosure's position in the presentation.
    pub disclosure: usize,
    /// Its claim's path in the processed claims (array indices count the elements that
    /// are there after processing).
    pub path: JsonPointer,
}

/// An SD-JWT's claims as the Disclosures presented with it reveal them: the processed
/// payload, and (on the holder's side) where each Disclosure landed. Built by
/// [`crate::decoded::Decoded::reveal`].
#[derive(Debug, Clone, PartialEq)]
pub struct Revealed {
    claims: Map<String, Value>,
    disclosed_top_level: Vec<String>,
    placements: Vec<Placement>,
}

impl Revealed {
    /// The processed claims.
    #[must_use]
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// Takes the processed claims.
    #[must_use]
    pub fn into_claims(self) -> Map<String, Value> {
        self.claims
    }

    /// Names of the top-level claims that came from Disclosures.
    #[must_use]
    pub fn disclosed_top_level(&self) -> &[String] {
        &self.disclosed_top_level
    }

    /// Where each Disclosure landed, in document order (empty unless asked for).
    #[must_use]
    pub fn placements(&self) -> &[Placement] {
        &self.placements
    }
}

/// What the walk tells an observer: where it is, and where each Disclosure lands. The
/// verifier's observer ([`ClaimsOnly`]) ignores it all, so its walk compiles to the bare
/// processing (the in-page verifier links only that one); the holder's ([`Placements`])
/// records [`Placement`]s.
pub(crate) trait Trace {
    /// The walk goes into `step`.
    fn enter(&mut self, step: Step<'_>);
    /// The walk comes back out of the last step entered.
    fn leave(&mut self);
    /// Disclosure `index` lands at `step` below where the walk is.
    fn place(&mut self, index: usize, step: Step<'_>);
}

/// One step of a path: an object member or an array position.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step<'a> {
    /// An object member.
    Name(&'a str),
    /// An array position (after processing).
    Index(usize),
}

impl Step<'_> {
    fn token(self) -> String {
        match self {
            Self::Name(name) => name.to_owned(),
            Self::Index(index) => index.to_string(),
        }
    }
}

/// Observes nothing: the verifier's walk.
pub(crate) struct ClaimsOnly;

impl Trace for ClaimsOnly {
    #[inline(always)]
    fn enter(&mut self, _: Step<'_>) {}
    #[inline(always)]
    fn leave(&mut self) {}
    #[inline(always)]
    fn place(&mut self, _: usize, _: Step<'_>) {}
}

/// Records where each Disclosure lands: the holder's walk.
#[derive(Default)]
pub(crate) struct Placements {
    trail: Vec<String>,
    placements: Vec<Placement>,
}

impl Trace for Placements {
    fn enter(&mut self, step: Step<'_>) {
        self.trail.push(step.token());
    }

    fn leave(&mut self) {
        self.trail.pop();
    }

    fn place(&mut self, index: usize, step: Step<'_>) {
        let mut tokens = self.trail.clone();
        tokens.push(step.token());
        self.placements.push(Placement {
            disclosure: index,
            path: JsonPointer::from_tokens(tokens),
        });
    }
}

struct Revealer<'a, T> {
    by_digest: HashMap<&'a str, usize>,
    disclosures: &'a [Disclosure],
    used: Vec<bool>,
    seen: HashSet<String>,
    disclosed_top_level: Vec<String>,
    trace: T,
}

/// Processes `payload` with `disclosures` (without placements).
///
/// # Errors
/// The [`VerifyError`] of the first rule broken.
pub(crate) fn reveal(
    payload: Map<String, Value>,
    disclosures: &[Disclosure],
) -> Result<Revealed, VerifyError> {
    walk(payload, disclosures, ClaimsOnly).map(|(revealed, _)| revealed)
}

/// Processes `payload` with `disclosures`, recording where each lands.
///
/// # Errors
/// As [`reveal`].
pub(crate) fn reveal_placed(
    payload: Map<String, Value>,
    disclosures: &[Disclosure],
) -> Result<Revealed, VerifyError> {
    let (mut revealed, placements) = walk(payload, disclosures, Placements::default())?;
    revealed.placements = placements.placements;
    Ok(revealed)
}

fn walk<T: Trace>(
    payload: Map<String, Value>,
    disclosures: &[Disclosure],
    trace: T,
) -> Result<(Revealed, T), VerifyError> {
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
        trace,
    };
    let mut claims = revealer.object(payload, 0)?;
    if revealer.used.iter().any(|used| !used) {
        return Err(VerifyError::UnreferencedDisclosure);
    }
    claims.remove(SD_ALG);
    Ok((
        Revealed {
            claims,
            disclosed_top_level: revealer.disclosed_top_level,
            placements: Vec::new(),
        },
        revealer.trace,
    ))
}

impl<T: Trace> Revealer<'_, T> {
    /// Walks `value` one `step` down.
    fn nested(&mut self, step: Step<'_>, value: Value, depth: usize) -> Result<Value, VerifyError> {
        self.trace.enter(step);
        let result = self.value(value, depth);
        self.trace.leave();
        result
    }

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
            let value = self.nested(Step::Name(&name), value, depth)?;
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
            let Content::Property { name, value } = disclosure.content() else {
                return Err(VerifyError::DisclosureKindMismatch);
            };
            if name == SD || name == ELLIPSIS {
                return Err(VerifyError::ReservedClaimName(name.clone()));
            }
            if output.contains_key(name) {
                return Err(VerifyError::ClaimNameExists(name.clone()));
            }
            self.trace.place(index, Step::Name(name));
            let value = self.nested(Step::Name(name), value.clone(), depth)?;
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
                    let Content::Element { value } = disclosure.content() else {
                        return Err(VerifyError::DisclosureKindMismatch);
                    };
                    let position = output.len();
                    self.trace.place(index, Step::Index(position));
                    output.push(self.nested(Step::Index(position), value.clone(), depth)?);
                }
                None => {
                    let position = output.len();
                    output.push(self.nested(Step::Index(position), element, depth)?);
                }
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
