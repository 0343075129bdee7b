//! The verifier that websites embed: a thin wasm-bindgen facade over [`credential`].
//!
//! It holds no logic of its own and makes no network request: everything a site needs to
//! check a presentation runs in the visitor's page.
