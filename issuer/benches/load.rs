//! Issuance load on loopback: real servers and HTTP clients in one process on this
//! machine's cores, on SQLite (a file, WAL, synchronous=FULL) and on PostgreSQL (a
//! throwaway cluster with fsync on, one node and two nodes sharing it). Prints throughput
//! (credentials/s) and p50/p99 latency of credential requests carrying batches of 16 key
//! proofs at increasing concurrency, on an empty database and on one with 1,000,000
//! people, the ratios between them, then the status list serving rate, and the time and
//! size of publishing one status list of 1,000,000 and of 10,000,000 entries.
//!
//! Request preparation (enrollment, token, nonce, signing the 16 proofs) happens before
//! each measured phase, so the figures are the issuer's cost: verifying 16 proofs, one
//! transaction, signing 16 credentials. Run: `cargo bench -p issuer --bench load`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../tests/it/support/postgres.rs"]
mod postgres;

use std::sync::Arc;
use std::time::{Duration, Instant};

use credential::PrivateJwk;
use credential::age::CivilDate;
use credential::crypto::sign_es256;
use credential::jws;
use credential::openid4vci::{KeyProof, KeyProofParams, PRE_AUTHORIZED_GRANT};
use issuer::person::PersonClaims;
use issuer::sealing::KeyEncryptionKey;
use issuer::store::Location;
use issuer::{Config, Issuer, Store, system_clock};
use rand_core::OsRng;
use serde_json::{Value, json};

const BATCH: usize = 16;
const REQUESTS_PER_LEVEL: usize = 120;
const CONCURRENCY: [usize; 4] = [1, 2, 4, 8];

struct Prepared {
    token: String,
    body: String,
}

async fn prepare(issuer: &Issuer, http: &reqwest::Client, base: &str) -> Prepared {
    let audience = issuer.config().public_url.clone();
    let claims = json!({"given_name": "Load", "family_name": "Test", "birthdate": "1990-01-01"});
    let today = CivilDate::from_unix(issuer.now());
    let claims = PersonClaims::parse(claims.to_string().as_bytes(), today).unwrap();
    let offer = issuer.enroll(&claims).unwrap().offer;
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", PRE_AUTHORIZED_GRANT)
        .append_pair("pre-authorized_code", offer.pre_authorized_code())
        .finish();
    let token: Value = json_of(
        http.post(format!("{base}/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let nonce: Value = json_of(http.post(format!("{base}/nonce")).send().await.unwrap()).await;
    let nonce = nonce["c_nonce"].as_str().unwrap();
    let proofs: Vec<String> = (0..BATCH)
        .map(|_| {
            let holder = PrivateJwk::generate(&mut OsRng);
            let input = KeyProof::signing_input(
                &holder.public(),
                &KeyProofParams {
                    audience: &audience,
                    nonce,
                    issued_at: issuer.now(),
                },
            );
            jws::attach_signature(&input, &sign_es256(holder.signing_key(), input.as_bytes()))
        })
        .collect();
    Prepared {
        token: token["access_token"].as_str().unwrap().to_owned(),
        body: json!({"credential_configuration_id": "cachet_identity", "proofs": {"jwt": proofs}})
            .to_string(),
    }
}

async fn json_of(response: reqwest::Response) -> Value {
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

/// People in the populated database.
const POPULATION: u64 = 1_000_000;

/// Imports `population` people into `store` (in bulk, as a registry would be).
fn populate(store: &Store, population: u64) {
    let started = Instant::now();
    let people = (0..population).map(|n| {
        (
            format!("p_import{n:07}"),
            json!({
                "given_name": format!("Given{n}"), "family_name": format!("Family{n}"),
                "birthdate": format!("19{:02}-{:02}-{:02}", 40 + n % 60, 1 + n % 12, 1 + n % 28),
                "region": "Region", "locality": format!("Town{}", n % 5000),
            }),
        )
    });
    let imported = store.import_persons(people, 0, &mut OsRng).unwrap();
    println!(
        "imported {imported} people (claims sealed, keyed lookup) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// A node serving `store` on a free loopback port; its public URL is `public_url` (the
/// one every node of an issuer shares) or its own address.
async fn start(store: Store, public_url: Option<&str>) -> (Arc<Issuer>, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut config = Config::new(public_url.unwrap_or(&base));
    config.log_requests = false;
    // One client address makes every request here: the per-client limits would measure
    // themselves, not issuance (and, refilled by the clock, make the run depend on speed).
    config.token_rate = issuer::rate_limit::RateLimit {
        burst: 1e9,
        per_second: 1e9,
    };
    config.nonce_rate = issuer::rate_limit::RateLimit {
        burst: 1e9,
        per_second: 1e9,
    };
    let issuer = Arc::new(Issuer::new(config, store, system_clock()).unwrap());
    let serving = Arc::clone(&issuer);
    tokio::spawn(
        async move { issuer::http::serve(listener, serving, std::future::pending()).await },
    );
    (issuer, base)
}

fn sqlite(dir: &std::path::Path, kek: &KeyEncryptionKey) -> Store {
    std::fs::create_dir_all(dir).unwrap();
    Store::open_or_create(&dir.join("issuer.db"), kek).unwrap()
}

fn postgres_store(url: &str, kek: &KeyEncryptionKey) -> Store {
    Store::open(&Location::Postgres(url.to_owned()), kek).unwrap()
}

/// Credentials/s, p50 and p99 at each concurrency level; prints the table and returns
/// the rates.
/// Requests are prepared at the first node and sent to the nodes in turn.
async fn levels(
    issuer: &Issuer,
    http: &reqwest::Client,
    bases: &[String],
    label: &str,
) -> Vec<f64> {
    let base = &bases[0];
    println!("{label}");
    println!(
        "{:>11} {:>14} {:>10} {:>10}",
        "concurrency", "credentials/s", "p50 ms", "p99 ms"
    );
    let mut rates = Vec::new();
    for concurrency in CONCURRENCY {
        let mut prepared = Vec::with_capacity(REQUESTS_PER_LEVEL);
        for _ in 0..REQUESTS_PER_LEVEL {
            prepared.push(prepare(issuer, http, base).await);
        }
        let queue = Arc::new(std::sync::Mutex::new(prepared));
        let started = Instant::now();
        let workers: Vec<_> = (0..concurrency)
            .map(|worker| {
                let queue = Arc::clone(&queue);
                let http = http.clone();
                let url = format!("{}/credential", bases[worker % bases.len()]);
                tokio::spawn(async move {
                    let mut latencies = Vec::new();
                    loop {
                        let Some(request) = queue.lock().unwrap().pop() else {
                            break;
                        };
                        let sent = Instant::now();
                        let response = http
                            .post(&url)
                            .bearer_auth(&request.token)
                            .header("content-type", "application/json")
                            .body(request.body)
                            .send()
                            .await
                            .unwrap();
                        assert_eq!(response.status(), 200);
                        let _ = response.bytes().await.unwrap();
                        latencies.push(sent.elapsed());
                    }
                    latencies
                })
            })
            .collect();
        let mut latencies = Vec::new();
        for worker in workers {
            latencies.extend(worker.await.unwrap());
        }
        let elapsed = started.elapsed();
        latencies.sort();
        let credentials = (latencies.len() * BATCH) as f64;
        let rate = credentials / elapsed.as_secs_f64();
        rates.push(rate);
        println!(
            "{concurrency:>11} {rate:>14.0} {:>10.2} {:>10.2}",
            percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
            percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        );
    }
    rates
}

async fn run() {
    let dir = std::env::temp_dir().join(format!("cachet-issuer-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    println!(
        "issuer load: batches of {BATCH} key proofs, {REQUESTS_PER_LEVEL} requests per level, {} cores",
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    let kek = KeyEncryptionKey::generate(&mut OsRng);
    let (issuer, base) = start(sqlite(&dir.join("empty"), &kek), None).await;
    let sqlite_empty = levels(
        &issuer,
        &http,
        std::slice::from_ref(&base),
        "SQLite, an empty database:",
    )
    .await;
    let store = sqlite(&dir.join("populated"), &kek);
    populate(&store, POPULATION);
    let (populated, populated_base) = start(store, None).await;
    let sqlite_full = levels(
        &populated,
        &http,
        &[populated_base],
        &format!("SQLite, {POPULATION} people enrolled:"),
    )
    .await;
    drop(populated);

    let cluster = postgres::Cluster::start("bench", true);
    let url = cluster.database("empty");
    let (first, first_base) = start(postgres_store(&url, &kek), None).await;
    let pg_one = levels(
        &first,
        &http,
        std::slice::from_ref(&first_base),
        "PostgreSQL, one node, an empty database:",
    )
    .await;
    let (_second, second_base) = start(postgres_store(&url, &kek), Some(&first_base)).await;
    let pg_two = levels(
        &first,
        &http,
        &[first_base.clone(), second_base],
        "PostgreSQL, two nodes on one database (requests alternate), empty at the start:",
    )
    .await;
    let url = cluster.database("populated");
    let store = postgres_store(&url, &kek);
    populate(&store, POPULATION);
    let (pg_populated, pg_base) = start(store, None).await;
    let pg_full = levels(
        &pg_populated,
        &http,
        &[pg_base],
        &format!("PostgreSQL, one node, {POPULATION} people enrolled:"),
    )
    .await;
    drop(pg_populated);

    for (index, concurrency) in CONCURRENCY.iter().enumerate() {
        println!(
            "concurrency {concurrency}: {POPULATION} people give {:.2}x the empty database's \
             throughput on SQLite, {:.2}x on PostgreSQL (goal: at least 0.90x); PostgreSQL \
             gives {:.2}x SQLite's with one node, {:.2}x with two (goal: at least 0.70x)",
            sqlite_full[index] / sqlite_empty[index],
            pg_full[index] / pg_one[index],
            pg_one[index] / sqlite_empty[index],
            pg_two[index] / sqlite_empty[index],
        );
    }

    let window = Duration::from_secs(2);
    let started = Instant::now();
    let fetchers: Vec<_> = (0..8)
        .map(|_| {
            let http = http.clone();
            let url = format!("{base}/status/1");
            tokio::spawn(async move {
                let mut served = 0u64;
                while started.elapsed() < window {
                    let response = http.get(&url).send().await.unwrap();
                    assert_eq!(response.status(), 200);
                    let _ = response.bytes().await.unwrap();
                    served += 1;
                }
                served
            })
        })
        .collect();
    let mut served = 0;
    for fetcher in fetchers {
        served += fetcher.await.unwrap();
    }
    println!(
        "status list (8 concurrent clients, full body): {:.0} responses/s",
        served as f64 / started.elapsed().as_secs_f64()
    );
    for entries in PUBLISHED_ENTRIES {
        publication(entries, &dir);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// List sizes whose publication is timed.
const PUBLISHED_ENTRIES: [u64; 2] = [1_000_000, 10_000_000];
/// Share of entries revoked in the timed lists (1 in 100).
const REVOKED_EVERY: u64 = 100;

/// Times what publishing one list of `entries` costs once its revoked indices are read:
/// building the bit string, compressing, signing, writing the file (the path of
/// `Issuer::publish_status`; the database read is of the revoked rows only).
fn publication(entries: u64, dir: &std::path::Path) {
    use rand_core::RngCore;
    let key = PrivateJwk::generate(&mut OsRng);
    let revoked: Vec<u64> = (0..entries / REVOKED_EVERY)
        .map(|_| OsRng.next_u64() % entries)
        .collect();
    let started = Instant::now();
    let mut list = credential::StatusList::with_capacity(usize::try_from(entries).unwrap());
    for idx in &revoked {
        list.set(*idx, credential::Status::Invalid);
    }
    let token = credential::sign_status_list(
        &list,
        &credential::StatusListTokenParams {
            uri: "https://status.example/1".into(),
            iat: 0,
            exp: 86_400,
            ttl: 300,
        },
        &key,
    );
    let file = dir.join(format!("published-{entries}"));
    std::fs::write(&file, token.as_bytes()).unwrap();
    println!(
        "status list publication, {entries} entries (1 in {REVOKED_EVERY} revoked): {:.0} ms, {} bytes",
        started.elapsed().as_secs_f64() * 1000.0,
        token.len()
    );
}
