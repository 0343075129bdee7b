//! Signing keys in a PKCS#11 token (SoftHSM2 here, an HSM in production): credentials and
//! status lists are signed in the token, rotation makes the next key there and destroys
//! the retired one, and a token without the key the database names is a clear error.
//!
//! SoftHSM2 finds its tokens through `SOFTHSM2_CONF`, read when the module loads; a test
//! cannot set the variable for itself (the environment is process-wide), so
//! [`keys_in_a_softhsm_token`] prepares a token directory and runs
//! [`in_the_token`] in a child test process with the variable set.

use std::path::{Path, PathBuf};
use std::process::Command;

use credential::PrivateJwk;
use issuer::catalog::Configuration;
use issuer::pkcs11::{Pkcs11Error, Token};
use issuer::signing::{KeyError, KeyHolder};
use issuer::store::StoredKey;
use issuer::{Config, Issuer};
use rand_core::OsRng;

use crate::support::{Harness, NOW, kid_of, open_store, payload_of};

const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const LABEL: &str = "cachet-test";
const EMPTY: &str = "cachet-empty";
const PIN: &str = "4711-pin";
const BIN: &str = env!("CARGO_BIN_EXE_cachet-issuer");

fn softhsm_util(conf: &Path, args: &[&str]) {
    let output = Command::new("softhsm2-util")
        .env("SOFTHSM2_CONF", conf)
        .args(args)
        .output()
        .expect("softhsm2-util (Debian package softhsm2, installed by cargo xtask setup)");
    assert!(
        output.status.success(),
        "softhsm2-util {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn keys_in_a_softhsm_token() {
    let dir = crate::support::scratch_dir("hsm");
    let tokens = dir.join("tokens");
    std::fs::create_dir_all(&tokens).unwrap();
    let conf = dir.join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            tokens.display()
        ),
    )
    .unwrap();
    for label in [LABEL, EMPTY] {
        softhsm_util(
            &conf,
            &[
                "--init-token",
                "--free",
                "--label",
                label,
                "--pin",
                PIN,
                "--so-pin",
                "so-4711",
            ],
        );
    }
    std::fs::write(dir.join("pin"), format!("{PIN}\n")).unwrap();
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "hsm::in_the_token", "--ignored", "--nocapture"])
        .env("SOFTHSM2_CONF", &conf)
        .env("CACHET_HSM_DIR", &dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("test hsm::in_the_token ... ok"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn token(label: &str) -> std::sync::Arc<Token> {
    Token::open(Path::new(MODULE), label, PIN).unwrap()
}

fn find<'a>(jwks: &'a credential::Jwks, kid: &str) -> &'a credential::PublicJwk {
    jwks.keys()
        .iter()
        .find(|key| key.kid() == Some(kid))
        .unwrap()
}

fn cli(dir: &Path, db: &Path, args: &[&str], token: Option<&str>) -> std::process::Output {
    let mut command = Command::new(BIN);
    command.args(crate::support::cli_args(
        &[args, &["--db", db.to_str().unwrap()]].concat(),
    ));
    if let Some(label) = token {
        command
            .args([
                "--pkcs11-module",
                MODULE,
                "--pkcs11-token",
                label,
                "--pkcs11-pin-file",
            ])
            .arg(dir.join("pin"));
    }
    command.output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by keys_in_a_softhsm_token, with SOFTHSM2_CONF naming its token"]
async fn in_the_token() {
    let dir = PathBuf::from(std::env::var_os("CACHET_HSM_DIR").unwrap());
    let db = dir.join("issuer.db");
    let harness = Harness::start_with_keys(
        open_store(&db),
        db.clone(),
        KeyHolder::Pkcs11(token(LABEL)),
        |_| {},
    )
    .await;

    // Copies are signed in the token by a key the database holds only the public half of.
    let (_, offer) = harness.enroll("1990-01-01");
    let token_ = harness.access_token(&offer).await;
    let copies = harness
        .batch(&token_, Configuration::Identity.id(), 2)
        .await;
    let trusted = harness.trusted().await;
    let first_kid = kid_of(&copies[0].1);
    for (_, copy) in &copies {
        let jwt = credential::jws::Jws::decode(copy.split('~').next().unwrap()).unwrap();
        let key = find(&trusted.jwks, &first_kid);
        assert!(jwt.verify_with(key, &credential::crypto::RustCryptoP256));
    }
    let store = open_store(&db);
    assert!(matches!(
        store.active_signing_key().unwrap(),
        Some(StoredKey::Token(public)) if public.kid() == Some(first_kid.as_str())
    ));
    assert!(
        store.active_key().unwrap().is_none(),
        "nothing private in the row"
    );
    // So is the status list.
    let uri = payload_of(&copies[0].1)["status"]["status_list"]["uri"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = uri.trim_start_matches(&harness.public_url);
    let list = harness.get_text(path).await;
    let list = credential::jws::Jws::decode(&list).unwrap();
    assert_eq!(list.header_str("kid"), Some(first_kid.as_str()));
    assert!(list.verify_with(
        find(&trusted.jwks, &first_kid),
        &credential::crypto::RustCryptoP256
    ));

    // Rotation (the admin command, beside the server) makes the next key in the token and
    // destroys the retired one there; the server signs with the new key at once.
    let output = cli(&dir, &db, &["rotate-key"], Some(LABEL));
    let new_kid = crate::support::rotated_kid(&output);
    assert_ne!(new_kid, first_kid);
    let holder = PrivateJwk::generate(&mut OsRng);
    let nonce = harness.nonce().await;
    let (status, body) = harness
        .credential(
            &token_,
            Configuration::Age.id(),
            &[harness.proof(&holder, &nonce)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        kid_of(body["credentials"][0]["credential"].as_str().unwrap()),
        new_kid
    );
    let retired = harness.trusted().await.jwks;
    let old_public = find(&retired, &first_kid).clone();
    assert!(
        matches!(
            token(LABEL).key(&old_public),
            Err(Pkcs11Error::NoKey { .. })
        ),
        "the retired key is gone from the token"
    );
    harness.stop().await;

    // A token without the issuer's key, or none at all, is a clear error, not a new key.
    let refused = Issuer::with_keys(
        Config::new("http://localhost:1"),
        open_store(&db),
        std::sync::Arc::new(|| NOW),
        KeyHolder::Pkcs11(token(EMPTY)),
    )
    .unwrap_err();
    assert!(
        matches!(&refused, KeyError::Pkcs11(Pkcs11Error::NoKey { kid, .. }) if *kid == new_kid),
        "{refused}"
    );
    assert!(
        refused.to_string().contains("holds no signing key"),
        "{refused}"
    );
    let refused = Issuer::new(
        Config::new("http://localhost:1"),
        open_store(&db),
        std::sync::Arc::new(|| NOW),
    )
    .unwrap_err();
    assert!(matches!(refused, KeyError::InToken(_)), "{refused}");
    let output = cli(&dir, &db, &["rotate-key"], None);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("is in a PKCS#11 token"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = cli(
        &dir,
        &db,
        &["publish-status", "--out", dir.join("cdn").to_str().unwrap()],
        Some(EMPTY),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("holds no signing key"));
    // An issuer whose key is sealed in the database refuses the token until `rotate-key`
    // with the token's options moves signing into it.
    let sealed = dir.join("sealed.db");
    let store = open_store(&sealed);
    KeyHolder::Database.ensure(&store, NOW, &mut OsRng).unwrap();
    let refused = Issuer::with_keys(
        Config::new("http://localhost:1"),
        store,
        std::sync::Arc::new(|| NOW),
        KeyHolder::Pkcs11(token(LABEL)),
    )
    .unwrap_err();
    assert!(matches!(refused, KeyError::InDatabase(_)), "{refused}");
    let moved = crate::support::rotated_kid(&cli(&dir, &sealed, &["rotate-key"], Some(LABEL)));
    let store = open_store(&sealed);
    assert!(matches!(
        store.active_signing_key().unwrap(),
        Some(StoredKey::Token(public)) if public.kid() == Some(moved.as_str())
    ));
    assert!(
        token(LABEL)
            .key(store.published_keys(NOW).unwrap().first().unwrap())
            .is_ok()
    );
    assert!(matches!(
        Token::open(Path::new(MODULE), LABEL, "wrong"),
        Err(Pkcs11Error::Login { .. })
    ));
    assert!(matches!(
        Token::open(Path::new(MODULE), "no-such-token", PIN),
        Err(Pkcs11Error::NoToken(_))
    ));
    assert!(matches!(
        Token::open(Path::new("/nonexistent/libpkcs11.so"), LABEL, PIN),
        Err(Pkcs11Error::Module { .. })
    ));
}
