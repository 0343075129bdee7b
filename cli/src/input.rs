//! Reading the CLI's inputs: files or stdin, bounded in size, and key files (a JWK or a
//! JWKS) parsed into typed keys.

use std::io::Read;
use std::path::Path;

use credential::{Jwks, PrivateJwk, PublicJwk};
use serde_json::Value;

use crate::failure::Failure;

/// Largest input file accepted (presentations are far smaller; see credential::limits).
const MAX_INPUT_BYTES: u64 = 4 * 1024 * 1024;

/// Reads a file, or stdin for `None`, as trimmed UTF-8 text.
pub(crate) fn text(path: Option<&Path>) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    let name = path.map_or_else(|| "standard input".to_owned(), |p| p.display().to_string());
    let read = match path {
        Some(path) => std::fs::File::open(path)
            .and_then(|file| file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)),
        None => std::io::stdin()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes),
    };
    read.map_err(|err| Failure::Usage(format!("cannot read {name}: {err}")))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Failure::Usage(format!(
            "{name} is larger than {MAX_INPUT_BYTES} bytes"
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure::Usage(format!("{name} is not UTF-8 text")))?;
    Ok(text.trim().to_owned())
}

/// Reads an SD-JWT, SD-JWT+KB or presentation in any serialization the core reads
/// (compact, flattened or general JWS JSON). A JSON string literal holding one (as the
/// reference vectors store their JSON serializations) is unwrapped first.
pub(crate) fn sd_jwt(path: Option<&Path>) -> Result<String, Failure> {
    let text = text(path)?;
    if !text.starts_with('"') {
        return Ok(text);
    }
    serde_json::from_str::<String>(&text)
        .map(|inner| inner.trim().to_owned())
        .map_err(|err| {
            Failure::Usage(format!(
                "not an SD-JWT nor a JSON string holding one: {err}"
            ))
        })
}

/// Reads a JSON file.
pub(crate) fn json(path: &Path) -> Result<Value, Failure> {
    let text = text(Some(path))?;
    serde_json::from_str(&text)
        .map_err(|err| Failure::Usage(format!("{} is not valid JSON: {err}", path.display())))
}

fn key_error(path: &Path, err: impl std::fmt::Display) -> Failure {
    Failure::Usage(format!("{}: {err}", path.display()))
}

/// A private JWK file.
pub(crate) fn private_key(path: &Path) -> Result<PrivateJwk, Failure> {
    PrivateJwk::from_json(&json(path)?).map_err(|err| key_error(path, err))
}

/// A JWK file, public or private, as a public key.
pub(crate) fn public_key(path: &Path) -> Result<PublicJwk, Failure> {
    let value = json(path)?;
    if value.get("d").is_some() {
        return PrivateJwk::from_json(&value)
            .map(|key| key.public())
            .map_err(|err| key_error(path, err));
    }
    PublicJwk::from_json(&value).map_err(|err| key_error(path, err))
}

/// A JWKS, or a single JWK (public or private), as a set of public keys.
pub(crate) fn key_set(path: &Path) -> Result<Jwks, Failure> {
    let value = json(path)?;
    if value.get("keys").is_some() {
        return Jwks::from_json(&value).map_err(|err| key_error(path, err));
    }
    public_key(path).map(|key| Jwks::new(vec![key]))
}
