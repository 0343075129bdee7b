//! What an issuer instance is configured with: its identity, the wallet it serves, and
//! every lifetime and limit, with the defaults `serve` uses.

use crate::rate_limit::RateLimit;

/// How long a credential offer can be redeemed by default, in seconds (10 minutes).
pub const DEFAULT_OFFER_LIFETIME: i64 = 600;

/// How often status lists are published by default, in seconds (an hour).
pub const DEFAULT_STATUS_PERIOD: i64 = 3_600;

/// The issuer's settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// The credential issuer identifier (`iss`) and base of every endpoint URL, without a
    /// trailing slash.
    pub public_url: String,
    /// The wallet's origin, allowed by CORS on the issuance endpoints.
    pub wallet_origin: Option<String>,
    /// Most key proofs (copies) in one credential request.
    pub batch_size: usize,
    /// How long a copy is valid, in days (less when an age flag changes sooner).
    pub validity_days: i64,
    /// How long a credential offer can be redeemed, in seconds.
    pub offer_lifetime: i64,
    /// How long an access token can be used, in seconds.
    pub token_lifetime: i64,
    /// Seconds a refresh token stays valid (each use replaces it).
    pub refresh_lifetime: i64,
    /// How long a `c_nonce` can be used, in seconds.
    pub nonce_lifetime: i64,
    /// Oldest accepted key proof `iat`, in seconds.
    pub proof_max_age: u64,
    /// Tolerated clock difference with wallets, in seconds.
    pub clock_skew: u64,
    /// Entries per status list (1 bit each).
    pub status_capacity: u64,
    /// `ttl` of status list tokens: how long verifiers may cache them, in seconds.
    pub status_ttl: u64,
    /// Lifetime (`exp - iat`) of status list tokens, in seconds.
    pub status_token_lifetime: i64,
    /// Where verifiers fetch status lists, without a trailing slash: a list's URI is
    /// `{status_base_url}/{id}` (default `{public_url}/status`, which the issuer serves
    /// itself). Point it at a CDN that serves `publish-status`'s directory before issuing:
    /// the URI is in every copy issued.
    pub status_base_url: String,
    /// Status lists are published on this schedule, in seconds: a revocation shows in the
    /// lists at the start of the next period, together with every other one of its period.
    pub status_period: i64,
    /// Requests per client address on the token endpoint.
    pub token_rate: RateLimit,
    /// Requests per client address on the (unauthenticated) nonce endpoint.
    pub nonce_rate: RateLimit,
    /// Proxies whose `X-Forwarded-For` names the client (for per-client rate limits);
    /// from any other peer, the peer address is the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Print one line per request (method, route, status, time; never personal data).
    pub log_requests: bool,
    /// How log lines are written.
    pub log_format: LogFormat,
}

/// How the issuer writes its log lines (to stderr).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum LogFormat {
    /// `issuer: POST /credential 200 12.3 ms`.
    #[default]
    Text,
    /// One JSON object per line (`{"event":"request","method":"POST",...}`), for a log
    /// collector.
    Json,
}

impl Config {
    /// The defaults for an issuer at `public_url`.
    #[must_use]
    pub fn new(public_url: &str) -> Self {
        Self {
            public_url: public_url.trim_end_matches('/').to_owned(),
            status_base_url: format!("{}/status", public_url.trim_end_matches('/')),
            wallet_origin: None,
            batch_size: 50,
            validity_days: 365,
            offer_lifetime: DEFAULT_OFFER_LIFETIME,
            token_lifetime: 600,
            refresh_lifetime: 365 * 86_400,
            nonce_lifetime: 300,
            proof_max_age: 300,
            clock_skew: 60,
            // Indices 100,000 to 999,999 (six digits each), half of them handed out per
            // list: 450,000 copies share one list.
            status_capacity: 1_000_000,
            status_ttl: 300,
            status_token_lifetime: 86_400,
            status_period: DEFAULT_STATUS_PERIOD,
            token_rate: RateLimit {
                burst: 200.0,
                per_second: 20.0,
            },
            nonce_rate: RateLimit {
                burst: 200.0,
                per_second: 20.0,
            },
            trusted_proxies: Vec::new(),
            log_requests: true,
            log_format: LogFormat::Text,
        }
    }

    /// `public_url` + `path`.
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }
}
