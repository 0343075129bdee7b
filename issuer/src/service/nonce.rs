//! `POST /nonce`: fresh `c_nonce`s for key proofs, rate limited per client.

use super::*;

impl Issuer {
    /// Whether `client` may call the nonce endpoint now.
    #[must_use]
    pub fn allow_nonce_request(&self, client: std::net::IpAddr) -> bool {
        self.nonce_limiter.allow(client)
    }
    /// How many `c_nonce` values are outstanding (bounded by
    /// [`crate::nonces::MAX_OUTSTANDING`]).
    #[must_use]
    pub fn outstanding_nonces(&self) -> usize {
        self.nonces.len()
    }
    /// The nonce endpoint: a fresh single-use `c_nonce`.
    #[must_use]
    pub fn nonce(&self) -> String {
        let nonce = secrets::random_token(&mut OsRng, SECRET_BYTES);
        let now = self.now();
        self.nonces.insert(
            nonce.clone(),
            now.saturating_add(self.config.nonce_lifetime),
            now,
        );
        nonce
    }
}
