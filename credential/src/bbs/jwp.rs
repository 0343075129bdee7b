//! The JSON Web Proof compact serialization (draft-ietf-jose-json-web-proof §6.1) of
//! Cachet's pseudonymous credentials, and their two headers.
//!
//! ```text
//! issued:    issuer-header . payload~payload~… . signature~nym-entropy~issuer-key
//! presented: presentation-header . issuer-header . payload~~payload~… . proof~pseudonym
//! ```
//!
//! The issued form's proof carries what the holder needs besides its own secrets: the
//! issuer's share of the nym secret and the issuer's public key (which proof generation
//! takes), so a held credential is self-contained. Every part is unpadded base64url. A hidden payload is an empty slot; the draft's `_`
//! (a zero-length payload) never occurs, since every payload is a JSON value (JPT), so it
//! is refused. The issuer header is the same octets for everyone holding one type from
//! one issuer key (JWP §4.1 recommends it; it is what keeps it from telling holders
//! apart), and it names the payload slots in `claims` (JPT §4), first the expiry epoch.

use serde_json::{Map, Value, json};

use super::error::BbsError;
use super::suite::{ALG, TYP};
use crate::base64url;
use crate::limits::Limit;
use crate::strict_json;

/// Largest JWP accepted, in bytes, either form.
pub const MAX_JWP_BYTES: usize = 64 * 1024;
/// Most payload slots (claims) in one credential type.
pub const MAX_CLAIMS: usize = 64;
/// Largest header, in bytes once decoded.
pub const MAX_HEADER_BYTES: usize = 4096;
/// The claim of the first slot: the end of the credential's epoch (Unix seconds), shared
/// by everyone issued in that epoch and disclosed in every presentation.
pub const EXPIRY_CLAIM: &str = "exp";
/// Claim names a payload slot may not have (they are in the issuer header).
const HEADER_CLAIMS: [&str; 2] = ["iss", "vct"];

/// The issuer header: what every credential of one type from one issuer key shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerHeader {
    bytes: Vec<u8>,
    kid: String,
    iss: String,
    vct: String,
    claims: Vec<String>,
}

impl IssuerHeader {
    /// The header for type `vct` from issuer `iss` signing with key `kid`, whose slots
    /// hold `claims` in this order (the first must be [`EXPIRY_CLAIM`]).
    ///
    /// # Errors
    /// [`BbsError::InvalidHeader`] for a layout this format refuses.
    pub fn new(iss: &str, vct: &str, kid: &str, claims: &[&str]) -> Result<Self, BbsError> {
        // Members in sorted order, so that the octets are the same whether or not
        // serde_json keeps insertion order (a feature another crate may turn on).
        let header = json!({
            "alg": ALG,
            "claims": claims,
            "iss": iss,
            "kid": kid,
            "typ": TYP,
            "vct": vct,
        });
        let bytes = serde_json::to_vec(&header).map_err(|_| BbsError::Library)?;
        Self::parse(&bytes)
    }

    /// Reads the decoded octets of an issuer header.
    ///
    /// # Errors
    /// [`BbsError::InvalidHeader`], or [`BbsError::UnsupportedAlgorithm`].
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, BbsError> {
        let object = header_object(bytes)?;
        let text = |name: &'static str| member_text(&object, name);
        let alg = text("alg")?;
        if alg != ALG {
            return Err(BbsError::UnsupportedAlgorithm(alg));
        }
        if text("typ")? != TYP {
            return Err(BbsError::InvalidHeader("typ"));
        }
        if object.len() != 6 {
            return Err(BbsError::InvalidHeader(
                "members other than alg, typ, kid, iss, vct, claims",
            ));
        }
        let claims = match object.get("claims") {
            Some(Value::Array(names)) => names
                .iter()
                .map(|name| name.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or(BbsError::InvalidHeader("claims"))?,
            _ => return Err(BbsError::InvalidHeader("claims")),
        };
        check_layout(&claims)?;
        Ok(Self {
            bytes: bytes.to_vec(),
            kid: text("kid")?,
            iss: text("iss")?,
            vct: text("vct")?,
            claims,
        })
    }

    /// The octets as signed and presented.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The issuer.
    #[must_use]
    pub fn iss(&self) -> &str {
        &self.iss
    }

    /// The credential type.
    #[must_use]
    pub fn vct(&self) -> &str {
        &self.vct
    }

    /// The issuer key's id.
    #[must_use]
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The claim of each payload slot, in order.
    #[must_use]
    pub fn claims(&self) -> &[String] {
        &self.claims
    }
}

/// A layout: the expiry first, then distinct, non-empty names that are not header claims.
fn check_layout(claims: &[String]) -> Result<(), BbsError> {
    if claims.first().map(String::as_str) != Some(EXPIRY_CLAIM) {
        return Err(BbsError::InvalidHeader("claims must start with exp"));
    }
    if claims.len() > MAX_CLAIMS {
        return Err(BbsError::LimitExceeded(Limit::ArrayLength));
    }
    for (at, name) in claims.iter().enumerate() {
        if name.is_empty() || HEADER_CLAIMS.contains(&name.as_str()) {
            return Err(BbsError::InvalidHeader("claims"));
        }
        if claims.iter().take(at).any(|earlier| earlier == name) {
            return Err(BbsError::InvalidHeader("claims named twice"));
        }
    }
    Ok(())
}

/// The member of the presentation header naming a one-time pseudonym context.
const ONE_TIME_CONTEXT: &str = "one_time_context";

/// The presentation header: the transaction a presentation answers, bound by the proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresentationHeader {
    bytes: Vec<u8>,
    aud: String,
    nonce: String,
    one_time_context: Option<String>,
}

impl PresentationHeader {
    /// The header for a presentation to `aud` answering `nonce`, with the site's pseudonym
    /// (`one_time_context` is `None`) or with one for this context alone.
    ///
    /// # Errors
    /// [`BbsError::InvalidHeader`] for an empty audience, nonce or context.
    pub fn new(aud: &str, nonce: &str, one_time_context: Option<&str>) -> Result<Self, BbsError> {
        let mut header = json!({ "aud": aud, "nonce": nonce });
        if let (Some(context), Some(object)) = (one_time_context, header.as_object_mut()) {
            object.insert(ONE_TIME_CONTEXT.into(), context.into());
        }
        let bytes = serde_json::to_vec(&header).map_err(|_| BbsError::Library)?;
        Self::parse(&bytes)
    }

    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, BbsError> {
        let object = header_object(bytes)?;
        let text = |name: &'static str| member_text(&object, name);
        let one_time_context = match object.get(ONE_TIME_CONTEXT) {
            None => None,
            Some(_) => Some(text(ONE_TIME_CONTEXT)?),
        };
        if object.len() != 2 + usize::from(one_time_context.is_some()) {
            return Err(BbsError::InvalidHeader(
                "members other than aud, nonce, one_time_context",
            ));
        }
        Ok(Self {
            bytes: bytes.to_vec(),
            aud: text("aud")?,
            nonce: text("nonce")?,
            one_time_context,
        })
    }

    /// The octets as bound by the proof.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The audience.
    #[must_use]
    pub fn aud(&self) -> &str {
        &self.aud
    }

    /// The nonce.
    #[must_use]
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// The one-time context of a presentation without the site's pseudonym.
    #[must_use]
    pub fn one_time_context(&self) -> Option<&str> {
        self.one_time_context.as_deref()
    }
}

/// A header member that must be a non-empty string.
fn member_text(object: &Map<String, Value>, name: &'static str) -> Result<String, BbsError> {
    match object.get(name) {
        Some(Value::String(text)) if !text.is_empty() => Ok(text.clone()),
        _ => Err(BbsError::InvalidHeader(name)),
    }
}

fn header_object(bytes: &[u8]) -> Result<Map<String, Value>, BbsError> {
    if bytes.len() > MAX_HEADER_BYTES {
        return Err(BbsError::LimitExceeded(Limit::PresentationBytes));
    }
    match strict_json::parse(bytes) {
        Some(Value::Object(object)) => Ok(object),
        _ => Err(BbsError::InvalidHeader("not a JSON object")),
    }
}

/// The two forms of a JWP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// As issued: the issuer header, every payload, the signature.
    Issued,
    /// As presented: a presentation header first, then the issuer header.
    Presented,
}

/// Which form of this format's JWP `text` is, by the header that names [`ALG`] (first in
/// the issued form, second in the presented); `None` for anything else, such as an
/// SD-JWT. Nothing else is checked.
#[must_use]
pub fn form_of(text: &str) -> Option<Form> {
    let names_alg = |part: Option<&str>| {
        part.and_then(|part| base64url::decode(part).ok())
            .filter(|bytes| bytes.len() <= MAX_HEADER_BYTES)
            .and_then(|bytes| strict_json::parse(&bytes))
            .is_some_and(|header| header.get("alg").and_then(Value::as_str) == Some(ALG))
    };
    let mut parts = text.trim().split('.');
    let (first, second) = (parts.next(), parts.next());
    if names_alg(first) {
        Some(Form::Issued)
    } else if names_alg(second) {
        Some(Form::Presented)
    } else {
        None
    }
}

/// The issuer a presented JWP names, unverified (to pick the trust anchor it claims).
#[must_use]
pub fn claimed_issuer(text: &str) -> Option<String> {
    Presented::parse(text.trim())
        .ok()
        .map(|presented| presented.header.iss)
}

/// An issued JWP, split and decoded, its issuer header read, nothing verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Issued {
    pub(crate) header: IssuerHeader,
    pub(crate) payloads: Vec<Vec<u8>>,
    pub(crate) signature: Vec<u8>,
    pub(crate) entropy: Vec<u8>,
    pub(crate) issuer_key: Vec<u8>,
}

/// A presented JWP, split and decoded, its headers read, nothing verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Presented {
    pub(crate) presentation: PresentationHeader,
    pub(crate) header: IssuerHeader,
    pub(crate) payloads: Vec<Option<Vec<u8>>>,
    pub(crate) proof: Vec<u8>,
    pub(crate) pseudonym: Vec<u8>,
}

fn within_limit(text: &str) -> Result<(), BbsError> {
    if text.len() > MAX_JWP_BYTES {
        Err(BbsError::LimitExceeded(Limit::PresentationBytes))
    } else {
        Ok(())
    }
}

fn decode(what: &'static str, part: &str) -> Result<Vec<u8>, BbsError> {
    base64url::decode(part).map_err(|_| BbsError::InvalidBase64Url(what))
}

/// Splits `text` at `separator` into exactly `N` parts.
fn split_exact<'a, const N: usize>(
    text: &'a str,
    separator: char,
    what: &'static str,
) -> Result<[&'a str; N], BbsError> {
    let parts: Vec<&str> = text.split(separator).collect();
    parts
        .try_into()
        .map_err(|_| BbsError::MalformedSerialization(what))
}

/// The payload slots, one per claim the header names; `None` for a hidden one.
fn payload_slots(part: &str, header: &IssuerHeader) -> Result<Vec<Option<Vec<u8>>>, BbsError> {
    let slots: Vec<&str> = part.split('~').collect();
    if slots.len() != header.claims().len() {
        return Err(BbsError::InvalidPayloads("one slot per claim"));
    }
    slots
        .into_iter()
        .map(|slot| match slot {
            "" => Ok(None),
            "_" => Err(BbsError::InvalidPayloads("a zero-length payload")),
            encoded => decode("payload", encoded).map(Some),
        })
        .collect()
}

/// Exactly `N` proof components.
fn proof_components<const N: usize>(part: &str) -> Result<[Vec<u8>; N], BbsError> {
    let parts = split_exact::<N>(part, '~', "the proof components")?;
    let decoded = parts
        .iter()
        .map(|component| decode("proof", component))
        .collect::<Result<Vec<_>, _>>()?;
    decoded
        .try_into()
        .map_err(|_| BbsError::MalformedSerialization("the proof components"))
}

impl Issued {
    pub(crate) fn parse(text: &str) -> Result<Self, BbsError> {
        within_limit(text)?;
        let [header, payloads, proof] = split_exact::<3>(text, '.', "three parts")?;
        let header = IssuerHeader::parse(&decode("issuer header", header)?)?;
        let payloads = payload_slots(payloads, &header)?
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .ok_or(BbsError::InvalidPayloads(
                "an issued credential hides nothing",
            ))?;
        let [signature, entropy, issuer_key] = proof_components::<3>(proof)?;
        Ok(Self {
            header,
            payloads,
            signature,
            entropy,
            issuer_key,
        })
    }

    pub(crate) fn serialize(&self) -> String {
        let payloads: Vec<String> = self.payloads.iter().map(|p| base64url::encode(p)).collect();
        format!(
            "{}.{}.{}~{}~{}",
            base64url::encode(self.header.as_bytes()),
            payloads.join("~"),
            base64url::encode(&self.signature),
            base64url::encode(&self.entropy),
            base64url::encode(&self.issuer_key),
        )
    }
}

impl Presented {
    pub(crate) fn parse(text: &str) -> Result<Self, BbsError> {
        within_limit(text)?;
        let [presentation, header, payloads, proof] = split_exact::<4>(text, '.', "four parts")?;
        let presentation =
            PresentationHeader::parse(&decode("presentation header", presentation)?)?;
        let header = IssuerHeader::parse(&decode("issuer header", header)?)?;
        let payloads = payload_slots(payloads, &header)?;
        let [proof, pseudonym] = proof_components::<2>(proof)?;
        Ok(Self {
            presentation,
            header,
            payloads,
            proof,
            pseudonym,
        })
    }

    pub(crate) fn serialize(&self) -> String {
        let payloads: Vec<String> = self
            .payloads
            .iter()
            .map(|p| p.as_deref().map(base64url::encode).unwrap_or_default())
            .collect();
        format!(
            "{}.{}.{}.{}~{}",
            base64url::encode(self.presentation.as_bytes()),
            base64url::encode(self.header.as_bytes()),
            payloads.join("~"),
            base64url::encode(&self.proof),
            base64url::encode(&self.pseudonym),
        )
    }
}
