//! The wallet's browser bindings in headless Chromium: IndexedDB persistence and schema
//! migration, AES-GCM records, the passphrase vault, WebCrypto holder keys whose KB-JWTs
//! the core verifies, backup files, and the mounted app (click, assert).
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use credential::{
    CopyParams, Credential, Disclosable, IssueParams, JsonPointer, KeyBindingParams, PrivateJwk,
    TrustedIssuer, VerifyPolicy,
};
use js_sys::{Promise, Uint8Array};
use rand_core::OsRng;
use serde_json::json;
use wallet_ui::browser::backup_file;
use wallet_ui::browser::cipher::AesGcm;
use wallet_ui::browser::idb_store::{IdbStore, KEYS, SCHEMA_VERSION};
use wallet_ui::browser::keys::WebCryptoKeys;
use wallet_ui::browser::subtle;
use wallet_ui::browser::vault::{self, Opened, VaultError};
use wallet_ui::logic::backup::BackupError;
use wallet_ui::logic::store::{Cipher, HolderKeys, Store, StoreError, Table, Write};
use wallet_ui::logic::wallet::Contents;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::CryptoKey;

wasm_bindgen_test_configure!(run_in_browser);

async fn fresh(name: &str, version: u32) -> IdbStore {
    IdbStore::delete_database(name).await.unwrap();
    IdbStore::open_at(name, version).await.unwrap()
}

async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Waits (up to 10 s) for an element matching `selector`.
async fn wait_for(selector: &str) -> web_sys::Element {
    for _ in 0..200 {
        if let Some(element) = document().query_selector(selector).unwrap() {
            return element;
        }
        sleep(50).await;
    }
    panic!("{selector} never appeared");
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

#[wasm_bindgen_test]
async fn records_persist_across_a_reopen() {
    let store = fresh("test-persist", SCHEMA_VERSION).await;
    store
        .commit(vec![
            Write::Put(Table::Batches, "a".into(), vec![1, 2, 3]),
            Write::Put(Table::History, "h".into(), vec![9]),
        ])
        .await
        .unwrap();
    store.close();
    let reopened = IdbStore::open_at("test-persist", SCHEMA_VERSION)
        .await
        .unwrap();
    assert_eq!(
        reopened.all(Table::Batches).await.unwrap(),
        vec![vec![1, 2, 3]]
    );
    assert_eq!(reopened.all(Table::History).await.unwrap(), vec![vec![9]]);
    reopened
        .commit(vec![
            Write::Delete(Table::Batches, "a".into()),
            Write::Clear(Table::History),
        ])
        .await
        .unwrap();
    assert!(reopened.all(Table::Batches).await.unwrap().is_empty());
    reopened.close();
}

#[wasm_bindgen_test]
async fn a_version_1_database_migrates_and_keeps_its_records() {
    let old = fresh("test-migrate", 1).await;
    let mut names = old.store_names();
    names.sort();
    assert_eq!(names, ["batches", "keys", "meta"]);
    let record: JsValue = Uint8Array::from(&[7u8, 7, 7][..]).into();
    old.set_raw("batches", &[("kept".into(), Some(record))])
        .await
        .unwrap();
    old.close();

    let migrated = IdbStore::open_at("test-migrate", 3).await.unwrap();
    let mut names = migrated.store_names();
    names.sort();
    assert_eq!(names, ["batches", "history", "holder", "keys", "meta"]);
    assert_eq!(
        migrated.all(Table::Batches).await.unwrap(),
        vec![vec![7, 7, 7]]
    );
    migrated
        .commit(vec![Write::Put(Table::History, "h".into(), vec![1])])
        .await
        .unwrap();
    migrated.close();
}

#[wasm_bindgen_test]
async fn aes_gcm_records_round_trip_and_refuse_tampering_and_other_keys() {
    let cipher = AesGcm::new(subtle::generate_aes_key().await.unwrap());
    let plain = br#"{"claims":{"age_over_18":true}}"#;
    let sealed = cipher.seal(plain).await.unwrap();
    assert_ne!(&sealed[12..sealed.len() - 16], &plain[..]);
    assert_eq!(cipher.open(&sealed).await.unwrap(), plain);
    // A fresh nonce each time.
    assert_ne!(cipher.seal(plain).await.unwrap(), sealed);
    let mut tampered = sealed.clone();
    tampered[20] ^= 1;
    assert_eq!(cipher.open(&tampered).await, Err(StoreError::Unreadable));
    let other = AesGcm::new(subtle::generate_aes_key().await.unwrap());
    assert_eq!(other.open(&sealed).await, Err(StoreError::Unreadable));
    assert_eq!(cipher.open(&[1, 2, 3]).await, Err(StoreError::Unreadable));
}

#[wasm_bindgen_test]
async fn the_passphrase_vault_opens_only_with_the_right_passphrase() {
    let store = fresh("test-vault", SCHEMA_VERSION).await;
    let Opened::Open(device) = vault::open(&store).await.unwrap() else {
        panic!("a new wallet opens without a passphrase");
    };
    let sealed_by_device = device.seal(b"device").await.unwrap();
    let Opened::Open(again) = vault::open(&store).await.unwrap() else {
        panic!("the device key is kept");
    };
    assert_eq!(again.open(&sealed_by_device).await.unwrap(), b"device");

    let (locked, meta) = vault::lock_with("correct horse battery").await.unwrap();
    let sealed = locked.seal(b"secret").await.unwrap();
    store.commit(meta).await.unwrap();
    assert!(matches!(vault::open(&store).await.unwrap(), Opened::Locked));
    assert!(matches!(
        vault::unlock(&store, "wrong horse").await,
        Err(VaultError::WrongPassphrase)
    ));
    let unlocked = vault::unlock(&store, "correct horse battery")
        .await
        .unwrap();
    assert_eq!(unlocked.open(&sealed).await.unwrap(), b"secret");

    // Removing the passphrase: a new device key, then the lock goes.
    let device = vault::new_device_key(&store).await.unwrap();
    store.commit(vault::unlock_writes()).await.unwrap();
    let Opened::Open(reopened) = vault::open(&store).await.unwrap() else {
        panic!("unlocked again");
    };
    let probe = device.seal(b"probe").await.unwrap();
    assert_eq!(reopened.open(&probe).await.unwrap(), b"probe");
    store.close();
}

#[wasm_bindgen_test]
async fn webcrypto_holder_keys_sign_kb_jwts_the_core_verifies_and_cannot_be_exported() {
    let store = fresh("test-keys", SCHEMA_VERSION).await;
    let keys = WebCryptoKeys::new(store.clone());
    let (id, holder) = keys.generate().await.unwrap();

    let stored: CryptoKey = store
        .get_raw(KEYS, &id)
        .await
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(
        !stored.extractable(),
        "the private key must not be extractable"
    );
    assert_eq!(stored.type_(), "private");

    let issuer = PrivateJwk::generate(&mut OsRng);
    let params = IssueParams {
        issuer: "https://issuer.example".into(),
        vct: Some("https://issuer.example/types/age".into()),
        claims: json!({"age_over_18": true, "age_over_21": false}),
        disclosable: Disclosable::Everything,
        decoys: 1,
        iat: None,
        nbf: None,
        exp: None,
    };
    let copy = CopyParams {
        holder: Some(holder),
        status: None,
    };
    let issued = credential::issue(&params, &copy, &issuer, &mut OsRng).unwrap();
    let credential = Credential::parse(&issued).unwrap();
    let selection = credential
        .select(&[JsonPointer::root().child("age_over_18")])
        .unwrap();
    let now = (js_sys::Date::now() / 1000.0) as i64;
    let unsigned = credential.present_with_key_binding(
        &selection,
        &KeyBindingParams {
            audience: "redirect_uri:https://shop.example/".into(),
            nonce: "n-42".into(),
            iat: now,
        },
    );
    let signature = keys.sign(&id, unsigned.signing_input()).await.unwrap();
    let presentation = unsigned.finish(&signature);
    let policy = VerifyPolicy::new(
        vec![TrustedIssuer {
            iss: "https://issuer.example".into(),
            jwks: credential::Jwks::new(vec![issuer.public()]),
        }],
        now,
        "redirect_uri:https://shop.example/",
        "n-42",
    );
    let verified = credential::verify(&presentation, &policy).unwrap();
    assert_eq!(verified.claims().get("age_over_18"), Some(&json!(true)));
    assert!(!verified.claims().contains_key("age_over_21"));

    keys.delete(std::slice::from_ref(&id)).await.unwrap();
    assert_eq!(
        keys.sign(&id, b"x").await,
        Err(wallet_ui::logic::store::KeyError::Missing)
    );
    store.close();
}

#[wasm_bindgen_test]
async fn backup_files_round_trip_and_refuse_a_wrong_passphrase() {
    let contents = Contents::default();
    let text = backup_file::export(&contents, "a long passphrase")
        .await
        .unwrap();
    assert!(text.contains("cachet-wallet-backup"));
    assert_eq!(
        backup_file::import(&text, "a long passphrase")
            .await
            .unwrap(),
        contents
    );
    assert_eq!(
        backup_file::import(&text, "another passphrase").await,
        Err(BackupError::WrongPassphrase)
    );
    assert_eq!(
        backup_file::import("{}", "a long passphrase").await,
        Err(BackupError::NotABackup)
    );
}

#[wasm_bindgen_test]
async fn the_mounted_app_navigates_and_switches_language() {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let handle = leptos::mount::mount_to(root.clone().unchecked_into(), wallet_ui::App);
    let heading = wait_for("h1").await;
    assert_eq!(heading.text_content().unwrap(), "Cachet wallet");
    wait_for("[data-testid=no-credentials], [data-testid=credentials]").await;

    // Click "History": the history view replaces the credentials list.
    let history_link = document()
        .query_selector("nav a[href='#/history']")
        .unwrap()
        .unwrap();
    history_link.unchecked_ref::<web_sys::HtmlElement>().click();
    let history = wait_for("#history-heading").await;
    assert_eq!(history.text_content().unwrap(), "What you shared");
    assert!(
        document()
            .query_selector("#credentials-heading")
            .unwrap()
            .is_none()
    );

    // Choose Simplified Chinese: every string switches.
    let select: web_sys::HtmlSelectElement = document()
        .query_selector("[data-testid=language]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    select.set_value("zh-Hans");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    sleep(50).await;
    assert_eq!(heading.text_content().unwrap(), "Cachet 钱包");
    assert_eq!(
        document()
            .query_selector("#history-heading")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "分享记录"
    );
    assert_eq!(
        document()
            .document_element()
            .unwrap()
            .get_attribute("lang")
            .as_deref(),
        Some("zh-Hans")
    );
    drop(handle);
    web_sys::window().unwrap().location().set_hash("").unwrap();
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
}
