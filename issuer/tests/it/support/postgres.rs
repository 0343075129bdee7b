//! A throwaway PostgreSQL cluster for the tests and the load benchmark: `initdb` into a
//! temporary directory (as the unprivileged `postgres` user when run as root, since
//! PostgreSQL refuses to run as root), a free loopback port, one database per test. A
//! watcher stops the server and removes the directory when the process that started it
//! exits, so nothing is left running and CI needs nothing beforehand.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Where Debian installs the PostgreSQL 15 server (`cargo xtask setup` installs it).
const DEFAULT_BIN: &str = "/usr/lib/postgresql/15/bin";
/// The cluster's superuser.
const USER: &str = "cachet";

/// A running cluster.
#[derive(Debug)]
pub(crate) struct Cluster {
    bin: PathBuf,
    /// The cluster's directory (data and socket).
    pub(crate) dir: PathBuf,
    /// The data directory: what a thief copies.
    pub(crate) data: PathBuf,
    /// The loopback port.
    pub(crate) port: u16,
    /// The server and its watcher: they end on their own (see [`watch`]), never waited
    /// for.
    processes: [std::process::Child; 2],
}

/// Whether the tests run against PostgreSQL (`CACHET_TEST_DATABASE=postgres`).
pub(crate) fn selected() -> bool {
    std::env::var("CACHET_TEST_DATABASE").is_ok_and(|engine| engine == "postgres")
}

/// The cluster of this test process, started on first use.
pub(crate) fn shared() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(|| Cluster::start("tests", false))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// `program` with `args`, as the `postgres` user when we are root.
fn as_server_user(program: &Path, args: &[&str]) -> Command {
    if is_root() {
        let mut command = Command::new("setpriv");
        command
            .args(["--reuid=postgres", "--regid=postgres", "--init-groups"])
            .arg(program)
            .args(args);
        command
    } else {
        let mut command = Command::new(program);
        command.args(args);
        command
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

impl Cluster {
    /// Initialises and starts a cluster named `name`; `durable` keeps fsync on (for
    /// figures comparable with SQLite's `synchronous = FULL`), tests turn it off.
    pub(crate) fn start(name: &str, durable: bool) -> Self {
        let bin = std::env::var_os("CACHET_POSTGRES_BIN")
            .map_or_else(|| PathBuf::from(DEFAULT_BIN), PathBuf::from);
        assert!(
            bin.join("initdb").exists(),
            "PostgreSQL server binaries are missing at {} (cargo xtask setup installs the \
             Debian package postgresql)",
            bin.display()
        );
        let dir = std::env::temp_dir().join(format!("cachet-pg-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        if is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .unwrap();
            assert!(status.success(), "chown of {}", dir.display());
        }
        let data = dir.join("data");
        let data_arg = data.to_str().unwrap();
        let output = as_server_user(
            &bin.join("initdb"),
            &[
                "-D",
                data_arg,
                "-U",
                USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        )
        .output()
        .unwrap();
        assert!(
            output.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let port = free_port();
        let port_arg = port.to_string();
        let fsync = if durable { "fsync=on" } else { "fsync=off" };
        let postgres = as_server_user(
            &bin.join("postgres"),
            &[
                "-D",
                data_arg,
                "-p",
                &port_arg,
                "-k",
                dir.to_str().unwrap(),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "max_connections=400",
                "-c",
                fsync,
            ],
        )
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(
            std::fs::File::create(
                std::env::temp_dir().join(format!("cachet-pg-{name}-{}.log", std::process::id())),
            )
            .map_or_else(|_| Stdio::null(), Stdio::from),
        )
        .spawn()
        .unwrap();
        let watcher = watch(std::process::id(), postgres.id(), &dir);
        let cluster = Self {
            bin,
            dir,
            data,
            port,
            processes: [postgres, watcher],
        };
        cluster.wait_until_ready();
        cluster
    }

    fn wait_until_ready(&self) {
        let started = Instant::now();
        loop {
            let ready = Command::new(self.bin.join("pg_isready"))
                .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-q"])
                .status()
                .is_ok_and(|status| status.success());
            if ready {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "PostgreSQL did not start within a minute"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The URL of database `name`, created if it does not exist yet.
    pub(crate) fn database(&self, name: &str) -> String {
        let output = Command::new(self.bin.join("createdb"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                USER,
                name,
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() || stderr.contains("already exists"),
            "createdb {name}: {stderr}"
        );
        self.url(name)
    }

    /// The URL of database `name`.
    pub(crate) fn url(&self, name: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{name}", self.port)
    }

    /// Runs SQL on database `name` with psql; returns its output (unaligned, no headers).
    pub(crate) fn psql(&self, name: &str, sql: &str) -> String {
        let output = Command::new(self.bin.join("psql"))
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", USER])
            .args(["-d", name, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "psql: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Every file of the data directory (tables, indexes, the write-ahead log), read as
    /// a thief with a copy of it would read them.
    pub(crate) fn copy_of_files(&self) -> Vec<u8> {
        self.psql("postgres", "CHECKPOINT");
        let mut copy = Vec::new();
        let mut pending = vec![self.data.clone()];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                } else if let Ok(bytes) = std::fs::read(&path) {
                    copy.extend(bytes);
                }
            }
        }
        copy
    }
}

/// A shell that stops the server (fast shutdown) and removes its directory once the
/// process `parent` has exited: the cluster lives exactly as long as its test process.
fn watch(parent: u32, server: u32, dir: &Path) -> std::process::Child {
    let script = format!(
        "while kill -0 {parent} 2>/dev/null && kill -0 {server} 2>/dev/null; do sleep 0.5; done; \
         kill -INT {server} 2>/dev/null; \
         while kill -0 {server} 2>/dev/null; do sleep 0.1; done; rm -rf '{}'",
        dir.display()
    );
    Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// A database name for a test's scratch path: its directory's name and file stem,
/// lower case, other characters as `_`.
pub(crate) fn database_name(path: &Path) -> String {
    let dir = path
        .parent()
        .and_then(Path::file_name)
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = path
        .file_stem()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name: String = format!("{dir}_{stem}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    // PostgreSQL truncates names at 63 bytes.
    name.chars()
        .rev()
        .take(63)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect()
}
