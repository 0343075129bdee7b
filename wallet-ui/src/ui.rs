//! The views: they only translate between the person and [`crate::logic`].

// Leptos's `#[component]` expands each view into items (props, builders) that the lint
// reports at the function whatever its visibility; the views are crate-internal anyway.
#![allow(unreachable_pub)]

mod app;
mod format;
mod history;
mod home;
mod present;
mod receive;
mod recovery;
mod scan;
mod settings;
mod state;
mod unlock;

pub use app::App;
