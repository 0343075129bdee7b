//! The pseudonymous format from the shell: BBS keys, holder secrets, blind issuance run
//! locally (both sides), presentations with or without a site pseudonym, verification.
//! Parse the inputs, call `credential::bbs`, print; no format logic lives here.

use std::path::Path;

use credential::ErrorCode;
use credential::bbs::{
    self, BbsKeyPair, BbsPublicKey, HolderSecret, IssuerHeader, NymCredential, NymEntropy,
    NymIssuer, NymPolicy,
};
use credential::format::Held;
use credential::time::UnixTime;
use rand_core::OsRng;
use serde_json::{Value, json};

use crate::args::{IssueArgs, PresentArgs, VerifyArgs};
use crate::failure::Failure;
use crate::input;

/// The `type` member of a holder file.
const HOLDER_FILE_TYPE: &str = "cachet-bbs-holder";

fn usage(err: impl std::fmt::Display) -> Failure {
    Failure::Usage(err.to_string())
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// `cachet keygen --bbs`: a private BBS JWK with its thumbprint as `kid`.
pub(crate) fn keygen() -> Result<String, Failure> {
    let key = BbsKeyPair::generate(&mut OsRng).map_err(usage)?;
    let kid = key.public().thumbprint();
    Ok(pretty(&key.to_private_jwk(&kid)))
}

/// `cachet holder-init`: a new holder seed.
pub(crate) fn holder_init() -> String {
    let holder = HolderSecret::generate(&mut OsRng);
    pretty(&json!({
        "type": HOLDER_FILE_TYPE,
        "seed": credential::base64url::encode(holder.seed()),
    }))
}

fn holder(path: &Path) -> Result<HolderSecret, Failure> {
    let value = input::json(path)?;
    let bad = || {
        Failure::Usage(format!(
            "{}: not a holder file from `cachet holder-init`",
            path.display()
        ))
    };
    if value.get("type").and_then(Value::as_str) != Some(HOLDER_FILE_TYPE) {
        return Err(bad());
    }
    let seed = value
        .get("seed")
        .and_then(Value::as_str)
        .and_then(|seed| credential::base64url::decode(seed).ok())
        .and_then(|seed| <[u8; bbs::holder::SEED_LEN]>::try_from(seed).ok())
        .ok_or_else(bad)?;
    Ok(HolderSecret::from_seed(seed))
}

fn private_key(path: &Path) -> Result<(BbsKeyPair, String), Failure> {
    let value = input::json(path)?;
    let jwk = value
        .as_object()
        .ok_or_else(|| usage(format!("{}: not a JWK", path.display())))?;
    let key = BbsKeyPair::from_private_jwk(jwk)
        .map_err(|err| usage(format!("{}: {err}", path.display())))?;
    let kid = key.public().kid_in(jwk);
    Ok((key, kid))
}

/// Every BBS key of a JWK or JWKS file (public or private), with its `kid`.
fn public_keys(path: &Path) -> Result<Vec<(BbsPublicKey, String)>, Failure> {
    let value = input::json(path)?;
    let jwks: Vec<&Value> = match value.get("keys").and_then(Value::as_array) {
        Some(keys) => keys.iter().collect(),
        None => vec![&value],
    };
    let keys: Vec<(BbsPublicKey, String)> = jwks
        .into_iter()
        .filter_map(Value::as_object)
        .filter(|jwk| jwk.get("crv").and_then(Value::as_str) == Some(bbs::keys::CRV_BLS12381G2))
        .map(|jwk| {
            let mut public = jwk.clone();
            public.remove("d");
            BbsPublicKey::from_jwk(&public).map(|key| {
                let kid = key.kid_in(jwk);
                (key, kid)
            })
        })
        .collect::<Result<_, _>>()
        .map_err(|err| usage(format!("{}: {err}", path.display())))?;
    if keys.is_empty() {
        return Err(usage(format!(
            "{}: no BBS (BLS12381G2) key",
            path.display()
        )));
    }
    Ok(keys)
}

/// `cachet issue --format jwp`: the holder commits, the issuer signs blind, the holder
/// checks and finishes; prints the issued JWP.
pub(crate) fn issue(args: &IssueArgs, now: i64) -> Result<String, Failure> {
    let holder_path = args
        .holder
        .as_deref()
        .ok_or_else(|| usage("--format jwp needs --holder (from `cachet holder-init`)"))?;
    let holder = holder(holder_path)?;
    let (key, kid) = private_key(&args.issuer_key)?;
    let mut claims = match input::json(&args.claims)? {
        Value::Object(claims) => claims,
        _ => return Err(usage("the claims must be a JSON object")),
    };
    let mut take = |name: &str, flag: &Option<String>| -> Result<String, Failure> {
        let from_claims = claims.remove(name);
        match (flag, from_claims.as_ref().and_then(Value::as_str)) {
            (Some(value), _) => Ok(value.clone()),
            (None, Some(value)) => Ok(value.to_owned()),
            (None, None) => Err(usage(format!(
                "no {name}: pass --{name} or put {name} in the claims"
            ))),
        }
    };
    let iss = take("iss", &args.iss)?;
    let vct = take("vct", &args.vct)?;
    let slots: Vec<&str> = if args.slots.is_empty() {
        bbs::PSEUDONYMOUS_IDENTITY.to_vec()
    } else {
        std::iter::once(bbs::jwp::EXPIRY_CLAIM)
            .chain(args.slots.iter().map(String::as_str))
            .collect()
    };
    let header = IssuerHeader::new(&iss, &vct, &kid, &slots).map_err(usage)?;
    let commitment = holder.commit(&mut OsRng).map_err(usage)?;
    let entropy = NymEntropy::derive(&key, &commitment).map_err(usage)?;
    let expires_at = args
        .exp
        .unwrap_or_else(|| bbs::expiry_for(now, bbs::DEFAULT_EPOCH_SECONDS));
    let issued =
        bbs::issue(&key, &header, &claims, expires_at, &commitment, &entropy).map_err(usage)?;
    NymCredential::accept(&issued, key.public(), &holder).map_err(usage)?;
    Ok(issued)
}

/// `cachet present` of a pseudonymous credential.
pub(crate) fn present(args: &PresentArgs, text: &str) -> Result<String, Failure> {
    let (Some(holder_path), Some(nonce), Some(aud)) = (&args.holder, &args.nonce, &args.aud) else {
        return Err(usage(
            "a pseudonymous credential is presented with --holder, --nonce and --aud",
        ));
    };
    let holder = holder(holder_path)?;
    let credential = NymCredential::read(text).map_err(usage)?;
    // The same pointers and selection rules as SD-JWT and the wallet (the format seam).
    let pointers = if args.disclose_all {
        let root = credential::JsonPointer::root();
        credential
            .claims()
            .keys()
            .map(|name| root.child(name.as_str()))
            .collect()
    } else {
        crate::commands::pointers(&args.disclose)?
    };
    let selection = Held::select(&credential, &pointers).map_err(usage)?;
    credential
        .present(
            &holder,
            &selection,
            aud,
            nonce,
            args.pseudonym_for.as_deref(),
            &mut OsRng,
        )
        .map_err(usage)
}

/// `cachet verify` of a pseudonymous presentation.
pub(crate) fn verify(args: &VerifyArgs, presentation: &str, now: i64) -> Result<String, Failure> {
    let (Some(aud), Some(nonce)) = (&args.aud, &args.nonce) else {
        return Err(usage(
            "a pseudonymous presentation is verified with --nonce and --aud",
        ));
    };
    // The key file is the trust anchor; it is trusted for the issuer the header names.
    let iss = bbs::jwp::claimed_issuer(presentation).unwrap_or_default();
    let issuers = public_keys(&args.issuer_key)?
        .into_iter()
        .map(|(key, kid)| NymIssuer {
            iss: iss.clone(),
            kid,
            key,
        })
        .collect();
    let mut policy = NymPolicy::new(issuers, UnixTime::from_secs(now), aud, nonce);
    if let Some(site) = &args.pseudonym_for {
        policy = policy.with_pseudonym_for(site);
    }
    match bbs::verify_nym(presentation, &policy) {
        Ok(verified) => {
            let claims = Value::Object(verified.claims().clone());
            Ok(pretty(&match verified.pseudonym() {
                Some(pseudonym) => json!({ "claims": claims, "pseudonym": pseudonym }),
                None => claims,
            }))
        }
        Err(err) => Err(Failure::Rejected(
            json!({"error": err.code(), "message": err.to_string()}).to_string(),
        )),
    }
}
