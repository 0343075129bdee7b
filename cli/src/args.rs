//! Command-line arguments (the CLI contract).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Cachet: issue, present and verify SD-JWT verifiable credentials (RFC 9901, ES256) and
/// pseudonymous BBS credentials (JSON Web Proofs).
#[derive(Debug, Parser)]
#[command(name = "cachet", version)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print a new private P-256 JWK, or with --bbs a BLS12-381 G2 one (thumbprint as kid).
    Keygen(KeygenArgs),
    /// Print new holder secret material for pseudonymous credentials (keep it secret).
    HolderInit,
    /// Issue an SD-JWT (compact) on stdout.
    Issue(IssueArgs),
    /// Build a presentation on stdout.
    Present(PresentArgs),
    /// Verify a presentation; print the processed claims, or the error with exit 1.
    Verify(VerifyArgs),
    /// Print the header, payload and disclosures of an SD-JWT, unverified.
    Decode(DecodeArgs),
}

/// `cachet keygen`.
#[derive(Debug, Args)]
pub(crate) struct KeygenArgs {
    /// A BBS key (BLS12-381 G2) for pseudonymous credentials instead of a P-256 one.
    #[arg(long)]
    pub bbs: bool,
}

/// A credential format `cachet issue` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum IssueFormat {
    /// SD-JWT (VC with --vct).
    SdJwt,
    /// A pseudonymous BBS credential (JSON Web Proof); needs --holder.
    Jwp,
}

/// `cachet issue`.
#[derive(Debug, Args)]
pub(crate) struct IssueArgs {
    /// The credential format.
    #[arg(long, value_enum, default_value_t = IssueFormat::SdJwt)]
    pub format: IssueFormat,
    /// The issuer's private JWK (P-256, or BBS for --format jwp).
    #[arg(long, value_name = "FILE")]
    pub issuer_key: PathBuf,
    /// The claims, a JSON object.
    #[arg(long, value_name = "FILE")]
    pub claims: PathBuf,
    /// The holder's JWK (public or private); binds the credential to it via cnf.
    #[arg(long, value_name = "FILE")]
    pub holder_key: Option<PathBuf>,
    /// The holder's secret material (from `cachet holder-init`), for --format jwp: both
    /// sides of blind issuance run here.
    #[arg(long, value_name = "FILE", conflicts_with = "holder_key")]
    pub holder: Option<PathBuf>,
    /// The payload slots of a --format jwp credential after exp, in order (default: the
    /// pseudonymous identity's age flags).
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub slots: Vec<String>,
    /// A JSON Pointer to a selectively disclosable claim (repeatable).
    #[arg(long = "sd", value_name = "POINTER")]
    pub sd: Vec<String>,
    /// Make every non-registered property and array element, at every depth, disclosable.
    #[arg(long, conflicts_with = "sd")]
    pub sd_all: bool,
    /// How many decoy digests to add.
    #[arg(long, default_value_t = 0)]
    pub decoys: usize,
    /// The issuer identifier (default: the claims' iss).
    #[arg(long, value_name = "URI")]
    pub iss: Option<String>,
    /// The credential type; makes it an SD-JWT VC (typ dc+sd-jwt).
    #[arg(long, value_name = "URI")]
    pub vct: Option<String>,
    /// Issued-at time, Unix seconds (default: now).
    #[arg(long, value_name = "UNIX")]
    pub iat: Option<i64>,
    /// Expiry time, Unix seconds (for --format jwp, default: the end of the next weekly epoch).
    #[arg(long, value_name = "UNIX")]
    pub exp: Option<i64>,
}

/// `cachet present`.
#[derive(Debug, Args)]
pub(crate) struct PresentArgs {
    /// The issued credential (compact or JSON serialization).
    #[arg(long, value_name = "FILE")]
    pub credential: PathBuf,
    /// A JSON Pointer to a claim to disclose (repeatable).
    #[arg(long, value_name = "POINTER")]
    pub disclose: Vec<String>,
    /// Disclose everything.
    #[arg(long, conflicts_with = "disclose")]
    pub disclose_all: bool,
    /// The holder's private JWK; adds a Key Binding JWT.
    #[arg(long, value_name = "FILE", requires_all = ["nonce", "aud"])]
    pub holder_key: Option<PathBuf>,
    /// The holder's secret material, to present a pseudonymous credential.
    #[arg(long, value_name = "FILE", requires_all = ["nonce", "aud"], conflicts_with = "holder_key")]
    pub holder: Option<PathBuf>,
    /// The verifier's nonce (with --holder-key or --holder).
    #[arg(long, value_name = "N")]
    pub nonce: Option<String>,
    /// The verifier's identifier (with --holder-key or --holder).
    #[arg(long, value_name = "A")]
    pub aud: Option<String>,
    /// Include the pseudonym for this site (its origin) in a pseudonymous presentation.
    #[arg(long, value_name = "CONTEXT", requires = "holder")]
    pub pseudonym_for: Option<String>,
    /// Key Binding JWT issued-at time, Unix seconds (default: now).
    #[arg(long, value_name = "UNIX", requires = "holder_key")]
    pub iat: Option<i64>,
}

/// `cachet verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The issuer's key: a JWK (public or private) or a JWKS.
    #[arg(long, value_name = "FILE")]
    pub issuer_key: PathBuf,
    /// The expected Key Binding nonce.
    #[arg(
        long,
        value_name = "N",
        requires = "aud",
        conflicts_with = "no_key_binding"
    )]
    pub nonce: Option<String>,
    /// The expected Key Binding audience.
    #[arg(
        long,
        value_name = "A",
        requires = "nonce",
        conflicts_with = "no_key_binding"
    )]
    pub aud: Option<String>,
    /// Accept a presentation without key binding.
    #[arg(long)]
    pub no_key_binding: bool,
    /// The time to verify at, Unix seconds (default: now).
    #[arg(long, value_name = "UNIX")]
    pub now: Option<i64>,
    /// Apply the SD-JWT VC rules (typ dc+sd-jwt, vct required, ...).
    #[arg(long)]
    pub vc: bool,
    /// The presentation (default: standard input).
    #[arg(long, value_name = "FILE")]
    pub presentation: Option<PathBuf>,
    /// Require, check and print the pseudonym for this site (its origin); pseudonymous
    /// presentations only. Prints `{"claims": {...}, "pseudonym": "..."}`.
    #[arg(long, value_name = "CONTEXT")]
    pub pseudonym_for: Option<String>,
}

/// `cachet decode`.
#[derive(Debug, Args)]
pub(crate) struct DecodeArgs {
    /// The SD-JWT or presentation (default: standard input).
    pub file: Option<PathBuf>,
}
