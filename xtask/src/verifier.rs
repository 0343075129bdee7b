//! `cargo xtask build-verifier`: the ES-module package websites import, in
//! `verifier-wasm/pkg/` (`verifier_wasm.js`, `verifier_wasm_bg.wasm`, `verifier_wasm.d.ts`,
//! `package.json`), size-optimised with wasm-opt.

use std::path::Path;

use crate::cmd::{self, Result, fail, root};
use crate::setup;

const PACKAGE_JSON: &str = r#"{
  "name": "@cachet/verifier",
  "version": "0.1.0",
  "description": "Verify Cachet (SD-JWT VC) presentations in the page, with no network access.",
  "license": "Apache-2.0",
  "type": "module",
  "main": "verifier_wasm.js",
  "types": "verifier_wasm.d.ts",
  "files": ["verifier_wasm.js", "verifier_wasm_bg.wasm", "verifier_wasm.d.ts", "verifier_wasm_bg.wasm.d.ts"],
  "sideEffects": false
}
"#;

/// Builds `verifier-wasm/pkg` and prints the wasm size, raw and gzipped.
pub fn build() -> Result {
    let root = root();
    cmd::run(
        &root,
        "cargo",
        &[
            "build",
            "-p",
            "verifier-wasm",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
        ],
        &[],
    )?;
    let target = std::env::var("CARGO_TARGET_DIR").map_or_else(|_| root.join("target"), Into::into);
    let wasm = target.join("wasm32-unknown-unknown/wasm-release/verifier_wasm.wasm");
    let pkg = root.join("verifier-wasm/pkg");
    let pkg_arg = pkg.to_string_lossy();
    cmd::run(
        &root,
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--out-dir",
            &pkg_arg,
            &wasm.to_string_lossy(),
        ],
        &[],
    )?;
    let bg = pkg.join("verifier_wasm_bg.wasm");
    let bg_arg = bg.to_string_lossy();
    let path = setup::tool_path(&root);
    cmd::run(
        &root,
        "wasm-opt",
        &[
            "-Oz",
            "--strip-debug",
            "--strip-producers",
            &bg_arg,
            "-o",
            &bg_arg,
        ],
        &[("PATH", &path)],
    )?;
    std::fs::write(pkg.join("package.json"), PACKAGE_JSON)
        .map_err(|err| fail(format!("cannot write package.json: {err}")))?;
    report_size(&bg)
}

fn report_size(wasm: &Path) -> Result {
    let bytes = std::fs::read(wasm)
        .map_err(|err| fail(format!("cannot read {}: {err}", wasm.display())))?;
    // gzip = DEFLATE stream + 18 bytes of header and trailer.
    let gzip = miniz_oxide::deflate::compress_to_vec(&bytes, 9).len() + 18;
    println!(
        "  verifier_wasm_bg.wasm: {} bytes raw, {gzip} bytes gzipped",
        bytes.len()
    );
    Ok(())
}
