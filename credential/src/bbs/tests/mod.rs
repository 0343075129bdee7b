//! The pseudonymous format end to end: issue, accept, present, verify; unlinkability;
//! contexts; hostile input.

mod hostile;
mod relying_party;
mod roundtrip;

use rand_core::OsRng;
use serde_json::{Map, Value, json};

use super::*;
use crate::time::UnixTime;

pub(super) const ISS: &str = "https://issuer.example";
pub(super) const VCT: &str = "https://issuer.example/credentials/pseudonymous_identity";
pub(super) const KID: &str = "bbs-1";
pub(super) const AUD: &str = "origin:https://forum.example";
pub(super) const FORUM: &str = "https://forum.example";
pub(super) const SHOP: &str = "https://shop.example";
pub(super) const EXP: i64 = 1_900_000_000;
pub(super) const NOW: i64 = 1_899_000_000;
/// Eight slots, as the benchmark's type: the expiry and seven claims.
pub(super) const CLAIMS: [&str; 8] = [
    "exp",
    "age_over_16",
    "age_over_18",
    "age_over_21",
    "age_over_65",
    "nationality",
    "resident",
    "member_since",
];

pub(super) struct Fixture {
    pub(super) key: BbsKeyPair,
    pub(super) header: IssuerHeader,
    pub(super) holder: HolderSecret,
    pub(super) entropy: NymEntropy,
    pub(super) credential: NymCredential,
}

pub(super) fn person() -> Map<String, Value> {
    let claims = json!({
        "age_over_16": true,
        "age_over_18": true,
        "age_over_21": false,
        "age_over_65": false,
        "nationality": "NL",
    });
    claims.as_object().cloned().unwrap_or_default()
}

pub(super) fn fixture() -> Fixture {
    let key = BbsKeyPair::generate(&mut OsRng).unwrap();
    let header = IssuerHeader::new(ISS, VCT, KID, &CLAIMS).unwrap();
    let holder = HolderSecret::generate(&mut OsRng);
    let entropy = NymEntropy::generate(&mut OsRng);
    let commitment = holder.commit(&mut OsRng).unwrap();
    let issued = issue(&key, &header, &person(), EXP, &commitment, &entropy).unwrap();
    let credential = NymCredential::accept(&issued, key.public(), &holder).unwrap();
    Fixture {
        key,
        header,
        holder,
        entropy,
        credential,
    }
}

impl Fixture {
    pub(super) fn issuers(&self) -> Vec<NymIssuer> {
        vec![NymIssuer {
            iss: ISS.into(),
            kid: KID.into(),
            key: self.key.public().clone(),
        }]
    }

    pub(super) fn policy(&self, nonce: &str) -> NymPolicy {
        NymPolicy::new(self.issuers(), UnixTime::from_secs(NOW), AUD, nonce)
    }

    pub(super) fn present(&self, names: &[&str], nonce: &str, site: Option<&str>) -> String {
        let selection = self.credential.select(names).unwrap();
        self.credential
            .present(&self.holder, &selection, AUD, nonce, site, &mut OsRng)
            .unwrap()
    }
}
