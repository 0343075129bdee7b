//! Cachet's issuing service (OpenID4VCI pre-authorized code flow, batch issuance,
//! Token Status List). The only central part of Cachet, built to know as little as
//! possible: it never takes part in a presentation.
