//! The rules every JWT Cachet reads obeys, written once: the header (`alg` pinned to
//! ES256, the expected `typ`, no `crit`) and the NumericDate claims (`exp`, `nbf`, `iat`)
//! against a [`Window`]. The Issuer-signed JWT, the Key Binding JWT, status list tokens,
//! key proofs and DPoP proofs all go through `check_header`, `Dates` and
//! `check_issued_at`; each caller
//! maps the one [`JwtError`] to its own error type, which is where a token's stable code
//! is chosen.

use serde_json::{Map, Value};

use crate::error::{Token, VerifyError};
use crate::jws::{ES256, Jws, value_text};
use crate::time::{TimeError, UnixTime, Window};

/// Which `typ` header a token must have.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Typ {
    /// One of these values.
    OneOf(&'static [&'static str]),
    /// Any string but this one (plain RFC 9901 Issuer-signed JWTs, which must not be a
    /// Key Binding JWT passed off as one), or none.
    AnyBut(&'static str),
}

/// Why a JWT broke one of the shared rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JwtError {
    /// `alg` is missing or not ES256; the value found.
    UnsupportedAlgorithm(Option<String>),
    /// `typ` is not the expected one; the value found.
    WrongType(Option<String>),
    /// `crit` is present (Cachet understands no extension).
    UnknownCritical,
    /// A date claim is not a NumericDate, or a required one is missing.
    InvalidClaim(&'static str),
    /// A time check failed.
    Time(TimeError),
}

/// Checks the protected header of `jws`: ES256, then no `crit`, then `typ`.
pub(crate) fn check_header(jws: &Jws, typ: Typ) -> Result<(), JwtError> {
    let header = jws.header();
    match header.get("alg") {
        Some(Value::String(alg)) if alg == ES256 => {}
        other => return Err(JwtError::UnsupportedAlgorithm(other.map(value_text))),
    }
    if header.contains_key("crit") {
        return Err(JwtError::UnknownCritical);
    }
    let raw = header.get("typ");
    let found = raw.and_then(Value::as_str);
    let accepted = match typ {
        Typ::OneOf(values) => found.is_some_and(|found| values.contains(&found)),
        Typ::AnyBut(refused) => found.map_or(raw.is_none(), |found| found != refused),
    };
    if accepted {
        Ok(())
    } else {
        Err(JwtError::WrongType(raw.map(value_text)))
    }
}

/// A JWT NumericDate claim (RFC 7519 §2), truncated to whole seconds.
pub(crate) fn numeric_date(
    claims: &Map<String, Value>,
    name: &'static str,
) -> Result<Option<UnixTime>, JwtError> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(number)) => number
            .as_i64()
            .or_else(|| {
                number
                    .as_f64()
                    .filter(|f| f.is_finite() && f.abs() < 1e15)
                    .map(|f| f.trunc() as i64)
            })
            .map(|seconds| Some(UnixTime::from_secs(seconds)))
            .ok_or(JwtError::InvalidClaim(name)),
        Some(_) => Err(JwtError::InvalidClaim(name)),
    }
}

/// The date claims of a JWT payload, each read by [`numeric_date`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dates {
    /// `iat`.
    pub issued_at: Option<UnixTime>,
    /// `nbf`.
    pub not_before: Option<UnixTime>,
    /// `exp`.
    pub expires_at: Option<UnixTime>,
}

impl Dates {
    /// Reads `iat`, `nbf` and `exp`.
    pub(crate) fn read(claims: &Map<String, Value>) -> Result<Self, JwtError> {
        Ok(Self {
            expires_at: numeric_date(claims, "exp")?,
            not_before: numeric_date(claims, "nbf")?,
            issued_at: numeric_date(claims, "iat")?,
        })
    }

    /// A credential's or list's validity period at `window`: not expired, and neither
    /// `nbf` nor `iat` in the future.
    pub(crate) fn check_validity(&self, window: Window) -> Result<(), JwtError> {
        let start = self.not_before.into_iter().chain(self.issued_at).max();
        window
            .check_validity(start, self.expires_at)
            .map_err(JwtError::Time)
    }
}

/// A fresh token's `iat` (a Key Binding JWT, a key or DPoP proof): present, and within
/// `max_age` seconds of `window`. Returns it.
pub(crate) fn check_issued_at(
    claims: &Map<String, Value>,
    window: Window,
    max_age: u64,
) -> Result<UnixTime, JwtError> {
    let issued_at = numeric_date(claims, "iat")?.ok_or(JwtError::InvalidClaim("iat"))?;
    window
        .check_issued_at(issued_at, max_age)
        .map_err(JwtError::Time)?;
    Ok(issued_at)
}

impl JwtError {
    /// The [`VerifyError`] for `token` (a Key Binding JWT's `iat` has codes of its own).
    pub(crate) fn for_token(self, token: Token) -> VerifyError {
        match self {
            Self::UnsupportedAlgorithm(found) => VerifyError::UnsupportedAlgorithm { token, found },
            Self::WrongType(found) => VerifyError::WrongType { token, found },
            Self::UnknownCritical => VerifyError::UnknownCritical(token),
            Self::InvalidClaim(name) => VerifyError::InvalidClaim(name),
            Self::Time(TimeError::Expired) => VerifyError::Expired,
            Self::Time(TimeError::NotYetValid) => VerifyError::NotYetValid,
            Self::Time(TimeError::IssuedInFuture) => VerifyError::KeyBindingFromFuture,
            Self::Time(TimeError::TooOld) => VerifyError::KeyBindingTooOld,
        }
    }
}
