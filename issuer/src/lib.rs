//! Cachet's issuing service (OpenID4VCI pre-authorized code flow, batch issuance,
//! Token Status List). The only central part of Cachet, built to know as little as
//! possible: it never takes part in a presentation, issues batches of single-use copies
//! that share no key, salt, digest, status index or timestamp finer than a day, and
//! publishes revocation as whole lists that every verifier downloads alike.
//!
//! Layers: [`store`] (SQLite, every durable fact), [`service`] (the behaviour, blocking),
//! [`http`] (axum routes that only translate), and the `cachet-issuer` binary.

pub mod catalog;
pub mod config;
pub mod http;
pub mod person;
pub mod pkcs11;
pub mod rate_limit;
pub mod refusal;
pub mod sealing;
pub mod secrets;
pub mod service;
pub mod signing;
pub mod store;

pub use config::Config;
pub use service::{Clock, Issuer, system_clock};
pub use store::Store;
