//! Token Status List (draft-ietf-oauth-status-list): a compressed bit string in which each
//! credential owns one index. Every verifier downloads the whole list, so fetching it
//! reveals nothing about which credential is being checked.
//!
//! Bits are packed from the least significant bit of byte 0 onwards; the byte array is
//! compressed with DEFLATE in the ZLIB format and base64url-encoded in `lst`.

use serde_json::{Map, Value, json};

use crate::base64url;
use crate::crypto::{Es256Signer, SignError, SignatureVerifier};
use crate::error::{Token, VerifyError};
use crate::jwk::PrivateJwk;
use crate::jws::{self, Jws};
use crate::jwt::{self, JwtError, Typ};
use crate::limits::{Limit, MAX_STATUS_LIST_BYTES};
use crate::time::{UnixTime, Window};
use crate::trusted_issuer::TrustedIssuer;

pub use crate::names::TYP_STATUS_LIST_JWT;

/// A credential's status, as a verifier acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// `0x00`: valid.
    Valid,
    /// `0x01` (revoked), and any value without an agreed meaning.
    Invalid,
    /// `0x02`: temporarily suspended.
    Suspended,
}

impl Status {
    fn from_value(value: u8) -> Self {
        match value {
            0 => Self::Valid,
            2 => Self::Suspended,
            _ => Self::Invalid,
        }
    }

    fn value(self) -> u8 {
        match self {
            Self::Valid => 0,
            Self::Invalid => 1,
            Self::Suspended => 2,
        }
    }
}

/// A credential's pointer into a status list: `status.status_list.{idx, uri}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReference {
    /// The credential's index in the list.
    pub idx: u64,
    /// Where the list is published (the list token's `sub`).
    pub uri: String,
}

impl StatusReference {
    /// Reads `{"status_list": {"idx": N, "uri": "..."}}`.
    #[must_use]
    pub fn from_claim(status: &Value) -> Option<Self> {
        let list = status.get("status_list")?;
        Some(Self {
            idx: list.get("idx")?.as_u64()?,
            uri: list.get("uri")?.as_str()?.to_owned(),
        })
    }

    /// The `status` claim for a credential.
    #[must_use]
    pub fn to_claim(&self) -> Value {
        json!({"status_list": {"idx": self.idx, "uri": self.uri}})
    }
}

/// A status list of `bits` bits per credential (1, 2, 4 or 8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    bits: u8,
    bytes: Vec<u8>,
}

impl StatusList {
    /// A list of `capacity` one-bit entries, all valid.
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            bits: 1,
            bytes: vec![0; capacity.div_ceil(8)],
        }
    }

    /// A list of `capacity` entries of `bits` bits (1, 2, 4 or 8), all valid.
    #[must_use]
    pub fn with_bits(capacity: usize, bits: u8) -> Option<Self> {
        let per_byte = match bits {
            1 | 2 | 4 | 8 => usize::from(8 / bits),
            _ => return None,
        };
        Some(Self {
            bits,
            bytes: vec![0; capacity.div_ceil(per_byte)],
        })
    }

    /// How many entries it holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.bytes.len() * usize::from(8 / self.bits)
    }

    /// Whether it holds no entry.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn position(&self, index: u64) -> Option<(usize, u32)> {
        let per_byte = u64::from(8 / self.bits);
        let byte = usize::try_from(index / per_byte).ok()?;
        let shift = u32::try_from((index % per_byte) * u64::from(self.bits)).ok()?;
        (byte < self.bytes.len()).then_some((byte, shift))
    }

    /// The raw status value at `index`, or `None` outside the list.
    #[must_use]
    pub fn get(&self, index: u64) -> Option<u8> {
        let (byte, shift) = self.position(index)?;
        let mask = u8::MAX >> (8 - u32::from(self.bits));
        self.bytes.get(byte).map(|b| (b >> shift) & mask)
    }

    /// Sets the status at `index`; returns false outside the list (or for a status that a
    /// one-bit list cannot hold).
    pub fn set(&mut self, index: u64, status: Status) -> bool {
        let value = status.value();
        let mask = u8::MAX >> (8 - u32::from(self.bits));
        if value > mask {
            return false;
        }
        let Some((byte, shift)) = self.position(index) else {
            return false;
        };
        match self.bytes.get_mut(byte) {
            Some(b) => {
                *b = (*b & !(mask << shift)) | (value << shift);
                true
            }
            None => false,
        }
    }

    /// `{"bits": N, "lst": base64url(zlib(bytes))}`.
    #[must_use]
    pub fn to_claim(&self) -> Value {
        let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&self.bytes, 9);
        json!({"bits": self.bits, "lst": base64url::encode(&compressed)})
    }

    /// Reads a `status_list` claim, refusing to inflate beyond [`MAX_STATUS_LIST_BYTES`].
    ///
    /// # Errors
    /// [`VerifyError::MalformedStatusList`] or [`VerifyError::LimitExceeded`].
    pub fn from_claim(claim: &Value) -> Result<Self, VerifyError> {
        let bits = claim
            .get("bits")
            .and_then(Value::as_u64)
            .and_then(|bits| u8::try_from(bits).ok())
            .filter(|bits| matches!(bits, 1 | 2 | 4 | 8))
            .ok_or(VerifyError::MalformedStatusList)?;
        let lst = claim
            .get("lst")
            .and_then(Value::as_str)
            .ok_or(VerifyError::MalformedStatusList)?;
        let compressed =
            base64url::decode(lst).map_err(|_| VerifyError::InvalidBase64Url("status list"))?;
        let bytes = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(
            &compressed,
            MAX_STATUS_LIST_BYTES,
        )
        .map_err(|err| match err.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                VerifyError::LimitExceeded(Limit::StatusListBytes)
            }
            _ => VerifyError::MalformedStatusList,
        })?;
        Ok(Self { bits, bytes })
    }
}

/// What a status list token says of itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListTokenParams {
    /// The URI the list is published at (`sub`).
    pub uri: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
    /// How long a verifier may cache it, in seconds.
    pub ttl: u64,
}

/// Signs a status list as a `statuslist+jwt`.
#[must_use]
pub fn sign_status_list(
    list: &StatusList,
    params: &StatusListTokenParams,
    key: &PrivateJwk,
) -> String {
    let header = json!({"alg": jws::ES256, "typ": TYP_STATUS_LIST_JWT, "kid": key.kid()});
    jws::sign(
        &header,
        &status_list_payload(list, params),
        key.signing_key(),
    )
}

/// [`sign_status_list`] with any signer (a key in an HSM).
///
/// # Errors
/// [`SignError`] from the signer.
pub fn sign_status_list_with(
    list: &StatusList,
    params: &StatusListTokenParams,
    signer: &(impl Es256Signer + ?Sized),
) -> Result<String, SignError> {
    let header = json!({"alg": jws::ES256, "typ": TYP_STATUS_LIST_JWT, "kid": signer.kid()});
    jws::sign_with(&header, &status_list_payload(list, params), signer)
}

fn status_list_payload(list: &StatusList, params: &StatusListTokenParams) -> Value {
    json!({
        "sub": params.uri,
        "iat": params.iat,
        "exp": params.exp,
        "ttl": params.ttl,
        "status_list": list.to_claim(),
    })
}

/// A status list whose token was signed by a trusted issuer and had not expired when it
/// was checked. It counts only for credentials of that issuer, and only while fresh:
/// before the token's `exp`, and within `ttl` seconds of being checked (a page that stays
/// open must fetch the list again, or it would trust a revoked credential forever).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedStatusList {
    uri: String,
    issuer: String,
    list: StatusList,
    expires_at: Option<UnixTime>,
    stale_at: Option<UnixTime>,
}

impl VerifiedStatusList {
    /// The URI the list is published at.
    #[must_use]
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The issuer that signed it: the only one whose credentials it speaks for.
    #[must_use]
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Whether this list speaks for credentials of `issuer` that refer to `uri`.
    #[must_use]
    pub fn covers(&self, issuer: &str, uri: &str) -> bool {
        self.issuer == issuer && self.uri == uri
    }

    /// Whether the list may still be used at `now`.
    ///
    /// # Errors
    /// [`VerifyError::StatusListExpired`] past the token's `exp`,
    /// [`VerifyError::StatusListStale`] past `ttl` seconds after it was checked.
    pub fn check_fresh(&self, now: UnixTime) -> Result<(), VerifyError> {
        if Window::exact(now)
            .check_validity(None, self.expires_at)
            .is_err()
        {
            return Err(VerifyError::StatusListExpired);
        }
        if self.stale_at.is_some_and(|stale| now >= stale) {
            return Err(VerifyError::StatusListStale);
        }
        Ok(())
    }

    /// The status of the credential that `reference` points to.
    ///
    /// # Errors
    /// [`VerifyError::StatusListMismatch`] if the reference is to another list or outside
    /// this one.
    pub fn status_of(&self, reference: &StatusReference) -> Result<Status, VerifyError> {
        if reference.uri != self.uri {
            return Err(VerifyError::StatusListMismatch);
        }
        self.list
            .get(reference.idx)
            .map(Status::from_value)
            .ok_or(VerifyError::StatusListMismatch)
    }
}

/// Most status lists held at once ([`StatusLists`]); the oldest goes first beyond it.
pub const MAX_STATUS_LISTS: usize = 64;

/// The status lists a verifier holds: one per issuer and URI (a newer one replaces an
/// older), at most [`MAX_STATUS_LISTS`]. The lists are shared, not copied, between the
/// holder and each verification's policy (a list of a million entries is 125 KB).
#[derive(Debug, Clone, Default)]
pub struct StatusLists {
    lists: Vec<std::sync::Arc<VerifiedStatusList>>,
}

impl StatusLists {
    /// Holds `list`, replacing one of the same issuer and URI, and dropping the oldest
    /// beyond [`MAX_STATUS_LISTS`].
    pub fn insert(&mut self, list: VerifiedStatusList) {
        self.lists
            .retain(|held| !held.covers(list.issuer(), list.uri()));
        if self.lists.len() >= MAX_STATUS_LISTS {
            self.lists.remove(0);
        }
        self.lists.push(std::sync::Arc::new(list));
    }

    /// The held list for credentials of `issuer` referring to `uri`.
    #[must_use]
    pub fn get(&self, issuer: &str, uri: &str) -> Option<&VerifiedStatusList> {
        self.lists
            .iter()
            .find(|list| list.covers(issuer, uri))
            .map(|list| &**list)
    }

    /// How many lists are held.
    #[must_use]
    pub fn len(&self) -> usize {
        self.lists.len()
    }

    /// Whether no list is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }
}

/// Verifies a status list token signed by `issuer`, valid at `now`, with `provider`.
///
/// # Errors
/// Header, signature, expiry and format errors as [`VerifyError`].
pub fn verify_status_list(
    token: &str,
    issuer: &TrustedIssuer,
    now: UnixTime,
    provider: &dyn SignatureVerifier,
) -> Result<VerifiedStatusList, VerifyError> {
    let which = Token::StatusList;
    let jws = Jws::decode(token)?;
    jwt::check_header(&jws, Typ::OneOf(&[TYP_STATUS_LIST_JWT])).map_err(|e| e.for_token(which))?;
    let mut candidates = issuer.jwks.candidates(jws.header_str("kid")).peekable();
    if candidates.peek().is_none() {
        return Err(VerifyError::UnknownKey(which));
    }
    if !candidates.any(|key| jws.verify_with(key, provider)) {
        return Err(VerifyError::InvalidSignature(which));
    }
    let payload: &Map<String, Value> = jws.payload();
    let uri = payload
        .get("sub")
        .and_then(Value::as_str)
        .ok_or(VerifyError::InvalidClaim("sub"))?;
    // The list's own validity, exactly: a verifier keeps no list past its exp.
    let expires_at = jwt::numeric_date(payload, "exp").map_err(|e| e.for_token(which))?;
    Window::exact(now)
        .check_validity(None, expires_at)
        .map_err(|e| JwtError::Time(e).for_token(which))?;
    let stale_at = match payload.get("ttl") {
        None => None,
        Some(ttl) => {
            let ttl = ttl.as_u64().ok_or(VerifyError::InvalidClaim("ttl"))?;
            Some(now.plus(ttl))
        }
    };
    let list = StatusList::from_claim(
        payload
            .get("status_list")
            .ok_or(VerifyError::MalformedStatusList)?,
    )?;
    Ok(VerifiedStatusList {
        uri: uri.to_owned(),
        issuer: issuer.iss.clone(),
        list,
        expires_at,
        stale_at,
    })
}

#[cfg(test)]
mod tests;
