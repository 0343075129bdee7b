//! The pseudonymous format's parsers of hostile input: presented and issued JWPs (the
//! compact serialization, both headers, payload slots), the proof, pseudonym, signature
//! and commitment decoders of `credential::bbs::wire` in front of zkryptium, and issuer
//! keys (bytes and JWK). The seed is a valid presentation from this target's key, so
//! mutations reach the library's verification.
#![no_main]

use credential::bbs::{
    BbsKeyPair, BbsPublicKey, NymCommitment, NymCredential, NymIssuer, NymPolicy, verify_nym, wire,
};
use credential::time::UnixTime;
use libfuzzer_sys::fuzz_target;

/// The seed presentation's issuer key (a fixed secret, so the seed verifies).
const SECRET: [u8; 32] = [7; 32];

fuzz_target!(|data: &[u8]| {
    for hidden in 0..4 {
        let _ = wire::proof(data, hidden);
    }
    let _ = wire::signature(data);
    let _ = wire::pseudonym(data);
    let _ = NymCommitment::from_bytes(data).map(|c| c.check());
    let _ = BbsPublicKey::from_bytes(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(serde_json::Value::Object(jwk)) = serde_json::from_str(text) {
        let _ = BbsPublicKey::from_jwk(&jwk);
    }
    let _ = NymCredential::read(text);
    let Ok(key) = BbsKeyPair::from_secret_bytes(&SECRET) else {
        return;
    };
    let issuers = vec![NymIssuer {
        iss: "https://issuer.example".into(),
        kid: "bbs-1".into(),
        key: key.public().clone(),
    }];
    let policy = NymPolicy::new(issuers, UnixTime::from_secs(1_800_000_000), "origin:https://forum.example", "fuzz-nonce");
    let _ = verify_nym(text, &policy.clone());
    let _ = verify_nym(text, &policy.with_pseudonym_for("https://forum.example"));
});
