//! Receiving credentials: the OpenID4VCI pre-authorized code flow against the issuer an
//! offer names. Issuer and authorization server metadata, token, nonce, one holder key
//! and key proof per copy, the batch, then the checks of `logic::receive` against the
//! issuer's published keys before anything is kept.

use credential::jws;
use credential::openid4vci::{CredentialOffer, KeyProof, KeyProofParams, PRE_AUTHORIZED_GRANT};
use credential::openid4vp::Origin;
use credential::{Jwks, PublicJwk, TrustedIssuer};
use serde_json::{Value, json};

use super::http::{self, HttpError};
use crate::logic::receive::{ReceiveError, Received, batch_from};
use crate::logic::store::{Cipher, HolderKeys, KeyError, Store};
use crate::logic::wallet::{Wallet, WalletError};

/// Copies asked for per credential (each presentation uses one up).
pub const COPIES_PER_BATCH: usize = 10;

/// Where the flow is, for the progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Reading the issuer's metadata.
    Contacting,
    /// Redeeming the offer's code.
    Authorizing,
    /// Making holder keys and proofs.
    MakingKeys,
    /// Waiting for the credentials.
    Receiving,
    /// Checking and storing them.
    Storing,
}

/// Why receiving failed. Nothing is kept then (keys made for it are deleted).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IssuanceError {
    /// Talking to the issuer failed.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The issuer's metadata is missing something or points to another origin.
    #[error("the issuer's metadata is not usable: {0}")]
    Metadata(&'static str),
    /// The issued credentials failed the wallet's checks.
    #[error(transparent)]
    Receive(#[from] ReceiveError),
    /// Keys or storage failed.
    #[error(transparent)]
    Wallet(#[from] WalletError),
}

impl IssuanceError {
    /// A stable machine-readable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Http(HttpError::Unreachable(_)) => "issuer_unreachable",
            Self::Http(HttpError::Status { error, .. }) if error == "invalid_grant" => {
                "offer_already_used"
            }
            Self::Http(_) => "issuer_error",
            Self::Metadata(_) => "issuer_metadata",
            Self::Receive(err) => err.code(),
            Self::Wallet(err) => err.code(),
        }
    }
}

impl From<KeyError> for IssuanceError {
    fn from(err: KeyError) -> Self {
        Self::Wallet(WalletError::Key(err))
    }
}

fn text<'a>(value: &'a Value, name: &'static str) -> Result<&'a str, IssuanceError> {
    value
        .get(name)
        .and_then(Value::as_str)
        .ok_or(IssuanceError::Metadata(name))
}

/// An endpoint from metadata, which must be on the issuer's own origin.
fn endpoint<'a>(
    value: &'a Value,
    name: &'static str,
    issuer: &Origin,
) -> Result<&'a str, IssuanceError> {
    let url = text(value, name)?;
    if Origin::of(url).as_ref() == Some(issuer) {
        Ok(url)
    } else {
        Err(IssuanceError::Metadata(name))
    }
}

/// Runs the flow for `offer` and keeps the batches; returns how many were kept.
///
/// # Errors
/// [`IssuanceError`].
pub async fn receive<S: Store, C: Cipher, K: HolderKeys>(
    wallet: &mut Wallet<S, C, K>,
    offer: &CredentialOffer,
    now: impl Fn() -> i64,
    new_id: impl Fn() -> String,
    progress: impl Fn(Step),
) -> Result<usize, IssuanceError> {
    progress(Step::Contacting);
    let issuer_url = offer.credential_issuer().trim_end_matches('/');
    let origin = Origin::of(issuer_url).ok_or(IssuanceError::Metadata("credential_issuer"))?;
    let metadata = http::json(
        "GET",
        &format!("{issuer_url}/.well-known/openid-credential-issuer"),
        &[],
        None,
    )
    .await?;
    if text(&metadata, "credential_issuer")? != offer.credential_issuer() {
        return Err(IssuanceError::Metadata("credential_issuer"));
    }
    let credential_endpoint = endpoint(&metadata, "credential_endpoint", &origin)?;
    let nonce_endpoint = endpoint(&metadata, "nonce_endpoint", &origin)?;
    let batch_size = metadata
        .pointer("/batch_credential_issuance/batch_size")
        .and_then(Value::as_u64)
        .map_or(1, |size| usize::try_from(size).unwrap_or(1));
    let copies = COPIES_PER_BATCH.min(batch_size).max(1);
    let server = http::json(
        "GET",
        &format!("{issuer_url}/.well-known/oauth-authorization-server"),
        &[],
        None,
    )
    .await?;
    let token_endpoint = endpoint(&server, "token_endpoint", &origin)?;
    let keys_document = http::json(
        "GET",
        &format!("{issuer_url}/.well-known/jwt-vc-issuer"),
        &[],
        None,
    )
    .await?;
    if text(&keys_document, "issuer")? != offer.credential_issuer() {
        return Err(IssuanceError::Metadata("issuer"));
    }
    let jwks = keys_document
        .get("jwks")
        .and_then(|jwks| Jwks::from_json(jwks).ok())
        .ok_or(IssuanceError::Metadata("jwks"))?;
    let trusted = TrustedIssuer {
        iss: offer.credential_issuer().to_owned(),
        jwks,
    };

    progress(Step::Authorizing);
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", PRE_AUTHORIZED_GRANT)
        .append_pair("pre-authorized_code", offer.pre_authorized_code())
        .finish();
    let token = http::json(
        "POST",
        token_endpoint,
        &[("content-type", "application/x-www-form-urlencoded")],
        Some(&form),
    )
    .await?;
    let access_token = text(&token, "access_token")?.to_owned();
    let authorization = format!("Bearer {access_token}");

    let mut kept = 0;
    for configuration in offer.configuration_ids() {
        progress(Step::MakingKeys);
        let nonce_answer = http::json("POST", nonce_endpoint, &[], None).await?;
        let nonce = text(&nonce_answer, "c_nonce")?.to_owned();
        let mut keys: Vec<(String, PublicJwk)> = Vec::with_capacity(copies);
        let mut proofs = Vec::with_capacity(copies);
        for _ in 0..copies {
            let (id, public) = wallet.keys().generate().await?;
            let input = KeyProof::signing_input(
                &public,
                &KeyProofParams {
                    audience: offer.credential_issuer(),
                    nonce: &nonce,
                    issued_at: now(),
                },
            );
            let signature = wallet.keys().sign(&id, input.as_bytes()).await?;
            proofs.push(jws::attach_signature(&input, &signature));
            keys.push((id, public));
        }

        progress(Step::Receiving);
        let body = json!({"credential_configuration_id": configuration, "proofs": {"jwt": proofs}});
        let answer = http::json(
            "POST",
            credential_endpoint,
            &[
                ("content-type", "application/json"),
                ("authorization", &authorization),
            ],
            Some(&body.to_string()),
        )
        .await;
        progress(Step::Storing);
        let stored = match answer {
            Ok(answer) => {
                keep(
                    wallet,
                    &answer,
                    &trusted,
                    configuration,
                    &keys,
                    new_id(),
                    now(),
                )
                .await
            }
            Err(err) => Err(err.into()),
        };
        if let Err(err) = stored {
            let ids: Vec<String> = keys.into_iter().map(|(id, _)| id).collect();
            let _ = wallet.keys().delete(&ids).await;
            return Err(err);
        }
        kept += 1;
    }
    Ok(kept)
}

async fn keep<S: Store, C: Cipher, K: HolderKeys>(
    wallet: &mut Wallet<S, C, K>,
    answer: &Value,
    trusted: &TrustedIssuer,
    configuration: &str,
    keys: &[(String, PublicJwk)],
    id: String,
    now: i64,
) -> Result<(), IssuanceError> {
    let credentials: Vec<String> = answer
        .get("credentials")
        .and_then(Value::as_array)
        .ok_or(IssuanceError::Metadata("credentials"))?
        .iter()
        .filter_map(|entry| entry.get("credential").and_then(Value::as_str))
        .map(str::to_owned)
        .collect();
    let batch = batch_from(
        &Received {
            issuer: trusted.clone(),
            configuration,
            keys,
            credentials: &credentials,
        },
        id,
        now,
    )?;
    wallet.add_batch(batch).await?;
    Ok(())
}
