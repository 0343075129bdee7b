//! Running `cachet-issuer serve` as a child process for the demo and the end-to-end tests:
//! built once, started on a known port with the wallet's origin, stopped when dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::cmd::{self, Result, fail, target_dir};

/// A running issuer; killed when dropped.
pub(crate) struct IssuerProcess {
    child: Child,
    /// Its public URL (`http://localhost:PORT`).
    pub url: String,
    /// The admin page's link with its key (`http://127.0.0.1:PORT/admin?key=…`), on a
    /// listener of its own.
    pub admin_url: String,
}

impl Drop for IssuerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Builds `cachet-issuer` and returns its path.
pub(crate) fn binary(root: &Path) -> Result<PathBuf> {
    cmd::run(
        root,
        "cargo",
        &["build", "-p", "issuer", "--bin", "cachet-issuer"],
        &[],
    )?;
    Ok(target_dir(root).join("debug/cachet-issuer"))
}

/// A free loopback port: bound, read and released (the issuer binds it right after).
pub(crate) fn free_port() -> Result<u16> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|err| fail(format!("cannot find a free port: {err}")))
}

/// How often the demo's and the tests' issuer publishes status lists, in seconds: short,
/// so that a revocation shows within moments (a real issuer publishes hourly, so that many
/// revocations share one update).
pub(crate) const STATUS_PERIOD: &str = "2";

/// Starts the issuer on `port` with its database at `db`, the demo enrollment page on
/// `admin_port` (its key in the database's `.admin-key` file), status lists published
/// every [`STATUS_PERIOD`] seconds, and CORS for `wallet_origin`; returns once it is
/// listening.
pub(crate) fn start(
    bin: &Path,
    db: &Path,
    port: u16,
    admin_port: u16,
    wallet_origin: &str,
) -> Result<IssuerProcess> {
    if let Some(dir) = db.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|err| fail(format!("cannot create {}: {err}", dir.display())))?;
    }
    let url = format!("http://localhost:{port}");
    let listen = format!("127.0.0.1:{port}");
    let admin_listen = format!("127.0.0.1:{admin_port}");
    let key_file = db.with_extension("admin-key");
    let key_path = key_file.to_string_lossy().into_owned();
    let db = db.to_string_lossy();
    let mut child = Command::new(bin)
        .args([
            "serve",
            "--db",
            &db,
            "--listen",
            &listen,
            "--public-url",
            &url,
        ])
        .args(["--wallet-origin", wallet_origin, "--quiet"])
        .args([
            "--admin-listen",
            &admin_listen,
            "--admin-key-file",
            &key_path,
        ])
        .args(["--status-period", STATUS_PERIOD])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| fail(format!("cannot start {}: {err}", bin.display())))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| fail("the issuer's output is not readable"))?;
    // The admin line comes first, then "serving".
    let mut lines = BufReader::new(stdout).lines();
    let started = lines
        .by_ref()
        .take(3)
        .map_while(std::io::Result::ok)
        .any(|line| line.contains("serving"));
    let key = std::fs::read_to_string(&key_file).unwrap_or_default();
    let process = IssuerProcess {
        child,
        url,
        admin_url: format!("http://127.0.0.1:{admin_port}/admin?key={}", key.trim()),
    };
    if started && !key.trim().is_empty() {
        Ok(process)
    } else {
        Err(fail(format!(
            "cachet-issuer did not start on {listen} and {admin_listen} (is a port in use?)"
        )))
    }
}
