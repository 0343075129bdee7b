//! `cargo xtask test`: every check CI runs, in order, stopping at the first failing stage.

use std::path::Path;
use std::time::Instant;

use crate::cmd::{self, Result, fail, root};
use crate::{serve, setup};

/// Crates that build for the browser and are linted and tested as wasm.
const WASM_CRATES: [&str; 3] = ["credential", "verifier-wasm", "wallet-ui"];
/// Crates with wasm-bindgen tests that run in headless Chromium.
const WASM_TESTED: [&str; 3] = ["credential", "verifier-wasm", "wallet-ui"];

type Stage = (&'static str, fn(&Path) -> Result);

/// Fuzz targets of `credential/fuzz` and how long each runs in CI.
const FUZZ_TARGETS: [&str; 3] = ["verify", "parse_inputs", "qr_decode"];
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
    ("wallet release build (trunk)", |_| build_wallet()),
    ("end-to-end tests (Playwright)", end_to_end),
];

/// Runs setup, then every stage; with `only` given, just the stages whose name contains
/// one of its words (`cargo xtask test end-to-end wallet`), for a quicker loop.
pub fn run(only: &[String]) -> Result {
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

fn cargo(root: &Path, args: &[&str]) -> Result {
    cmd::run(root, "cargo", args, &[])
}

fn fmt(root: &Path) -> Result {
    cargo(root, &["fmt", "--all", "--check"])
}

fn clippy_native(root: &Path) -> Result {
    cargo(
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
    let mut args = with_packages(
        vec![
            "clippy",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
        ],
        &WASM_CRATES,
    );
    args.extend(["--", "-D", "warnings"]);
    cargo(root, &args)
}

fn native_tests(root: &Path) -> Result {
    cargo(root, &["test", "--workspace"])
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
        &[
            ("CHROMEDRIVER", "/usr/bin/chromedriver"),
            ("WASM_BINDGEN_TEST_TIMEOUT", "120"),
        ],
    )
}

/// Builds the debug `cachet` binary (a no-op when current) and returns its path.
fn cachet_binary(root: &Path) -> Result<String> {
    cargo(root, &["build", "-p", "cli"])?;
    Ok(cmd::target_dir(root)
        .join("debug/cachet")
        .to_string_lossy()
        .into_owned())
}

/// Runs `node ARGS` in `tests/` with `CACHET_BIN` set to a freshly built `cachet`.
fn node_with_cachet(root: &Path, args: &[&str]) -> Result {
    let bin = cachet_binary(root)?;
    cmd::run(&root.join("tests"), "node", args, &[("CACHET_BIN", &bin)])
}

/// The `cachet` CLI and `@sd-jwt/core` (npm) check each other's output.
fn interop(root: &Path) -> Result {
    node_with_cachet(root, &["--test", "--test-concurrency=1", "interop/"])
}

/// Builds `verifier-wasm/pkg` and uses it from Node as an integrator would.
fn verifier_package(root: &Path) -> Result {
    crate::verifier::build()?;
    node_with_cachet(root, &["--test", "--test-concurrency=1", "verifier/"])
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

/// Builds the wallet for release into `dist/wallet` (shared with the demo), with the
/// wasm-opt that setup installed.
pub fn build_wallet() -> Result {
    let root = root();
    let path = setup::tool_path(&root);
    cmd::run(
        &root,
        "trunk",
        &["build", "--release", "--offline"],
        &[("PATH", &path)],
    )?;
    let dist = root.join("dist/wallet");
    crate::verifier::wasm_package(&root, "qr-scanner", &dist.join("scanner"))?;
    crate::wallet_dist::finish(&dist)
}

fn end_to_end(root: &Path) -> Result {
    with_sites(root, "e2e", &["--test", "--test-concurrency=1", "e2e/"])
}

/// Starts the sites (free ports) and an issuer with a fresh database in
/// `target/<scratch>`, then runs `node args` in tests/ with their URLs in
/// `CACHET_<SITE>_URL`, `CACHET_ISSUER_URL` and the CLI in `CACHET_BIN`.
fn with_sites(root: &Path, scratch: &str, args: &[&str]) -> Result {
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|err| fail(format!("cannot start the async runtime: {err}")))?;
    let trust = crate::trust::TrustSource::default();
    let running = runtime.block_on(serve::start(serve::test_sites(&trust)))?;
    let wallet = running
        .iter()
        .find(|site| site.name == "wallet")
        .map(|site| site.url.trim_end_matches('/').to_owned())
        .ok_or_else(|| fail("the wallet site did not start"))?;
    let issuer_bin = crate::issuer::binary(root)?;
    let scratch = cmd::target_dir(root).join(scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    let issuer = crate::issuer::start(
        &issuer_bin,
        &scratch.join("issuer.db"),
        crate::issuer::free_port()?,
        crate::issuer::free_port()?,
        &wallet,
    )?;
    println!("  CACHET_ISSUER_URL={}/", issuer.url);
    let _ = trust.issuer.set(issuer.url.clone());
    let _ = trust.wallet.set(format!("{wallet}/"));
    let mut env: Vec<(String, String)> = running
        .iter()
        .map(|site| {
            let key = format!("CACHET_{}_URL", site.name.to_ascii_uppercase());
            println!("  {key}={}", site.url);
            (key, site.url.clone())
        })
        .collect();
    env.push(("CACHET_BIN".into(), cachet_binary(root)?));
    env.push(("CACHET_ISSUER_URL".into(), format!("{}/", issuer.url)));
    env.push(("CACHET_ADMIN_URL".into(), issuer.admin_url.clone()));
    env.push((
        "CACHET_ISSUER_DB".into(),
        scratch.join("issuer.db").to_string_lossy().into_owned(),
    ));
    env.push((
        "CACHET_ISSUER_BIN".into(),
        issuer_bin.to_string_lossy().into_owned(),
    ));
    env.push((
        "CACHET_STATUS_PERIOD".into(),
        crate::issuer::STATUS_PERIOD.into(),
    ));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    // The servers run on the runtime's worker threads while node drives the browser.
    let result = cmd::run(&root.join("tests"), "node", args, &env);
    runtime.shutdown_background();
    result
}

/// `cargo xtask bench`: the criterion benchmarks and the issuer load benchmark (native,
/// release), then the in-page verifier benchmark and the wallet's size and first-render
/// figures in headless Chromium.
pub fn bench() -> Result {
    cargo(
        &root(),
        &[
            "bench",
            "-p",
            "credential",
            "--features",
            "ring",
            "--bench",
            "verify",
        ],
    )?;
    cargo(&root(), &["bench", "-p", "issuer", "--bench", "load"])?;
    setup::run()?;
    crate::verifier::build()?;
    crate::verifier::report_floor()?;
    node_with_cachet(&root(), &["bench/verify.mjs"])?;
    build_wallet()?;
    with_sites(&root(), "bench", &["bench/wallet.mjs"])
}
