//! Building the wallet for release: Trunk, then the QR scanner's module, then the finish
//! of [`crate::wallet_dist`].

use crate::cmd::{self, Result, root};
use crate::setup;

/// Builds the wallet for release into `dist/wallet` (shared with the demo), with the
/// wasm-opt that setup installed.
pub(crate) fn build() -> Result {
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
