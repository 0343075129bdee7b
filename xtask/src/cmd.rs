//! Running external commands with their command line printed first, and locating the
//! workspace.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What went wrong in an xtask step, said so that the reader knows what to do next.
#[derive(Debug)]
pub(crate) struct Failure(pub String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failure {}

/// Result of an xtask step.
pub(crate) type Result<T = ()> = std::result::Result<T, Failure>;

/// Builds a [`Failure`] from anything printable.
pub(crate) fn fail(message: impl Into<String>) -> Failure {
    Failure(message.into())
}

/// The workspace root (the parent of `xtask/`).
pub(crate) fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

/// The target directory cargo builds into (`CARGO_TARGET_DIR`, or `target/`).
pub(crate) fn target_dir(root: &Path) -> PathBuf {
    std::env::var("CARGO_TARGET_DIR").map_or_else(|_| root.join("target"), Into::into)
}

/// Runs `program args...` in `dir` with inherited output, printing the command first.
pub(crate) fn run(dir: &Path, program: &str, args: &[&str], envs: &[(&str, &str)]) -> Result {
    println!("  $ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(envs.iter().copied())
        .status()
        .map_err(|err| fail(format!("could not start `{program}`: {err}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(fail(format!(
            "`{program} {}` failed ({status})",
            args.join(" ")
        )))
    }
}

/// Runs a command quietly and returns its trimmed stdout, or `None` if it cannot run or
/// fails. Used to probe what is installed.
pub(crate) fn probe(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Runs `cargo ARGS` in `root`.
///
/// # Errors
/// As [`run`].
pub(crate) fn cargo(root: &Path, args: &[&str]) -> Result {
    run(root, "cargo", args, &[])
}

/// `cargo` with extra environment variables.
pub(crate) fn cargo_with_env(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Result {
    run(root, "cargo", args, env)
}
