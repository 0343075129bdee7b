//! The views: only translate between the person and [`crate::logic`].

mod app;

pub use app::App;
