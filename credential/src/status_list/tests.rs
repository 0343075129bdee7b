use super::*;

#[test]
fn bits_are_packed_from_the_least_significant_bit() {
    let mut list = StatusList::with_capacity(16);
    assert!(list.set(0, Status::Invalid));
    assert!(list.set(9, Status::Invalid));
    assert_eq!(list.bytes, vec![0b0000_0001, 0b0000_0010]);
    assert_eq!(list.get(9), Some(1));
    assert_eq!(list.get(16), None);
    assert!(!list.set(16, Status::Invalid));
    assert!(
        !list.set(1, Status::Suspended),
        "a one-bit list cannot hold 2"
    );
}

#[test]
fn spec_example_decodes() {
    // Token Status List §4.1 example (compressed hex 78dadbb918000217015d): bytes B9 A3.
    let claim = json!({"bits": 1, "lst": "eNrbuRgAAhcBXQ"});
    let list = StatusList::from_claim(&claim).unwrap();
    let expected = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
    for (index, value) in expected.iter().enumerate() {
        assert_eq!(list.get(index as u64), Some(*value), "index {index}");
    }
}

#[test]
fn claim_round_trips_and_compresses() {
    let mut list = StatusList::with_capacity(100_000);
    for index in (0..100_000).step_by(997) {
        list.set(index, Status::Invalid);
    }
    let claim = list.to_claim();
    assert!(claim["lst"].as_str().unwrap().len() < 2_000);
    assert_eq!(StatusList::from_claim(&claim).unwrap(), list);
}

#[test]
fn decompression_bombs_and_garbage_are_refused() {
    let bomb = vec![0u8; MAX_STATUS_LIST_BYTES + 1];
    let claim = json!({"bits": 1, "lst": base64url::encode(&miniz_oxide::deflate::compress_to_vec_zlib(&bomb, 9))});
    assert_eq!(
        StatusList::from_claim(&claim),
        Err(VerifyError::LimitExceeded(Limit::StatusListBytes))
    );
    assert_eq!(
        StatusList::from_claim(&json!({"bits": 3, "lst": "eNrbuRgAAhcBXQ"})),
        Err(VerifyError::MalformedStatusList)
    );
    assert_eq!(
        StatusList::from_claim(&json!({"bits": 1, "lst": "AAAA"})),
        Err(VerifyError::MalformedStatusList)
    );
}
