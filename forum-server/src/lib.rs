//! The Riverside Forum's own server: sign-up with a pseudonymous credential, verified
//! natively with Cachet's core, and one account per person.
//!
//! Why a server: a check that runs only in the page can be faked by the page's own
//! visitor (who controls that page), so binding an account to a person needs the
//! verification where the account lives. The forum asks the wallet for "over 16" and the
//! forum's own pseudonym, by `direct_post` to this server; it verifies the answer against
//! its own question, and finds or makes the account of that pseudonym in SQLite. The same
//! person signing up again finds their existing account; a second account needs a second
//! person (or an issuer's counted reset). No other site can link the pseudonym to this one.
//!
//! The server keeps no personal data: an account is a pseudonym, when it was made, and
//! how often it signed in. Open sign-ups are kept in SQLite as the core's saved requests
//! (so a restart does not lose them), and each answer is taken once.
//!
//! [`router`] serves `/accounts/*` for the forum's origin (the demo serves the static
//! pages beside it); [`Forum`] is the logic, testable without HTTP.

mod accounts;
mod routes;
mod signup;

pub use accounts::{Account, AccountStore, StoreError};
pub use routes::router;
pub use signup::{Forum, ForumConfig, SignUp, SignUpError, SignUpResult, TrustSource};
