//! The `cachet-issuer` binary as an operator uses it: serve, enroll, revoke, rotate-key.
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_cachet-issuer");

fn run(args: &[&str]) -> (i32, Value, String) {
    let output = Command::new(BIN)
        .args(crate::support::cli_args(args))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (
        output.status.code().unwrap(),
        serde_json::from_str(&stdout).unwrap_or(Value::Null),
        stderr,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_enroll_revoke_rotate() {
    let dir = std::env::temp_dir().join(format!("cachet-issuer-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("issuer.db");
    let db = db.to_str().unwrap();
    let claims = dir.join("claims.json");
    std::fs::write(
        &claims,
        r#"{"given_name":"Ada","family_name":"Lovelace","birthdate":"1990-12-10"}"#,
    )
    .unwrap();
    let claims = claims.to_str().unwrap();

    let (code, _, stderr) = run(&["enroll", "--db", db, "--claims", claims]);
    assert_eq!(code, 1);
    assert!(stderr.contains("run `cachet-issuer serve"), "{stderr}");
    let (code, _, stderr) = run(&[
        "serve",
        "--db",
        db,
        "--listen",
        "127.0.0.1:0",
        "--public-url",
        "http://issuer.example",
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("must be an https URL"), "{stderr}");

    // The server prints its address; the public URL names the same port only for this
    // test's convenience (any URL the issuer is reachable at would do).
    let (server, base) = crate::support::serve_process(&crate::support::cli_args(&[
        "serve",
        "--db",
        db,
        "--listen",
        "127.0.0.1:0",
        "--public-url",
        "http://localhost:1",
        "--quiet",
    ]))
    .await;

    let (code, enrolled, stderr) = run(&["enroll", "--db", db, "--claims", claims]);
    assert_eq!(code, 0, "{stderr}");
    let person = enrolled["person_id"].as_str().unwrap().to_owned();
    let offer = credential::openid4vci::CredentialOffer::parse(
        enrolled["credential_offer"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(offer.credential_issuer(), "http://localhost:1");
    let http = reqwest::Client::new();
    let token = http
        .post(format!("{base}/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code={}",
            offer.pre_authorized_code()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        token.status(),
        200,
        "an offer made by the CLI is redeemable at the server"
    );

    let (code, revoked, _) = run(&["revoke", "--db", db, "--person", &person]);
    assert_eq!((code, revoked["revoked_copies"].as_u64()), (0, Some(0)));
    let (code, _, stderr) = run(&["revoke", "--db", db, "--person", "nobody"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no person"), "{stderr}");
    assert!(person.starts_with("p_"), "{person}");
    // An older id starting with '-' is read as the person, not as a flag.
    let (code, _, stderr) = run(&["revoke", "--db", db, "--person", "-bItO8OluiOyTRr7PDvcMw"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no person"), "{stderr}");

    // Found from an identity document: by the keyed hash of given name, family name and
    // birthdate (the database holds none of them in the clear).
    let (code, _, stderr) = run(&["enroll", "--db", db, "--claims", claims]);
    assert_eq!(code, 0, "{stderr}");
    let output = Command::new(BIN)
        .args(crate::support::cli_args(&[
            "revoke", "--db", db, "--claims", claims,
        ]))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let revoked: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(revoked.len(), 2, "both enrollments of this identity");
    assert!(
        revoked
            .iter()
            .any(|line| line["person_id"] == person.as_str())
    );
    let stranger = dir.join("stranger.json");
    std::fs::write(
        &stranger,
        r#"{"given_name":"Ada","family_name":"Byron","birthdate":"1990-12-10"}"#,
    )
    .unwrap();
    let (code, _, stderr) = run(&["revoke", "--db", db, "--claims", stranger.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no person is enrolled"), "{stderr}");
    let (code, _, stderr) = run(&["revoke", "--db", db]);
    assert_eq!(code, 2, "--person or --claims is required: {stderr}");
    // The database is sealed under the key beside it; without that key nothing opens,
    // and no new key is made for it.
    let (code, _, stderr) = run(&[
        "enroll",
        "--db",
        db,
        "--claims",
        claims,
        "--kek-file",
        dir.join("elsewhere.kek").to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no key-encryption key"), "{stderr}");
    assert!(!dir.join("elsewhere.kek").exists());
    let (code, _, stderr) = run(&[
        "serve",
        "--db",
        db,
        "--listen",
        "127.0.0.1:0",
        "--public-url",
        "http://localhost:1",
        "--kek-file",
        dir.join("elsewhere.kek").to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no key-encryption key"), "{stderr}");
    assert!(!dir.join("elsewhere.kek").exists());

    // The lists as static files (none yet: nothing was issued; tests/it/publish.rs
    // checks the files themselves).
    let cdn = dir.join("cdn");
    let (code, published, stderr) =
        run(&["publish-status", "--db", db, "--out", cdn.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(published, serde_json::json!({"written": 0, "unchanged": 0}));
    assert!(cdn.is_dir());

    let (code, rotated, _) = run(&["rotate-key", "--db", db]);
    assert_eq!(code, 0);
    let keys: Value = http
        .get(format!("{base}/.well-known/jwt-vc-issuer"))
        .send()
        .await
        .unwrap()
        .json_value()
        .await;
    assert_eq!(keys["jwks"]["keys"][0]["kid"], rotated["active_kid"]);
    let (code, _, _) = run(&["bogus"]);
    assert_eq!(code, 2);
    drop(server);
}

trait JsonValue {
    async fn json_value(self) -> Value;
}

impl JsonValue for reqwest::Response {
    async fn json_value(self) -> Value {
        serde_json::from_slice(&self.bytes().await.unwrap()).unwrap()
    }
}

/// `serve --log-format json` writes one JSON object per request with no code or token in
/// it, and SIGTERM (what service managers send) stops it cleanly: exit 0 once the
/// requests in flight are answered.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_and_a_clean_stop_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("cachet-issuer-sigterm-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("issuer.db");
    let mut child = Command::new(BIN)
        .args(crate::support::cli_args(&[
            "serve",
            "--db",
            db.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ]))
        .args(["--public-url", "http://localhost:1", "--log-format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let base = format!("http://{}", line.trim().rsplit("http://").next().unwrap());
    let http = reqwest::Client::new();
    assert_eq!(
        http.get(format!("{base}/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let secret = "pre-authorized-code-that-must-not-be-logged";
    let refused = http
        .post(format!("{base}/token?code={secret}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code={secret}"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        tokio::task::spawn_blocking(move || child.wait_with_output().unwrap()),
    )
    .await
    .expect("the server stops on SIGTERM")
    .unwrap();
    assert_eq!(output.status.code(), Some(0), "a clean stop");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains(secret), "{stderr}");
    let requests: Vec<Value> = stderr
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let routes: Vec<&str> = requests
        .iter()
        .map(|request| request["route"].as_str().unwrap())
        .collect();
    assert_eq!(routes, ["/health", "/token"]);
    assert_eq!(requests[1]["status"], 400);
    assert_eq!(requests[1]["event"], "request");
    assert!(
        stderr.trim_end().ends_with("cachet-issuer: stopped"),
        "{stderr}"
    );
}
