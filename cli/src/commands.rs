//! What each subcommand does: parse the inputs into the core's types, call the core, and
//! print. No SD-JWT logic lives here.

use credential::ErrorCode;
use std::time::{SystemTime, UNIX_EPOCH};

use credential::decoded::Decoded;
use credential::disclosure::{Content, Disclosure};
use credential::jws::Jws;
use credential::{
    CopyParams, Credential, Disclosable, IssueParams, JsonPointer, KeyBindingParams, PrivateJwk,
    TrustedIssuer, VerifyPolicy,
};
use rand_core::OsRng;
use serde_json::{Map, Value, json};

use crate::args::{Cli, Command, DecodeArgs, IssueArgs, IssueFormat, PresentArgs, VerifyArgs};
use crate::failure::Failure;
use crate::{input, nym};

/// Runs a command and returns what to print.
pub(crate) fn run(cli: Cli) -> Result<String, Failure> {
    match cli.command {
        Command::Keygen(args) if args.bbs => nym::keygen(),
        Command::Keygen(_) => Ok(pretty(&PrivateJwk::generate(&mut OsRng).to_json())),
        Command::HolderInit => Ok(nym::holder_init()),
        Command::Issue(args) => issue(&args),
        Command::Present(args) => present(&args),
        Command::Verify(args) => verify(&args),
        Command::Decode(args) => decode(&args),
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}

pub(crate) fn pointers(texts: &[String]) -> Result<Vec<JsonPointer>, Failure> {
    texts
        .iter()
        .map(|text| JsonPointer::parse(text).map_err(|err| Failure::Usage(err.to_string())))
        .collect()
}

fn issue(args: &IssueArgs) -> Result<String, Failure> {
    if args.format == IssueFormat::Jwp {
        return nym::issue(args, args.iat.unwrap_or_else(now));
    }
    if args.holder.is_some() || !args.slots.is_empty() {
        return Err(Failure::Usage(
            "--holder and --slots are for --format jwp".into(),
        ));
    }
    let key = input::private_key(&args.issuer_key)?;
    let claims = input::json(&args.claims)?;
    let issuer = match (&args.iss, claims.get("iss").and_then(Value::as_str)) {
        (Some(iss), _) => iss.clone(),
        (None, Some(iss)) => iss.to_owned(),
        (None, None) => {
            return Err(Failure::Usage(
                "no issuer: pass --iss or put iss in the claims".into(),
            ));
        }
    };
    let holder = args
        .holder_key
        .as_deref()
        .map(input::public_key)
        .transpose()?;
    let disclosable = if args.sd_all {
        Disclosable::Everything
    } else {
        Disclosable::Paths(pointers(&args.sd)?)
    };
    let params = IssueParams {
        issuer,
        vct: args.vct.clone(),
        claims,
        disclosable,
        decoys: args.decoys,
        iat: Some(args.iat.unwrap_or_else(now)),
        nbf: None,
        exp: args.exp,
    };
    let copy = CopyParams {
        holder,
        status: None,
    };
    credential::issue(&params, &copy, &key, &mut OsRng)
        .map_err(|err| Failure::Usage(err.to_string()))
}

fn present(args: &PresentArgs) -> Result<String, Failure> {
    let text = input::sd_jwt(Some(&args.credential))?;
    if credential::bbs::form_of(&text).is_some() {
        return nym::present(args, &text);
    }
    if args.holder.is_some() {
        return Err(Failure::Usage(
            "--holder presents a pseudonymous credential; this one is an SD-JWT".into(),
        ));
    }
    let credential = Credential::parse(&text).map_err(|err| Failure::Usage(err.to_string()))?;
    let selection = if args.disclose_all {
        credential.select_all()
    } else {
        credential
            .select(&pointers(&args.disclose)?)
            .map_err(|err| Failure::Usage(err.to_string()))?
    };
    let (Some(holder_key), Some(nonce), Some(aud)) = (&args.holder_key, &args.nonce, &args.aud)
    else {
        return Ok(credential.present(&selection));
    };
    let holder = input::private_key(holder_key)?;
    let params = KeyBindingParams {
        audience: aud.clone(),
        nonce: nonce.clone(),
        iat: args.iat.unwrap_or_else(now),
    };
    Ok(credential
        .present_with_key_binding(&selection, &params)
        .sign_with(holder.signing_key()))
}

fn verify(args: &VerifyArgs) -> Result<String, Failure> {
    let presentation = input::sd_jwt(args.presentation.as_deref())?;
    if credential::bbs::form_of(&presentation).is_some() {
        return nym::verify(args, &presentation, args.now.unwrap_or_else(now));
    }
    if args.pseudonym_for.is_some() {
        return Err(Failure::Usage(
            "--pseudonym-for is for pseudonymous presentations; this is an SD-JWT".into(),
        ));
    }
    let jwks = input::key_set(&args.issuer_key)?;
    // The key file is the trust anchor; it is trusted for the issuer the token names.
    let iss = Decoded::parse(&presentation)
        .ok()
        .and_then(|decoded| decoded.claimed_issuer().map(str::to_owned))
        .unwrap_or_default();
    let now = args.now.unwrap_or_else(now);
    let issuers = vec![TrustedIssuer { iss, jwks }];
    let mut policy = match (&args.aud, &args.nonce, args.no_key_binding) {
        (Some(aud), Some(nonce), false) => VerifyPolicy::new(issuers, now, aud, nonce),
        (None, None, true) => VerifyPolicy::new(issuers, now, "", "").without_key_binding(),
        _ => {
            return Err(Failure::Usage(
                "pass --nonce and --aud to check key binding, or --no-key-binding".into(),
            ));
        }
    };
    if !args.vc {
        policy = policy.plain_sd_jwt();
    }
    match credential::verify(&presentation, &policy) {
        Ok(verified) => Ok(pretty(&Value::Object(verified.into_claims()))),
        Err(err) => Err(Failure::Rejected(
            json!({"error": err.code(), "message": err.to_string()}).to_string(),
        )),
    }
}

fn decode(args: &DecodeArgs) -> Result<String, Failure> {
    let text = input::sd_jwt(args.file.as_deref())?;
    let malformed = |err: credential::VerifyError| Failure::Usage(err.to_string());
    let decoded = Decoded::parse(&text).map_err(malformed)?;
    let mut out = Map::new();
    let headers: Vec<Value> = decoded
        .headers()
        .map(|header| Value::Object(header.clone()))
        .collect();
    out.insert(
        "header".into(),
        match headers.as_slice() {
            [one] => one.clone(),
            many => Value::Array(many.to_vec()),
        },
    );
    out.insert("payload".into(), Value::Object(decoded.payload().clone()));
    let disclosures = decoded.disclosures().iter().map(describe).collect();
    out.insert("disclosures".into(), Value::Array(disclosures));
    if let Some(kb) = decoded.key_binding_jwt() {
        let jws = Jws::decode(kb).map_err(malformed)?;
        out.insert(
            "key_binding_jwt".into(),
            json!({"header": jws.header(), "payload": jws.payload()}),
        );
    }
    out.insert("verified".into(), Value::Bool(false));
    Ok(pretty(&Value::Object(out)))
}

fn describe(disclosure: &Disclosure) -> Value {
    match disclosure.content() {
        Content::Property { name, value } => json!({
            "digest": disclosure.digest(), "salt": disclosure.salt(), "name": name, "value": value,
        }),
        Content::Element { value } => json!({
            "digest": disclosure.digest(), "salt": disclosure.salt(), "value": value,
        }),
    }
}
