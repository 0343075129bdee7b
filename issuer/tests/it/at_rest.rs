//! What a copy of the database files gives away: nothing personal and no private key.
//! People are enrolled with every claim the issuer holds, receive credentials (so grants,
//! status entries and refresh tokens are written), and the live files (database,
//! write-ahead log, shared memory; for PostgreSQL the whole data directory) are copied as
//! a thief would copy them and searched for every enrolled value and every private key,
//! in text and in bytes.

use base64ct::{Base64UrlUnpadded, Encoding};
use credential::age::CivilDate;
use issuer::catalog::Configuration;
use issuer::person::PersonClaims;
use serde_json::json;

use crate::support::{Harness, copy_of_database_files, open_store, scratch_dir};

/// People with values no database page holds by chance.
fn people() -> Vec<serde_json::Value> {
    (0..5)
        .map(|n| {
            json!({
                "given_name": format!("Wilhelmina{n}"),
                "family_name": format!("Oyelaran-Fitzgerald{n}"),
                "birthdate": format!("19{}7-0{}-2{n}", 5 + n, 1 + n),
                "nationality": "NL",
                "region": format!("Noord-Brabant-{n}"),
                "locality": format!("Sint-Oedenrode-{n}"),
                "postal_code": format!("54{n}1 XQ"),
                "street_address": format!("Kerkstraat {n}7 bis"),
            })
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_of_the_database_files_reveals_no_personal_value_and_no_private_key() {
    let dir = scratch_dir("at-rest");
    let harness = Harness::start_with(dir.join("issuer.db"), |_| {}).await;
    let today = CivilDate::from_unix(harness.now());
    let mut values: Vec<String> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for person in people() {
        let claims = PersonClaims::parse(person.to_string().as_bytes(), today).unwrap();
        let enrolled = harness
            .issuer
            .enroll_for(&claims, &Configuration::ALL)
            .unwrap();
        ids.push(enrolled.person_id.clone());
        let token = harness.access_token(&enrolled.offer).await;
        harness.batch(&token, Configuration::Identity.id(), 2).await;
        values.extend(
            person
                .as_object()
                .unwrap()
                .values()
                .filter_map(|value| value.as_str())
                // Two letters occur by chance in any page of random bytes.
                .filter(|value| value.len() > 2)
                .map(str::to_owned),
        );
    }
    // The private keys as the store hands them to the signer.
    let store = open_store(&harness.db);
    let key = store.active_key().unwrap().unwrap();
    let d = key.to_json()["d"].as_str().unwrap().to_owned();
    let d_bytes = Base64UrlUnpadded::decode_vec(&d).unwrap();
    let (_, bbs) = store
        .ensure_bbs_key(harness.now(), &mut rand_core::OsRng)
        .unwrap();
    let bbs_secret = bbs.secret_bytes();
    drop(store);

    // A copy of the live files, the server still running.
    let copy = copy_of_database_files(&harness.db);
    // The search finds what the database does keep in the clear: the random ids.
    for id in &ids {
        assert!(
            contains(&copy, id.as_bytes()),
            "the copy holds the person rows"
        );
    }
    for value in &values {
        assert!(
            !contains(&copy, value.as_bytes()),
            "{value:?} is readable in the database files"
        );
    }
    assert!(
        !contains(&copy, d.as_bytes()),
        "the signing key's d, in base64url"
    );
    assert!(!contains(&copy, &d_bytes), "the signing key's d, in bytes");
    assert!(!contains(&copy, &bbs_secret), "the BBS secret key");
    // And the issuer still knows everyone: the seal is the key's, not a loss.
    let dbfile = harness.stop().await;
    let store = open_store(&dbfile);
    let found = store.persons_with_identity(&people()[0]).unwrap();
    assert_eq!(found.len(), 1);
    let person = store.person(&found[0]).unwrap().unwrap();
    assert_eq!(person.claims["street_address"], "Kerkstraat 07 bis");
}
