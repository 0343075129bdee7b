//! Cachet's wallet, a Leptos client-side app that keeps credentials on this device.

mod app;
mod text;

pub use app::App;
