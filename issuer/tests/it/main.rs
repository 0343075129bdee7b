//! The issuer's integration tests, in one binary (one link instead of five, as ruma does):
//! each module drives a real issuer (in-process, or the built binary for `cli`) over HTTP.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

mod at_rest;
mod bad_input;
mod cli;
mod endpoints;
mod hsm;
mod issuance;
mod linkability;
mod nodes;
mod pseudonymous;
mod publish;
