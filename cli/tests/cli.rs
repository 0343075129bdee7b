//! The `cachet` CLI contract, exercised through the built binary as scripts use it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn cachet(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cachet"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn write_output(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let output = cachet(args, dir);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let path = dir.join(name);
    std::fs::write(&path, &output.stdout).unwrap();
    path
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cachet-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn keygen_issue_present_verify_round_trip() {
    let dir = scratch("round-trip");
    write_output(&dir, "issuer.jwk", &["keygen"]);
    write_output(&dir, "holder.jwk", &["keygen"]);
    std::fs::write(
        dir.join("claims.json"),
        r#"{"given_name": "Ada", "age_over_18": true, "address": {"locality": "London", "country": "GB"}}"#,
    )
    .unwrap();
    write_output(
        &dir,
        "credential.txt",
        &[
            "issue",
            "--issuer-key",
            "issuer.jwk",
            "--claims",
            "claims.json",
            "--holder-key",
            "holder.jwk",
            "--sd-all",
            "--decoys",
            "3",
            "--iss",
            "https://issuer.example",
            "--vct",
            "urn:cachet:identity",
            "--iat",
            "1800000000",
            "--exp",
            "1900000000",
        ],
    );
    write_output(
        &dir,
        "presentation.txt",
        &[
            "present",
            "--credential",
            "credential.txt",
            "--disclose",
            "/address/locality",
            "--holder-key",
            "holder.jwk",
            "--nonce",
            "n-1",
            "--aud",
            "https://shop.example",
            "--iat",
            "1800000100",
        ],
    );
    let verify = |nonce: &str| {
        cachet(
            &[
                "verify",
                "--issuer-key",
                "issuer.jwk",
                "--nonce",
                nonce,
                "--aud",
                "https://shop.example",
                "--now",
                "1800000200",
                "--vc",
                "--presentation",
                "presentation.txt",
            ],
            &dir,
        )
    };
    let ok = verify("n-1");
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let claims: Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(claims["address"], serde_json::json!({"locality": "London"}));
    assert!(claims.get("given_name").is_none() && claims.get("age_over_18").is_none());

    let rejected = verify("n-2");
    assert_eq!(rejected.status.code(), Some(1));
    let error: Value = serde_json::from_slice(&rejected.stdout).unwrap();
    assert_eq!(error["error"], "nonce_mismatch");
    assert!(error["message"].as_str().unwrap().contains("nonce"));

    let decoded = cachet(&["decode", "presentation.txt"], &dir);
    assert!(decoded.status.success());
    let decoded: Value = serde_json::from_slice(&decoded.stdout).unwrap();
    assert_eq!(decoded["header"]["typ"], "dc+sd-jwt");
    assert_eq!(
        decoded["disclosures"].as_array().unwrap().len(),
        2,
        "locality and its parent"
    );
    assert_eq!(decoded["key_binding_jwt"]["payload"]["nonce"], "n-1");
}

#[test]
fn verifies_conformance_vectors_in_every_serialization_from_a_jwk_file() {
    let dir = scratch("vector");
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../credential/tests/vectors");
    let keys: Value =
        serde_json::from_str(&std::fs::read_to_string(vectors.join("keys.json")).unwrap()).unwrap();
    std::fs::write(dir.join("issuer.jwk"), keys["issuer_key"].to_string()).unwrap();
    // Compact, and the flattened and general JWS JSON serializations (RFC 9901 §8), as the
    // reference vectors store them (the JSON ones as a JSON string).
    for (case, file) in [
        ("key_binding", "sd_jwt_presentation.txt"),
        ("json_serialization_flattened", "sd_jwt_presentation.json"),
        ("json_serialization_general", "sd_jwt_presentation.json"),
    ] {
        let case_dir = vectors.join("sd-jwt-python").join(case);
        let read_json = |name: &str| -> Value {
            serde_json::from_str(&std::fs::read_to_string(case_dir.join(name)).unwrap()).unwrap()
        };
        let kb = read_json("kb_jwt_payload.json");
        let presentation = case_dir.join(file);
        let output = cachet(
            &[
                "verify",
                "--issuer-key",
                "issuer.jwk",
                "--nonce",
                kb["nonce"].as_str().unwrap(),
                "--aud",
                kb["aud"].as_str().unwrap(),
                "--now",
                &kb["iat"].to_string(),
                "--presentation",
                presentation.to_str().unwrap(),
            ],
            &dir,
        );
        assert_eq!(
            output.status.code(),
            Some(0),
            "{case}: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        let claims: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(claims, read_json("verified_contents.json"), "{case}");
        let decoded = cachet(&["decode", presentation.to_str().unwrap()], &dir);
        assert_eq!(decoded.status.code(), Some(0), "{case}");
        let decoded: Value = serde_json::from_slice(&decoded.stdout).unwrap();
        assert_eq!(decoded["key_binding_jwt"]["payload"], kb, "{case}");
    }
}

#[test]
fn usage_errors_exit_2_and_garbage_is_rejected_with_exit_1() {
    let dir = scratch("errors");
    write_output(&dir, "issuer.jwk", &["keygen"]);
    assert_eq!(cachet(&["frobnicate"], &dir).status.code(), Some(2));
    assert_eq!(
        cachet(
            &[
                "issue",
                "--claims",
                "missing.json",
                "--issuer-key",
                "issuer.jwk"
            ],
            &dir
        )
        .status
        .code(),
        Some(2)
    );
    // Neither key binding parameters nor --no-key-binding.
    std::fs::write(dir.join("garbage.txt"), "not an sd-jwt").unwrap();
    assert_eq!(
        cachet(
            &[
                "verify",
                "--issuer-key",
                "issuer.jwk",
                "--presentation",
                "garbage.txt"
            ],
            &dir
        )
        .status
        .code(),
        Some(2)
    );
    let garbage = cachet(
        &[
            "verify",
            "--issuer-key",
            "issuer.jwk",
            "--no-key-binding",
            "--presentation",
            "garbage.txt",
        ],
        &dir,
    );
    assert_eq!(garbage.status.code(), Some(1));
    let error: Value = serde_json::from_slice(&garbage.stdout).unwrap();
    assert_eq!(error["error"], "malformed_serialization");
    // A public key is not an issuer key.
    std::fs::write(dir.join("claims.json"), "{}").unwrap();
    let key: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("issuer.jwk")).unwrap()).unwrap();
    let mut public = key.clone();
    public.as_object_mut().unwrap().remove("d");
    std::fs::write(dir.join("public.jwk"), public.to_string()).unwrap();
    let output = cachet(
        &[
            "issue",
            "--issuer-key",
            "public.jwk",
            "--claims",
            "claims.json",
            "--iss",
            "x",
        ],
        &dir,
    );
    assert_eq!(output.status.code(), Some(2));
}

fn run_ok(dir: &Path, args: &[&str]) -> String {
    let output = cachet(args, dir);
    assert!(
        output.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The pseudonymous format's contract: `keygen --bbs`, `holder-init`, `issue --format
/// jwp`, `present --holder [--pseudonym-for]`, `verify [--pseudonym-for]`.
#[test]
fn pseudonymous_credentials_from_the_shell() {
    let dir = scratch("nym");
    let key: Value = serde_json::from_str(&run_ok(&dir, &["keygen", "--bbs"])).unwrap();
    assert_eq!(key["crv"], "BLS12381G2");
    assert!(key["d"].is_string() && key["kid"].is_string());
    std::fs::write(dir.join("issuer.json"), key.to_string()).unwrap();
    write_output(&dir, "holder.json", &["holder-init"]);
    write_output(&dir, "other-holder.json", &["holder-init"]);
    std::fs::write(
        dir.join("claims.json"),
        r#"{"iss": "https://issuer.example", "vct": "https://issuer.example/nym",
            "age_over_13": true, "age_over_16": true, "age_over_18": true,
            "age_over_21": false, "age_over_65": false}"#,
    )
    .unwrap();
    let issue = |name: &str, holder: &str| {
        write_output(
            &dir,
            name,
            &[
                "issue",
                "--format",
                "jwp",
                "--issuer-key",
                "issuer.json",
                "--claims",
                "claims.json",
                "--holder",
                holder,
            ],
        );
    };
    issue("credential.jwp", "holder.json");
    issue("refreshed.jwp", "holder.json");
    issue("other.jwp", "other-holder.json");
    let present = |credential: &str, holder: &str, nonce: &str, site: Option<&str>| {
        let mut args = vec![
            "present",
            "--credential",
            credential,
            "--disclose",
            "/age_over_18",
            "--holder",
            holder,
            "--nonce",
            nonce,
            "--aud",
            "origin:https://forum.example",
        ];
        args.extend(
            site.map(|site| ["--pseudonym-for", site])
                .into_iter()
                .flatten(),
        );
        let path = dir.join(format!("{credential}-{nonce}.presented"));
        std::fs::write(&path, run_ok(&dir, &args)).unwrap();
        path
    };
    let verify = |presentation: &Path, nonce: &str, site: Option<&str>| {
        let presentation = presentation.to_str().unwrap();
        let mut args = vec![
            "verify",
            "--issuer-key",
            "issuer.json",
            "--nonce",
            nonce,
            "--aud",
            "origin:https://forum.example",
            "--presentation",
            presentation,
        ];
        args.extend(
            site.map(|site| ["--pseudonym-for", site])
                .into_iter()
                .flatten(),
        );
        cachet(&args, &dir)
    };
    let forum = Some("https://forum.example");
    let pseudonym_of = |credential: &str, holder: &str, nonce: &str, site: Option<&str>| {
        let output = verify(&present(credential, holder, nonce, site), nonce, site);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
        let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(printed["claims"]["age_over_18"], true);
        assert_eq!(printed["claims"].get("age_over_21"), None);
        printed["pseudonym"].as_str().unwrap().to_owned()
    };
    let first = pseudonym_of("credential.jwp", "holder.json", "n1", forum);
    assert_eq!(
        first,
        pseudonym_of("credential.jwp", "holder.json", "n2", forum)
    );
    assert_eq!(
        first,
        pseudonym_of("refreshed.jwp", "holder.json", "n3", forum)
    );
    assert_ne!(
        first,
        pseudonym_of(
            "credential.jwp",
            "holder.json",
            "n4",
            Some("https://shop.example")
        )
    );
    assert_ne!(
        first,
        pseudonym_of("other.jwp", "other-holder.json", "n5", forum)
    );

    // Without --pseudonym-for the claims are printed alone.
    let one_time = present("credential.jwp", "holder.json", "n6", None);
    let output = verify(&one_time, "n6", None);
    assert!(output.status.success());
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["age_over_18"], true);
    // Rejections exit 1 with a code: a wrong context, a missing pseudonym, a wrong nonce.
    let site = present("credential.jwp", "holder.json", "n7", forum);
    for (presentation, nonce, context, code) in [
        (
            &site,
            "n7",
            Some("https://shop.example"),
            "invalid_signature",
        ),
        (&one_time, "n6", forum, "pseudonym_missing"),
        (&site, "other", forum, "nonce_mismatch"),
    ] {
        let output = verify(presentation, nonce, context);
        assert_eq!(output.status.code(), Some(1));
        let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(printed["error"], code);
    }
    // Only its holder's secrets make a presentation of a credential that verifies.
    let stolen = dir.join("stolen.presented");
    let output = cachet(
        &[
            "present",
            "--credential",
            "credential.jwp",
            "--disclose",
            "/age_over_18",
            "--holder",
            "other-holder.json",
            "--nonce",
            "n8",
            "--aud",
            "origin:https://forum.example",
        ],
        &dir,
    );
    std::fs::write(&stolen, &output.stdout).unwrap();
    let output = verify(&stolen, "n8", None);
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["error"], "invalid_signature");
    // Usage errors exit 2.
    for args in [
        &[
            "issue",
            "--format",
            "jwp",
            "--issuer-key",
            "issuer.json",
            "--claims",
            "claims.json",
        ][..],
        &[
            "present",
            "--credential",
            "credential.jwp",
            "--disclose",
            "/age_over_18",
        ][..],
        &[
            "present",
            "--credential",
            "credential.jwp",
            "--disclose",
            "/nope",
            "--holder",
            "holder.json",
            "--nonce",
            "n",
            "--aud",
            "a",
        ][..],
    ] {
        assert_eq!(cachet(args, &dir).status.code(), Some(2), "{args:?}");
    }
}
