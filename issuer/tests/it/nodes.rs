//! Many nodes, one truth: several issuers on one PostgreSQL database, as behind a load
//! balancer (one public URL, any request to any node). What one node hands out or spends
//! (a `c_nonce`, a pre-authorized code, status indices, the active key) every other node
//! sees at its next request. These tests always run on PostgreSQL, the engine for more
//! than one machine.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use credential::PrivateJwk;
use issuer::Store;
use issuer::catalog::Configuration;
use issuer::sealing::KeyEncryptionKey;
use issuer::store::Location;
use rand_core::OsRng;

use crate::support::{Harness, kid_of, postgres, scratch_dir};

/// Issuer nodes over one database.
struct Nodes {
    nodes: Vec<Arc<Harness>>,
    url: String,
    database: String,
    kek_file: PathBuf,
}

impl Nodes {
    /// `count` nodes on a new database; all but the first start together (so they race
    /// to create the first keys).
    async fn start(name: &str, count: usize) -> Self {
        let cluster = postgres::shared();
        let dir = scratch_dir(name);
        let database = postgres::database_name(&dir.join("issuer.db"));
        let url = cluster.database(&database);
        let kek_file = dir.join("issuer.kek");
        let open = || {
            let kek = KeyEncryptionKey::load_or_create(&kek_file, &mut OsRng).unwrap();
            Store::open(&Location::Postgres(url.clone()), &kek).unwrap()
        };
        let first = Harness::start_over(open(), dir.join("issuer.db"), |_| {}).await;
        let public = first.public_url.clone();
        let mut nodes = vec![Arc::new(first)];
        let mut starting = Vec::new();
        for _ in 1..count {
            let (store, db, public) = (open(), dir.join("issuer.db"), public.clone());
            starting.push(tokio::spawn(async move {
                Harness::start_over(store, db, move |config| {
                    config.status_base_url = format!("{public}/status");
                    config.public_url = public;
                })
                .await
            }));
        }
        for node in starting {
            nodes.push(Arc::new(node.await.unwrap()));
        }
        Self {
            nodes,
            url,
            database,
            kek_file,
        }
    }

    fn node(&self, index: usize) -> &Arc<Harness> {
        &self.nodes[index % self.nodes.len()]
    }

    fn sql(&self, sql: &str) -> String {
        postgres::shared()
            .psql(&self.database, sql)
            .trim()
            .to_owned()
    }

    async fn stop(self) {
        for node in self.nodes {
            if let Ok(node) = Arc::try_unwrap(node) {
                node.stop().await;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nonce_or_code_from_one_node_is_spent_at_every_node() {
    let nodes = Nodes::start("nodes-spent", 3).await;
    let (a, b, c) = (nodes.node(0), nodes.node(1), nodes.node(2));
    let (_, offer) = a.enroll("1990-01-01");
    // Redeemed at B: spent at C (and at B).
    let token = b.access_token(&offer).await;
    for node in [c, b] {
        let (status, body) = node.token(offer.pre_authorized_code()).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("invalid_grant"))
        );
    }
    // A c_nonce from A signs proofs that C accepts, once.
    let nonce = a.nonce().await;
    let holder = PrivateJwk::generate(&mut OsRng);
    let (status, body) = c
        .credential(&token, Configuration::Age.id(), &[c.proof(&holder, &nonce)])
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, other) = a.enroll("1991-01-01");
    let other_token = c.access_token(&other).await;
    for node in [b, a, c] {
        let (status, body) = node
            .credential(
                &other_token,
                Configuration::Age.id(),
                &[node.proof(&holder, &nonce)],
            )
            .await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("invalid_nonce")),
            "{body}"
        );
    }
    // The nodes started together made one key of each kind between them.
    assert_eq!(nodes.sql("SELECT count(*) FROM signing_keys"), "1");
    assert_eq!(nodes.sql("SELECT count(*) FROM bbs_keys"), "1");
    nodes.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_100_concurrent_redemptions_across_three_nodes_exactly_one_succeeds() {
    let nodes = Arc::new(Nodes::start("nodes-race", 3).await);
    let (_, offer) = nodes.node(0).enroll("1990-01-01");
    let code = offer.pre_authorized_code().to_owned();
    let mut tasks = Vec::new();
    for attempt in 0..100 {
        let (nodes, code) = (Arc::clone(&nodes), code.clone());
        tasks.push(tokio::spawn(async move {
            nodes.node(attempt).token(&code).await.0
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1);
    assert_eq!(statuses.iter().filter(|s| **s == 400).count(), 99);
    Arc::try_unwrap(nodes).ok().unwrap().stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_batches_on_every_node_share_no_status_index() {
    let nodes = Arc::new(Nodes::start("nodes-status", 3).await);
    let mut tasks = Vec::new();
    for person in 0..12 {
        let nodes = Arc::clone(&nodes);
        tasks.push(tokio::spawn(async move {
            let (_, offer) = nodes.node(person).enroll("1990-01-01");
            let token = nodes.node(person + 1).access_token(&offer).await;
            let copies = nodes
                .node(person + 2)
                .batch(&token, Configuration::Identity.id(), 8)
                .await;
            copies
                .iter()
                .map(|(_, credential)| {
                    let status = &crate::support::payload_of(credential)["status"]["status_list"];
                    (
                        status["uri"].as_str().unwrap().to_owned(),
                        status["idx"].as_u64().unwrap(),
                    )
                })
                .collect::<Vec<_>>()
        }));
    }
    let mut seen = std::collections::HashSet::new();
    for task in tasks {
        for entry in task.await.unwrap() {
            assert!(seen.insert(entry.clone()), "{entry:?} handed out twice");
        }
    }
    assert_eq!(seen.len(), 96);
    assert_eq!(
        nodes.sql("SELECT (SELECT sum(allocated) FROM status_lists) || ' ' || count(*) FROM status_entries"),
        "96 96",
        "every allocation counted once"
    );
    Arc::try_unwrap(nodes).ok().unwrap().stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_rotated_anywhere_is_used_and_published_by_every_node_at_its_next_request() {
    let nodes = Nodes::start("nodes-rotate", 3).await;
    let (_, offer) = nodes.node(0).enroll("1990-01-01");
    let token = nodes.node(1).access_token(&offer).await;
    let before = nodes
        .node(1)
        .batch(&token, Configuration::Age.id(), 1)
        .await;
    let old_kid = kid_of(&before[0].1);
    // `cachet-issuer rotate-key` on an operator's machine: a process of its own.
    let output = Command::new(env!("CARGO_BIN_EXE_cachet-issuer"))
        .args(["rotate-key", "--database", &nodes.url, "--kek-file"])
        .arg(&nodes.kek_file)
        .output()
        .unwrap();
    let new_kid = crate::support::rotated_kid(&output);
    assert_ne!(new_kid, old_kid);
    // No node caches the active key: the very next issuance at each is signed with the
    // new one, and each publishes it first (the old one stays while its copies live).
    for index in 0..3 {
        let node = nodes.node(index);
        let (_, offer) = node.enroll("1990-01-01");
        let token = node.access_token(&offer).await;
        let copy = node.batch(&token, Configuration::Age.id(), 1).await;
        assert_eq!(
            kid_of(&copy[0].1),
            new_kid,
            "node {index} signs with the new key"
        );
        let jwks = node.trusted().await.jwks;
        let kids: Vec<&str> = jwks.keys().iter().map(|k| k.kid().unwrap()).collect();
        assert_eq!(kids, [new_kid.as_str(), old_kid.as_str()], "node {index}");
    }
    nodes.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_batch_leaves_no_half_issued_batch_and_no_lost_allocation() {
    const PEOPLE: usize = 40;
    const COPIES: usize = 16;
    let nodes = Nodes::start("nodes-kill", 1).await;
    let survivor = nodes.node(0);
    // The process runs on the system clock: so does this node, for this test.
    survivor.clock.store(
        issuer::system_clock()(),
        std::sync::atomic::Ordering::SeqCst,
    );
    let args: Vec<String> = [
        "serve",
        "--database",
        &nodes.url,
        "--kek-file",
        nodes.kek_file.to_str().unwrap(),
        "--listen",
        "127.0.0.1:0",
        "--public-url",
        &survivor.public_url,
        "--quiet",
    ]
    .map(str::to_owned)
    .to_vec();
    let (doomed, doomed_url) = crate::support::serve_process(&args).await;

    // Every person's grant and proofs are ready; then all batches go to the doomed node
    // at once, and it dies as soon as the first one is committed (the others are being
    // verified, committed or signed).
    let mut requests = Vec::new();
    for _ in 0..PEOPLE {
        let (person, offer) = survivor.enroll("1990-01-01");
        let token = survivor.access_token(&offer).await;
        let nonce = survivor.nonce().await;
        let proofs: Vec<String> = (0..COPIES)
            .map(|_| survivor.proof(&PrivateJwk::generate(&mut OsRng), &nonce))
            .collect();
        requests.push((person, token, proofs));
    }
    let watcher = {
        let kek = KeyEncryptionKey::load(&nodes.kek_file).unwrap();
        Store::open(&Location::Postgres(nodes.url.clone()), &kek).unwrap()
    };
    let mut tasks = Vec::new();
    for (person, token, proofs) in requests.clone() {
        let (http, url) = (survivor.http.clone(), doomed_url.clone());
        tasks.push(tokio::spawn(async move {
            let body = serde_json::json!({
                "credential_configuration_id": Configuration::Identity.id(),
                "proofs": {"jwt": proofs},
            });
            let answer = http
                .post(format!("{url}/credential"))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await;
            let delivered = match answer {
                Ok(response) if response.status() == 200 => response.bytes().await.is_ok(),
                Ok(response) if response.status() != 200 => {
                    panic!("{}: {:?}", response.status(), response.text().await)
                }
                _ => false,
            };
            (person, delivered)
        }));
    }
    // A batch's status list appears with its commit.
    let waiting = std::time::Instant::now();
    while watcher.status_list_ids().unwrap().is_empty() {
        assert!(
            waiting.elapsed() < std::time::Duration::from_secs(30),
            "the node committed no batch in 30 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    drop(doomed);
    let mut delivered = std::collections::HashMap::new();
    for task in tasks {
        let (person, ok) = task.await.unwrap();
        delivered.insert(person, ok);
    }
    let delivered_count = delivered.values().filter(|ok| **ok).count();
    assert!(
        delivered_count < PEOPLE,
        "the node died with batches in flight"
    );

    // Each batch is whole or absent: a person holds all their entries or none, and every
    // allocation is counted once.
    for (person, token, proofs) in &requests {
        let entries: usize = nodes
            .sql(&format!(
                "SELECT count(*) FROM status_entries WHERE person_id = '{person}'"
            ))
            .parse()
            .unwrap();
        let grant_left: usize = nodes
            .sql(&format!(
                "SELECT count(*) FROM access_grants WHERE person_id = '{person}' \
                 AND configuration_id = '{}'",
                Configuration::Identity.id()
            ))
            .parse()
            .unwrap();
        assert!(
            (entries, grant_left) == (COPIES, 0) || (entries, grant_left) == (0, 1),
            "{person}: {entries} entries, {grant_left} grants left"
        );
        if delivered[person] {
            assert_eq!(entries, COPIES);
        }
        if grant_left == 1 {
            // Not committed: the grant is whole, and the wallet's retry at another node
            // (with a fresh nonce: the dead node may have spent the first) gets its batch.
            let nonce = survivor.nonce().await;
            let proofs: Vec<String> = (0..proofs.len())
                .map(|_| survivor.proof(&PrivateJwk::generate(&mut OsRng), &nonce))
                .collect();
            let (status, body) = survivor
                .credential(token, Configuration::Identity.id(), &proofs)
                .await;
            assert_eq!(status, 200, "{body}");
        }
    }
    let total = nodes.sql(
        "SELECT (SELECT coalesce(sum(allocated), 0) FROM status_lists) || ' ' || count(*) FROM status_entries",
    );
    let expected = PEOPLE * COPIES;
    assert_eq!(
        total,
        format!("{expected} {expected}"),
        "no allocation lost or doubled"
    );
    nodes.stop().await;
}
