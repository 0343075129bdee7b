//! How a command fails: a rejection (exit 1) or a usage error (exit 2).

/// How a command failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// `verify` rejected the presentation: `{"error": CODE, "message": TEXT}` (exit 1).
    Rejected(String),
    /// Bad arguments or unreadable input (exit 2).
    Usage(String),
}
