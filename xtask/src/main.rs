//! `cargo xtask`: the project's automation, so that a fresh machine needs only the two
//! commands in the README.
//!
//! - `setup`: installs what is missing (idempotent).
//! - `test`: every check CI runs, stopping at the first failing stage.
//! - `demo`: builds everything and serves it on localhost.
//! - `bench`: the benchmarks, printing their figures.
//! - `build-verifier`: the verifier's ES-module package in `verifier-wasm/pkg`.

mod bench;
mod cmd;
mod demo;
mod harness;
mod issuer;
mod plain_tools;
mod serve;
mod setup;
mod test;
mod trust;
mod verifier;
mod wallet;
mod wallet_dist;

use std::process::ExitCode;

const USAGE: &str =
    "usage: cargo xtask <setup | test [STAGE...] | demo | bench | build-verifier | build-wallet>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run(),
        Some("test") => test::run(args.get(1..).unwrap_or_default()),
        Some("demo") => demo::run(),
        Some("bench") => bench::run(),
        Some("build-verifier") => verifier::build(),
        Some("build-wallet") => wallet::build(),
        Some("wallet-post-build") => wallet::post_build(),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\nxtask: {err}");
            ExitCode::FAILURE
        }
    }
}
