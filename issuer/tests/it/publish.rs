//! Status lists for a CDN: `Issuer::publish_status` writes each list as a static file, the
//! very bytes the issuer serves for the period; copies point at the status base URL; an
//! unchanged list is not rewritten, and a revocation is written at the next period.

use credential::crypto::RustCryptoP256;
use credential::time::UnixTime;
use credential::{StatusReference, verify_status_list};

use crate::support::{Harness, NOW, payload_of, scratch_dir};

const CDN: &str = "https://status.cdn.example/lists";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_are_published_as_files_for_a_cdn_and_rewritten_only_when_they_change() {
    let dir = scratch_dir("publish");
    let harness = Harness::start_with(dir.join("issuer.db"), |config| {
        config.status_base_url = CDN.into();
    })
    .await;
    let (person, offer) = harness.enroll("1990-01-01");
    let token = harness.access_token(&offer).await;
    let copies = harness.batch(&token, "cachet_age", 3).await;
    let reference = StatusReference::from_claim(&payload_of(&copies[0].1)["status"]).unwrap();
    let id = reference.uri.strip_prefix(&format!("{CDN}/")).unwrap();
    assert!(
        id.parse::<i64>().is_ok(),
        "the copy points at the CDN: {}",
        reference.uri
    );

    let out = dir.join("cdn");
    let first = harness.issuer.publish_status(&out).unwrap();
    assert_eq!((first.written, first.unchanged), (1, 0));
    let file = std::fs::read_to_string(out.join(id)).unwrap();
    // The file is what the issuer serves itself, and names the CDN's URI.
    let served = harness.get_text(&format!("/status/{id}")).await;
    assert_eq!(file, served);
    let trusted = harness.trusted().await;
    let list =
        verify_status_list(&file, &trusted, UnixTime::from_secs(NOW), &RustCryptoP256).unwrap();
    assert_eq!(list.uri(), reference.uri);
    assert_eq!(
        list.status_of(&reference).unwrap(),
        credential::Status::Valid
    );
    let again = harness.issuer.publish_status(&out).unwrap();
    assert_eq!((again.written, again.unchanged), (0, 1), "nothing changed");

    // A revocation shows in the files at the next period, not before.
    harness.revoke(&person);
    let same_period = harness.issuer.publish_status(&out).unwrap();
    assert_eq!(same_period.written, 0);
    harness.advance(issuer::config::DEFAULT_STATUS_PERIOD);
    let next = harness.issuer.publish_status(&out).unwrap();
    assert_eq!(next.written, 1);
    let file = std::fs::read_to_string(out.join(id)).unwrap();
    let list = verify_status_list(
        &file,
        &trusted,
        UnixTime::from_secs(harness.now()),
        &RustCryptoP256,
    )
    .unwrap();
    assert_eq!(
        list.status_of(&reference).unwrap(),
        credential::Status::Invalid
    );
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "no partial file stays: {leftovers:?}");
    harness.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_serving_issuer_publishes_at_once_and_stops_with_the_server() {
    let dir = scratch_dir("publish-serving");
    let harness = Harness::start_with(dir.join("issuer.db"), |_| {}).await;
    let (_, offer) = harness.enroll("1990-01-01");
    let token = harness.access_token(&offer).await;
    let copies = harness.batch(&token, "cachet_identity", 1).await;
    let reference = StatusReference::from_claim(&payload_of(&copies[0].1)["status"]).unwrap();
    let id = reference.uri.rsplit('/').next().unwrap().to_owned();
    let out = dir.join("published");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(issuer::service::publish_every_period(
        std::sync::Arc::clone(&harness.issuer),
        out.clone(),
        stopped,
    ));
    let file = out.join(&id);
    for _ in 0..100 {
        if file.exists() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let served = harness.get_text(&format!("/status/{id}")).await;
    assert_eq!(std::fs::read_to_string(&file).unwrap(), served);
    stop.send(true).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(5), task)
        .await
        .expect("the publisher stops when told")
        .unwrap();
    harness.stop().await;
}
