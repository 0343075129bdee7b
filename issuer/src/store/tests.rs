use rand_core::OsRng;
use serde_json::json;

use super::*;
use crate::sealing::KeyEncryptionKey;
use crate::store::RefreshGrant;
use rusqlite::params;

const NOW: i64 = 1_795_305_600;

fn enrolled(store: &Store, person: &str, code: &[u8]) {
    store
        .enroll(
            person,
            &json!({"given_name": "Ada", "birthdate": "1990-01-01"}),
            &NewOffer {
                code_hash: code,
                configuration_ids: &["cachet_identity", "cachet_age"],
                expires_at: NOW + 600,
            },
            NOW,
            &mut OsRng,
        )
        .unwrap();
}

fn scratch_db(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cachet-store-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("issuer.db")
}

/// A database at schema `version`, as an issuer of that version left it (its SQL only).
fn database_at(path: &std::path::Path, version: usize) -> Connection {
    let conn = Connection::open(path).unwrap();
    for migration in MIGRATIONS.iter().take(version) {
        conn.execute_batch(migration.sql).unwrap();
    }
    conn.pragma_update(None, "user_version", version).unwrap();
    conn
}

fn kek() -> KeyEncryptionKey {
    KeyEncryptionKey::generate(&mut OsRng)
}

const CURRENT: i64 = 8;

#[test]
fn migrations_apply_once_and_a_newer_schema_is_refused() {
    let path = scratch_db("migrate");
    let kek = kek();
    assert!(matches!(
        Store::open_existing(&path, &kek),
        Err(StoreError::Missing(_))
    ));
    // A version 1 database (before refresh tokens, change times and sealing) is migrated,
    // keeping its data; an entry revoked before version 3 counts as published long ago.
    let old = database_at(&path, 1);
    old.execute_batch(
        r#"INSERT INTO persons (id, claims, created_at)
               VALUES ('p1', '{"given_name":"Ada","family_name":"Lovelace","birthdate":"1990-01-01"}', 1);
           INSERT INTO status_lists (id, capacity) VALUES (9, 16);
           INSERT INTO status_entries (list_id, idx, person_id, status) VALUES (9, 3, 'p1', 1);"#,
    )
    .unwrap();
    drop(old);
    let store = Store::open_existing(&path, &kek).unwrap();
    assert_eq!(store.schema_version().unwrap(), CURRENT);
    assert_eq!(store.status_list(9, 1).unwrap().unwrap().flagged, [(3, 1)]);
    assert_eq!(
        store.person("p1").unwrap().unwrap().claims["given_name"],
        "Ada",
        "reopening keeps data"
    );
    let refresh_rows: i64 = store
        .sqlite_conn()
        .query_row("SELECT COUNT(*) FROM refresh_tokens", [], |row| row.get(0))
        .unwrap();
    assert_eq!(refresh_rows, 0);
    store
        .sqlite_conn()
        .pragma_update(None, "user_version", CURRENT + 1)
        .unwrap();
    drop(store);
    match Store::open_existing(&path, &kek) {
        Err(StoreError::NewerSchema { found, known }) => {
            assert_eq!((found, known), (CURRENT + 1, CURRENT));
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the database is private to its owner");
    }
}

/// A version 5 database held claims and private keys in plain form: opening it seals them
/// (and the plain bytes leave the files), and everything reads back the same.
#[test]
fn an_older_databases_plain_values_are_sealed_on_opening() {
    let path = scratch_db("seal-migration");
    let old = database_at(&path, 5);
    old.pragma_update(None, "secure_delete", "ON").unwrap();
    let key = credential::PrivateJwk::generate(&mut OsRng);
    let bbs = credential::bbs::BbsKeyPair::generate(&mut OsRng).unwrap();
    let bbs_kid = bbs.public().thumbprint();
    old.execute(
        "INSERT INTO persons (id, claims, created_at) VALUES ('p1', ?1, 1)",
        [r#"{"given_name":"Zenobia","family_name":"Quarrington","birthdate":"1990-01-01"}"#],
    )
    .unwrap();
    old.execute(
        "INSERT INTO signing_keys (kid, public_jwk, private_jwk, created_at) VALUES (?1, ?2, ?3, 1)",
        params![
            key.kid(),
            key.public().to_json().to_string(),
            key.to_json().to_string()
        ],
    )
    .unwrap();
    old.execute(
        "INSERT INTO bbs_keys (kid, public_key, secret_key, created_at) VALUES (?1, ?2, ?3, 1)",
        params![
            bbs_kid,
            bbs.public().to_bytes().as_slice(),
            bbs.secret_bytes().as_slice()
        ],
    )
    .unwrap();
    drop(old);

    let kek = kek();
    let store = Store::open_existing(&path, &kek).unwrap();
    assert_eq!(store.schema_version().unwrap(), CURRENT);
    assert_eq!(
        store.person("p1").unwrap().unwrap().claims["family_name"],
        "Quarrington"
    );
    assert_eq!(
        store
            .persons_with_identity(&json!({
                "given_name": "Zenobia", "family_name": "Quarrington", "birthdate": "1990-01-01"
            }))
            .unwrap(),
        ["p1"]
    );
    assert_eq!(
        store.active_key().unwrap().unwrap().to_json(),
        key.to_json()
    );
    let (kid, reopened) = store.ensure_bbs_key(NOW, &mut OsRng).unwrap();
    assert_eq!(
        (kid, reopened.secret_bytes()),
        (bbs_kid, bbs.secret_bytes())
    );
    let d = key.to_json()["d"].as_str().unwrap().to_owned();
    let files = database_files(&path);
    for secret in [
        b"Zenobia".as_slice(),
        b"Quarrington",
        d.as_bytes(),
        &bbs.secret_bytes(),
    ] {
        assert!(
            !contains(&files, secret),
            "a plain value is left in the files"
        );
    }
    // Another key-encryption key opens the database but none of its sealed values.
    drop(store);
    let stranger = Store::open_existing(&path, &self::kek()).unwrap();
    assert!(matches!(stranger.person("p1"), Err(StoreError::Sealing(_))));
    assert!(matches!(stranger.active_key(), Err(StoreError::Sealing(_))));
}

/// The bytes of the database's files: the database, its log and its shared memory.
fn database_files(path: &std::path::Path) -> Vec<u8> {
    ["", "-wal", "-shm"]
        .iter()
        .flat_map(|suffix| {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            std::fs::read(&file).unwrap_or_default()
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_code_is_redeemed_once_and_a_grant_spent_once_per_configuration() {
    let store = Store::in_memory().unwrap();
    store.ensure_key(NOW, &mut OsRng).unwrap();
    enrolled(&store, "p1", b"code");
    let configurations = store
        .redeem_offer(b"code", b"token", NOW + 600, NOW, None)
        .unwrap();
    assert_eq!(configurations, ["cachet_identity", "cachet_age"]);
    assert!(matches!(
        store.redeem_offer(b"code", b"token2", NOW + 600, NOW, None),
        Err(GrantError::InvalidGrant)
    ));
    let layout = StatusLayout { capacity: 64 };
    let batch = |configuration_id| BatchRequest {
        token_hash: b"token",
        configuration_id,
        copies: 3,
    };
    let issuance = store
        .begin_issuance(&batch("cachet_age"), layout, NOW, &mut OsRng, |_| {
            Some(NOW + 99)
        })
        .unwrap();
    assert_eq!(issuance.status.len(), 3);
    assert_eq!(issuance.exp, NOW + 99);
    assert!(matches!(
        store.begin_issuance(&batch("cachet_age"), layout, NOW, &mut OsRng, |_| Some(1)),
        Err(GrantError::NotGranted)
    ));
    assert!(matches!(
        store.begin_issuance(
            &batch("cachet_identity"),
            layout,
            NOW + 601,
            &mut OsRng,
            |_| Some(1)
        ),
        Err(GrantError::InvalidToken)
    ));
    assert!(matches!(
        store.begin_issuance(
            &BatchRequest {
                token_hash: b"other",
                ..batch("cachet_identity")
            },
            layout,
            NOW,
            &mut OsRng,
            |_| Some(1)
        ),
        Err(GrantError::InvalidToken)
    ));
}

#[test]
fn an_expired_code_is_refused() {
    let store = Store::in_memory().unwrap();
    enrolled(&store, "p1", b"code");
    assert!(matches!(
        store.redeem_offer(b"code", b"token", NOW + 1200, NOW + 600, None),
        Err(GrantError::InvalidGrant)
    ));
}

#[test]
fn status_indices_are_unique_across_lists_and_revocation_flags_them() {
    let store = Store::in_memory().unwrap();
    store.ensure_key(NOW, &mut OsRng).unwrap();
    let layout = StatusLayout { capacity: 32 };
    let mut all = std::collections::HashSet::new();
    for person in 0..6 {
        let id = format!("p{person}");
        let code = format!("code{person}");
        enrolled(&store, &id, code.as_bytes());
        store
            .redeem_offer(code.as_bytes(), id.as_bytes(), NOW + 600, NOW, None)
            .unwrap();
        let issuance = store
            .begin_issuance(
                &BatchRequest {
                    token_hash: id.as_bytes(),
                    configuration_id: "cachet_age",
                    copies: 8,
                },
                layout,
                NOW,
                &mut OsRng,
                |_| Some(NOW + 1),
            )
            .unwrap();
        for entry in issuance.status {
            assert!(all.insert(entry), "index {entry:?} handed out twice");
            assert!(
                (10..32).contains(&entry.1),
                "two digits, like every other index"
            );
        }
    }
    assert_eq!(store.revoke("p2", NOW).unwrap(), 8);
    assert!(matches!(
        store.revoke("nobody", NOW),
        Err(StoreError::UnknownPerson(_))
    ));
    let flagged: usize = (1..=6)
        .filter_map(|id| store.status_list(id, i64::MAX).unwrap())
        .map(|list| list.flagged.len())
        .sum();
    assert_eq!(flagged, 8);
    assert!(matches!(
        store.redeem_offer(b"never", b"t", NOW + 1, NOW, None),
        Err(GrantError::InvalidGrant)
    ));
}

#[test]
fn revoked_people_get_no_more_copies() {
    let store = Store::in_memory().unwrap();
    store.ensure_key(NOW, &mut OsRng).unwrap();
    enrolled(&store, "p1", b"code");
    store
        .redeem_offer(b"code", b"token", NOW + 600, NOW, None)
        .unwrap();
    let revision = store.revision().unwrap();
    store.revoke("p1", NOW).unwrap();
    assert_eq!(store.revision().unwrap(), revision + 1);
    assert!(matches!(
        store.begin_issuance(
            &BatchRequest {
                token_hash: b"token",
                configuration_id: "cachet_age",
                copies: 1
            },
            StatusLayout { capacity: 16 },
            NOW,
            &mut OsRng,
            |_| Some(NOW + 1)
        ),
        Err(GrantError::Revoked)
    ));
}

#[test]
fn retired_keys_stay_published_until_what_they_signed_expires() {
    let store = Store::in_memory().unwrap();
    let first = store.ensure_key(NOW, &mut OsRng).unwrap();
    store.record_signature(first.kid(), NOW + 1000).unwrap();
    let second = store.rotate_key(NOW + 10, &mut OsRng).unwrap();
    assert_eq!(store.active_key().unwrap().unwrap().kid(), second);
    let kids = |now| -> Vec<String> {
        store
            .published_keys(now)
            .unwrap()
            .iter()
            .map(|key| key.kid().unwrap().to_owned())
            .collect()
    };
    assert_eq!(kids(NOW + 20), [second.clone(), first.kid().to_owned()]);
    assert_eq!(kids(NOW + 1000), [second]);
    let private: Option<Vec<u8>> = store
        .sqlite_conn()
        .query_row(
            "SELECT sealed_private FROM signing_keys WHERE kid = ?1",
            [first.kid()],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(private, None, "a retired key's private part is erased");
}

/// Nothing of a finished flow stays: a spent grant is deleted (no time of use is kept), a
/// traded refresh token is replaced, and expired grants and tokens go at the next
/// redemption, so the database holds no timeline of a person's refills.
#[test]
fn spent_and_expired_grants_leave_no_trace() {
    let store = Store::in_memory().unwrap();
    store.ensure_key(NOW, &mut OsRng).unwrap();
    enrolled(&store, "p1", b"code");
    let count = |table: &str| -> i64 {
        store
            .sqlite_conn()
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |row| {
                row.get(0)
            })
            .unwrap()
    };
    store
        .redeem_offer(
            b"code",
            b"token",
            NOW + 600,
            NOW,
            Some(RefreshGrant {
                hash: b"r1",
                expires_at: NOW + 400,
                jkt: "key",
            }),
        )
        .unwrap();
    assert_eq!(count("access_grants"), 2);
    assert_eq!(count("offers"), 0, "a redeemed offer is deleted");
    for configuration_id in ["cachet_identity", "cachet_age"] {
        store
            .begin_issuance(
                &BatchRequest {
                    token_hash: b"token",
                    configuration_id,
                    copies: 1,
                },
                StatusLayout { capacity: 64 },
                NOW,
                &mut OsRng,
                |_| Some(NOW + 99),
            )
            .unwrap();
    }
    assert_eq!(count("access_grants"), 0, "spent grants are deleted");
    store
        .refresh(b"r1", b"token2", NOW + 450, b"r2", "key", NOW + 100)
        .unwrap();
    assert_eq!(
        count("refresh_tokens"),
        2,
        "the new token, and the traded one as spent (for reuse detection)"
    );
    let expiries: i64 = store
        .sqlite_conn()
        .query_row(
            "SELECT COUNT(DISTINCT expires_at) FROM refresh_tokens",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(
        expiries, 1,
        "a family's tokens share its expiry: no refresh times"
    );
    assert_eq!(count("access_grants"), 2);
    // Later: another person's redemption sweeps what expired meanwhile.
    enrolled(&store, "p2", b"code2");
    store
        .redeem_offer(b"code2", b"token3", NOW + 5000, NOW + 500, None)
        .unwrap();
    assert_eq!(
        count("refresh_tokens"),
        0,
        "an expired refresh token is forgotten"
    );
    assert_eq!(
        count("access_grants"),
        2,
        "only the new grant's rows remain"
    );
}

/// Refresh tokens rotate with reuse detection: a token presented twice (a copy was taken)
/// ends its whole family, and a token is only traded with the key it is bound to.
#[test]
fn a_reused_refresh_token_ends_its_family() {
    let store = Store::in_memory().unwrap();
    store.ensure_key(NOW, &mut OsRng).unwrap();
    enrolled(&store, "p1", b"code");
    store
        .redeem_offer(
            b"code",
            b"t0",
            NOW + 600,
            NOW,
            Some(RefreshGrant {
                hash: b"r1",
                expires_at: NOW + 10_000,
                jkt: "wallet-key",
            }),
        )
        .unwrap();
    let trade = |old: &[u8], next: &[u8], jkt: &str| {
        store.refresh(old, next, NOW + 600, &[next, b"-next"].concat(), jkt, NOW)
    };
    assert!(matches!(
        trade(b"r1", b"t1", "thief-key"),
        Err(GrantError::WrongKey)
    ));
    assert!(
        trade(b"r1", b"t1", "wallet-key").is_ok(),
        "the wrong key spent nothing"
    );
    // r1 was traded for t1-next; presenting r1 again means someone holds a copy.
    assert!(matches!(
        trade(b"r1", b"t2", "wallet-key"),
        Err(GrantError::ReusedRefreshToken)
    ));
    assert!(
        matches!(
            trade(b"t1-next", b"t3", "wallet-key"),
            Err(GrantError::InvalidGrant)
        ),
        "the whole family ended"
    );
}

/// A private key (ES256 and BBS) is never in the files in plain form, and a rotated one
/// leaves no recoverable bytes, not even sealed: not in the database file's free pages,
/// not in the write-ahead log.
#[test]
fn a_retired_private_key_leaves_no_bytes_in_the_files() {
    let path = scratch_db("secure-delete");
    let store = Store::open_or_create(&path, &kek()).unwrap();
    // Freed cells are zeroed (where a rewrite does not happen to cover them, as here).
    let secure: i64 = store
        .sqlite_conn()
        .pragma_query_value(None, "secure_delete", |row| row.get(0))
        .unwrap();
    assert_eq!(secure, 1);
    let key = store.ensure_key(NOW, &mut OsRng).unwrap();
    let d = key.to_json()["d"].as_str().unwrap().to_owned();
    let (_, bbs) = store.ensure_bbs_key(NOW, &mut OsRng).unwrap();
    let bbs_secret = bbs.secret_bytes();
    let sealed: Vec<u8> = store
        .sqlite_conn()
        .query_row("SELECT sealed_private FROM signing_keys", [], |row| {
            row.get(0)
        })
        .unwrap();
    let sealed_bbs: Vec<u8> = store
        .sqlite_conn()
        .query_row("SELECT secret_key FROM bbs_keys", [], |row| row.get(0))
        .unwrap();
    let files = || database_files(&path);
    assert!(
        !contains(&files(), d.as_bytes()),
        "the key is stored sealed"
    );
    assert!(!contains(&files(), &bbs_secret), "and so is the BBS key");
    assert!(contains(&files(), &sealed) && contains(&files(), &sealed_bbs));
    store.rotate_key(NOW + 1, &mut OsRng).unwrap();
    assert!(
        !contains(&files(), &sealed),
        "the retired key is gone from every file"
    );
    assert!(!contains(&files(), &sealed_bbs), "and the retired BBS key");
    drop(store);
    assert!(!contains(&files(), &sealed) && !contains(&files(), &sealed_bbs));
}

#[test]
fn a_population_is_imported_in_one_transaction_sealed_and_findable() {
    let store = Store::in_memory().unwrap();
    let people = (0..3).map(|n| {
        (
            format!("p{n}"),
            json!({"given_name": format!("Given{n}"), "family_name": "F", "birthdate": "1990-01-01"}),
        )
    });
    assert_eq!(store.import_persons(people, NOW, &mut OsRng).unwrap(), 3);
    assert_eq!(
        store.person("p2").unwrap().unwrap().claims["given_name"],
        "Given2"
    );
    assert_eq!(
        store
            .persons_with_identity(
                &json!({"given_name": "Given1", "family_name": "F", "birthdate": "1990-01-01"})
            )
            .unwrap(),
        ["p1"]
    );
    // A failing row (a duplicate id) records none of the batch.
    let again = [("p9".to_owned(), json!({})), ("p0".to_owned(), json!({}))];
    assert!(store.import_persons(again, NOW, &mut OsRng).is_err());
    assert!(store.person("p9").unwrap().is_none());
}
