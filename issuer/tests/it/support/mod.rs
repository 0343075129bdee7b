//! A real issuer on a random loopback port over a real database (a SQLite file, or with
//! `CACHET_TEST_DATABASE=postgres` a database of its own in a throwaway PostgreSQL
//! cluster), a clock the test controls, and a minimal wallet (holder keys, key proofs)
//! to talk to it. Tests name their database by a scratch path either way.

#![allow(dead_code)]

pub(crate) mod postgres;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use credential::age::CivilDate;
use credential::crypto::sign_es256;
use credential::jws;
use credential::openid4vci::{CredentialOffer, KeyProof, KeyProofParams};
use credential::{Jwks, PrivateJwk, TrustedIssuer};
use issuer::person::PersonClaims;
use issuer::{Config, Issuer, Store};
use rand_core::OsRng;
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// 2026-11-22T12:00:00Z.
pub(crate) const NOW: i64 = 1_795_348_800;
pub(crate) const WALLET: &str = "http://localhost:7001";

pub(crate) struct Harness {
    pub base: String,
    /// The issuer's identifier: its own address, or for a node of several the one they
    /// share (as behind a load balancer).
    pub public_url: String,
    /// The admin page's own listener, and its key.
    pub admin_base: String,
    pub admin_key: String,
    pub issuer: Arc<Issuer>,
    pub clock: Arc<AtomicI64>,
    pub db: PathBuf,
    pub http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// A response's status and its JSON body (`null` if it has none).
pub(crate) async fn status_and_json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap_or(Value::Null);
    (status, body)
}

pub(crate) fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cachet-issuer-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The payload of an issued credential's issuer JWT.
pub(crate) fn payload_of(credential: &str) -> serde_json::Map<String, Value> {
    let jwt = credential.split('~').next().unwrap();
    credential::jws::Jws::decode(jwt).unwrap().payload().clone()
}

/// A `cachet-issuer` process, killed (SIGKILL) and reaped when dropped.
pub(crate) struct Process(pub(crate) std::process::Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the `cachet-issuer` binary with `args` (a `serve`), and waits for the line it
/// prints once listening (`cachet-issuer: serving PUBLIC_URL on http://ADDRESS`); returns
/// the process and `http://ADDRESS`.
pub(crate) async fn serve_process(args: &[String]) -> (Process, String) {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cachet-issuer"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let process = Process(child);
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let address = line.trim().rsplit("http://").next().unwrap().to_owned();
    (process, format!("http://{address}"))
}

/// The new `kid` a successful `cachet-issuer rotate-key` printed.
pub(crate) fn rotated_kid(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rotated: Value = serde_json::from_slice(&output.stdout).unwrap();
    rotated["active_kid"].as_str().unwrap().to_owned()
}

/// The `kid` in the header of a credential's issuer JWT.
pub(crate) fn kid_of(credential: &str) -> String {
    let jwt = credential.split('~').next().unwrap();
    credential::jws::Jws::decode(jwt)
        .unwrap()
        .header_str("kid")
        .unwrap()
        .to_owned()
}

/// Where the test database named by the scratch path `db` is: the SQLite file itself,
/// or the PostgreSQL database of that name in this process's cluster (created on first
/// use).
pub(crate) fn location(db: &std::path::Path) -> issuer::store::Location {
    if postgres::selected() {
        issuer::store::Location::Postgres(postgres::shared().database(&postgres::database_name(db)))
    } else {
        issuer::store::Location::Sqlite(db.to_owned())
    }
}

/// The database named by `db` under its key-encryption key beside it (made the first
/// time), as `cachet-issuer serve` and the admin commands open it.
pub(crate) fn open_store(db: &std::path::Path) -> Store {
    let kek = issuer::sealing::KeyEncryptionKey::load_or_create(
        &issuer::sealing::default_key_file(db),
        &mut OsRng,
    )
    .unwrap();
    Store::open(&location(db), &kek).unwrap()
}

/// Command-line arguments for the engine under test: each `--db PATH` stays as it is for
/// SQLite and becomes `--database postgres://... --kek-file PATH.kek` for PostgreSQL
/// (unless the arguments name a key file of their own).
pub(crate) fn cli_args(args: &[&str]) -> Vec<String> {
    let own_key = args.contains(&"--kek-file");
    let mut out = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match (*arg, postgres::selected()) {
            ("--db", true) => {
                let path = std::path::Path::new(args.next().copied().unwrap_or_default());
                let issuer::store::Location::Postgres(url) = location(path) else {
                    unreachable!()
                };
                out.extend(["--database".to_owned(), url]);
                if !own_key {
                    out.push("--kek-file".to_owned());
                    out.push(
                        issuer::sealing::default_key_file(path)
                            .display()
                            .to_string(),
                    );
                }
            }
            _ => out.push((*arg).to_owned()),
        }
    }
    out
}

/// The bytes a thief with a copy of the database's files has: the SQLite file with its
/// log and shared memory, or every file of the PostgreSQL cluster's data directory.
pub(crate) fn copy_of_database_files(db: &std::path::Path) -> Vec<u8> {
    if postgres::selected() {
        return postgres::shared().copy_of_files();
    }
    let mut copy = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let mut file = db.as_os_str().to_owned();
        file.push(suffix);
        copy.extend(std::fs::read(&file).unwrap_or_default());
    }
    copy
}

impl Harness {
    pub(crate) async fn start(name: &str) -> Self {
        Self::start_with(scratch_dir(name).join("issuer.db"), |_| {}).await
    }

    pub(crate) async fn start_with(db: PathBuf, configure: impl FnOnce(&mut Config)) -> Self {
        let store = open_store(&db);
        Self::start_over(store, db, configure).await
    }

    /// An issuer over `store` (`db` names it for the helpers that open it again).
    pub(crate) async fn start_over(
        store: Store,
        db: PathBuf,
        configure: impl FnOnce(&mut Config),
    ) -> Self {
        Self::start_with_keys(store, db, issuer::signing::KeyHolder::Database, configure).await
    }

    /// An issuer over `store` whose ES256 keys `keys` holds.
    pub(crate) async fn start_with_keys(
        store: Store,
        db: PathBuf,
        keys: issuer::signing::KeyHolder,
        configure: impl FnOnce(&mut Config),
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut config = Config::new(&base);
        config.wallet_origin = Some(WALLET.into());
        config.log_requests = false;
        configure(&mut config);
        let clock = Arc::new(AtomicI64::new(NOW));
        let reader = Arc::clone(&clock);
        let public_url = config.public_url.clone();
        let issuer = Arc::new(
            Issuer::with_keys(
                config,
                store,
                Arc::new(move || reader.load(Ordering::SeqCst)),
                keys,
            )
            .unwrap(),
        );
        let admin_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let admin_port = admin_listener.local_addr().unwrap().port();
        let admin_key = issuer::secrets::random_token(&mut OsRng, 32);
        let access = issuer::http::AdminAccess::new(admin_key.clone(), admin_port);
        let (stop, stopped) = oneshot::channel::<()>();
        let (admin_stop, admin_stopped) = oneshot::channel::<()>();
        let serving = Arc::clone(&issuer);
        let admin_serving = Arc::clone(&issuer);
        let task = tokio::spawn(async move {
            let admin = tokio::spawn(async move {
                issuer::http::serve_admin(admin_listener, admin_serving, access, async {
                    let _ = admin_stopped.await;
                })
                .await
                .unwrap();
            });
            issuer::http::serve(listener, serving, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
            let _ = admin_stop.send(());
            admin.await.unwrap();
        });
        Self {
            base,
            public_url,
            admin_base: format!("http://127.0.0.1:{admin_port}"),
            admin_key,
            issuer,
            clock,
            db,
            http: reqwest::Client::new(),
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stops the server and waits until it has released the database.
    pub(crate) async fn stop(mut self) -> PathBuf {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
        self.db.clone()
    }

    pub(crate) fn advance(&self, seconds: i64) {
        self.clock.fetch_add(seconds, Ordering::SeqCst);
    }

    pub(crate) fn now(&self) -> i64 {
        self.clock.load(Ordering::SeqCst)
    }

    pub(crate) fn enroll(&self, birthdate: &str) -> (String, CredentialOffer) {
        self.enroll_for(birthdate, &issuer::catalog::Configuration::OFFERED)
    }

    /// Enrolls a person with an offer for `configurations`.
    pub(crate) fn enroll_for(
        &self,
        birthdate: &str,
        configurations: &[issuer::catalog::Configuration],
    ) -> (String, CredentialOffer) {
        let claims = json!({
            "given_name": "Ada", "family_name": "Lovelace", "birthdate": birthdate,
            "nationality": "GB", "region": "Greater London"
        });
        let claims = PersonClaims::parse(
            claims.to_string().as_bytes(),
            CivilDate::from_unix(self.now()),
        )
        .unwrap();
        let enrolled = self.issuer.enroll_for(&claims, configurations).unwrap();
        (enrolled.person_id, enrolled.offer)
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub(crate) async fn post_form(&self, path: &str, body: String) -> (u16, Value) {
        let response = self
            .http
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        status_and_json(response).await
    }

    /// A DPoP proof by `key` for `POST /token`, with a fresh `jti`.
    pub(crate) fn dpop(&self, key: &PrivateJwk) -> String {
        let jti = issuer::secrets::random_token(&mut OsRng, 16);
        let url = format!("{}/token", self.public_url);
        let input = credential::openid4vci::dpop_signing_input(
            &key.public(),
            &credential::openid4vci::DpopParams {
                method: "POST",
                url: &url,
                jti: &jti,
                issued_at: self.now(),
            },
        );
        jws::attach_signature(&input, &sign_es256(key.signing_key(), input.as_bytes()))
    }

    /// `POST /token` with a form body and a DPoP proof.
    pub(crate) async fn post_token_with_dpop(&self, body: String, proof: &str) -> (u16, Value) {
        let response = self
            .http
            .post(self.url("/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("dpop", proof)
            .body(body)
            .send()
            .await
            .unwrap();
        status_and_json(response).await
    }

    pub(crate) async fn token(&self, code: &str) -> (u16, Value) {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", credential::openid4vci::PRE_AUTHORIZED_GRANT)
            .append_pair("pre-authorized_code", code)
            .finish();
        self.post_form("/token", body).await
    }

    pub(crate) async fn access_token(&self, offer: &CredentialOffer) -> String {
        let (status, body) = self.token(offer.pre_authorized_code()).await;
        assert_eq!(status, 200, "{body}");
        body["access_token"].as_str().unwrap().to_owned()
    }

    pub(crate) async fn nonce(&self) -> String {
        let response = self.http.post(self.url("/nonce")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        body["c_nonce"].as_str().unwrap().to_owned()
    }

    pub(crate) fn proof(&self, holder: &PrivateJwk, nonce: &str) -> String {
        let input = KeyProof::signing_input(
            &holder.public(),
            &KeyProofParams {
                audience: &self.public_url,
                nonce,
                issued_at: self.now(),
            },
        );
        jws::attach_signature(&input, &sign_es256(holder.signing_key(), input.as_bytes()))
    }

    pub(crate) async fn credential_raw(&self, token: &str, body: Vec<u8>) -> (u16, Value) {
        let response = self
            .http
            .post(self.url("/credential"))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        status_and_json(response).await
    }

    pub(crate) async fn credential(
        &self,
        token: &str,
        configuration: &str,
        proofs: &[String],
    ) -> (u16, Value) {
        let body = json!({"credential_configuration_id": configuration, "proofs": {"jwt": proofs}});
        self.credential_raw(token, body.to_string().into_bytes())
            .await
    }

    /// A whole batch: keys, nonce, proofs, credentials (asserting success).
    pub(crate) async fn batch(
        &self,
        token: &str,
        configuration: &str,
        copies: usize,
    ) -> Vec<(PrivateJwk, String)> {
        let holders: Vec<PrivateJwk> = (0..copies)
            .map(|_| PrivateJwk::generate(&mut OsRng))
            .collect();
        let nonce = self.nonce().await;
        let proofs: Vec<String> = holders
            .iter()
            .map(|holder| self.proof(holder, &nonce))
            .collect();
        let (status, body) = self.credential(token, configuration, &proofs).await;
        assert_eq!(status, 200, "{body}");
        let credentials = body["credentials"].as_array().unwrap();
        assert_eq!(credentials.len(), copies);
        holders
            .into_iter()
            .zip(
                credentials
                    .iter()
                    .map(|c| c["credential"].as_str().unwrap().to_owned()),
            )
            .collect()
    }

    /// `GET path`.
    pub(crate) async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }

    /// `GET path` with `If-None-Match: etag`.
    pub(crate) async fn get_if_none_match(&self, path: &str, etag: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .header("if-none-match", etag)
            .send()
            .await
            .unwrap()
    }

    /// Revokes `person` from a second connection to the database, as `cachet-issuer
    /// revoke` does beside a running server; returns how many copies were revoked.
    pub(crate) fn revoke(&self, person: &str) -> usize {
        let other = open_store(&self.db);
        other.revoke(person, NOW).unwrap()
    }

    /// The status of `GET path`.
    pub(crate) async fn get_status(&self, path: &str) -> u16 {
        self.get(path).await.status().as_u16()
    }

    /// The body of `GET path` as text (asserting 200).
    pub(crate) async fn get_text(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        response.text().await.unwrap()
    }

    pub(crate) async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
    }

    /// The issuer as a verifier trusts it: its identifier and published keys.
    pub(crate) async fn trusted(&self) -> TrustedIssuer {
        let metadata = self.get_json("/.well-known/jwt-vc-issuer").await;
        assert_eq!(metadata["issuer"], self.public_url);
        TrustedIssuer {
            iss: self.public_url.clone(),
            jwks: Jwks::from_json(&metadata["jwks"]).unwrap(),
        }
    }
}
