//! `POST /nonce`: fresh `c_nonce`s for key proofs, rate limited per client.

use super::*;
use crate::store::SingleUse;

impl Issuer {
    /// Whether `client` may call the nonce endpoint now.
    #[must_use]
    pub fn allow_nonce_request(&self, client: std::net::IpAddr) -> bool {
        self.nonce_limiter.allow(client)
    }
    /// How many `c_nonce` values are outstanding, on every node.
    ///
    /// # Errors
    /// [`Refusal`] on a database failure.
    pub fn outstanding_nonces(&self) -> Result<u64, Refusal> {
        Ok(self.store.outstanding(SingleUse::CNonce, self.now())?)
    }
    /// The nonce endpoint: a fresh single-use `c_nonce`, recorded in the database so
    /// that any node accepts it once.
    ///
    /// # Errors
    /// [`Refusal`] on a database failure.
    pub fn nonce(&self) -> Result<String, Refusal> {
        let nonce = secrets::random_token(&mut OsRng, SECRET_BYTES);
        let now = self.now();
        self.store.remember_once(
            SingleUse::CNonce,
            &nonce,
            now.saturating_add(self.config.nonce_lifetime),
            now,
        )?;
        Ok(nonce)
    }
}
