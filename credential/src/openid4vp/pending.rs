//! A verifier's open requests: each `state` maps to its nonce, client identifier, query
//! and expiry, and can be used once. A response with an unknown, reused or expired state
//! is refused before its presentation is even looked at, and a verified presentation is
//! still checked against the query it answers ([`CredentialQuery::check_answer`]).

use std::collections::HashMap;

use serde_json::Value;

use super::{CredentialQuery, ResponseError};

/// Most open requests kept; the oldest is dropped beyond it.
pub(super) const MAX_PENDING: usize = 256;

/// What a verifier remembers of a request it made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRequest {
    /// The nonce the KB-JWT must carry.
    pub nonce: String,
    /// The client identifier (the KB-JWT's `aud`).
    pub client_id: String,
    /// The credential query whose presentation is expected (its `id` names it in the
    /// response's `vp_token`).
    pub query: CredentialQuery,
    /// Unix seconds after which a response is refused.
    pub expires_at: i64,
}

/// Longest saved request accepted by [`PendingRequest::restore`].
pub(super) const MAX_SAVED_BYTES: usize = 8192;
/// The version [`PendingRequest::save`] writes; saves of version 1 carried no query and
/// are refused, since their answers could not be checked against the question.
const SAVED_VERSION: u64 = 2;

impl PendingRequest {
    /// The request with its `state`, as text a page keeps (e.g. in `sessionStorage`)
    /// while the person is away at the wallet, for [`PendingRequest::restore`].
    #[must_use]
    pub fn save(&self, state: &str) -> String {
        /// The saved form, written by the serializer the request itself is written with.
        #[derive(serde::Serialize)]
        struct Saved<'a> {
            v: u64,
            state: &'a str,
            nonce: &'a str,
            client_id: &'a str,
            query: &'a CredentialQuery,
            expires_at: i64,
        }
        serde_json::to_string(&Saved {
            v: SAVED_VERSION,
            state,
            nonce: &self.nonce,
            client_id: &self.client_id,
            query: &self.query,
            expires_at: self.expires_at,
        })
        .unwrap_or_default()
    }

    /// Reads what [`PendingRequest::save`] wrote: the `state` and the request.
    ///
    /// # Errors
    /// [`ResponseError::Malformed`] naming `pending` for anything else.
    pub fn restore(text: &str) -> Result<(String, Self), ResponseError> {
        const MALFORMED: ResponseError = ResponseError::Malformed("pending");
        if text.len() > MAX_SAVED_BYTES {
            return Err(MALFORMED);
        }
        let value = crate::strict_json::parse(text.as_bytes()).ok_or(MALFORMED)?;
        let field = |name: &str| {
            value
                .get(name)
                .and_then(serde_json::Value::as_str)
                .filter(|text| !text.is_empty() && text.len() <= 2048)
                .map(str::to_owned)
                .ok_or(MALFORMED)
        };
        if value.get("v").and_then(serde_json::Value::as_u64) != Some(SAVED_VERSION) {
            return Err(MALFORMED);
        }
        let request = Self {
            nonce: field("nonce")?,
            client_id: field("client_id")?,
            query: value
                .get("query")
                .and_then(CredentialQuery::from_json)
                .ok_or(MALFORMED)?,
            expires_at: value
                .get("expires_at")
                .and_then(serde_json::Value::as_i64)
                .ok_or(MALFORMED)?,
        };
        Ok((field("state")?, request))
    }
}

/// The open requests of one verifier.
#[derive(Debug, Clone, Default)]
pub struct PendingRequests {
    open: HashMap<String, PendingRequest>,
    /// States already answered (the latest `MAX_PENDING`), which cannot be reopened.
    used: std::collections::VecDeque<String>,
}

impl PendingRequests {
    /// Remembers a request under its `state`, forgetting expired ones (and the oldest,
    /// beyond `MAX_PENDING`). A state this verifier has already taken is not reopened
    /// (returns `false`), so a saved request cannot be restored to replay an answer.
    pub fn insert(&mut self, state: String, request: PendingRequest, now: i64) -> bool {
        if self.used.contains(&state) {
            return false;
        }
        self.open.retain(|_, pending| pending.expires_at > now);
        while self.open.len() >= MAX_PENDING {
            let oldest = self
                .open
                .iter()
                .min_by_key(|(_, pending)| pending.expires_at)
                .map(|(state, _)| state.clone());
            match oldest {
                Some(state) => self.open.remove(&state),
                None => break,
            };
        }
        self.open.insert(state, request);
        true
    }

    /// Takes the request with this `state`: it cannot be used again.
    ///
    /// # Errors
    /// [`ResponseError::UnknownState`] or [`ResponseError::ExpiredRequest`].
    pub fn take(&mut self, state: &str, now: i64) -> Result<PendingRequest, ResponseError> {
        let pending = self.open.remove(state).ok_or(ResponseError::UnknownState)?;
        if self.used.len() >= MAX_PENDING {
            self.used.pop_front();
        }
        self.used.push_back(state.to_owned());
        if now >= pending.expires_at {
            return Err(ResponseError::ExpiredRequest);
        }
        Ok(pending)
    }

    /// How many requests are open.
    #[must_use]
    pub fn len(&self) -> usize {
        self.open.len()
    }

    /// Whether no request is open.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }
}

/// The states a site's pages have already answered, as the page keeps them across
/// reloads (the in-page verifier uses `localStorage`), so that a reload cannot restore a
/// saved request and accept the same answer again. Entries past their request's expiry
/// are dropped (such a request is refused anyway), and at most `MAX_PENDING` are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnsweredStates(Vec<(String, i64)>);

impl AnsweredStates {
    /// Where the in-page verifier keeps them.
    pub const STORAGE_KEY: &'static str = "cachet-verifier:answered";

    /// Reads what [`AnsweredStates::to_text`] wrote; anything else reads as empty.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        if text.len() > MAX_PENDING * (MAX_SAVED_BYTES / 8) {
            return Self::default();
        }
        let entries = crate::strict_json::parse(text.as_bytes())
            .and_then(|value| {
                value
                    .as_array()?
                    .iter()
                    .map(|entry| {
                        let pair = entry.as_array()?;
                        match pair.as_slice() {
                            [Value::String(state), expires_at] => {
                                Some((state.clone(), expires_at.as_i64()?))
                            }
                            _ => None,
                        }
                    })
                    .collect::<Option<Vec<_>>>()
            })
            .unwrap_or_default();
        Self(entries.into_iter().take(MAX_PENDING).collect())
    }

    /// Whether `state` was answered.
    #[must_use]
    pub fn contains(&self, state: &str) -> bool {
        self.0.iter().any(|(answered, _)| answered == state)
    }

    /// Records that `state` (of a request open until `expires_at`) was answered.
    pub fn record(&mut self, state: &str, expires_at: i64, now: i64) {
        self.0
            .retain(|(answered, until)| *until > now && answered != state);
        while self.0.len() >= MAX_PENDING {
            self.0.remove(0);
        }
        self.0.push((state.to_owned(), expires_at));
    }

    /// The text to keep.
    #[must_use]
    pub fn to_text(&self) -> String {
        Value::Array(
            self.0
                .iter()
                .map(|(state, expires_at)| {
                    Value::Array(vec![Value::String(state.clone()), Value::from(*expires_at)])
                })
                .collect(),
        )
        .to_string()
    }
}
