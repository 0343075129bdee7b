//! The adversary of the privacy promise: a shop and a forum that compare every field of
//! the presentations they receive. Forty people with varied birthdates (many within a year
//! of an age threshold) and varied optional claims are enrolled over one week; each shows
//! an age copy to the shop twice and an identity copy to the forum once. Linking a shop
//! visitor to their forum account, or two shop visits to each other, must do no better
//! than about twice chance, and no over-18 check may depend on the birthdate.

use std::collections::{BTreeMap, HashMap};

use crate::support::{Harness, NOW};
use credential::age::CivilDate;
use credential::{Credential, JsonPointer, KeyBindingParams, PrivateJwk, VerifyPolicy, verify};
use issuer::person::PersonClaims;
use serde_json::{Value, json};

const PEOPLE: usize = 40;
const HOUR: i64 = 3600;

/// Everything a verifier sees in a presentation, as `field → value`, except the values
/// of the claims it asked for (which the person chose to show).
fn fields(presentation: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let parts: Vec<&str> = presentation.split('~').collect();
    let issuer_jwt = parts[0];
    let kb_jwt = parts[parts.len() - 1];
    let disclosures = &parts[1..parts.len() - 1];
    out.insert("length.issuer_jwt".into(), issuer_jwt.len().to_string());
    out.insert("length.kb_jwt".into(), kb_jwt.len().to_string());
    out.insert("length.total".into(), presentation.len().to_string());
    out.insert("disclosures".into(), disclosures.len().to_string());
    for (i, disclosure) in disclosures.iter().enumerate() {
        out.insert(
            format!("length.disclosure.{i}"),
            disclosure.len().to_string(),
        );
        let decoded = credential::disclosure::Disclosure::decode(disclosure).unwrap();
        out.insert(format!("salt.{i}"), decoded.salt().to_owned());
    }
    for (prefix, jwt) in [("issuer", issuer_jwt), ("kb", kb_jwt)] {
        let decoded = credential::jws::Jws::decode(jwt).unwrap();
        for (name, value) in decoded.header() {
            out.insert(format!("{prefix}.header.{name}"), value.to_string());
        }
        flatten(
            &format!("{prefix}.payload"),
            &Value::Object(decoded.payload().clone()),
            &mut out,
        );
        out.insert(
            format!("{prefix}.signature"),
            jwt.rsplit('.').next().unwrap().to_owned(),
        );
    }
    // The site's own nonce and audience are not about the person.
    out.remove("kb.payload.nonce");
    out.remove("kb.payload.aud");
    out
}

fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(object) => {
            for (name, child) in object {
                flatten(&format!("{prefix}.{name}"), child, out);
            }
        }
        Value::Array(items) => {
            out.insert(format!("{prefix}.count"), items.len().to_string());
            out.insert(prefix.to_owned(), value.to_string());
        }
        other => {
            out.insert(prefix.to_owned(), other.to_string());
        }
    }
}

/// How often the adversary links `a[i]` to its partner `b[i]`, on average: for each `a`,
/// the candidates are the `b` that agree with it on every field whose values the two
/// sets share (a per-copy random value, unique in its set, says nothing), and a value
/// that is in exactly `a` and one `b` links them outright. The adversary guesses among
/// the candidates.
fn linking_rate(a: &[BTreeMap<String, String>], b: &[BTreeMap<String, String>]) -> f64 {
    let counts = |set: &[BTreeMap<String, String>]| {
        let mut counts: HashMap<(String, String), usize> = HashMap::new();
        for fields in set {
            for (name, value) in fields {
                *counts.entry((name.clone(), value.clone())).or_default() += 1;
            }
        }
        counts
    };
    let (in_a, in_b) = (counts(a), counts(b));
    let count = |counts: &HashMap<(String, String), usize>, name: &str, value: &str| {
        counts
            .get(&(name.to_owned(), value.to_owned()))
            .copied()
            .unwrap_or(0)
    };
    let mut total = 0.0;
    for (i, left) in a.iter().enumerate() {
        let mut candidates = Vec::new();
        let mut outright = None;
        for (j, right) in b.iter().enumerate() {
            let mut consistent = true;
            for (name, value) in left {
                let Some(other) = right.get(name) else {
                    continue;
                };
                let left_unique = count(&in_a, name, value) == 1;
                let right_unique = count(&in_b, name, other) == 1;
                if value == other && left_unique && right_unique {
                    outright = Some(j);
                }
                // A value the other set never has (a length of another credential type)
                // cannot be compared; per-copy random values say nothing.
                let comparable = count(&in_b, name, value) > 0 && count(&in_a, name, other) > 0;
                if value != other && comparable && !(left_unique && right_unique) {
                    consistent = false;
                }
            }
            if consistent {
                candidates.push(j);
            }
        }
        if let Some(j) = outright {
            candidates = vec![j];
        }
        if candidates.contains(&i) {
            total += 1.0 / candidates.len() as f64;
        }
    }
    total / a.len() as f64
}

fn present(holder: &PrivateJwk, issued: &str, disclose: &[&str], aud: &str, now: i64) -> String {
    let credential = Credential::parse(issued).unwrap();
    let paths: Vec<JsonPointer> = disclose
        .iter()
        .map(|name| JsonPointer::root().child((*name).to_owned()))
        .collect();
    credential
        .present_with_key_binding(
            &credential.select(&paths).unwrap(),
            &KeyBindingParams {
                audience: aud.into(),
                nonce: "n".into(),
                iat: now,
            },
        )
        .sign_with(holder.signing_key())
}

/// A birthdate `years` and `days` before 2026-11-23, the Monday the test week starts.
fn born(years: i32, days: i64) -> String {
    let anniversary = CivilDate::new(2026 - years, 11, 23).unwrap();
    CivilDate::from_unix(anniversary.to_unix() - days * 86_400).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn colluding_sites_do_no_better_than_chance() {
    let harness = Harness::start("linkability").await;
    // Monday 2026-11-23 00:00 UTC: the people are enrolled over the following five days.
    let monday = NOW + 12 * HOUR;
    harness
        .clock
        .store(monday, std::sync::atomic::Ordering::SeqCst);
    let optional = [
        "nationality",
        "region",
        "locality",
        "postal_code",
        "street_address",
    ];
    let mut wallets = Vec::new();
    let mut age_times = Vec::new();
    for person in 0..PEOPLE {
        // Ages from 18 to 70, a third of them within weeks of a birthday that changes
        // an age flag (18, 21 or 65) during the copies' validity.
        let years = [18, 21, 65, 19, 22, 30, 45, 64][person % 8];
        let birthdate = born(years, i64::try_from(person * 9 % 360).unwrap());
        let mut claims = serde_json::Map::new();
        claims.insert("given_name".into(), json!("Given"));
        claims.insert("family_name".into(), json!("Family"));
        claims.insert("birthdate".into(), json!(birthdate));
        for (k, name) in optional.iter().enumerate() {
            if (person >> k) & 1 == 1 || *name == "region" {
                claims.insert((*name).into(), json!("Riverside"));
            }
        }
        let claims =
            PersonClaims::from_object(claims, CivilDate::from_unix(harness.now())).unwrap();
        let offer = harness.issuer.enroll(&claims).unwrap().offer;
        let token = harness.access_token(&offer).await;
        let identity = harness.batch(&token, "cachet_identity", 2).await;
        let age = harness.batch(&token, "cachet_age", 3).await;
        let payload = credential::jws::Jws::decode(age[2].1.split('~').next().unwrap())
            .unwrap()
            .payload()
            .clone();
        age_times.push((birthdate, payload["iat"].clone(), payload["exp"].clone()));
        wallets.push((identity, age));
        harness.advance(3 * HOUR);
    }

    // The visits, all at one moment: when a person visits is not the credential's to hide.
    let now = harness.now();
    let (shop, forum_site) = ("https://shop.example", "https://forum.example");
    let shop_first: Vec<String> = wallets
        .iter()
        .map(|(_, age)| present(&age[0].0, &age[0].1, &["age_over_18"], shop, now))
        .collect();
    let shop_second: Vec<String> = wallets
        .iter()
        .map(|(_, age)| present(&age[1].0, &age[1].1, &["age_over_18"], shop, now))
        .collect();
    let forum: Vec<String> = wallets
        .iter()
        .map(|(identity, _)| {
            let (holder, issued) = &identity[0];
            present(holder, issued, &["region", "age_over_16"], forum_site, now)
        })
        .collect();

    // Every presentation verifies for its site.
    let trusted = harness.trusted().await;
    for (presentation, aud) in shop_first
        .iter()
        .map(|p| (p, shop))
        .chain(forum.iter().map(|p| (p, forum_site)))
    {
        let policy = VerifyPolicy::new(vec![trusted.clone()], now, aud, "n");
        verify(presentation, &policy).unwrap();
    }

    // An over-18 check shows the same iat and exp whatever the birthdate.
    let (_, iat, exp) = &age_times[0];
    for (birthdate, other_iat, other_exp) in &age_times {
        assert_eq!((other_iat, other_exp), (iat, exp), "born {birthdate}");
    }

    // Every copy of a type is as long as any other (fixed digest count, fixed-width status
    // index): lengths say nothing, not even by chance.
    for set in [&shop_first, &forum] {
        let lengths: std::collections::HashSet<usize> = set
            .iter()
            .map(|p| p.split('~').next().unwrap().len())
            .collect();
        assert_eq!(lengths.len(), 1, "{lengths:?}");
    }

    let chance = 1.0 / PEOPLE as f64;
    let first: Vec<_> = shop_first.iter().map(|p| fields(p)).collect();
    let again: Vec<_> = shop_second.iter().map(|p| fields(p)).collect();
    let accounts: Vec<_> = forum.iter().map(|p| fields(p)).collect();
    let across_sites = linking_rate(&first, &accounts);
    let two_visits = linking_rate(&first, &again);
    println!(
        "linking with {PEOPLE} people: shop to forum {:.1}%, two shop visits {:.1}% (chance {:.1}%)",
        across_sites * 100.0,
        two_visits * 100.0,
        chance * 100.0
    );
    assert!(
        across_sites <= 2.0 * chance,
        "shop to forum: {across_sites}"
    );
    assert!(two_visits <= 2.0 * chance, "two shop visits: {two_visits}");
    harness.stop().await;
}

/// The adversary itself is able to link: with a field that depends on the person (here
/// the number of disclosures, one more for people with a postal code), it does.
#[test]
fn the_adversary_links_when_a_field_depends_on_the_person() {
    let make = |person: usize, random: &str| {
        let mut fields = BTreeMap::new();
        fields.insert("same".to_owned(), "1".to_owned());
        fields.insert("depends".to_owned(), (person % 8).to_string());
        fields.insert("random".to_owned(), random.to_owned());
        fields
    };
    let a: Vec<_> = (0..PEOPLE).map(|p| make(p, &format!("a{p}"))).collect();
    let b: Vec<_> = (0..PEOPLE).map(|p| make(p, &format!("b{p}"))).collect();
    let rate = linking_rate(&a, &b);
    assert!((rate - 8.0 / PEOPLE as f64).abs() < 1e-9, "{rate}");
    let reused: Vec<_> = (0..PEOPLE).map(|p| make(p, &format!("a{p}"))).collect();
    assert!((linking_rate(&a, &reused) - 1.0).abs() < 1e-9);
}
