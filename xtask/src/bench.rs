//! `cargo xtask bench`: every benchmark, printing its figures.

use crate::cmd::{self, Result, root};
use crate::harness::{node_with_cachet, with_sites};
use crate::setup;

/// `cargo xtask bench`: the criterion benchmarks and the issuer load benchmark (native,
/// release), then the in-page verifier benchmark, the wallet's size and first-render
/// figures, and a slow phone's waits (throttled CPU and network) in headless Chromium.
pub(crate) fn run() -> Result {
    let root = root();
    cmd::cargo(
        &root,
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
    cmd::cargo(
        &root,
        &[
            "bench",
            "-p",
            "credential",
            "--features",
            "bbs,qr",
            "--bench",
            "nym",
        ],
    )?;
    cmd::cargo(&root, &["bench", "-p", "issuer", "--bench", "load"])?;
    setup::run()?;
    crate::verifier::build()?;
    crate::verifier::report_floor()?;
    node_with_cachet(&root, &["bench/verify.mjs"])?;
    crate::wallet::build()?;
    with_sites(&root, "bench", &["bench/wallet.mjs"])?;
    with_sites(&root, "bench-slow-phone", &["bench/slow-phone.mjs"])
}
