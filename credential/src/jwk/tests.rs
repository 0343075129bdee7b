use super::*;
use serde_json::json;

fn vector_issuer_key() -> Value {
    json!({"kty": "EC", "crv": "P-256",
        "d": "Ur2bNKuBPOrAaxsRnbSH6hIhmNTxSGXshDSUD1a1y7g",
        "x": "b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ",
        "y": "Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8"})
}

#[test]
fn private_jwk_round_trips_and_gets_a_thumbprint_kid() {
    let key = PrivateJwk::from_json(&vector_issuer_key()).unwrap();
    let again = PrivateJwk::from_json(&key.to_json()).unwrap();
    assert_eq!(again.kid(), key.kid());
    assert_eq!(again.public(), key.public());
    assert_eq!(key.kid(), key.public().thumbprint());
}

#[test]
fn rfc7638_thumbprint_is_stable() {
    // Same key, members in another order and with extra members: same thumbprint.
    let mut jwk = vector_issuer_key();
    jwk.as_object_mut().unwrap().remove("d");
    jwk.as_object_mut()
        .unwrap()
        .insert("use".into(), json!("sig"));
    let a = PublicJwk::from_json(&jwk).unwrap().thumbprint();
    let b = PrivateJwk::from_json(&vector_issuer_key())
        .unwrap()
        .public()
        .thumbprint();
    assert_eq!(a, b);
    assert_eq!(a.len(), 43);
}

#[test]
fn public_jwk_refuses_private_part_and_other_curves() {
    assert_eq!(
        PublicJwk::from_json(&vector_issuer_key()),
        Err(JwkError::UnexpectedPrivateKey)
    );
    let mut other = vector_issuer_key();
    other["crv"] = json!("P-384");
    other.as_object_mut().unwrap().remove("d");
    assert_eq!(
        PublicJwk::from_json(&other),
        Err(JwkError::UnsupportedKeyType)
    );
    let mut off_curve = vector_issuer_key();
    off_curve.as_object_mut().unwrap().remove("d");
    off_curve["y"] = json!("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assert_eq!(PublicJwk::from_json(&off_curve), Err(JwkError::InvalidKey));
    assert_eq!(PublicJwk::from_json(&json!([])), Err(JwkError::NotAnObject));
}

#[test]
fn private_jwk_with_mismatched_public_part_is_refused() {
    let mut jwk = vector_issuer_key();
    jwk["x"] = json!("TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc");
    jwk["y"] = json!("ZxjiWWbZMQGHVWKVQ4hbSIirsVfuecCE6t4jT9F2HZQ");
    assert!(matches!(
        PrivateJwk::from_json(&jwk),
        Err(JwkError::InvalidKey)
    ));
}

#[test]
fn jwks_picks_by_kid_or_offers_all() {
    let mut rng = rand_core::OsRng;
    let a = PrivateJwk::generate(&mut rng).public();
    let b = PrivateJwk::generate(&mut rng).public();
    let set = Jwks::from_json(&Jwks::new(vec![a.clone(), b.clone()]).to_json()).unwrap();
    assert_eq!(set.candidates(b.kid()).collect::<Vec<_>>(), vec![&b]);
    assert_eq!(set.candidates(None).count(), 2);
    assert_eq!(set.candidates(Some("nope")).count(), 0);
}
