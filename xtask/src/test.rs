//! `cargo xtask test`: every check CI runs, in order, stopping at the first failing stage.

use std::path::Path;
use std::time::Instant;

use crate::cmd::{self, Result, fail, root};
use crate::{harness, setup};

/// Crates that build for the browser and are linted and tested as wasm.
const WASM_CRATES: [&str; 3] = ["credential", "verifier-wasm", "wallet-ui"];
/// Browser crates linted on their own: with them, `credential` builds with its `bbs`
/// feature, and its native-only BBS benchmark would be built for wasm too.
const WASM_CRATES_APART: [&str; 1] = ["nym-verifier"];
/// Crates with wasm-bindgen tests that run in headless Chromium through cargo.
const WASM_TESTED: [&str; 2] = ["credential", "wallet-ui"];
/// The crate whose browser tests run through `wasm-pack test --headless --chrome`, the
/// contributors' route, so that it cannot rot.
const WASM_PACK_TESTED: &str = "verifier-wasm";

type Stage = (&'static str, fn(&Path) -> Result);

/// Fuzz targets of `credential/fuzz` and how long each runs in CI.
const FUZZ_TARGETS: [&str; 4] = ["verify", "parse_inputs", "qr_decode", "bbs_jwp"];
const FUZZ_SECONDS: &str = "20";

const STAGES: [Stage; 10] = [
    ("fmt", fmt),
    ("clippy (native)", clippy_native),
    ("clippy (wasm32)", clippy_wasm),
    ("native tests", native_tests),
    ("wasm tests (headless Chromium)", wasm_tests),
    ("interop with @sd-jwt/core", interop),
    ("fuzzing (bounded)", fuzz),
    ("verifier package (build, Node)", verifier_package),
    ("wallet release build (trunk)", |_| crate::wallet::build()),
    ("end-to-end tests (Playwright)", end_to_end),
];

/// Runs setup, then every stage; with `only` given, just the stages whose name contains
/// one of its words (`cargo xtask test end-to-end wallet`), for a quicker loop.
pub(crate) fn run(only: &[String]) -> Result {
    let started = Instant::now();
    setup::run()?;
    let root = root();
    let chosen =
        |name: &str| only.is_empty() || only.iter().any(|word| name.contains(word.as_str()));
    for (index, (name, stage)) in STAGES.iter().enumerate() {
        if !chosen(name) {
            continue;
        }
        let stage_started = Instant::now();
        println!("\n== stage {}/{}: {name}", index + 1, STAGES.len());
        stage(&root).map_err(|err| fail(format!("stage `{name}` failed: {err}")))?;
        println!(
            "== stage {name}: ok ({:.0} s)",
            stage_started.elapsed().as_secs_f64()
        );
    }
    let ran = STAGES.iter().filter(|(name, _)| chosen(name)).count();
    println!(
        "\ncargo xtask test: {ran} of {} stages passed in {:.0} s",
        STAGES.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn fmt(root: &Path) -> Result {
    cmd::cargo(root, &["fmt", "--all", "--check"])
}

fn clippy_native(root: &Path) -> Result {
    cmd::cargo(
        root,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
    )
}

fn with_packages<'a>(mut args: Vec<&'a str>, packages: &[&'a str]) -> Vec<&'a str> {
    for package in packages {
        args.extend(["-p", package]);
    }
    args
}

fn clippy_wasm(root: &Path) -> Result {
    for crates in [&WASM_CRATES[..], &WASM_CRATES_APART[..]] {
        let mut args = with_packages(
            vec![
                "clippy",
                "--target",
                "wasm32-unknown-unknown",
                "--all-targets",
            ],
            crates,
        );
        args.extend(["--", "-D", "warnings"]);
        cmd::cargo(root, &args)?;
    }
    Ok(())
}

fn native_tests(root: &Path) -> Result {
    cmd::cargo(root, &["test", "--workspace"])?;
    // The issuer's behavioural suite once more, on PostgreSQL: the tests start a
    // throwaway cluster of their own and stop it when they end.
    println!("-- the issuer's tests on PostgreSQL");
    cmd::cargo_with_env(
        root,
        &["test", "-p", "issuer", "--test", "it"],
        &[("CACHET_TEST_DATABASE", "postgres")],
    )
}

fn wasm_tests(root: &Path) -> Result {
    let args = with_packages(
        vec!["test", "--target", "wasm32-unknown-unknown"],
        &WASM_TESTED,
    );
    cmd::run(
        root,
        "cargo",
        &args,
        &[("CHROMEDRIVER", "/usr/bin/chromedriver")],
    )?;
    // Exactly what a contributor types: wasm-pack finds the tools setup installed.
    cmd::run(
        &root.join(WASM_PACK_TESTED),
        "wasm-pack",
        &["test", "--headless", "--chrome"],
        &[],
    )
}

/// The `cachet` CLI and `@sd-jwt/core` (npm) check each other's output.
fn interop(root: &Path) -> Result {
    harness::node_with_cachet(root, &["--test", "--test-concurrency=1", "interop/"])
}

/// Builds `verifier-wasm/pkg` and uses it from Node as an integrator would.
fn verifier_package(root: &Path) -> Result {
    crate::verifier::build()?;
    harness::node_with_cachet(root, &["--test", "--test-concurrency=1", "verifier/"])
}

/// Runs each fuzz target for a bounded time, from the committed seeds.
fn fuzz(root: &Path) -> Result {
    let crate_dir = root.join("credential");
    for target in FUZZ_TARGETS {
        let corpus = format!("fuzz/corpus/{target}");
        std::fs::create_dir_all(crate_dir.join(&corpus))
            .map_err(|err| fail(format!("cannot create {corpus}: {err}")))?;
        let seeds = format!("fuzz/seeds/{target}");
        let max_time = format!("-max_total_time={FUZZ_SECONDS}");
        cmd::run(
            &crate_dir,
            "cargo",
            &["fuzz", "run", target, &corpus, &seeds, "--", &max_time],
            // cargo-fuzz passes nightly -Z flags; only stable exists on these machines.
            &[("RUSTC_BOOTSTRAP", "1")],
        )?;
    }
    Ok(())
}

/// Every end-to-end test; `CACHET_E2E=NAME` runs `tests/e2e/NAME.test.mjs` alone (while
/// working on one journey).
fn end_to_end(root: &Path) -> Result {
    let only = std::env::var("CACHET_E2E")
        .ok()
        .filter(|name| !name.is_empty());
    let files = only.map_or_else(|| "e2e/".to_owned(), |name| format!("e2e/{name}.test.mjs"));
    harness::with_sites(root, "e2e", &["--test", "--test-concurrency=1", &files])
}
