//! `cargo xtask build-verifier`: the ES-module package websites import, in
//! `verifier-wasm/pkg/` (`verifier_wasm.js`, `verifier_wasm_bg.wasm`, `verifier_wasm.d.ts`,
//! `package.json`), size-optimised with wasm-opt; the QR decoder that `scanQr` loads on
//! demand is its own module in `pkg/scanner/` (`qr-scanner/`), and so is the verifier of
//! pseudonymous presentations, in `pkg/nym/` (`nym-verifier/`).

use std::path::Path;

use crate::cmd::{self, Result, fail, root};
use crate::setup;

/// The verifier module's size budget, gzipped (as [`sizes`] measures): 140 KB, no growth.
const VERIFIER_BUDGET: usize = 140 * 1024;

/// The npm package's name; `npm pack` names its tarball `cachet-verifier-VERSION.tgz`.
const PACKAGE_NAME: &str = "@cachet/verifier";

/// `package.json` of the package, at the workspace's version.
fn package_json() -> String {
    let package = serde_json::json!({
        "name": PACKAGE_NAME,
        "version": env!("CARGO_PKG_VERSION"),
        "description": "Verify Cachet presentations (SD-JWT VC, pseudonymous BBS) in the page, with no network access.",
        "license": "Apache-2.0",
        "type": "module",
        "main": "./verifier_wasm.js",
        "types": "./verifier_wasm.d.ts",
        "exports": {
            ".": { "types": "./verifier_wasm.d.ts", "default": "./verifier_wasm.js" },
            "./bytes": "./verifier_wasm_bytes.js",
            "./verifier_wasm_bg.wasm": "./verifier_wasm_bg.wasm",
            "./scanner/*": "./scanner/*",
            "./nym/*": "./nym/*",
            "./package.json": "./package.json"
        },
        "files": [
            "verifier_wasm.js", "verifier_wasm_bg.wasm", "verifier_wasm.d.ts",
            "verifier_wasm_bg.wasm.d.ts", "verifier_wasm_bytes.js", "snippets/", "scanner/",
            "nym/", "README.md", "LICENSE"
        ],
        "sideEffects": false
    });
    format!("{package:#}\n")
}

/// Builds `verifier-wasm/pkg` (with the QR decoder in `pkg/scanner/` and the pseudonym
/// verifier in `pkg/nym/`) and prints the size of each module, raw and gzipped.
pub(crate) fn build() -> Result {
    let root = root();
    let pkg = root.join("verifier-wasm/pkg");
    if pkg.exists() {
        std::fs::remove_dir_all(&pkg)
            .map_err(|err| fail(format!("cannot clear {}: {err}", pkg.display())))?;
    }
    let bg = wasm_package(&root, "verifier-wasm", &pkg)?;
    std::fs::write(pkg.join("package.json"), package_json())
        .map_err(|err| fail(format!("cannot write package.json: {err}")))?;
    for (from, to) in [
        ("verifier-wasm/README.md", "README.md"),
        ("LICENSE", "LICENSE"),
    ] {
        std::fs::copy(root.join(from), pkg.join(to))
            .map_err(|err| fail(format!("cannot copy {from} into the package: {err}")))?;
    }
    write_bytes_module(&bg, &pkg.join("verifier_wasm_bytes.js"))?;
    let scanner = wasm_package(&root, "qr-scanner", &pkg.join("scanner"))?;
    write_bytes_module(&scanner, &pkg.join("scanner/qr_scanner_bytes.js"))?;
    let nym = wasm_package(&root, "nym-verifier", &pkg.join("nym"))?;
    write_bytes_module(&nym, &pkg.join("nym/nym_verifier_bytes.js"))?;
    report_size(&bg)?;
    let (_, gzipped) = sizes(&bg)?;
    if gzipped > VERIFIER_BUDGET {
        return Err(fail(format!(
            "the verifier module is {gzipped} bytes gzipped, over its budget of {VERIFIER_BUDGET} (140 KB): \
             it may not grow; new formats load on demand"
        )));
    }
    report_size(&scanner)?;
    report_size(&nym)?;
    pack(&root, &pkg)
}

/// `npm pack` of the package into `target/npm/` (`cachet-verifier-VERSION.tgz`), the file
/// a site installs with `npm install PATH.tgz` or publishes.
fn pack(root: &Path, pkg: &Path) -> Result {
    let out = cmd::target_dir(root).join("npm");
    std::fs::create_dir_all(&out)
        .map_err(|err| fail(format!("cannot create {}: {err}", out.display())))?;
    let destination = out.to_string_lossy().into_owned();
    cmd::run(
        pkg,
        "npm",
        &["pack", "--pack-destination", &destination, "--silent"],
        &[],
    )?;
    let tarball = out.join(format!("cachet-verifier-{}.tgz", env!("CARGO_PKG_VERSION")));
    if !tarball.exists() {
        return Err(fail(format!("npm pack made no {}", tarball.display())));
    }
    println!("npm package: {}", tarball.display());
    Ok(())
}

/// Builds crate `package` for wasm32 (`wasm-release`), runs wasm-bindgen (`--target
/// web`) into `out`, and wasm-opt for size; returns the path of the `_bg.wasm`.
///
/// # Errors
/// A failing build step.
pub(crate) fn wasm_package(root: &Path, package: &str, out: &Path) -> Result<std::path::PathBuf> {
    let stem = package.replace('-', "_");
    bindgen_for_size(root, &["-p", package], &format!("{stem}.wasm"), out)
}

/// Builds `verifier-wasm/examples/verify_floor.rs` (a module with `verify` alone) as the
/// verifier is built, into `target/verify-floor/`, and prints the sizes of both modules
/// and their ratio, measured in this run with the same compressor.
///
/// # Errors
/// A failing build step, or a module that cannot be read.
pub(crate) fn report_floor() -> Result {
    let root = root();
    let out = cmd::target_dir(&root).join("verify-floor");
    let floor = bindgen_for_size(
        &root,
        &["-p", "verifier-wasm", "--example", "verify_floor"],
        "examples/verify_floor.wasm",
        &out,
    )?;
    let verifier = root.join("verifier-wasm/pkg/verifier_wasm_bg.wasm");
    let (floor_raw, floor_gz) = sizes(&floor)?;
    let (raw, gz) = sizes(&verifier)?;
    println!(
        "verify-only floor module (verifier-wasm/examples/verify_floor.rs): {floor_raw} bytes raw, \
         {floor_gz} bytes gzipped\n\
         the verifier ({raw} raw, {gz} gzipped) is {:.2}x the floor gzipped; the 81,920-byte goal \
         is {:.2}x the floor",
        gz as f64 / floor_gz as f64,
        81_920.0 / floor_gz as f64
    );
    Ok(())
}

/// `cargo build --target wasm32-unknown-unknown --profile wasm-release` with `what` (the
/// package, or an example of it), then wasm-bindgen of `artifact` (relative to the
/// profile's output directory) into `out` and wasm-opt for size.
fn bindgen_for_size(
    root: &Path,
    what: &[&str],
    artifact: &str,
    out: &Path,
) -> Result<std::path::PathBuf> {
    let mut args = vec!["build"];
    args.extend_from_slice(what);
    args.extend_from_slice(&[
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ]);
    cmd::run(root, "cargo", &args, &[])?;
    let wasm = cmd::target_dir(root)
        .join("wasm32-unknown-unknown/wasm-release")
        .join(artifact);
    let stem = wasm
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    cmd::run(
        root,
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--out-dir",
            &out.to_string_lossy(),
            &wasm.to_string_lossy(),
        ],
        &[],
    )?;
    let bg = out.join(format!("{stem}_bg.wasm"));
    let bg_arg = bg.to_string_lossy();
    let path = setup::tool_path(root);
    cmd::run(
        root,
        "wasm-opt",
        &[
            "-Oz",
            // Until no pass gains more: about 230 bytes gzipped off the verifier.
            "--converge",
            "--strip-debug",
            "--strip-producers",
            &bg_arg,
            "-o",
            &bg_arg,
        ],
        &[("PATH", &path)],
    )?;
    Ok(bg)
}

/// `verifier_wasm_bytes.js`: the module's bytes as a script, for pages whose CSP forbids
/// fetching (`connect-src 'none'`), where `init()` cannot fetch the `.wasm`:
/// `import bytes from "./verifier_wasm_bytes.js"; await init({ module_or_path: bytes });`
fn write_bytes_module(wasm: &Path, out: &Path) -> Result {
    use base64ct::{Base64, Encoding};
    let bytes = std::fs::read(wasm)
        .map_err(|err| fail(format!("cannot read {}: {err}", wasm.display())))?;
    let script = format!(
        "// Generated by `cargo xtask build-verifier`: {} as a script, for\n\
         // pages whose Content-Security-Policy forbids fetch (connect-src 'none').\n\
         const binary = atob(\"{}\");\n\
         const bytes = new Uint8Array(binary.length);\n\
         for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);\n\
         export default bytes;\n",
        wasm.file_name().unwrap_or_default().to_string_lossy(),
        Base64::encode_string(&bytes)
    );
    std::fs::write(out, script)
        .map_err(|err| fail(format!("cannot write {}: {err}", out.display())))
}

fn report_size(wasm: &Path) -> Result {
    let (raw, gzip) = sizes(wasm)?;
    println!(
        "  {}: {raw} bytes raw, {gzip} bytes gzipped",
        wasm.file_name().unwrap_or_default().to_string_lossy(),
    );
    Ok(())
}

/// A module's size raw and gzipped (level 9).
fn sizes(wasm: &Path) -> Result<(usize, usize)> {
    let bytes = std::fs::read(wasm)
        .map_err(|err| fail(format!("cannot read {}: {err}", wasm.display())))?;
    // gzip = DEFLATE stream + 18 bytes of header and trailer.
    let gzip = miniz_oxide::deflate::compress_to_vec(&bytes, 9).len() + 18;
    Ok((bytes.len(), gzip))
}
