//! The claims an issuer records about a person at enrollment, parsed from untrusted JSON
//! (a claims file or the admin form) into a checked value.

use credential::age::CivilDate;
use serde_json::{Map, Value};

/// Claims every person must have.
pub const REQUIRED_CLAIMS: [&str; 3] = ["given_name", "family_name", "birthdate"];
/// Claims a person may have.
pub const OPTIONAL_CLAIMS: [&str; 5] = [
    "nationality",
    "region",
    "locality",
    "postal_code",
    "street_address",
];
/// Longest claim value, in characters.
pub const MAX_CLAIM_CHARS: usize = 200;
/// Largest claims document accepted, in bytes.
pub const MAX_CLAIMS_BYTES: usize = 8 * 1024;

/// Why enrollment claims were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClaimsError {
    /// Not a JSON object, or larger than [`MAX_CLAIMS_BYTES`].
    #[error("the claims must be one JSON object of at most {MAX_CLAIMS_BYTES} bytes")]
    NotAnObject,
    /// A required claim is missing.
    #[error("missing claim {0}")]
    Missing(&'static str),
    /// A claim this issuer does not know (a typo, or data it should not hold).
    #[error(
        "unknown claim {0:?}; known: given_name, family_name, birthdate, nationality, region, locality, postal_code, street_address"
    )]
    Unknown(String),
    /// A value is not a non-empty string of at most [`MAX_CLAIM_CHARS`] printable chars.
    #[error("claim {0} must be non-empty text of at most {MAX_CLAIM_CHARS} characters")]
    BadValue(String),
    /// `birthdate` is not a `YYYY-MM-DD` day in the past.
    #[error("birthdate must be a past day written YYYY-MM-DD")]
    BadBirthdate,
}

/// Checked enrollment claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonClaims {
    claims: Map<String, Value>,
    birthdate: CivilDate,
}

impl PersonClaims {
    /// Parses claims from JSON bytes.
    ///
    /// # Errors
    /// [`ClaimsError`].
    pub fn parse(bytes: &[u8], today: CivilDate) -> Result<Self, ClaimsError> {
        if bytes.len() > MAX_CLAIMS_BYTES {
            return Err(ClaimsError::NotAnObject);
        }
        match credential::strict_json::parse(bytes) {
            Some(Value::Object(object)) => Self::from_object(object, today),
            _ => Err(ClaimsError::NotAnObject),
        }
    }

    /// Checks claims given as an object.
    ///
    /// # Errors
    /// [`ClaimsError`].
    pub fn from_object(object: Map<String, Value>, today: CivilDate) -> Result<Self, ClaimsError> {
        for name in REQUIRED_CLAIMS {
            if !object.contains_key(name) {
                return Err(ClaimsError::Missing(name));
            }
        }
        for (name, value) in &object {
            if !REQUIRED_CLAIMS.contains(&name.as_str())
                && !OPTIONAL_CLAIMS.contains(&name.as_str())
            {
                return Err(ClaimsError::Unknown(name.clone()));
            }
            let text = value.as_str().unwrap_or_default();
            if text.trim().is_empty()
                || text.chars().count() > MAX_CLAIM_CHARS
                || text.chars().any(char::is_control)
            {
                return Err(ClaimsError::BadValue(name.clone()));
            }
        }
        let birthdate = object
            .get("birthdate")
            .and_then(Value::as_str)
            .and_then(|text| CivilDate::parse(text).ok())
            .filter(|birthdate| *birthdate <= today)
            .ok_or(ClaimsError::BadBirthdate)?;
        Ok(Self {
            claims: object,
            birthdate,
        })
    }

    /// The claims.
    #[must_use]
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The birthdate.
    #[must_use]
    pub fn birthdate(&self) -> CivilDate {
        self.birthdate
    }

    /// The claims as JSON, for storage.
    #[must_use]
    pub fn to_json(&self) -> Value {
        Value::Object(self.claims.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> CivilDate {
        CivilDate::parse("2026-11-22").unwrap()
    }

    fn parse(json: &str) -> Result<PersonClaims, ClaimsError> {
        PersonClaims::parse(json.as_bytes(), today())
    }

    #[test]
    fn accepts_a_complete_person() {
        let person = parse(
            r#"{"given_name":"Ada","family_name":"Lovelace","birthdate":"1990-12-10","region":"Greater London"}"#,
        )
        .unwrap();
        assert_eq!(person.birthdate().to_string(), "1990-12-10");
        assert_eq!(person.claims()["region"], "Greater London");
    }

    #[test]
    fn refuses_what_it_should_not_hold() {
        let base = r#""given_name":"Ada","family_name":"L""#;
        assert_eq!(parse("[]"), Err(ClaimsError::NotAnObject));
        assert_eq!(
            parse(&"x".repeat(MAX_CLAIMS_BYTES + 1)),
            Err(ClaimsError::NotAnObject)
        );
        assert_eq!(
            parse(&format!("{{{base}}}")),
            Err(ClaimsError::Missing("birthdate"))
        );
        assert_eq!(
            parse(&format!(r#"{{{base},"birthdate":"1990-01-01","ssn":"1"}}"#)),
            Err(ClaimsError::Unknown("ssn".into()))
        );
        assert_eq!(
            parse(&format!(
                r#"{{{base},"birthdate":"1990-01-01","region":""}}"#
            )),
            Err(ClaimsError::BadValue("region".into()))
        );
        assert_eq!(
            parse(&format!(
                r#"{{{base},"birthdate":"1990-01-01","region":7}}"#
            )),
            Err(ClaimsError::BadValue("region".into()))
        );
        assert_eq!(
            parse(&format!(r#"{{{base},"birthdate":"2030-01-01"}}"#)),
            Err(ClaimsError::BadBirthdate)
        );
        assert_eq!(
            parse(&format!(r#"{{{base},"birthdate":"1990-02-30"}}"#)),
            Err(ClaimsError::BadBirthdate)
        );
    }
}
