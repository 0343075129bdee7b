//! The wallet's logic bound to the browser: IndexedDB ([`idb_store`]), WebCrypto
//! ([`subtle`], [`keys`], [`cipher`], [`vault`]), fetch ([`http`]), delivering answers ([`delivery`]) and
//! backup files ([`backup_file`]).

pub mod backup_file;
pub mod cipher;
pub mod delivery;
pub mod http;
pub mod idb_store;
pub mod keys;
pub mod subtle;
pub mod vault;

/// The wallet as it runs in the page.
pub type BrowserWallet =
    crate::logic::wallet::Wallet<idb_store::IdbStore, cipher::AesGcm, keys::WebCryptoKeys>;

/// A fresh random local identifier for a record.
#[must_use]
pub fn new_id() -> String {
    subtle::random_id().unwrap_or_else(|_| now().to_string())
}

/// The current time (Unix seconds) from the browser's clock.
#[must_use]
pub fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}
