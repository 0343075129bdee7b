//! The credentials this issuer offers: the full identity credential and the minimal age
//! credential, with what goes into each, how long each copy is valid, and the metadata
//! that describes them (OpenID4VCI configuration entries and SD-JWT VC type metadata).

use credential::age::{self, AGE_THRESHOLDS, CivilDate};
use serde_json::{Map, Value, json};

use crate::person::{OPTIONAL_CLAIMS, REQUIRED_CLAIMS};

/// One credential configuration (`credential_configuration_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Configuration {
    /// Every enrolled claim plus the `age_over_N` attestations.
    Identity,
    /// Only `age_over_13/16/18/21/65`: what an age check needs, small enough for a QR.
    Age,
}

const SECONDS_PER_DAY: i64 = 86_400;

impl Configuration {
    /// Every configuration, in the order offers list them.
    pub const ALL: [Self; 2] = [Self::Identity, Self::Age];

    /// The `credential_configuration_id`.
    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::Identity => "cachet_identity",
            Self::Age => "cachet_age",
        }
    }

    /// The configuration with this id.
    #[must_use]
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|configuration| configuration.id() == id)
    }

    /// The path segment of the type under `/types/`.
    #[must_use]
    pub const fn type_name(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Age => "age",
        }
    }

    /// The `vct`: a URL at the issuer where its type metadata is served.
    #[must_use]
    pub fn vct(self, issuer: &str) -> String {
        format!("{issuer}/types/{}", self.type_name())
    }

    /// Decoy digests per copy: drawn anew for every copy so the digest count tells
    /// nothing about which optional claims a person has.
    #[must_use]
    pub const fn decoys(self) -> (usize, usize) {
        match self {
            Self::Identity => (2, 6),
            Self::Age => (1, 2),
        }
    }

    /// The claims of a copy issued on `today` to a person with `claims`.
    #[must_use]
    pub fn claims(
        self,
        claims: &Map<String, Value>,
        birthdate: CivilDate,
        today: CivilDate,
    ) -> Value {
        let mut out = Map::new();
        if self == Self::Identity {
            for (name, value) in claims {
                out.insert(name.clone(), value.clone());
            }
        }
        for (name, over) in age::age_over_claims(birthdate, today) {
            out.insert(name, Value::Bool(over));
        }
        Value::Object(out)
    }

    /// `iat` (the start of `today`, UTC: no finer timestamp) and `exp` of a copy: after
    /// `validity_days`, or earlier on the day an `age_over_N` claim would become false
    /// by turning true.
    #[must_use]
    pub fn validity(birthdate: CivilDate, today: CivilDate, validity_days: i64) -> (i64, i64) {
        let iat = today.to_unix();
        let mut exp = iat.saturating_add(validity_days.saturating_mul(SECONDS_PER_DAY));
        if let Some(change) = age::next_change(birthdate, today) {
            exp = exp.min(change.to_unix());
        }
        (iat, exp)
    }

    const fn english_name(self) -> &'static str {
        match self {
            Self::Identity => "Cachet identity",
            Self::Age => "Cachet age",
        }
    }

    fn display(self) -> Value {
        match self {
            Self::Identity => json!([
                {"locale": "en", "name": self.english_name(), "description": "Your verified identity details."},
                {"locale": "zh-Hans", "name": "Cachet 身份凭证", "description": "您的已验证身份信息。"}
            ]),
            Self::Age => json!([
                {"locale": "en", "name": self.english_name(), "description": "Proves an age threshold, nothing else."},
                {"locale": "zh-Hans", "name": "Cachet 年龄凭证", "description": "只证明年龄门槛，不含其他信息。"}
            ]),
        }
    }

    fn claim_names(self) -> Vec<String> {
        let mut names = Vec::new();
        if self == Self::Identity {
            names.extend(
                REQUIRED_CLAIMS
                    .iter()
                    .chain(&OPTIONAL_CLAIMS)
                    .map(|n| (*n).to_owned()),
            );
        }
        names.extend(
            AGE_THRESHOLDS
                .iter()
                .map(|years| format!("age_over_{years}")),
        );
        names
    }

    fn claims_metadata(self) -> Vec<Value> {
        self.claim_names()
            .into_iter()
            .map(|name| {
                let (en, zh) = label(&name);
                json!({
                    "path": [name],
                    "sd": "always",
                    "display": [{"locale": "en", "label": en}, {"locale": "zh-Hans", "label": zh}]
                })
            })
            .collect()
    }

    /// SD-JWT VC type metadata, served at [`Configuration::vct`].
    #[must_use]
    pub fn type_metadata(self, issuer: &str) -> Value {
        json!({
            "vct": self.vct(issuer),
            "name": self.english_name(),
            "display": self.display(),
            "claims": self.claims_metadata(),
        })
    }

    /// The entry in `credential_configurations_supported` (OpenID4VCI 1.0 §12.2.4).
    #[must_use]
    pub fn issuer_metadata(self, issuer: &str) -> Value {
        json!({
            "format": "dc+sd-jwt",
            "vct": self.vct(issuer),
            "scope": self.id(),
            "cryptographic_binding_methods_supported": ["jwk"],
            "credential_signing_alg_values_supported": ["ES256"],
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["ES256"]}},
            "credential_metadata": {
                "display": self.display(),
                "claims": self.claims_metadata(),
            }
        })
    }
}

fn label(name: &str) -> (String, String) {
    let pair = |en: &str, zh: &str| (en.to_owned(), zh.to_owned());
    match name {
        "given_name" => pair("Given name", "名"),
        "family_name" => pair("Family name", "姓"),
        "birthdate" => pair("Date of birth", "出生日期"),
        "nationality" => pair("Nationality", "国籍"),
        "region" => pair("Region", "地区"),
        "locality" => pair("City", "城市"),
        "postal_code" => pair("Postal code", "邮政编码"),
        "street_address" => pair("Street address", "街道地址"),
        other => match other.strip_prefix("age_over_") {
            Some(years) => (format!("Over {years}"), format!("已满 {years} 岁")),
            None => (other.to_owned(), other.to_owned()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> CivilDate {
        CivilDate::parse(text).unwrap()
    }

    #[test]
    fn the_age_credential_holds_age_flags_only() {
        let mut claims = Map::new();
        claims.insert("given_name".into(), json!("Ada"));
        let value = Configuration::Age.claims(&claims, day("2008-06-01"), day("2026-11-22"));
        assert_eq!(
            value,
            json!({"age_over_13": true, "age_over_16": true, "age_over_18": true,
                   "age_over_21": false, "age_over_65": false})
        );
        let identity =
            Configuration::Identity.claims(&claims, day("2008-06-01"), day("2026-11-22"));
        assert_eq!(identity["given_name"], "Ada");
        assert_eq!(identity["age_over_18"], true);
    }

    #[test]
    fn copies_expire_before_an_age_flag_would_be_wrong() {
        let today = day("2026-11-22");
        let (iat, exp) = Configuration::validity(day("2008-12-01"), today, 365);
        assert_eq!(iat, today.to_unix());
        assert_eq!(exp, day("2026-12-01").to_unix());
        let (_, exp) = Configuration::validity(day("1950-01-01"), today, 365);
        assert_eq!(exp, today.to_unix() + 365 * SECONDS_PER_DAY);
    }

    #[test]
    fn ids_round_trip_and_metadata_names_the_vct() {
        for configuration in Configuration::ALL {
            assert_eq!(
                Configuration::from_id(configuration.id()),
                Some(configuration)
            );
            let metadata = configuration.issuer_metadata("https://i.example");
            assert_eq!(metadata["vct"], configuration.vct("https://i.example"));
            assert_eq!(
                configuration.type_metadata("https://i.example")["vct"],
                metadata["vct"]
            );
        }
        assert_eq!(Configuration::from_id("other"), None);
    }
}
