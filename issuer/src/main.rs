//! `cachet-issuer`: serve the issuer, enroll a person, revoke a person's copies, rotate
//! the signing key. Exit status 0 on success, 1 on failure (with a message), 2 on usage
//! errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use credential::age::CivilDate;
use issuer::catalog::Configuration;
use issuer::person::PersonClaims;
use issuer::sealing::KeyEncryptionKey;
use issuer::signing::KeyHolder;
use issuer::store::{Location, StoreError};
use issuer::{Config, Issuer, Store, service, system_clock};
use rand_core::OsRng;
use serde_json::json;

#[derive(Parser)]
#[command(
    name = "cachet-issuer",
    version,
    about = "Cachet's credential issuer (OpenID4VCI, SD-JWT VC)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the issuer over HTTP (creates the database and a key the first time).
    Serve {
        #[command(flatten)]
        database: Database,
        /// Address to listen on, e.g. 127.0.0.1:7003.
        #[arg(long)]
        listen: String,
        /// The issuer's public URL: its identifier and the base of every endpoint.
        #[arg(long)]
        public_url: String,
        /// The wallet's origin, allowed by CORS on the issuance endpoints.
        #[arg(long)]
        wallet_origin: Option<String>,
        /// Serve the demo enrollment page at /admin on this loopback address, a listener
        /// of its own (e.g. 127.0.0.1:7006); it takes the key in --admin-key-file.
        #[arg(long, value_name = "ADDR")]
        admin_listen: Option<String>,
        /// The admin page's secret key: read from this file, or written to it (mode 0600)
        /// when it does not exist. Never printed or logged. Default: DB with `.admin-key`.
        #[arg(long, value_name = "PATH")]
        admin_key_file: Option<PathBuf>,
        /// A reverse proxy whose X-Forwarded-For names the client, for per-client rate
        /// limits (repeat for several); requests from anyone else count by their address.
        #[arg(long, value_name = "IP")]
        trusted_proxy: Vec<std::net::IpAddr>,
        /// Publish status lists every SECONDS: a revocation shows at the start of the next
        /// period, in one update with every other revocation of its period.
        #[arg(long, value_name = "SECONDS", default_value_t = issuer::config::DEFAULT_STATUS_PERIOD,
              value_parser = clap::value_parser!(i64).range(1..))]
        status_period: i64,
        /// Where verifiers fetch status lists (the URI in every copy is URL/ID): a CDN
        /// serving the directory of --publish-status. Default: PUBLIC_URL/status.
        #[arg(long, value_name = "URL")]
        status_base_url: Option<String>,
        /// Also write every status list into DIR at the start of each period (as
        /// publish-status does), for a web server, object store or CDN to serve.
        #[arg(long, value_name = "DIR")]
        publish_status: Option<PathBuf>,
        /// Do not log requests.
        #[arg(long)]
        quiet: bool,
        /// Log lines as `text` or as one JSON object per line (`json`), never with
        /// personal data: method, route pattern, status, milliseconds.
        #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
        log_format: String,
    },
    /// Write every status list, as published this period, into DIR as DIR/ID (the
    /// tokens the servers serve, byte for byte), for any web server, object store or CDN
    /// to serve at the status base URL; prints {"written", "unchanged"}.
    PublishStatus {
        #[command(flatten)]
        database: Database,
        /// The directory to write into (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Enroll a person from a JSON claims file; prints {"person_id", "credential_offer"}.
    Enroll {
        #[command(flatten)]
        database: Database,
        /// JSON object: given_name, family_name, birthdate (YYYY-MM-DD), and optionally
        /// nationality, region, locality, postal_code, street_address.
        #[arg(long)]
        claims: PathBuf,
        /// Offer the pseudonymous identity too (BBS, one account per person per site);
        /// the wallet's support for receiving it is still to come.
        #[arg(long)]
        pseudonymous: bool,
    },
    /// Reset a person's pseudonyms (a lost wallet and recovery code): the next issuance
    /// binds a new holder secret, and the person gets new pseudonyms at every site.
    /// Counted; prints {"person_id", "resets"}.
    ResetPseudonyms {
        #[command(flatten)]
        database: Database,
        /// The person id printed by enroll.
        #[arg(long, allow_hyphen_values = true)]
        person: String,
    },
    /// Revoke every copy issued to a person, named by id or found from their identity;
    /// prints {"person_id", "revoked_copies"} for each.
    #[command(group(clap::ArgGroup::new("whom").required(true).args(["person", "claims"])))]
    Revoke {
        #[command(flatten)]
        database: Database,
        /// The person id printed by enroll (ids made before they were prefixed `p_` may
        /// start with '-', which is taken as the value, not as a flag).
        #[arg(long, allow_hyphen_values = true)]
        person: Option<String>,
        /// A JSON claims file as for enroll: every person enrolled with its given_name,
        /// family_name and birthdate (exactly as enrolled) is revoked. They are found by a
        /// keyed hash: the database holds no name to search.
        #[arg(long, value_name = "PATH")]
        claims: Option<PathBuf>,
    },
    /// Make a new signing key active; old public keys stay published until what they
    /// signed has expired.
    RotateKey {
        #[command(flatten)]
        database: Database,
    },
}

/// Where the issuer's database and its key-encryption key are.
#[derive(clap::Args)]
#[group(id = "database_args", multiple = true)]
#[command(group(clap::ArgGroup::new("where").required(true).args(["db", "database"])))]
struct Database {
    /// The SQLite database file (the same as --database sqlite://PATH).
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
    /// The database as a URL: sqlite://PATH (embedded, one machine) or
    /// postgres://USER@HOST:PORT/NAME (shared by every node of the issuer).
    #[arg(long, value_name = "URL", value_parser = Location::parse)]
    database: Option<Location>,
    /// The key-encryption key that seals personal claims and private keys in the database:
    /// read from this file, or made there (mode 0600) by the first `serve`. Keep it apart
    /// from the database and its backups; every node of one issuer needs the same one.
    /// Default for SQLite: the database file with the extension `kek`; required for
    /// PostgreSQL.
    #[arg(long, value_name = "PATH")]
    kek_file: Option<PathBuf>,
    /// Sign with ES256 keys made and kept in a token of this PKCS#11 module (an HSM's,
    /// or /usr/lib/softhsm/libsofthsm2.so) instead of keys sealed in the database; for
    /// serve, rotate-key and publish-status. BBS keys stay sealed in the database.
    #[arg(long, value_name = "PATH", requires_all = ["pkcs11_token", "pkcs11_pin_file"])]
    pkcs11_module: Option<PathBuf>,
    /// The label of the token that holds the keys.
    #[arg(long, value_name = "LABEL", requires = "pkcs11_module")]
    pkcs11_token: Option<String>,
    /// A file holding the token's user PIN (kept off the command line and out of logs).
    #[arg(long, value_name = "PATH", requires = "pkcs11_module")]
    pkcs11_pin_file: Option<PathBuf>,
}

impl Database {
    /// Where the signing keys are: the token named by the --pkcs11-* options, or the
    /// database.
    fn key_holder(&self) -> Result<KeyHolder, String> {
        let (Some(module), Some(label), Some(pin_file)) = (
            &self.pkcs11_module,
            &self.pkcs11_token,
            &self.pkcs11_pin_file,
        ) else {
            return Ok(KeyHolder::Database);
        };
        let pin = zeroize::Zeroizing::new(std::fs::read_to_string(pin_file).map_err(|error| {
            format!("cannot read the PIN file {}: {error}", pin_file.display())
        })?);
        let token = issuer::pkcs11::Token::open(module, label, pin.trim_end_matches(['\n', '\r']))
            .map_err(|error| error.to_string())?;
        Ok(KeyHolder::Pkcs11(token))
    }

    fn location(&self) -> Location {
        match (&self.database, &self.db) {
            (Some(location), _) => location.clone(),
            (None, Some(path)) => Location::Sqlite(path.clone()),
            // clap requires one of them.
            (None, None) => Location::Sqlite(PathBuf::from("issuer.db")),
        }
    }

    /// A file kept beside a SQLite database (its key, the admin key), if it is one.
    fn beside(&self, extension: &str) -> Option<PathBuf> {
        self.location()
            .sqlite_path()
            .map(|path| path.with_extension(extension))
    }

    fn key_file(&self) -> Result<PathBuf, String> {
        self.kek_file
            .clone()
            .or_else(|| self.beside("kek"))
            .ok_or_else(|| {
                "a PostgreSQL database needs --kek-file PATH (the same file on every node)".into()
            })
    }

    /// The database, created with its key the first time (for `serve`). A key is made
    /// only for a new database or one from before sealing: a sealed database without its
    /// key is refused, since a new key could open none of it.
    fn open_or_create(&self) -> Result<Store, String> {
        let location = self.location();
        let sealed = Store::holds_sealed_values(&location).map_err(|error| error.to_string())?;
        let key_file = self.key_file()?;
        let kek = if sealed {
            KeyEncryptionKey::load(&key_file)
        } else {
            KeyEncryptionKey::load_or_create(&key_file, &mut OsRng)
        }
        .map_err(|error| error.to_string())?;
        Store::open(&location, &kek).map_err(|error| error.to_string())
    }

    /// An existing database and its key (for the admin commands).
    fn open_existing(&self) -> Result<Store, String> {
        let location = self.location();
        if !Store::exists(&location).map_err(|error| error.to_string())? {
            return Err(StoreError::Missing(location.describe()).to_string());
        }
        let kek = KeyEncryptionKey::load(&self.key_file()?).map_err(|error| error.to_string())?;
        Store::open(&location, &kek).map_err(|error| error.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve {
            database,
            listen,
            public_url,
            wallet_origin,
            admin_listen,
            admin_key_file,
            trusted_proxy,
            status_period,
            status_base_url,
            publish_status,
            quiet,
            log_format,
        } => {
            let mut config = Config::new(&public_url);
            config.wallet_origin =
                wallet_origin.map(|origin| origin.trim_end_matches('/').to_owned());
            config.trusted_proxies = trusted_proxy;
            config.status_period = status_period;
            if let Some(base) = status_base_url {
                config.status_base_url = base.trim_end_matches('/').to_owned();
            }
            config.log_requests = !quiet;
            if log_format == "json" {
                config.log_format = issuer::config::LogFormat::Json;
            }
            match admin_listen
                .map(|listen| {
                    admin_key_file
                        .or_else(|| database.beside("admin-key"))
                        .map(|key_file| (listen, key_file))
                        .ok_or_else(|| {
                            "with a PostgreSQL database, --admin-listen needs --admin-key-file"
                                .to_owned()
                        })
                })
                .transpose()
            {
                Ok(admin) => serve(&database, &listen, admin, publish_status, config),
                Err(error) => Err(error),
            }
        }
        Command::Enroll {
            database,
            claims,
            pseudonymous,
        } => enroll(&database, &claims, pseudonymous),
        Command::ResetPseudonyms { database, person } => reset_pseudonyms(&database, &person),
        Command::Revoke {
            database,
            person,
            claims,
        } => revoke(&database, person.as_deref(), claims.as_deref()),
        Command::RotateKey { database } => rotate_key(&database),
        Command::PublishStatus { database, out } => publish_status(&database, &out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("cachet-issuer: {message}");
            ExitCode::FAILURE
        }
    }
}

fn serve(
    database: &Database,
    listen: &str,
    admin: Option<(String, PathBuf)>,
    publish_dir: Option<PathBuf>,
    config: Config,
) -> Result<(), String> {
    if credential::openid4vp::Origin::of(&config.public_url)
        .is_none_or(|origin| !origin.is_potentially_trustworthy())
    {
        return Err(format!(
            "--public-url {} must be an https URL (or http on localhost)",
            config.public_url
        ));
    }
    let admin_key = admin
        .as_ref()
        .map(|(_, key_file)| admin_key(key_file))
        .transpose()?;
    let store = database.open_or_create()?;
    let issuer = Issuer::with_keys(config, store, system_clock(), database.key_holder()?)
        .map_err(|error| error.to_string())?;
    let issuer = Arc::new(issuer);
    let runtime = tokio::runtime::Runtime::new().map_err(|error| error.to_string())?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|error| format!("cannot listen on {listen}: {error}"))?;
        let address = listener.local_addr().map_err(|error| error.to_string())?;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        if let (Some((admin_listen, key_file)), Some(key)) = (&admin, admin_key) {
            let admin_listener = tokio::net::TcpListener::bind(admin_listen)
                .await
                .map_err(|error| format!("cannot listen on {admin_listen}: {error}"))?;
            let admin_address = admin_listener
                .local_addr()
                .map_err(|error| error.to_string())?;
            if !admin_address.ip().is_loopback() {
                return Err(format!(
                    "--admin-listen {admin_listen} must be a loopback address"
                ));
            }
            println!(
                "cachet-issuer: admin page on http://{admin_address}/admin (open it with ?key= and the key in {})",
                key_file.display()
            );
            let access = issuer::http::AdminAccess::new(key, admin_address.port());
            let mut stopped = stopped.clone();
            let admin_issuer = Arc::clone(&issuer);
            tokio::spawn(async move {
                let shutdown = async move {
                    let _ = stopped.wait_for(|stop| *stop).await;
                };
                if let Err(error) =
                    issuer::http::serve_admin(admin_listener, admin_issuer, access, shutdown).await
                {
                    eprintln!("cachet-issuer: admin listener stopped: {error}");
                }
            });
        }
        if let Some(dir) = publish_dir {
            tokio::spawn(issuer::service::publish_every_period(
                Arc::clone(&issuer),
                dir,
                stopped.clone(),
            ));
        }
        println!(
            "cachet-issuer: serving {} on http://{address}",
            issuer.config().public_url
        );
        let shutdown = async move {
            stop_signal().await;
            eprintln!("cachet-issuer: stopping: no new connections, finishing the requests in flight");
            let _ = stop.send(true);
        };
        issuer::http::serve(listener, issuer, shutdown)
            .await
            .map_err(|error| error.to_string())?;
        eprintln!("cachet-issuer: stopped");
        Ok(())
    })
}

/// Ctrl-C, or SIGTERM (what systemd, Kubernetes and `docker stop` send).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The admin key in `path`, or a new random one written there (readable by the owner
/// only) when the file does not exist.
fn admin_key(path: &Path) -> Result<String, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let key = text.trim().to_owned();
            if key.len() < 22
                || !key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(format!(
                    "{}: the admin key must be at least 22 base64url characters",
                    path.display()
                ));
            }
            Ok(key)
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let key = issuer::secrets::random_token(&mut OsRng, issuer::secrets::SECRET_BYTES);
            issuer::secrets::write_private_file(path, key.as_bytes())
                .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
            Ok(key)
        }
        Err(error) => Err(format!("cannot read {}: {error}", path.display())),
    }
}

fn publish_status(database: &Database, out: &Path) -> Result<(), String> {
    let store = database.open_existing()?;
    let config = service::recorded_config(&store)
        .map_err(|error| error.to_string())?
        .ok_or("the database has no public URL yet; run `cachet-issuer serve` once first")?;
    let issuer = Issuer::with_keys(config, store, system_clock(), database.key_holder()?)
        .map_err(|error| error.to_string())?;
    let done = issuer
        .publish_status(out)
        .map_err(|error| error.to_string())?;
    println!(
        "{}",
        json!({"written": done.written, "unchanged": done.unchanged})
    );
    Ok(())
}

fn now() -> i64 {
    (system_clock())()
}

fn enroll(database: &Database, claims_file: &Path, pseudonymous: bool) -> Result<(), String> {
    let store = database.open_existing()?;
    let bytes = std::fs::read(claims_file)
        .map_err(|error| format!("cannot read {}: {error}", claims_file.display()))?;
    let now = now();
    let today = CivilDate::from_unix(now);
    let claims = PersonClaims::parse(&bytes, today).map_err(|error| error.to_string())?;
    let public_url = service::recorded_public_url(&store)
        .map_err(|error| error.to_string())?
        .ok_or("the database has no public URL yet; run `cachet-issuer serve` once first")?;
    let configurations: &[Configuration] = if pseudonymous {
        &Configuration::ALL
    } else {
        &Configuration::OFFERED
    };
    let enrolled = service::enroll_for(
        &store,
        &public_url,
        &claims,
        now,
        issuer::config::DEFAULT_OFFER_LIFETIME,
        configurations,
    )
    .map_err(|refusal| refusal.description)?;
    println!(
        "{}",
        json!({"person_id": enrolled.person_id, "credential_offer": enrolled.offer.to_uri()})
    );
    Ok(())
}

fn reset_pseudonyms(database: &Database, person: &str) -> Result<(), String> {
    let store = database.open_existing()?;
    let resets = store
        .reset_pseudonyms(person)
        .map_err(|error| error.to_string())?;
    println!("{}", json!({"person_id": person, "resets": resets}));
    Ok(())
}

fn revoke(database: &Database, person: Option<&str>, claims: Option<&Path>) -> Result<(), String> {
    let store = database.open_existing()?;
    let persons = match (person, claims) {
        (Some(person), _) => vec![person.to_owned()],
        (None, Some(claims_file)) => {
            let bytes = std::fs::read(claims_file)
                .map_err(|error| format!("cannot read {}: {error}", claims_file.display()))?;
            let claims = PersonClaims::parse(&bytes, CivilDate::from_unix(now()))
                .map_err(|error| error.to_string())?;
            let found = store
                .persons_with_identity(&claims.to_json())
                .map_err(|error| error.to_string())?;
            if found.is_empty() {
                return Err(
                    "no person is enrolled with that given_name, family_name and birthdate".into(),
                );
            }
            found
        }
        (None, None) => return Err("name the person with --person or --claims".into()),
    };
    for person in persons {
        let revoked = store
            .revoke(&person, now())
            .map_err(|error| error.to_string())?;
        println!(
            "{}",
            json!({"person_id": person, "revoked_copies": revoked})
        );
    }
    Ok(())
}

fn rotate_key(database: &Database) -> Result<(), String> {
    let store = database.open_existing()?;
    let now = now();
    // Rotating retires whatever key is active (none in a database no `serve` has keyed)
    // and makes the next where `keys` makes keys: also how signing moves into a token.
    let kid = database
        .key_holder()?
        .rotate(&store, now, &mut OsRng)
        .map_err(|error| error.to_string())?;
    println!("{}", json!({"active_kid": kid}));
    Ok(())
}
