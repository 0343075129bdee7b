//! Cachet's wallet, a Leptos client-side app that keeps credentials on this device.
//!
//! [`logic`] is the behaviour (tested natively on in-memory stores); [`browser`] binds it
//! to IndexedDB, WebCrypto and fetch; [`ui`] is the views; [`text`] every string shown, and
//! [`error_text`] what each error says.

pub mod browser;
pub mod error_text;
pub mod logic;
pub mod text;
pub mod ui;

pub use ui::App;
