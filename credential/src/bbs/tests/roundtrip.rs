use std::collections::HashSet;

use rand_core::OsRng;
use serde_json::json;

use super::*;
use crate::ErrorCode;

#[test]
fn a_presentation_discloses_what_was_selected_and_nothing_else() {
    let f = fixture();
    let presented = f.present(&["age_over_18"], "n-1", None);
    let verified = verify_nym(&presented, &f.policy("n-1")).unwrap();
    assert_eq!(
        Value::Object(verified.claims().clone()),
        json!({ "iss": ISS, "vct": VCT, "exp": EXP, "age_over_18": true })
    );
    assert_eq!(verified.pseudonym(), None);
    assert_eq!(verified.expires_at(), EXP);
    let selection = f.credential.select(&["age_over_18"]).unwrap();
    assert_eq!(&f.credential.revealed(&selection), verified.claims());
}

#[test]
fn one_site_sees_one_pseudonym_and_another_site_another() {
    let f = fixture();
    let forum = |nonce: &str| {
        let presented = f.present(&["age_over_18"], nonce, Some(FORUM));
        let policy = f.policy(nonce).with_pseudonym_for(FORUM);
        verify_nym(&presented, &policy)
            .unwrap()
            .pseudonym()
            .map(str::to_owned)
    };
    let first = forum("n-1");
    assert!(first.is_some());
    assert_eq!(first, forum("n-2"));
    let shop = f.present(&["age_over_18"], "n-3", Some(SHOP));
    let at_shop = verify_nym(&shop, &f.policy("n-3").with_pseudonym_for(SHOP)).unwrap();
    assert_ne!(at_shop.pseudonym().map(str::to_owned), first);
}

#[test]
fn a_pseudonym_survives_refresh_and_a_restored_device() {
    let f = fixture();
    let pseudonym_of = |credential: &NymCredential, holder: &HolderSecret| {
        let selection = credential.select(&["age_over_18"]).unwrap();
        let presented = credential
            .present(holder, &selection, AUD, "n", Some(FORUM), &mut OsRng)
            .unwrap();
        let verified = verify_nym(&presented, &f.policy("n").with_pseudonym_for(FORUM)).unwrap();
        verified.pseudonym().map(str::to_owned)
    };
    let before = pseudonym_of(&f.credential, &f.holder);
    // Another device, restored from the seed: the same commitment point, so the issuer
    // returns the same entropy.
    let restored = HolderSecret::from_seed(*f.holder.seed());
    let commitment = restored.commit(&mut OsRng).unwrap();
    assert_eq!(
        commitment.point(),
        f.holder.commit(&mut OsRng).unwrap().point()
    );
    let refreshed = issue(
        &f.key,
        &f.header,
        &person(),
        EXP + 86_400,
        &commitment,
        &f.entropy,
    )
    .unwrap();
    let refreshed = NymCredential::accept(&refreshed, f.key.public(), &restored).unwrap();
    assert_eq!(pseudonym_of(&refreshed, &restored), before);
    // A fresh entropy (a counted reset) gives a new pseudonym.
    let reset = issue(
        &f.key,
        &f.header,
        &person(),
        EXP,
        &commitment,
        &NymEntropy::generate(&mut OsRng),
    )
    .unwrap();
    let reset = NymCredential::accept(&reset, f.key.public(), &restored).unwrap();
    assert_ne!(pseudonym_of(&reset, &restored), before);
}

#[test]
fn a_wrong_context_fails() {
    let f = fixture();
    let presented = f.present(&["age_over_18"], "n", Some(FORUM));
    let err = verify_nym(&presented, &f.policy("n").with_pseudonym_for(SHOP)).unwrap_err();
    assert_eq!(err, BbsError::InvalidSignature);
    let err = verify_nym(&presented, &f.policy("n")).unwrap_err();
    assert_eq!(err.code(), "pseudonym_unrequested");
    let one_time = f.present(&["age_over_18"], "n", None);
    let err = verify_nym(&one_time, &f.policy("n").with_pseudonym_for(FORUM)).unwrap_err();
    assert_eq!(err.code(), "pseudonym_missing");
}

#[test]
fn the_transaction_is_checked() {
    let f = fixture();
    let presented = f.present(&["age_over_18"], "n", None);
    assert_eq!(
        verify_nym(&presented, &f.policy("other"))
            .unwrap_err()
            .code(),
        "nonce_mismatch"
    );
    let elsewhere = NymPolicy::new(
        f.issuers(),
        UnixTime::from_secs(NOW),
        "origin:https://evil.example",
        "n",
    );
    assert_eq!(
        verify_nym(&presented, &elsewhere).unwrap_err().code(),
        "aud_mismatch"
    );
    let late = NymPolicy::new(f.issuers(), UnixTime::from_secs(EXP + 61), AUD, "n");
    assert_eq!(verify_nym(&presented, &late).unwrap_err().code(), "expired");
    let stranger = NymPolicy::new(
        vec![NymIssuer {
            iss: ISS.into(),
            kid: KID.into(),
            key: BbsKeyPair::generate(&mut OsRng).unwrap().public().clone(),
        }],
        UnixTime::from_secs(NOW),
        AUD,
        "n",
    );
    assert_eq!(
        verify_nym(&presented, &stranger).unwrap_err().code(),
        "invalid_signature"
    );
}

/// Many presentations of one credential share no substring beyond the fixed parts (the
/// issuer header, the disclosed payloads, the verifier's own audience and nonce): every
/// 12-character window of their proofs, one-time contexts and one-time pseudonyms is new.
#[test]
fn presentations_share_nothing_but_the_fixed_parts() {
    let f = fixture();
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    let mut fresh = |round: usize, text: &str| {
        let windows: HashSet<Vec<u8>> = text.as_bytes().windows(12).map(<[u8]>::to_vec).collect();
        let shared = windows.intersection(&seen).count();
        assert_eq!(
            shared, 0,
            "round {round} shares {shared} windows with earlier presentations"
        );
        seen.extend(windows);
    };
    for round in 0..24 {
        let presented = f.present(&["age_over_18"], "same-nonce", None);
        let parts: Vec<&str> = presented.split('.').collect();
        let header = crate::base64url::decode(parts[0]).unwrap();
        let header: Value = serde_json::from_slice(&header).unwrap();
        fresh(round, header["one_time_context"].as_str().unwrap());
        fresh(round, parts[3]);
    }
    // At a site that asks for its pseudonym, only the pseudonym repeats.
    let mut pseudonyms = HashSet::new();
    for round in 24..36 {
        let presented = f.present(&["age_over_18"], "same-nonce", Some(FORUM));
        let (proof, pseudonym) = presented
            .rsplit_once('.')
            .unwrap()
            .1
            .split_once('~')
            .unwrap();
        fresh(round, proof);
        pseudonyms.insert(pseudonym.to_owned());
    }
    assert_eq!(pseudonyms.len(), 1);
}

#[test]
fn the_proof_length_depends_only_on_what_is_disclosed() {
    let f = fixture();
    let other = {
        let holder = HolderSecret::generate(&mut OsRng);
        let mut claims = Map::new();
        claims.insert("age_over_18".into(), true.into());
        let issued = issue(
            &f.key,
            &f.header,
            &claims,
            EXP,
            &holder.commit(&mut OsRng).unwrap(),
            &f.entropy,
        )
        .unwrap();
        (
            NymCredential::accept(&issued, f.key.public(), &holder).unwrap(),
            holder,
        )
    };
    let mine = f.present(&["age_over_18"], "n", Some(FORUM));
    let selection = other.0.select(&["age_over_18"]).unwrap();
    let theirs = other
        .0
        .present(&other.1, &selection, AUD, "n", Some(FORUM), &mut OsRng)
        .unwrap();
    assert_eq!(mine.len(), theirs.len());
    let parts = |text: &str| text.split('.').map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(parts(&mine)[..3], parts(&theirs)[..3]);
}

#[test]
fn a_credential_for_another_holder_is_refused_on_arrival() {
    let f = fixture();
    let commitment = f.holder.commit(&mut OsRng).unwrap();
    let issued = issue(&f.key, &f.header, &person(), EXP, &commitment, &f.entropy).unwrap();
    let stranger = HolderSecret::generate(&mut OsRng);
    assert_eq!(
        NymCredential::accept(&issued, f.key.public(), &stranger).unwrap_err(),
        BbsError::InvalidSignature
    );
    let other_key = BbsKeyPair::generate(&mut OsRng).unwrap();
    assert_eq!(
        NymCredential::accept(&issued, other_key.public(), &f.holder).unwrap_err(),
        BbsError::InvalidSignature
    );
}

#[test]
fn absent_claims_cannot_be_selected_and_unknown_claims_cannot_be_issued() {
    let f = fixture();
    assert_eq!(
        f.credential.select(&["resident"]).unwrap_err().code(),
        "no_such_claim"
    );
    assert_eq!(
        f.credential.select(&["shoe_size"]).unwrap_err().code(),
        "no_such_claim"
    );
    let mut claims = person();
    claims.insert("shoe_size".into(), 44.into());
    let commitment = f.holder.commit(&mut OsRng).unwrap();
    assert_eq!(
        issue(&f.key, &f.header, &claims, EXP, &commitment, &f.entropy)
            .unwrap_err()
            .code(),
        "invalid_claim"
    );
}

#[test]
fn keys_round_trip_through_jwk_and_storage() {
    let key = BbsKeyPair::generate(&mut OsRng).unwrap();
    let jwk = key.public().to_jwk("k");
    let read = BbsPublicKey::from_jwk(jwk.as_object().unwrap()).unwrap();
    assert_eq!(&read, key.public());
    let again = BbsKeyPair::from_secret_bytes(&key.secret_bytes()).unwrap();
    assert_eq!(again.public(), key.public());
}

/// The seam: DCQL matching and the consent screen reach the format as they reach SD-JWT.
#[test]
fn the_format_is_reached_through_the_seam() {
    use crate::format::{Format, Held, VerifiedClaims};
    use crate::openid4vp::{ClaimPath, CredentialQuery, DcqlQuery};

    let query_for = |claim: &str| -> CredentialQuery {
        let mut query =
            DcqlQuery::sd_jwt_vc("age", &[VCT.into()], vec![ClaimPath::names([claim]).into()])
                .credentials
                .remove(0);
        query.format = NymJwp::ID.into();
        query
    };
    use crate::openid4vp::matching;
    use crate::pointer::JsonPointer;

    let f = fixture();
    let held = NymJwp::read(&f.credential.to_text()).unwrap();
    assert_eq!(Held::credential_type(&held), Some(VCT));
    let query = query_for("age_over_18");
    let answer = matching::answer(&query, &held).unwrap();
    let selection = Held::select(&held, &answer.claims).unwrap();
    let consent = Held::revealed(&held, &selection);
    let presented = held
        .present(&f.holder, &selection, AUD, "n", Some(FORUM), &mut OsRng)
        .unwrap();
    let verified = NymJwp::verify(&presented, &f.policy("n").with_pseudonym_for(FORUM)).unwrap();
    assert_eq!(VerifiedClaims::claims(&verified), &consent);
    assert_eq!(VerifiedClaims::expires_at(&verified), Some(EXP));
    // Nested paths name nothing in a flat credential; a missing claim is named.
    let nested = JsonPointer::root().child("age_over_18").child("x");
    assert!(Held::select(&held, &[nested]).is_err());
    let wanted = query_for("resident");
    assert!(matching::answer(&wanted, &held).is_err());
}

/// The issuer header's octets are its members in sorted order, whatever serde_json's
/// map order (the compact QR form's tokens spell it so).
#[test]
fn the_issuer_header_is_written_in_sorted_order() {
    let header = IssuerHeader::new(ISS, VCT, KID, &CLAIMS).unwrap();
    let text = std::str::from_utf8(header.as_bytes()).unwrap();
    let at = |member: &str| text.find(&format!("\"{member}\":")).unwrap();
    let order = ["alg", "claims", "iss", "kid", "typ", "vct"].map(at);
    assert!(order.windows(2).all(|pair| pair[0] < pair[1]), "{text}");
}
