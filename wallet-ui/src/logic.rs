//! The wallet's behaviour, free of the browser: records, consent, presenting, history,
//! backups. It runs against the [`store`] interfaces, so it is tested natively with
//! in-memory versions and runs in the page on IndexedDB and WebCrypto.

pub mod backup;
pub mod consent;
pub mod held;
pub mod holder;
pub mod http;
pub mod incoming;
pub mod issuance;
pub mod model;
pub mod passphrase;
pub mod receive;
pub mod recovery;
pub mod schedule;
pub mod store;
pub mod wallet;

#[cfg(test)]
mod tests;
