//! Deciding what to show on the consent screen: who asks, why, which credential answers
//! each part of the request (the smallest one that can), which claims would be shared
//! and which not; or why the wallet refuses before showing anything.

use credential::JsonPointer;
use credential::openid4vp::matching::{Answer, Unanswerable};
use credential::openid4vp::{AuthorizationRequest, CredentialQuery, Origin};
use credential::verify::REGISTERED_CLAIMS;
use serde_json::Value;

use super::held::Holding;
use super::model::{Batch, CredentialFormat};

/// How long a request must be on screen, unchanged, before Share works (milliseconds). A
/// page that opened the wallet could otherwise swap the request (a new URL fragment)
/// under a click meant for the one the person read.
pub const SHARE_ARMING_MS: u64 = 1_000;

/// Why the wallet will not answer a request. Nothing is changed or used up by a refusal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The response would go over plain http to a host other than this computer.
    #[error("the site {0} does not use a secure connection")]
    InsecureVerifier(String),
    /// No credential of the type asked for.
    #[error("you have no credential of the type the site asks for")]
    NoSuchCredential,
    /// A credential of that type lacks these claims.
    #[error("your credentials do not have: {}", .0.join(", "))]
    MissingClaims(Vec<String>),
    /// The right credential, but every copy is used or expired.
    #[error("no unused copy is left; fetch a new batch from the issuer")]
    NoUnusedCopy,
    /// The right credential, restored from a backup: its keys stayed on the other device.
    #[error(
        "this credential was restored from a backup and can only be presented on the device that received it"
    )]
    KeysOnAnotherDevice,
    /// The site names the issuers it accepts, and no usable credential is from one of them.
    #[error("the site does not accept credentials from the issuers of yours")]
    UntrustedIssuer,
}

credential::error_codes! {
    Refusal {
        Self::InsecureVerifier(_) => "insecure_verifier",
        Self::NoSuchCredential => "no_such_credential",
        Self::MissingClaims(_) => "missing_claims",
        Self::NoUnusedCopy => "no_unused_copy",
        Self::KeysOnAnotherDevice => "keys_on_another_device",
        Self::UntrustedIssuer => "untrusted_issuer",
    }
}

/// One credential query answered by one batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The credential query id.
    pub query_id: String,
    /// The batch that answers it.
    pub batch: String,
    /// Its credential type.
    pub vct: String,
    /// Who issued it (the consent screen names it: a junk credential from an unknown
    /// issuer must not pass for the real one).
    pub issuer: String,
    /// The claims that would be shared, with their values, and whether the person may
    /// leave each out.
    pub shared: Vec<SharedClaim>,
    /// The person's other claims in that credential, which the site does not get.
    pub withheld: Vec<String>,
    /// The credential's format.
    pub format: CredentialFormat,
    /// A pseudonymous answer carries the site's pseudonym: the site recognises the person
    /// when they come back, and no other site can link them to it. (Without it, every
    /// pseudonymous answer is unlinkable, even at the same site.)
    pub site_pseudonym: bool,
    answer: Answer,
}

/// A claim on the consent screen.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedClaim {
    /// The claim the site asked for (what the person ticks).
    pub path: JsonPointer,
    /// What is disclosed to answer it: the claim itself, or its nearest disclosable
    /// ancestor when the claim cannot be disclosed alone (the screen names this one).
    pub disclosed: JsonPointer,
    /// The value the site will see at [`SharedClaim::disclosed`].
    pub value: Value,
    /// Whether the site's request is still answered without it.
    pub optional: bool,
}

impl Part {
    /// Whether sharing only `chosen` still answers this part of the request.
    #[must_use]
    pub fn accepts(&self, chosen: &[JsonPointer]) -> bool {
        self.answer.accepts(chosen)
    }

    /// Whether it is answered by a pseudonymous credential.
    #[must_use]
    pub fn is_pseudonymous(&self) -> bool {
        self.format == CredentialFormat::Pseudonymous
    }

    /// Whether the whole credential is asked for.
    #[must_use]
    pub fn everything(&self) -> bool {
        self.answer.everything
    }
}

/// What the person is asked to approve.
#[derive(Debug, Clone, PartialEq)]
pub struct Consent {
    /// The request.
    pub request: AuthorizationRequest,
    /// Who asks: the origin the response goes to.
    pub verifier: Origin,
    /// One part per credential query.
    pub parts: Vec<Part>,
}

/// Builds the consent for `request` from the held batches at `now`.
///
/// # Errors
/// [`Refusal`] saying why the wallet cannot or will not answer.
pub fn consider(
    request: AuthorizationRequest,
    batches: &[Batch],
    now: i64,
) -> Result<Consent, Refusal> {
    let verifier = request
        .verifier_origin()
        .ok_or_else(|| Refusal::InsecureVerifier(request.response_target.clone()))?;
    if !verifier.is_potentially_trustworthy() {
        return Err(Refusal::InsecureVerifier(verifier.to_string()));
    }
    let parts = request
        .dcql_query
        .credentials
        .iter()
        .map(|query| {
            // The best credential that answers: one of an issuer the site names before
            // any other, then the smallest (fewest claims).
            let mut best: Option<((bool, usize), &Batch, Answer, Holding)> = None;
            let mut refusal = Refusal::NoSuchCredential;
            for batch in batches {
                let Some(held) = Holding::of(batch) else {
                    continue;
                };
                match held.answer(query) {
                    Ok(answer) => {
                        let usable = batch.unused() > 0 && !batch.expired(now);
                        let named = query.names_issuer(&batch.issuer);
                        if !usable {
                            refusal = Refusal::NoUnusedCopy;
                        } else if batch.restored {
                            refusal = Refusal::KeysOnAnotherDevice;
                        } else if named == Some(false) {
                            refusal = Refusal::UntrustedIssuer;
                        } else {
                            let rank = (named != Some(true), held.size());
                            if best.as_ref().is_none_or(|(r, ..)| rank < *r) {
                                best = Some((rank, batch, answer, held));
                            }
                        }
                    }
                    Err(Unanswerable::MissingClaims(missing)) => {
                        let fewer = match &refusal {
                            Refusal::MissingClaims(known) => missing.len() < known.len(),
                            Refusal::NoSuchCredential => true,
                            _ => false,
                        };
                        if fewer {
                            refusal = Refusal::MissingClaims(missing);
                        }
                    }
                    Err(_) => {}
                }
            }
            let (_, batch, answer, held) = best.ok_or(refusal)?;
            Ok(part(query, batch, answer, &held))
        })
        .collect::<Result<Vec<_>, Refusal>>()?;
    Ok(Consent {
        request,
        verifier,
        parts,
    })
}

fn part(query: &CredentialQuery, batch: &Batch, answer: Answer, held: &Holding) -> Part {
    // What the presentation will carry, computed by the functions that build it (the
    // format's selection, then what it reveals), not from the request.
    let seen = Value::Object(held.seen(&answer));
    let shared: Vec<SharedClaim> = if answer.everything {
        seen.as_object()
            .into_iter()
            .flatten()
            // Everything but what describes the credential itself (a disclosed `sub` or
            // `jti` is listed: it is sent).
            .filter(|(name, _)| !REGISTERED_CLAIMS.contains(&name.as_str()))
            .map(|(name, value)| {
                let path = JsonPointer::root().child(name.clone());
                SharedClaim {
                    disclosed: path.clone(),
                    path,
                    value: value.clone(),
                    optional: false,
                }
            })
            .collect()
    } else {
        answer
            .claims
            .iter()
            .map(|path| {
                let disclosed = held.disclosed_for(path);
                SharedClaim {
                    value: disclosed.resolve(&seen).cloned().unwrap_or(Value::Null),
                    disclosed,
                    path: path.clone(),
                    optional: !answer.required(path),
                }
            })
            .collect()
    };
    let withheld = batch
        .claims
        .keys()
        .filter(|name| {
            let top = JsonPointer::root().child((*name).clone());
            !shared
                .iter()
                .any(|claim| top.contains(&claim.path) || claim.path.contains(&top))
        })
        .cloned()
        .collect();
    Part {
        query_id: query.id.clone(),
        batch: batch.id.clone(),
        vct: batch.vct.clone(),
        issuer: batch.issuer.clone(),
        shared,
        withheld,
        format: batch.format,
        site_pseudonym: batch.is_pseudonymous() && query.asks_pseudonym(),
        answer,
    }
}
