//! `cachet-issuer`: serve the issuer, enroll a person, revoke a person's copies, rotate
//! the signing key. Exit status 0 on success, 1 on failure (with a message), 2 on usage
//! errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use credential::age::CivilDate;
use issuer::person::PersonClaims;
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
        /// The SQLite database file.
        #[arg(long)]
        db: PathBuf,
        /// Address to listen on, e.g. 127.0.0.1:7003.
        #[arg(long)]
        listen: String,
        /// The issuer's public URL: its identifier and the base of every endpoint.
        #[arg(long)]
        public_url: String,
        /// The wallet's origin, allowed by CORS on the issuance endpoints.
        #[arg(long)]
        wallet_origin: Option<String>,
        /// Serve the demo enrollment page at /admin (loopback clients only).
        #[arg(long)]
        admin: bool,
        /// Publish status lists every SECONDS: a revocation shows at the start of the next
        /// period, in one update with every other revocation of its period.
        #[arg(long, value_name = "SECONDS", default_value_t = issuer::config::DEFAULT_STATUS_PERIOD,
              value_parser = clap::value_parser!(i64).range(1..))]
        status_period: i64,
        /// Do not log requests.
        #[arg(long)]
        quiet: bool,
    },
    /// Enroll a person from a JSON claims file; prints {"person_id", "credential_offer"}.
    Enroll {
        /// The SQLite database file.
        #[arg(long)]
        db: PathBuf,
        /// JSON object: given_name, family_name, birthdate (YYYY-MM-DD), and optionally
        /// nationality, region, locality, postal_code, street_address.
        #[arg(long)]
        claims: PathBuf,
    },
    /// Revoke every copy issued to a person.
    Revoke {
        /// The SQLite database file.
        #[arg(long)]
        db: PathBuf,
        /// The person id printed by enroll (ids made before they were prefixed `p_` may
        /// start with '-', which is taken as the value, not as a flag).
        #[arg(long, allow_hyphen_values = true)]
        person: String,
    },
    /// Make a new signing key active; old public keys stay published until what they
    /// signed has expired.
    RotateKey {
        /// The SQLite database file.
        #[arg(long)]
        db: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve {
            db,
            listen,
            public_url,
            wallet_origin,
            admin,
            status_period,
            quiet,
        } => {
            let mut config = Config::new(&public_url);
            config.wallet_origin =
                wallet_origin.map(|origin| origin.trim_end_matches('/').to_owned());
            config.admin = admin;
            config.status_period = status_period;
            config.log_requests = !quiet;
            serve(&db, &listen, config)
        }
        Command::Enroll { db, claims } => enroll(&db, &claims),
        Command::Revoke { db, person } => revoke(&db, &person),
        Command::RotateKey { db } => rotate_key(&db),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("cachet-issuer: {message}");
            ExitCode::FAILURE
        }
    }
}

fn serve(db: &Path, listen: &str, config: Config) -> Result<(), String> {
    if credential::openid4vp::Origin::of(&config.public_url)
        .is_none_or(|origin| !origin.is_potentially_trustworthy())
    {
        return Err(format!(
            "--public-url {} must be an https URL (or http on localhost)",
            config.public_url
        ));
    }
    let store = Store::open_or_create(db).map_err(|error| error.to_string())?;
    let issuer = Issuer::new(config, store, system_clock()).map_err(|error| error.to_string())?;
    let runtime = tokio::runtime::Runtime::new().map_err(|error| error.to_string())?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|error| format!("cannot listen on {listen}: {error}"))?;
        let address = listener.local_addr().map_err(|error| error.to_string())?;
        println!(
            "cachet-issuer: serving {} on http://{address}",
            issuer.config().public_url
        );
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        issuer::http::serve(listener, Arc::new(issuer), shutdown)
            .await
            .map_err(|error| error.to_string())
    })
}

fn now() -> i64 {
    (system_clock())()
}

fn enroll(db: &Path, claims_file: &Path) -> Result<(), String> {
    let store = Store::open_existing(db).map_err(|error| error.to_string())?;
    let bytes = std::fs::read(claims_file)
        .map_err(|error| format!("cannot read {}: {error}", claims_file.display()))?;
    let now = now();
    let today = CivilDate::from_unix(now);
    let claims = PersonClaims::parse(&bytes, today).map_err(|error| error.to_string())?;
    let public_url = service::recorded_public_url(&store)
        .map_err(|error| error.to_string())?
        .ok_or("the database has no public URL yet; run `cachet-issuer serve` once first")?;
    let enrolled = service::enroll(
        &store,
        &public_url,
        &claims,
        now,
        issuer::config::DEFAULT_OFFER_LIFETIME,
    )
    .map_err(|refusal| refusal.description)?;
    println!(
        "{}",
        json!({"person_id": enrolled.person_id, "credential_offer": enrolled.offer.to_uri()})
    );
    Ok(())
}

fn revoke(db: &Path, person: &str) -> Result<(), String> {
    let store = Store::open_existing(db).map_err(|error| error.to_string())?;
    let revoked = store
        .revoke(person, now())
        .map_err(|error| error.to_string())?;
    println!(
        "{}",
        json!({"person_id": person, "revoked_copies": revoked})
    );
    Ok(())
}

fn rotate_key(db: &Path) -> Result<(), String> {
    let store = Store::open_existing(db).map_err(|error| error.to_string())?;
    let now = now();
    store
        .ensure_key(now, &mut OsRng)
        .map_err(|error| error.to_string())?;
    let kid = store
        .rotate_key(now, &mut OsRng)
        .map_err(|error| error.to_string())?;
    println!("{}", json!({"active_kid": kid}));
    Ok(())
}
