//! The views: they only translate between the person and [`crate::logic`].

mod app;
mod format;
mod history;
mod home;
mod present;
mod receive;
mod scan;
mod settings;
mod state;
mod unlock;

pub use app::App;
