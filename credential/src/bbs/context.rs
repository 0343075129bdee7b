//! Which context a pseudonym is for: one rule, used by the holder to present and by the
//! verifier to check.
//!
//! A site that asks for its pseudonym gets the one for its origin (the wallet takes the
//! origin from its own parse of the site's URL, never from the request body; the
//! verifier passes its own). A presentation that no site asked a pseudonym of still
//! carries one, since the proof of a signature over a nym secret always does, but for a
//! one-time context the wallet draws at random and names in the presentation header: it
//! recognises nobody and links nothing, even at a verifier that sends everyone the same
//! nonce (a context made of the nonce would hand such a verifier a stable identifier).

use rand_core::CryptoRngCore;

use crate::base64url;

/// The prefix of a site's context: its origin follows.
const SITE_PREFIX: &str = "site:";
/// The prefix of a one-time context: the random value follows. The two prefixes keep the
/// two kinds of context apart whatever follows.
const ONE_TIME_PREFIX: &str = "one-time:";
/// Random bytes in a one-time context.
const ONE_TIME_BYTES: usize = 32;

/// The context of a presentation's pseudonym.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context<'a> {
    /// The site at this origin asked for its pseudonym.
    Site(&'a str),
    /// Nobody asked: a random value, named in the presentation header.
    OneTime(&'a str),
}

impl Context<'_> {
    /// The context id the proof binds.
    pub(crate) fn id(self) -> Vec<u8> {
        match self {
            Self::Site(origin) => format!("{SITE_PREFIX}{origin}").into_bytes(),
            Self::OneTime(value) => format!("{ONE_TIME_PREFIX}{value}").into_bytes(),
        }
    }
}

/// A fresh one-time context value (base64url).
pub(crate) fn one_time(rng: &mut impl CryptoRngCore) -> String {
    let mut bytes = [0u8; ONE_TIME_BYTES];
    rng.fill_bytes(&mut bytes);
    base64url::encode(&bytes)
}
