//! The credentials this issuer offers: the full identity credential, the minimal age
//! credential and the pseudonymous identity (BBS, one account per person per site), with
//! what goes into each, how long each copy is valid, and the metadata
//! that describes them (OpenID4VCI configuration entries and SD-JWT VC type metadata).
//!
//! Nothing a verifier sees may depend on the person except the claims they disclose, so:
//! a copy carries only the `age_over_N` flags that are true (a true flag never turns
//! false, so no copy has to expire on a birthday); `iat` and `exp` sit on a weekly grid
//! shared by everyone issued in the same week ([`Period`]); and every copy of a type has
//! the same number of digests ([`Configuration::digests`]), decoys filling up to it.

use credential::age::{self, AGE_THRESHOLDS, CivilDate};
use credential::format::{Format, SdJwtVc};
use serde_json::{Map, Value, json};

use crate::person::{OPTIONAL_CLAIMS, REQUIRED_CLAIMS};

/// One credential configuration (`credential_configuration_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Configuration {
    /// Every enrolled claim plus the `age_over_N` attestations.
    Identity,
    /// Only `age_over_13/16/18/21/65`: what an age check needs, small enough for a QR.
    Age,
    /// The age flags as a pseudonymous credential (`x-cachet-nym+jwp`): signed blind over
    /// the holder's nym secret, presented with per-site pseudonyms. Its payload slots are
    /// fixed ([`credential::bbs::PSEUDONYMOUS_IDENTITY`]), a flag that is not true being
    /// the fixed `null`.
    Pseudonymous,
}

/// The proof type a pseudonymous credential request carries in place of key proofs: the
/// holder's commitment to its nym secret with its proof of knowledge (base64url). Cachet's
/// own, as the format is.
pub const NYM_COMMITMENT_PROOF: &str = "x-cachet-nym-commitment";

const SECONDS_PER_DAY: i64 = 86_400;
/// The grid `iat` and `exp` sit on: one week.
pub const PERIOD_SECONDS: i64 = 7 * SECONDS_PER_DAY;
/// Unix time 0 was a Thursday; periods start on Mondays (1970-01-05), 00:00 UTC.
const PERIOD_ORIGIN: i64 = 4 * SECONDS_PER_DAY;

/// The issuance period (a week, Monday to Sunday UTC) that contains a moment: every copy
/// issued in it carries the same `iat` and `exp`, so those tell a verifier no more than
/// the week of issuance, which everyone issued that week shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    start: i64,
}

impl Period {
    /// The period that contains Unix time `now`.
    #[must_use]
    pub fn containing(now: i64) -> Self {
        let offset = now.saturating_sub(PERIOD_ORIGIN).div_euclid(PERIOD_SECONDS);
        Self {
            start: offset
                .saturating_mul(PERIOD_SECONDS)
                .saturating_add(PERIOD_ORIGIN),
        }
    }

    /// `iat` of every copy issued in this period: its first second.
    #[must_use]
    pub const fn iat(self) -> i64 {
        self.start
    }

    /// `exp` of every copy issued in this period: `validity_days` after its start, rounded
    /// up to whole periods, so copies live at least `validity_days - 6` days.
    #[must_use]
    pub fn exp(self, validity_days: i64) -> i64 {
        let periods = validity_days
            .saturating_mul(SECONDS_PER_DAY)
            .saturating_add(PERIOD_SECONDS - 1)
            .div_euclid(PERIOD_SECONDS)
            .max(1);
        self.start
            .saturating_add(periods.saturating_mul(PERIOD_SECONDS))
    }
}

impl Configuration {
    /// Every configuration, in the order offers list them.
    pub const ALL: [Self; 3] = [Self::Identity, Self::Age, Self::Pseudonymous];
    /// What an enrollment offers unless asked for more: the pseudonymous identity is the
    /// person's choice (the admin page's tick, `enroll --pseudonymous`).
    pub const OFFERED: [Self; 2] = [Self::Identity, Self::Age];

    /// The `credential_configuration_id`.
    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::Identity => "cachet_identity",
            Self::Age => "cachet_age",
            Self::Pseudonymous => "cachet_pseudonymous_identity",
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
            Self::Pseudonymous => "pseudonymous_identity",
        }
    }

    /// The `vct`: a URL at the issuer where its type metadata is served.
    #[must_use]
    pub fn vct(self, issuer: &str) -> String {
        format!("{issuer}/types/{}", self.type_name())
    }

    /// Digests in every copy of this type: one for each claim a copy of it can hold
    /// ([`Configuration::claim_names`]), decoys standing in for the claims a person does
    /// not have, so that the count tells nothing about which optional claims or age flags
    /// a person has.
    #[must_use]
    pub fn digests(self) -> usize {
        self.claim_names().len()
    }

    /// Decoys for a copy with `claims` disclosable claims: what fills it up to
    /// [`Configuration::digests`].
    #[must_use]
    pub fn decoys(self, claims: usize) -> usize {
        self.digests().saturating_sub(claims)
    }

    /// The claims of a copy issued on `today` to a person with `claims`: for the identity
    /// type all of them, and for both types the `age_over_N` flags that are true on
    /// `today` (a flag that is not true is left out rather than sent as `false`: it will
    /// be true one day, and a `false` would need the copy to expire on that birthday).
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
            if over {
                out.insert(name, Value::Bool(true));
            }
        }
        Value::Object(out)
    }

    const fn english_name(self) -> &'static str {
        match self {
            Self::Identity => "Cachet identity",
            Self::Age => "Cachet age",
            Self::Pseudonymous => "Cachet pseudonymous identity",
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
            Self::Pseudonymous => json!([
                {"locale": "en", "name": self.english_name(), "description": "One account per site: each site recognises you, no two sites can link you."},
                {"locale": "zh-Hans", "name": "Cachet 化名身份", "description": "每个网站一个账户：网站能认出您，但任何两个网站都无法关联您。"}
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

    /// The claims' descriptions with their display text under `text_member`: SD-JWT VC
    /// type metadata calls it `label`, OpenID4VCI 1.0 (Appendix B.2) calls it `name`.
    fn claims_metadata(self, text_member: &str) -> Vec<Value> {
        self.claim_names()
            .into_iter()
            .map(|name| {
                let (en, zh) = label(&name);
                json!({
                    "path": [name],
                    "sd": "always",
                    "display": [
                        {"locale": "en", text_member: en},
                        {"locale": "zh-Hans", text_member: zh}
                    ]
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
            "claims": self.claims_metadata("label"),
        })
    }

    /// The entry in `credential_configurations_supported` (OpenID4VCI 1.0 §12.2.4).
    #[must_use]
    pub fn issuer_metadata(self, issuer: &str) -> Value {
        if self == Self::Pseudonymous {
            return json!({
                "format": credential::bbs::FORMAT_ID,
                "vct": self.vct(issuer),
                "scope": self.id(),
                "credential_signing_alg_values_supported": [credential::bbs::ALG],
                // OpenID4VCI 1.0 §12.2.4 requires the algorithms of every proof type: the
                // commitment's proof of knowledge is of the BBS nym suite.
                "proof_types_supported": {
                    NYM_COMMITMENT_PROOF: {"proof_signing_alg_values_supported": [credential::bbs::ALG]}
                },
                "credential_metadata": {
                    "display": self.display(),
                    "claims": self.claims_metadata("name"),
                }
            });
        }
        json!({
            "format": <SdJwtVc as Format>::ID,
            "vct": self.vct(issuer),
            "scope": self.id(),
            "cryptographic_binding_methods_supported": ["jwk"],
            "credential_signing_alg_values_supported": ["ES256"],
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["ES256"]}},
            "credential_metadata": {
                "display": self.display(),
                "claims": self.claims_metadata("name"),
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
            json!({"age_over_13": true, "age_over_16": true, "age_over_18": true})
        );
        let identity =
            Configuration::Identity.claims(&claims, day("2008-06-01"), day("2026-11-22"));
        assert_eq!(identity["given_name"], "Ada");
        assert_eq!(identity["age_over_18"], true);
    }

    #[test]
    fn validity_sits_on_a_weekly_grid_whatever_the_birthdate() {
        // Monday 2026-11-16 to Sunday 2026-11-22: one period.
        let monday = day("2026-11-16").to_unix();
        for offset in [0, 1, SECONDS_PER_DAY * 3 + 17, PERIOD_SECONDS - 1] {
            let period = Period::containing(monday + offset);
            assert_eq!(period.iat(), monday, "{offset}");
            assert_eq!(period.exp(365), monday + 53 * PERIOD_SECONDS);
        }
        assert_eq!(
            Period::containing(monday - 1).iat(),
            monday - PERIOD_SECONDS
        );
        assert_eq!(
            Period::containing(monday + PERIOD_SECONDS).iat(),
            monday + PERIOD_SECONDS
        );
        assert_eq!(Period::containing(monday).exp(7), monday + PERIOD_SECONDS);
        assert_eq!(Period::containing(monday).exp(0), monday + PERIOD_SECONDS);
    }

    #[test]
    fn every_copy_of_a_type_has_the_same_digest_count() {
        let mut most = Map::new();
        for name in REQUIRED_CLAIMS.iter().chain(&OPTIONAL_CLAIMS) {
            most.insert((*name).to_owned(), json!("x"));
        }
        let fewest = Map::new();
        for configuration in Configuration::ALL {
            for claims in [&most, &fewest] {
                for born in ["1950-01-01", "2015-06-01", "2008-11-23"] {
                    let value = configuration.claims(claims, day(born), day("2026-11-22"));
                    let count = value.as_object().unwrap().len();
                    assert!(count <= configuration.digests());
                    assert_eq!(count + configuration.decoys(count), configuration.digests());
                }
            }
        }
        assert_eq!(Configuration::Identity.digests(), 13);
        assert_eq!(Configuration::Age.digests(), 5);
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
            // Every proof type names its algorithms (OpenID4VCI 1.0 §12.2.4: REQUIRED).
            for proof in metadata["proof_types_supported"]
                .as_object()
                .unwrap()
                .values()
            {
                assert!(
                    !proof["proof_signing_alg_values_supported"]
                        .as_array()
                        .unwrap()
                        .is_empty()
                );
            }
            assert_eq!(
                configuration.type_metadata("https://i.example")["vct"],
                metadata["vct"]
            );
        }
        assert_eq!(Configuration::from_id("other"), None);
        // Claim display text: `name` in OpenID4VCI metadata, `label` in type metadata.
        let issuer = Configuration::Age.issuer_metadata("https://i.example");
        let display = &issuer["credential_metadata"]["claims"][0]["display"][0];
        assert_eq!(display["name"], "Over 13");
        assert!(display.get("label").is_none());
        let types = Configuration::Age.type_metadata("https://i.example");
        assert_eq!(types["claims"][0]["display"][0]["label"], "Over 13");
    }
}
