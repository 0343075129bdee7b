//! A compact text form of an authorization response, small enough for a QR code that a
//! site's camera reads from the wallet's screen (cross-device flow, no server).
//!
//! The plain form (`vp_token=…&state=…`) of an age check is about 1.5 KB: base64url text
//! of JSON, digests and signatures, which deflate barely shrinks. The compact form undoes
//! the base64url, leaves out what the verifier can rebuild, deflates the rest, and writes
//! it in base45 (RFC 9285), whose alphabet is exactly the QR alphanumeric set (5.5 bits
//! per character):
//!
//! ```text
//! text   = "CACHET1:" base45( deflate-raw( body ) )
//! body   = 0x02 field(state) field(query id)
//!          field(JWT header) field(JWT payload) field(JWT signature)
//!          varint(n) n × field(Disclosure)
//!          field(KB-JWT header) field(KB-JWT payload) field(KB-JWT signature)
//! field  = varint(byte length) bytes          (LEB128 varint; segments base64url-decoded)
//! ```
//!
//! Inside the JSON segments (headers, payloads, Disclosures) three byte values that never
//! occur in UTF-8 mark what is sent in a shorter form or not at all:
//! `0xFF i` is entry `i` of the fixed [`TOKENS`] table (JSON spelling common to every
//! Cachet credential); in the issuer payload `0xFE k` is the digest of the k-th
//! Disclosure, and in the KB-JWT payload `0xFE 0` is its `sd_hash`, both recomputed from
//! the presentation itself; and (body version 2) `0xFD n` followed by `n` bytes is the
//! canonical base64url of those bytes: the undisclosed digests, key coordinates, `kid`,
//! salts and nonce, sent as bytes. As text they cost deflate 7 to 8 bits per character
//! (the Huffman codes are shared with the signatures' random bytes), so about 40 bytes
//! for a 32-byte digest instead of 32.
//!
//! Version 2 is what [`super::AuthorizationResponse::to_compact`] writes. Decoding accepts 1
//! too, so a wallet that an offline device still runs from its cache keeps working: a
//! version 1 body never contains `0xFD` and uses only the first 26 tokens.
//!
//! Decoding re-encodes every segment in canonical base64url, so the SD-JWT+KB comes back
//! byte for byte (the core only accepts canonical base64url, and every signature and
//! digest is checked again by `verify`).
//!
//! Body version 3 carries a pseudonymous presentation (a JWP: base64url segments between
//! `.` and `~`), segment by segment, so the proof and pseudonym go as bytes:
//!
//! ```text
//! body    = 0x03 field(state) field(query id) varint(n) n × segment
//! segment = kind field(bytes)   kind: bit 0 = '~' follows (else '.', none after the
//!                               last), bit 1 = JSON sent shrunk (headers and payloads)
//! ```

use miniz_oxide::inflate::TINFLStatus;

use super::ResponseError;
use super::request::MAX_RESPONSE_BYTES;
use crate::base64url;
use crate::decoded::Decoded;
use crate::disclosure::{Disclosure, sha256_b64};
use crate::limits::MAX_DISCLOSURES;

/// What every compact response starts with (QR alphanumeric characters only).
pub const COMPACT_PREFIX: &str = "CACHET1:";
/// The body version written; see the module documentation for what 1 lacks.
const VERSION: u8 = 2;
/// The body versions read as SD-JWT+KB.
const READABLE_VERSIONS: [u8; 2] = [1, 2];
/// The body version of a pseudonymous presentation (JWP).
const JWP_VERSION: u8 = 3;
/// Most segments in a JWP body (headers, payload slots, proof components).
const MAX_JWP_SEGMENTS: usize = 80;
/// Segment kind: a `~` follows it.
const TILDE_FOLLOWS: u8 = 1;
/// Segment kind: JSON, sent shrunk.
const SHRUNK: u8 = 2;
const TOKEN: u8 = 0xFF;
const DIGEST: u8 = 0xFE;
const RAW: u8 = 0xFD;
/// Runs of base64url characters shorter than this stay text (names, numbers, words).
const MIN_RAW_CHARS: usize = 16;
/// The longest run sent as bytes: its byte count must fit in the one length byte.
const MAX_RAW_CHARS: usize = 340;

/// Spellings shared by Cachet credentials, replaced by `0xFF i` (the longest match wins).
/// Entries may be appended (with a new body version), never changed or reordered. The
/// first 26 are version 1's; the rest spell JSON as the issuer writes it (keys sorted),
/// and `http://` for a demo issuer on this computer; the last 3 (version 3) spell the
/// issuer header of a pseudonymous identity.
pub const TOKENS: [&str; 37] = [
    r#"{"alg":"ES256","typ":"dc+sd-jwt","kid":""#,
    r#"{"alg":"ES256","typ":"kb+jwt"}"#,
    r#""cnf":{"jwk":{"kty":"EC","crv":"P-256","x":""#,
    r#""status":{"status_list":{"idx":"#,
    r#""aud":"redirect_uri:https://"#,
    r#""aud":"redirect_uri:http://"#,
    r#""_sd_alg":"sha-256""#,
    r#""iss":"https://"#,
    r#""vct":"https://"#,
    r#""uri":"https://"#,
    r#""sd_hash":""#,
    r#""nonce":""#,
    r#""_sd":[""#,
    r#"","y":""#,
    r#"{"iat":"#,
    r#""iat":"#,
    r#""exp":"#,
    r#""nbf":"#,
    "/status/",
    "/types/",
    "age_over_",
    "given_name",
    "family_name",
    "birthdate",
    "region",
    r#"",""#,
    r#"{"alg":"ES256","kid":""#,
    r#"","typ":"dc+sd-jwt"}"#,
    r#""cnf":{"jwk":{"crv":"P-256","kty":"EC","x":""#,
    r#"{"aud":"redirect_uri:http://"#,
    r#"{"aud":"redirect_uri:https://"#,
    r#""iss":"http://"#,
    r#""vct":"http://"#,
    r#""uri":"http://"#,
    r#"{"alg":"x-cachet-bbs-nym","claims":["exp","age_over_13","age_over_16","age_over_18","age_over_21","age_over_65"],"iss":""#,
    r#"","typ":"cachet-nym+jpt","vct":""#,
    r#"/types/pseudonymous_identity"}"#,
];

/// Why a response cannot be put in compact form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CompactError {
    /// The response does not carry exactly one presentation.
    #[error("the response must carry exactly one presentation")]
    NotOnePresentation,
    /// The presentation is neither a compact SD-JWT+KB nor a presented JWP with
    /// canonical base64url segments.
    #[error("the presentation is not a compact SD-JWT+KB nor a presented JWP")]
    NotCompactPresentation,
}

crate::error_codes! {
    CompactError {
        Self::NotOnePresentation => "not_one_presentation",
        Self::NotCompactPresentation => "not_compact_presentation",
    }
}

/// A response's parts as the compact form carries them.
pub(super) struct CompactParts {
    /// The `state`.
    pub state: String,
    /// The credential query id.
    pub id: String,
    /// The presentation, rebuilt byte for byte.
    pub presentation: String,
}

/// The compact form of a response with `state` carrying `presentation` for the
/// credential query `id` (see the module documentation).
///
/// # Errors
/// [`CompactError::NotCompactPresentation`] for a presentation it cannot carry.
pub(super) fn encode(state: &str, id: &str, presentation: &str) -> Result<String, CompactError> {
    if presentation.split('.').count() == 4 {
        return encode_jwp(state, id, presentation);
    }
    // Any serialization the core reads; the compact form rebuilds the compact one
    // (the Key Binding JWT's sd_hash is over it in both).
    let decoded = Decoded::parse(presentation).map_err(|_| CompactError::NotCompactPresentation)?;
    let kb_jwt = decoded
        .key_binding_jwt()
        .ok_or(CompactError::NotCompactPresentation)?;
    let issuer_jwt = decoded.issuer_jwt();
    let disclosures: Vec<&str> = decoded
        .disclosures()
        .iter()
        .map(Disclosure::encoded)
        .collect();
    if disclosures.len() >= usize::from(u8::MAX) {
        return Err(CompactError::NotCompactPresentation);
    }
    let digests: Vec<String> = disclosures.iter().map(|d| sha256_b64(d)).collect();
    let sd_hash = sha256_b64(decoded.sd_hash_input());

    let mut body = vec![VERSION];
    put_field(&mut body, state.as_bytes());
    put_field(&mut body, id.as_bytes());
    put_jwt(&mut body, &issuer_jwt, &digests)?;
    put_varint(&mut body, disclosures.len());
    for disclosure in disclosures {
        put_field(&mut body, &shrink(&decode_segment(disclosure)?, &[])?);
    }
    put_jwt(&mut body, kb_jwt, std::slice::from_ref(&sd_hash))?;
    Ok(finish(&body))
}

fn finish(body: &[u8]) -> String {
    let deflated = miniz_oxide::deflate::compress_to_vec(body, 10);
    format!("{COMPACT_PREFIX}{}", base45::encode(deflated))
}

/// Body version 3: a JWP's segments, JSON ones shrunk, binary ones as they are.
fn encode_jwp(state: &str, id: &str, presentation: &str) -> Result<String, CompactError> {
    let mut body = vec![JWP_VERSION];
    put_field(&mut body, state.as_bytes());
    put_field(&mut body, id.as_bytes());
    let mut segments = Vec::new();
    for (dot, part) in presentation.split('.').enumerate() {
        let pieces: Vec<&str> = part.split('~').collect();
        for (at, piece) in pieces.iter().enumerate() {
            let bytes = decode_segment(piece)?;
            let tilde = if at + 1 < pieces.len() {
                TILDE_FOLLOWS
            } else {
                0
            };
            // The last part holds the proof and the pseudonym: binary.
            let json = dot < 3 && std::str::from_utf8(&bytes).is_ok();
            segments.push((tilde, json, bytes));
        }
    }
    if segments.len() > MAX_JWP_SEGMENTS {
        return Err(CompactError::NotCompactPresentation);
    }
    put_varint(&mut body, segments.len());
    for (tilde, json, bytes) in segments {
        if json {
            body.push(tilde | SHRUNK);
            put_field(&mut body, &shrink(&bytes, &[])?);
        } else {
            body.push(tilde);
            put_field(&mut body, &bytes);
        }
    }
    Ok(finish(&body))
}

/// Reads the rest of a version 3 body: the JWP, rebuilt byte for byte.
fn decode_jwp(reader: &mut Reader<'_>) -> Option<String> {
    let count = reader.varint().filter(|n| *n <= MAX_JWP_SEGMENTS)?;
    let mut presentation = String::new();
    let mut dots = 0;
    for at in 0..count {
        let kind = reader.byte()?;
        let field = reader.field()?;
        if kind & SHRUNK == 0 {
            presentation.push_str(&base64url::encode(field));
        } else {
            presentation.push_str(&base64url::encode(&expand(field, &[])?));
        }
        if kind & TILDE_FOLLOWS != 0 {
            presentation.push('~');
        } else if at + 1 < count {
            presentation.push('.');
            dots += 1;
        }
    }
    (dots == 3 && reader.rest.is_empty()).then_some(presentation)
}

/// Reads the compact form; `text` must start with [`COMPACT_PREFIX`].
///
/// # Errors
/// [`ResponseError::TooLarge`] past `MAX_RESPONSE_BYTES` (compressed or inflated),
/// otherwise [`ResponseError::Malformed`] naming `compact`.
pub(super) fn decode(text: &str) -> Result<CompactParts, ResponseError> {
    const MALFORMED: ResponseError = ResponseError::Malformed("compact");
    if text.len() > MAX_RESPONSE_BYTES {
        return Err(ResponseError::TooLarge);
    }
    let encoded = text.strip_prefix(COMPACT_PREFIX).ok_or(MALFORMED)?;
    let deflated = base45::decode(encoded).map_err(|_| MALFORMED)?;
    let body = inflate_exactly(&deflated)?;
    let mut reader = Reader { rest: &body };
    let version = reader.byte().ok_or(MALFORMED)?;
    if version != JWP_VERSION && !READABLE_VERSIONS.contains(&version) {
        return Err(MALFORMED);
    }
    let state = reader.text().ok_or(MALFORMED)?;
    let id = reader.text().ok_or(MALFORMED)?;
    if version == JWP_VERSION {
        let presentation = decode_jwp(&mut reader).ok_or(MALFORMED)?;
        return Ok(CompactParts {
            state,
            id,
            presentation,
        });
    }
    let issuer_jwt = reader.jwt().ok_or(MALFORMED)?;
    let count = reader
        .varint()
        .filter(|n| *n <= MAX_DISCLOSURES)
        .ok_or(MALFORMED)?;
    let mut disclosures = Vec::new();
    for _ in 0..count {
        let json = expand(reader.field().ok_or(MALFORMED)?, &[]).ok_or(MALFORMED)?;
        disclosures.push(base64url::encode(&json));
    }
    let kb_jwt = reader.jwt().ok_or(MALFORMED)?;
    if !reader.rest.is_empty() {
        return Err(MALFORMED);
    }
    let digests: Vec<String> = disclosures.iter().map(|d| sha256_b64(d)).collect();
    let mut presentation = issuer_jwt.encode(&digests).ok_or(MALFORMED)?;
    presentation.push('~');
    for disclosure in &disclosures {
        presentation.push_str(disclosure);
        presentation.push('~');
    }
    let sd_hash = sha256_b64(&presentation);
    presentation.push_str(&kb_jwt.encode(&[sd_hash]).ok_or(MALFORMED)?);
    Ok(CompactParts {
        state,
        id,
        presentation,
    })
}

/// Inflates a raw deflate stream that must end exactly where the input ends (no
/// trailing bytes: one response has one compact text), up to `MAX_RESPONSE_BYTES`.
fn inflate_exactly(deflated: &[u8]) -> Result<Vec<u8>, ResponseError> {
    use miniz_oxide::inflate::core::{DecompressorOxide, decompress, inflate_flags};
    let mut out = vec![0u8; MAX_RESPONSE_BYTES];
    let (status, consumed, written) = decompress(
        &mut DecompressorOxide::new(),
        deflated,
        &mut out,
        0,
        inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
    );
    match status {
        TINFLStatus::Done if consumed == deflated.len() => {
            out.truncate(written);
            Ok(out)
        }
        TINFLStatus::HasMoreOutput => Err(ResponseError::TooLarge),
        _ => Err(ResponseError::Malformed("compact")),
    }
}

fn decode_segment(segment: &str) -> Result<Vec<u8>, CompactError> {
    base64url::decode(segment).map_err(|_| CompactError::NotCompactPresentation)
}

/// Writes a JWT's header and payload (shrunk) and its signature (as is).
fn put_jwt(body: &mut Vec<u8>, jwt: &str, digests: &[String]) -> Result<(), CompactError> {
    let mut segments = jwt.split('.');
    let mut next = || segments.next().ok_or(CompactError::NotCompactPresentation);
    let (header, payload, signature) = (next()?, next()?, next()?);
    if next().is_ok() {
        return Err(CompactError::NotCompactPresentation);
    }
    put_field(body, &shrink(&decode_segment(header)?, &[])?);
    put_field(body, &shrink(&decode_segment(payload)?, digests)?);
    put_field(body, &decode_segment(signature)?);
    Ok(())
}

/// Replaces the given digests (`0xFE 0`, `0xFE 1`, ...), runs of base64url (`0xFD n`
/// bytes) and [`TOKENS`] (`0xFF i`) in JSON text.
fn shrink(json: &[u8], digests: &[String]) -> Result<Vec<u8>, CompactError> {
    if core::str::from_utf8(json).is_err() {
        return Err(CompactError::NotCompactPresentation);
    }
    let mut out = Vec::with_capacity(json.len());
    let mut rest = json;
    'scan: while let Some((&first, tail)) = rest.split_first() {
        for (index, digest) in (0u8..).zip(digests) {
            if let Some(after) = rest.strip_prefix(digest.as_bytes()) {
                out.extend_from_slice(&[DIGEST, index]);
                rest = after;
                continue 'scan;
            }
        }
        // Runs are only taken whole: not from a character that continues one.
        let continues_run = (json.len() - rest.len())
            .checked_sub(1)
            .and_then(|previous| json.get(previous))
            .is_some_and(|&byte| base64url::is_alphabet(byte));
        if !continues_run && let Some((bytes, after)) = raw_run(rest) {
            out.extend_from_slice(&[RAW, bytes.len() as u8]);
            out.extend_from_slice(&bytes);
            rest = after;
            continue;
        }
        let longest = (0u8..)
            .zip(TOKENS)
            .filter(|(_, token)| rest.starts_with(token.as_bytes()))
            .max_by_key(|(_, token)| token.len());
        if let Some((index, token)) = longest {
            out.extend_from_slice(&[TOKEN, index]);
            rest = rest.get(token.len()..).unwrap_or_default();
            continue;
        }
        out.push(first);
        rest = tail;
    }
    Ok(out)
}

/// The bytes of the whole base64url run at the start of `text` and what follows it, if
/// the run is long enough, short enough and canonical (the strict decoder refuses any
/// other, so the run comes back exactly).
fn raw_run(text: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    let length = text
        .iter()
        .take_while(|&&byte| base64url::is_alphabet(byte))
        .count();
    if !(MIN_RAW_CHARS..=MAX_RAW_CHARS).contains(&length) {
        return None;
    }
    let (run, after) = text.split_at(length);
    let bytes = base64url::decode(core::str::from_utf8(run).ok()?).ok()?;
    Some((bytes, after))
}

/// The inverse of [`shrink`]; `None` for an unknown token or digest reference or a
/// truncated run.
fn expand(shrunk: &[u8], digests: &[String]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(shrunk.len() * 2);
    let mut bytes = shrunk.iter();
    while let Some(&byte) = bytes.next() {
        match byte {
            TOKEN => out.extend_from_slice(TOKENS.get(usize::from(*bytes.next()?))?.as_bytes()),
            DIGEST => {
                out.extend_from_slice(digests.get(usize::from(*bytes.next()?))?.as_bytes());
            }
            RAW => {
                let length = usize::from(*bytes.next()?);
                let (run, after) = bytes.as_slice().split_at_checked(length)?;
                out.extend_from_slice(base64url::encode(run).as_bytes());
                bytes = after.iter();
            }
            other => out.push(other),
        }
    }
    Some(out)
}

fn put_field(body: &mut Vec<u8>, bytes: &[u8]) {
    put_varint(body, bytes.len());
    body.extend_from_slice(bytes);
}

fn put_varint(body: &mut Vec<u8>, mut value: usize) {
    while value >= 0x80 {
        body.push((value & 0x7f) as u8 | 0x80);
        value >>= 7;
    }
    body.push(value as u8);
}

/// A JWT read from the body whose header and payload are still shrunk.
struct ShrunkJwt<'a> {
    header: &'a [u8],
    payload: &'a [u8],
    signature: &'a [u8],
}

impl ShrunkJwt<'_> {
    fn encode(&self, digests: &[String]) -> Option<String> {
        Some(format!(
            "{}.{}.{}",
            base64url::encode(&expand(self.header, &[])?),
            base64url::encode(&expand(self.payload, digests)?),
            base64url::encode(self.signature)
        ))
    }
}

/// Reads fields from the inflated body; every read is bounds-checked.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (first, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(*first)
    }

    fn varint(&mut self) -> Option<usize> {
        let mut value = 0usize;
        for shift in (0..28).step_by(7) {
            let byte = self.byte()?;
            value |= usize::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn field(&mut self) -> Option<&'a [u8]> {
        let len = self.varint()?;
        if len > self.rest.len() {
            return None;
        }
        let (field, rest) = self.rest.split_at(len);
        self.rest = rest;
        Some(field)
    }

    fn text(&mut self) -> Option<String> {
        String::from_utf8(self.field()?.to_vec()).ok()
    }

    fn jwt(&mut self) -> Option<ShrunkJwt<'a>> {
        Some(ShrunkJwt {
            header: self.field()?,
            payload: self.field()?,
            signature: self.field()?,
        })
    }
}

#[cfg(test)]
mod tests;
