//! How credential data is written for people: type names, claim labels and values,
//! dates, origins. Translation only; the strings are in `crate::text`.

use credential::age::CivilDate;
use serde_json::Value;

use crate::text::Text;

/// An issuer as the wallet names it: the origin of its identifier (or the identifier
/// itself where it has none).
#[must_use]
pub(crate) fn issuer_name(iss: &str) -> String {
    credential::openid4vp::Origin::of(iss).map_or_else(|| iss.to_owned(), |o| o.to_string())
}

/// A credential type's name from its `vct` (`…/types/age` → "Age").
#[must_use]
pub(crate) fn type_name(t: &Text, vct: &str) -> String {
    match vct.rsplit('/').next() {
        Some("identity") => t.type_identity.to_owned(),
        Some("age") => t.type_age.to_owned(),
        Some("pseudonymous_identity") => t.type_pseudonymous.to_owned(),
        _ => vct.to_owned(),
    }
}

/// A claim's label from its name or JSON Pointer (`/age_over_18`).
#[must_use]
pub(crate) fn claim_label(t: &Text, claim: &str) -> String {
    let name = claim.trim_start_matches('/');
    if let Some(years) = name.strip_prefix("age_over_") {
        return t.claim_age_over.replace("{}", years);
    }
    match name {
        "given_name" => t.claim_given_name.to_owned(),
        "family_name" => t.claim_family_name.to_owned(),
        "birthdate" => t.claim_birthdate.to_owned(),
        "region" => t.claim_region.to_owned(),
        "nationality" => t.claim_nationality.to_owned(),
        other => other.replace('_', " "),
    }
}

/// Claims in reading order: names, birthdate, region, then the age flags ascending,
/// then anything else alphabetically.
#[must_use]
pub(crate) fn reading_order(claims: &serde_json::Map<String, Value>) -> Vec<(String, Value)> {
    const FIRST: [&str; 5] = [
        "given_name",
        "family_name",
        "birthdate",
        "region",
        "nationality",
    ];
    let rank = |name: &str| -> (usize, u32, String) {
        if let Some(position) = FIRST.iter().position(|first| *first == name) {
            return (0, u32::try_from(position).unwrap_or(0), String::new());
        }
        if let Some(years) = name.strip_prefix("age_over_").and_then(|y| y.parse().ok()) {
            return (1, years, String::new());
        }
        (2, 0, name.to_owned())
    };
    let mut sorted: Vec<(String, Value)> =
        claims.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    sorted.sort_by_cached_key(|(name, _)| rank(name));
    sorted
}

/// A claim value.
#[must_use]
pub(crate) fn claim_value(t: &Text, value: &Value) -> String {
    match value {
        Value::Bool(true) => t.yes.to_owned(),
        Value::Bool(false) => t.no.to_owned(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A Unix time as a date (`2026-11-22`).
#[must_use]
pub(crate) fn date(seconds: i64) -> String {
    CivilDate::from_unix(seconds).to_string()
}

/// A Unix time as date and UTC time, for the history.
#[must_use]
pub(crate) fn date_time(seconds: i64) -> String {
    let time = seconds.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02} UTC",
        date(seconds),
        time / 3600,
        time % 3600 / 60
    )
}
