//! What a verifier accepts: trusted issuers, the transaction it expects (audience and
//! nonce), the clock, and how strictly to apply the SD-JWT VC rules.

use crate::status_list::{StatusLists, VerifiedStatusList};
use crate::time::{UnixTime, Window};
pub use crate::trusted_issuer::TrustedIssuer;

/// Default tolerance for clock differences, in seconds.
pub const DEFAULT_CLOCK_SKEW_SECONDS: u64 = 60;
/// Default maximum age of a Key Binding JWT, in seconds.
pub const DEFAULT_MAX_KB_AGE_SECONDS: u64 = 300;

/// Whether a Key Binding JWT is required, and for which transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyBinding {
    /// The holder must prove possession of the `cnf` key, for this audience and nonce.
    Required {
        /// Expected `aud` (the verifier's identifier, e.g. its `client_id`).
        audience: String,
        /// Expected `nonce` (fresh, single use).
        nonce: String,
    },
    /// Key binding is not checked (a bearer credential). Never the default.
    NotRequired,
}

/// Which format rules apply to the Issuer-signed JWT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// SD-JWT VC: `typ` `dc+sd-jwt` (or the older `vc+sd-jwt`), `vct` and `iss` required,
    /// registered claims never selectively disclosed.
    SdJwtVc,
    /// Plain RFC 9901: any `typ` except `kb+jwt`.
    SdJwt,
}

/// A verifier's policy. Built with [`VerifyPolicy::new`]; key binding is required unless
/// [`VerifyPolicy::without_key_binding`] is called.
#[derive(Debug, Clone)]
pub struct VerifyPolicy {
    pub(crate) issuers: Vec<TrustedIssuer>,
    pub(crate) now: UnixTime,
    pub(crate) clock_skew: u64,
    pub(crate) max_kb_age: u64,
    pub(crate) key_binding: KeyBinding,
    pub(crate) profile: Profile,
    pub(crate) status_lists: StatusLists,
}

impl VerifyPolicy {
    /// A policy for an SD-JWT VC presented to `audience` with `nonce`, at time `now`
    /// (Unix seconds), with the default clock skew and key-binding age.
    #[must_use]
    pub fn new(
        issuers: Vec<TrustedIssuer>,
        now: i64,
        audience: impl Into<String>,
        nonce: impl Into<String>,
    ) -> Self {
        Self {
            issuers,
            now: UnixTime::from_secs(now),
            clock_skew: DEFAULT_CLOCK_SKEW_SECONDS,
            max_kb_age: DEFAULT_MAX_KB_AGE_SECONDS,
            key_binding: KeyBinding::Required {
                audience: audience.into(),
                nonce: nonce.into(),
            },
            profile: Profile::SdJwtVc,
            status_lists: StatusLists::default(),
        }
    }

    /// Accepts presentations without a Key Binding JWT (and ignores one if present).
    #[must_use]
    pub fn without_key_binding(mut self) -> Self {
        self.key_binding = KeyBinding::NotRequired;
        self
    }

    /// Applies plain RFC 9901 rules instead of SD-JWT VC ones.
    #[must_use]
    pub fn plain_sd_jwt(mut self) -> Self {
        self.profile = Profile::SdJwt;
        self
    }

    /// Sets the tolerated clock difference.
    #[must_use]
    pub fn clock_skew(mut self, seconds: u64) -> Self {
        self.clock_skew = seconds;
        self
    }

    /// Sets the maximum age of a Key Binding JWT.
    #[must_use]
    pub fn max_key_binding_age(mut self, seconds: u64) -> Self {
        self.max_kb_age = seconds;
        self
    }

    /// Checks the status of credentials of the list's issuer that refer to its URI in
    /// this (already verified) status list; any number of lists can be held, one per
    /// issuer and URI (a later one replaces an earlier one), up to
    /// [`crate::status_list::MAX_STATUS_LISTS`].
    #[must_use]
    pub fn status_list(mut self, list: VerifiedStatusList) -> Self {
        self.status_lists.insert(list);
        self
    }

    /// Checks statuses in these lists (shared with their holder, not copied).
    #[must_use]
    pub fn status_lists(mut self, lists: StatusLists) -> Self {
        self.status_lists = lists;
        self
    }

    /// The moment of verification, with the tolerated clock difference.
    pub(crate) fn window(&self) -> Window {
        Window::new(self.now, self.clock_skew)
    }

    /// The trusted issuer with this identifier.
    pub(crate) fn issuer(&self, iss: &str) -> Option<&TrustedIssuer> {
        self.issuers.iter().find(|issuer| issuer.iss == iss)
    }
}
