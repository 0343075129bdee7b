//! Building the wallet for release: Trunk, whose `post_build` hook (`Trunk.toml`) builds
//! the QR scanner's module into the staging directory and runs the finish of
//! [`crate::wallet_dist`]. So `trunk build --release` at the root and
//! `cargo xtask build-wallet` make the same wallet.

use std::path::PathBuf;

use crate::cmd::{self, Result, fail, root};

/// Builds the wallet for release into `dist/wallet` (shared with the demo): exactly the
/// plain `trunk build --release` a developer runs at the root, with PATH as it is, so
/// this stage keeps that route working (setup linked the pinned wasm-opt onto PATH).
pub(crate) fn build() -> Result {
    cmd::run(&root(), "trunk", &["build", "--release"], &[])
}

/// Trunk's `post_build` hook (`cargo xtask wallet-post-build`): the QR scanner's module
/// into `scanner/` of the staging directory Trunk names, then the finish, before Trunk
/// moves the directory to `dist/wallet`.
pub(crate) fn post_build() -> Result {
    let staging = std::env::var_os("TRUNK_STAGING_DIR")
        .map(PathBuf::from)
        .ok_or_else(|| fail("wallet-post-build is Trunk's hook: TRUNK_STAGING_DIR is not set"))?;
    let root = root();
    crate::verifier::wasm_package(&root, "qr-scanner", &staging.join("scanner"))?;
    crate::wallet_dist::finish(&staging)
}
