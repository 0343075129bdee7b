//! Making the plain commands a Leptos or Rust developer types find the tools setup
//! installed, with no xtask in between: `trunk build --release` and `trunk serve` at the
//! root need a `wasm-opt` on PATH (offline, Trunk cannot download one), of the version
//! `Trunk.toml` pins (`[tools] wasm_opt`), which is npm's `binaryen` in
//! `tests/package.json`. Setup links that one into cargo's bin directory, which rustup
//! puts on every developer's PATH, beside the `trunk` and `wasm-bindgen` it installed.

use std::path::{Path, PathBuf};

use crate::cmd::{Result, fail, probe};

/// The binaryen version of `tests/package.json`, as Trunk writes it (`version_132`).
pub(crate) fn npm_wasm_opt_version(root: &Path) -> Result<String> {
    let package = std::fs::read_to_string(root.join("tests/package.json"))
        .map_err(|err| fail(format!("cannot read tests/package.json: {err}")))?;
    let package: serde_json::Value = serde_json::from_str(&package)
        .map_err(|err| fail(format!("tests/package.json is not JSON: {err}")))?;
    let version = ["dependencies", "devDependencies"]
        .iter()
        .find_map(|section| package.get(section)?.get("binaryen")?.as_str())
        .ok_or_else(|| fail("tests/package.json names no binaryen"))?;
    let major = version
        .trim_start_matches(['^', '~', '='])
        .split('.')
        .next()
        .unwrap_or_default();
    Ok(format!("version_{major}"))
}

/// The `wasm_opt` version `Trunk.toml` pins.
pub(crate) fn trunk_wasm_opt_version(root: &Path) -> Result<String> {
    let text = std::fs::read_to_string(root.join("Trunk.toml"))
        .map_err(|err| fail(format!("cannot read Trunk.toml: {err}")))?;
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("wasm_opt"))
        .filter_map(|rest| rest.trim_start().strip_prefix('='))
        .map(|value| value.trim().trim_matches('"').to_owned())
        .next()
        .ok_or_else(|| fail("Trunk.toml pins no [tools] wasm_opt"))
}

/// Cargo's bin directory (`$CARGO_HOME/bin`, else `~/.cargo/bin`).
fn cargo_bin() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .map(|home| home.join("bin"))
}

/// What `wasm-opt --version` on PATH says, as Trunk reads it (`version_N`).
fn wasm_opt_on_path() -> Option<String> {
    let text = probe("wasm-opt", &["--version"])?;
    let start = text.find("(version_")?;
    let rest = text.get(start + 1..)?;
    Some(rest.get(..rest.find(')')?)?.to_owned())
}

/// Makes the pinned `wasm-opt` the one on PATH: a link in cargo's bin directory to the
/// npm one in this checkout (replacing a link an earlier checkout made). Returns what
/// setup reports.
pub(crate) fn link_wasm_opt(root: &Path) -> Result<&'static str> {
    let want = npm_wasm_opt_version(root)?;
    let pinned = trunk_wasm_opt_version(root)?;
    if want != pinned {
        return Err(fail(format!(
            "Trunk.toml pins wasm_opt {pinned}, tests/package.json has binaryen {want}: make them agree"
        )));
    }
    if wasm_opt_on_path().as_deref() == Some(want.as_str()) {
        return Ok("ok");
    }
    let target = root.join("tests/node_modules/binaryen/bin/wasm-opt");
    let bin = cargo_bin().ok_or_else(|| fail("neither CARGO_HOME nor HOME is set"))?;
    let link = bin.join("wasm-opt");
    match std::fs::symlink_metadata(&link) {
        Ok(meta) if meta.file_type().is_symlink() => {
            std::fs::remove_file(&link)
                .map_err(|err| fail(format!("cannot replace {}: {err}", link.display())))?;
        }
        Ok(_) => {
            return Err(fail(format!(
                "{} is another wasm-opt (not {want}); plain `trunk build` refuses it\n  fix: remove it, then run cargo xtask setup",
                link.display()
            )));
        }
        Err(_) => {}
    }
    symlink(&target, &link)
        .map_err(|err| fail(format!("cannot link {}: {err}", link.display())))?;
    if wasm_opt_on_path().as_deref() == Some(want.as_str()) {
        Ok("linked")
    } else {
        // The xtask routes put the npm one first themselves; only the plain commands
        // need PATH to find it.
        println!(
            "  note: another wasm-opt comes before {} on PATH; plain `trunk build` needs {want} first",
            bin.display()
        );
        Ok("linked (not first on PATH)")
    }
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::fs::copy(target, link).map(|_| ())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn trunk_pins_the_wasm_opt_that_npm_installs() {
        let root = crate::cmd::root();
        assert_eq!(
            trunk_wasm_opt_version(&root).unwrap(),
            npm_wasm_opt_version(&root).unwrap()
        );
    }
}
