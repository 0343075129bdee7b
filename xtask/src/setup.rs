//! `cargo xtask setup`: installs the toolchain pieces the build and the tests need, and
//! only those that are missing, so a second run installs nothing and takes seconds.
//!
//! Known traps on these machines, solved here once:
//! - `wasm-bindgen-cli` must be exactly the `wasm-bindgen` version in `Cargo.lock`, and
//!   must be installed *without* `--locked` (a locked dependency is missing from the
//!   registry mirror).
//! - `trunk` 0.22 needs a newer rustc; 0.21.14 needs `--locked` to build.
//! - cargo-fuzz wants nightly `-Z` flags; the test stage sets `RUSTC_BOOTSTRAP=1` since
//!   only the stable toolchain can be installed.
//! - Chromium and ChromeDriver come from Debian, never from a download at run time (there
//!   is no internet except the package registries).
//! - wasm-opt comes from npm's `binaryen` (pinned in `tests/package-lock.json`): Debian's
//!   binaryen 108 breaks Rust 1.95's wasm output. [`tool_path`] puts it first on PATH.

use std::path::Path;
use std::time::Instant;

use crate::cmd::{self, Result, fail, probe};

/// The trunk release that builds with the machines' Rust 1.95.
const TRUNK_VERSION: &str = "0.21.14";
/// The wasm-pack release contributors run `wasm-pack test --headless --chrome` with; it
/// finds the installed wasm-bindgen-test-runner (same version as Cargo.lock) and Debian's
/// chromedriver on PATH instead of downloading them.
const WASM_PACK_VERSION: &str = "0.15.1";
/// Debian packages: (package, file it provides). Not binaryen: Debian's wasm-opt (108)
/// predates the wasm features Rust 1.95 emits and produces modules that fail to
/// instantiate; wasm-opt comes from npm's `binaryen` instead (see [`npm_packages`]).
const DEBIAN_PACKAGES: [(&str, &str); 4] = [
    ("chromium", "/usr/bin/chromium"),
    ("chromium-driver", "/usr/bin/chromedriver"),
    // The issuer's tests and load benchmark start throwaway clusters of their own.
    ("postgresql", "/usr/lib/postgresql/15/bin/initdb"),
    // PKCS#11 signing is tested against a software token.
    ("softhsm2", "/usr/lib/softhsm/libsofthsm2.so"),
];

/// Runs every setup step.
pub(crate) fn run() -> Result {
    let started = Instant::now();
    println!("== setup: checking the toolchain (installs only what is missing)");
    let root = cmd::root();
    wasm_target()?;
    wasm_bindgen_cli(&root)?;
    trunk()?;
    wasm_pack()?;
    cargo_fuzz()?;
    debian_packages()?;
    npm_packages(&root)?;
    let linked = crate::plain_tools::link_wasm_opt(&root)?;
    step(
        "wasm-opt on PATH for plain `trunk build` (npm binaryen)",
        linked,
    );
    println!("== setup: done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn step(name: &str, state: &str) {
    println!("  [{state}] {name}");
}

fn wasm_target() -> Result {
    const TARGET: &str = "wasm32-unknown-unknown";
    let installed = probe("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|line| line.trim() == TARGET) {
        step(&format!("rust target {TARGET}"), "ok");
        return Ok(());
    }
    step(&format!("rust target {TARGET}"), "installing");
    cmd::run(Path::new("."), "rustup", &["target", "add", TARGET], &[])
        .map_err(|err| fail(format!("{err}\n  fix: rustup target add {TARGET}")))
}

/// The `wasm-bindgen` version recorded in `Cargo.lock`.
fn locked_wasm_bindgen_version(root: &Path) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))
        .map_err(|err| fail(format!("cannot read Cargo.lock: {err}")))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            let version = lines
                .next()
                .and_then(|next| next.trim().strip_prefix("version = \""))
                .and_then(|rest| rest.strip_suffix('"'));
            if let Some(version) = version {
                return Ok(version.to_owned());
            }
        }
    }
    Err(fail("Cargo.lock names no wasm-bindgen version"))
}

/// Installs a crate's binaries with `cargo install ARGS --force` unless `present`; a
/// failure names the command to run by hand.
fn cargo_install(name: &str, present: bool, note: &str, args: &[&str]) -> Result {
    if present {
        step(name, "ok");
        return Ok(());
    }
    step(name, &format!("installing{note}"));
    let mut install = vec!["install"];
    install.extend_from_slice(args);
    install.push("--force");
    cmd::run(Path::new("."), "cargo", &install, &[])
        .map_err(|err| fail(format!("{err}\n  fix: cargo install {}", args.join(" "))))
}

fn wasm_bindgen_cli(root: &Path) -> Result {
    let version = locked_wasm_bindgen_version(root)?;
    let have = probe("wasm-bindgen", &["--version"]).unwrap_or_default();
    let runner = probe("wasm-bindgen-test-runner", &["--version"]).unwrap_or_default();
    let present = have == format!("wasm-bindgen {version}") && runner.ends_with(&version);
    // Deliberately without --locked: see the module doc.
    cargo_install(
        &format!("wasm-bindgen-cli {version}"),
        present,
        "",
        &["wasm-bindgen-cli", "--version", &version],
    )
}

fn trunk() -> Result {
    let present =
        probe("trunk", &["--version"]).as_deref() == Some(&format!("trunk {TRUNK_VERSION}"));
    cargo_install(
        &format!("trunk {TRUNK_VERSION}"),
        present,
        " (about 9 minutes on 2 cores)",
        &["trunk", "--version", TRUNK_VERSION, "--locked"],
    )
}

fn wasm_pack() -> Result {
    let present = probe("wasm-pack", &["--version"]).as_deref()
        == Some(&format!("wasm-pack {WASM_PACK_VERSION}"));
    cargo_install(
        &format!("wasm-pack {WASM_PACK_VERSION}"),
        present,
        " (about 4 minutes on 2 cores)",
        &["wasm-pack", "--version", WASM_PACK_VERSION, "--locked"],
    )
}

/// cargo-fuzz, for the bounded fuzzing stage of `cargo xtask test`.
fn cargo_fuzz() -> Result {
    let present = probe("cargo", &["fuzz", "--version"]).is_some();
    cargo_install("cargo-fuzz", present, "", &["cargo-fuzz", "--locked"])
}

fn is_present(file: &str) -> bool {
    if file.starts_with('/') {
        Path::new(file).exists()
    } else {
        probe(file, &["--version"]).is_some()
    }
}

fn debian_packages() -> Result {
    let missing: Vec<&str> = DEBIAN_PACKAGES
        .iter()
        .filter(|(_, file)| !is_present(file))
        .map(|(package, _)| *package)
        .collect();
    for (package, _) in DEBIAN_PACKAGES {
        let state = if missing.contains(&package) {
            "missing"
        } else {
            "ok"
        };
        step(&format!("debian package {package}"), state);
    }
    if missing.is_empty() {
        return Ok(());
    }
    let fix = format!("apt-get update && apt-get install -y {}", missing.join(" "));
    let is_root = probe("id", &["-u"]).as_deref() == Some("0");
    if !is_root {
        return Err(fail(format!(
            "missing Debian packages: {}\n  fix (as root): {fix}",
            missing.join(", ")
        )));
    }
    let env = [("DEBIAN_FRONTEND", "noninteractive")];
    let dot = Path::new(".");
    let mut install = vec!["install", "-y", "--no-install-recommends"];
    install.extend(&missing);
    cmd::run(dot, "apt-get", &["update"], &env)
        .and_then(|()| cmd::run(dot, "apt-get", &install, &env))
        .map_err(|err| fail(format!("{err}\n  fix: {fix}")))
}

/// PATH with the npm-installed tools (wasm-opt) first, for Trunk and the size checks.
pub(crate) fn tool_path(root: &Path) -> String {
    let bin = root.join("tests/node_modules/.bin");
    match std::env::var("PATH") {
        Ok(path) => format!("{}:{path}", bin.display()),
        Err(_) => bin.display().to_string(),
    }
}

/// Installs the end-to-end tests' npm packages from the committed lock file, unless the
/// installed tree already matches it.
fn npm_packages(root: &Path) -> Result {
    let tests = root.join("tests");
    let lock = tests.join("package-lock.json");
    let installed = tests.join("node_modules/.package-lock.json");
    let name = "npm packages of tests/ (package-lock.json)";
    if probe("npm", &["--version"]).is_none() {
        return Err(fail(
            "npm is missing\n  fix (as root): apt-get install -y nodejs npm",
        ));
    }
    let same = match (std::fs::read(&lock), std::fs::read(&installed)) {
        (Ok(want), Ok(have)) => packages_section(&want) == packages_section(&have),
        _ => false,
    };
    if same {
        step(name, "ok");
        return Ok(());
    }
    step(name, "installing");
    cmd::run(&tests, "npm", &["ci", "--no-audit", "--no-fund"], &[])
        .map_err(|err| fail(format!("{err}\n  fix: (cd tests && npm ci)")))
}

/// The `"node_modules/..."` entries of an npm lock file, which npm mirrors into
/// `node_modules/.package-lock.json` after an install (the root entry is left out there).
fn packages_section(lock: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(lock);
    let mut entries: Vec<String> = text
        .split("\"node_modules/")
        .skip(1)
        .filter_map(|chunk| {
            let name = chunk.split('"').next()?;
            let version = chunk.split("\"version\": \"").nth(1)?.split('"').next()?;
            Some(format!("{name}@{version}"))
        })
        .collect();
    entries.sort();
    entries
}
