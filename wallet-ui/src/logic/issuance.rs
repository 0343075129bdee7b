//! Receiving credentials: the OpenID4VCI pre-authorized code flow against the issuer an
//! offer names. Issuer and authorization server metadata, token, nonce, one holder key
//! and key proof per copy, the batch, then the checks of `logic::receive` against the
//! issuer's published keys before anything is kept. Refreshing trades a batch's refresh
//! token for new batches the same way.
//!
//! The flow talks through an [`Http`], so it runs natively against an in-memory issuer in
//! tests, and in the page on `fetch`.

use credential::bbs::{HolderSecret, NymJwp};
use credential::format::Format;
use credential::jws;
use credential::openid4vci::{CredentialOffer, KeyProof, KeyProofParams, PRE_AUTHORIZED_GRANT};
use credential::openid4vp::Origin;
use credential::{Jwks, PublicJwk, TrustedIssuer};
use rand_core::CryptoRngCore;
use serde_json::{Value, json};

use super::http::{Http, HttpError, HttpRequest};
use super::model::{Batch, DpopKey};
use super::receive::{ReceiveError, Received, batch_from, pseudonymous_batch_from};
use super::store::{Cipher, HolderKeys, KeyError, Store};
use super::wallet::{Wallet, WalletError};

/// Copies asked for per credential (each presentation uses one up).
pub const COPIES_PER_BATCH: usize = 10;
/// The proof type of a pseudonymous credential request: the holder's commitment to its
/// nym secret, in place of key proofs (Cachet's private identifier, as the issuer's
/// metadata names it).
pub const NYM_COMMITMENT_PROOF: &str = "x-cachet-nym-commitment";

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
    /// The issuer no longer renews the batch (its refresh token was refused).
    #[error("the issuer no longer renews this credential")]
    RefreshRefused,
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

credential::error_codes! {
    IssuanceError {
        Self::Http(HttpError::Unreachable(_)) => "issuer_unreachable",
        Self::Http(http) if refuses_grant(http) => "grant_refused",
        Self::Http(_) => "issuer_error",
        Self::RefreshRefused => "refresh_refused",
        Self::Metadata(_) => "issuer_metadata",
    }
    delegate {
        Receive => ReceiveError,
        Wallet => WalletError,
    }
}

/// Whether the issuer refused the grant (the code or refresh token): `invalid_grant`.
fn refuses_grant(error: &HttpError) -> bool {
    matches!(error, HttpError::Status { error, .. } if error == "invalid_grant")
}

impl IssuanceError {
    /// Whether the issuer refused the grant (code or refresh token).
    #[must_use]
    pub fn is_grant_refused(&self) -> bool {
        matches!(self, Self::Http(http) if refuses_grant(http))
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

/// What the wallet learns from the issuer's metadata documents, with the [`Http`] to
/// reach it.
struct Issuer<'h, H> {
    http: &'h H,
    trusted: TrustedIssuer,
    credential_endpoint: String,
    nonce_endpoint: String,
    token_endpoint: String,
    copies: usize,
    /// The configurations whose format is the pseudonymous one.
    pseudonymous: Vec<String>,
}

impl<H> Issuer<'_, H> {
    fn is_pseudonymous(&self, configuration: &str) -> bool {
        self.pseudonymous.iter().any(|id| id == configuration)
    }
}

/// Reads the issuer's metadata, authorization server metadata and published keys.
async fn discover<'h, H: Http>(
    http: &'h H,
    credential_issuer: &str,
) -> Result<Issuer<'h, H>, IssuanceError> {
    let issuer_url = credential_issuer.trim_end_matches('/');
    let origin = Origin::of(issuer_url).ok_or(IssuanceError::Metadata("credential_issuer"))?;
    let get = |path: &'static str| {
        let url = format!("{issuer_url}{path}");
        async move {
            http.json(HttpRequest {
                method: "GET",
                url: &url,
                headers: &[],
                body: None,
            })
            .await
        }
    };
    let metadata = get("/.well-known/openid-credential-issuer").await?;
    if text(&metadata, "credential_issuer")? != credential_issuer {
        return Err(IssuanceError::Metadata("credential_issuer"));
    }
    let batch_size = metadata
        .pointer("/batch_credential_issuance/batch_size")
        .and_then(Value::as_u64)
        .map_or(1, |size| usize::try_from(size).unwrap_or(1));
    let server = get("/.well-known/oauth-authorization-server").await?;
    let keys = get("/.well-known/jwt-vc-issuer").await?;
    if text(&keys, "issuer")? != credential_issuer {
        return Err(IssuanceError::Metadata("issuer"));
    }
    let jwks = keys
        .get("jwks")
        .and_then(|jwks| Jwks::from_json(jwks).ok())
        .ok_or(IssuanceError::Metadata("jwks"))?;
    Ok(Issuer {
        http,
        trusted: TrustedIssuer {
            iss: credential_issuer.to_owned(),
            jwks,
        },
        credential_endpoint: endpoint(&metadata, "credential_endpoint", &origin)?.to_owned(),
        nonce_endpoint: endpoint(&metadata, "nonce_endpoint", &origin)?.to_owned(),
        token_endpoint: endpoint(&server, "token_endpoint", &origin)?.to_owned(),
        copies: COPIES_PER_BATCH.min(batch_size).max(1),
        pseudonymous: metadata
            .get("credential_configurations_supported")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(_, entry)| entry.get("format").and_then(Value::as_str) == Some(NymJwp::ID))
            .map(|(id, _)| id.clone())
            .collect(),
    })
}

/// An access token and the refresh token that came with it, bound to `dpop_key`.
struct Tokens {
    access: String,
    refresh: Option<String>,
    dpop_key: DpopKey,
}

/// A DPoP proof for `POST token_endpoint`, signed with `key` in the key store.
async fn dpop_proof<S: Store, C: Cipher, K: HolderKeys>(
    wallet: &Wallet<S, C, K>,
    issuer: &Issuer<'_, impl Http>,
    key: &DpopKey,
    now: i64,
    jti: &str,
) -> Result<String, IssuanceError> {
    let public = PublicJwk::from_json(&key.jwk).map_err(|_| IssuanceError::Metadata("dpop key"))?;
    let input = credential::openid4vci::dpop_signing_input(
        &public,
        &credential::openid4vci::DpopParams {
            method: "POST",
            url: &issuer.token_endpoint,
            jti,
            issued_at: now,
        },
    );
    let signature = wallet.keys().sign(&key.id, input.as_bytes()).await?;
    Ok(jws::attach_signature(&input, &signature))
}

/// The token request with `form`, proven with the DPoP key `dpop_key` (so the refresh
/// token that comes back is bound to it).
async fn token<S: Store, C: Cipher, K: HolderKeys>(
    wallet: &Wallet<S, C, K>,
    issuer: &Issuer<'_, impl Http>,
    form: &[(&str, &str)],
    dpop_key: DpopKey,
    now: i64,
    jti: &str,
) -> Result<Tokens, IssuanceError> {
    let mut body = form_urlencoded::Serializer::new(String::new());
    for (name, value) in form {
        body.append_pair(name, value);
    }
    let proof = dpop_proof(wallet, issuer, &dpop_key, now, jti).await?;
    let answer = issuer
        .http
        .json(HttpRequest {
            method: "POST",
            url: &issuer.token_endpoint,
            headers: &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("dpop", &proof),
            ],
            body: Some(&body.finish()),
        })
        .await?;
    Ok(Tokens {
        access: text(&answer, "access_token")?.to_owned(),
        refresh: answer
            .get("refresh_token")
            .and_then(Value::as_str)
            .map(str::to_owned),
        dpop_key,
    })
}

/// Runs the flow for `offer` and keeps the batches; returns how many were kept.
///
/// # Errors
/// [`IssuanceError`].
pub async fn receive<S: Store, C: Cipher, K: HolderKeys>(
    wallet: &mut Wallet<S, C, K>,
    http: &impl Http,
    offer: &CredentialOffer,
    now: impl Fn() -> i64,
    new_id: impl Fn() -> String,
    progress: impl Fn(Step),
    rng: &mut impl CryptoRngCore,
) -> Result<usize, IssuanceError> {
    progress(Step::Contacting);
    let issuer = discover(http, offer.credential_issuer()).await?;
    let ids = offer.configuration_ids().iter().map(String::as_str);
    let holder = holder_for(wallet, &issuer, ids, rng).await?;
    progress(Step::Authorizing);
    // A key of this offer's own, which the refresh token will be bound to.
    let (key_id, public) = wallet.keys().generate().await?;
    let dpop_key = DpopKey {
        id: key_id,
        jwk: public.bare_json(),
    };
    let tokens = token(
        wallet,
        &issuer,
        &[
            ("grant_type", PRE_AUTHORIZED_GRANT),
            ("pre-authorized_code", offer.pre_authorized_code()),
        ],
        dpop_key,
        now(),
        &new_id(),
    )
    .await?;
    let mut kept = 0;
    for configuration in offer.configuration_ids() {
        let batch = fetch_batch(
            wallet,
            &issuer,
            &tokens,
            configuration,
            &now,
            new_id(),
            &progress,
            (holder.as_ref(), &mut *rng),
        )
        .await?;
        wallet.add_batch(batch).await?;
        kept += 1;
    }
    Ok(kept)
}

/// Trades the refresh token of `batch_id` for new batches of every credential that
/// came with it, replacing them; returns how many were replaced.
///
/// # Errors
/// [`IssuanceError`]; the old batches stay then (and the new refresh token is kept
/// as soon as the issuer hands it out).
pub async fn refresh<S: Store, C: Cipher, K: HolderKeys>(
    wallet: &mut Wallet<S, C, K>,
    http: &impl Http,
    batch_id: &str,
    now: impl Fn() -> i64,
    new_id: impl Fn() -> String,
    progress: impl Fn(Step),
    rng: &mut impl CryptoRngCore,
) -> Result<usize, IssuanceError> {
    let (issuer_url, old_token, dpop_key) = wallet
        .batches()
        .iter()
        .find(|batch| batch.id == batch_id)
        .and_then(|batch| {
            Some((
                batch.issuer.clone(),
                batch.refresh_token.clone()?,
                batch.dpop_key.clone()?,
            ))
        })
        .ok_or(IssuanceError::Metadata("refresh_token"))?;
    let siblings: Vec<(String, String)> = wallet
        .batches()
        .iter()
        .filter(|batch| batch.refresh_token.as_deref() == Some(old_token.as_str()))
        .map(|batch| (batch.id.clone(), batch.configuration.clone()))
        .collect();
    progress(Step::Contacting);
    let issuer = discover(http, &issuer_url).await?;
    let holder = holder_for(
        wallet,
        &issuer,
        siblings
            .iter()
            .map(|(_, configuration)| configuration.as_str()),
        rng,
    )
    .await?;
    progress(Step::Authorizing);
    let traded = token(
        wallet,
        &issuer,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &old_token),
        ],
        dpop_key,
        now(),
        &new_id(),
    )
    .await;
    let tokens = match traded {
        Ok(tokens) => tokens,
        Err(err) => {
            if err.is_grant_refused() {
                wallet.rotate_refresh_token(&old_token, None).await?;
                return Err(IssuanceError::RefreshRefused);
            }
            return Err(err);
        }
    };
    wallet
        .rotate_refresh_token(&old_token, tokens.refresh.clone())
        .await?;
    let mut fresh = Vec::new();
    for (_, configuration) in &siblings {
        fresh.push(
            fetch_batch(
                wallet,
                &issuer,
                &tokens,
                configuration,
                &now,
                new_id(),
                &progress,
                (holder.as_ref(), &mut *rng),
            )
            .await?,
        );
    }
    let old: Vec<String> = siblings.into_iter().map(|(id, _)| id).collect();
    let replaced = fresh.len();
    wallet.replace_batches(&old, fresh).await?;
    Ok(replaced)
}

/// The wallet's holder secret when any of `configurations` is pseudonymous (made now if
/// this is the wallet's first pseudonymous credential).
async fn holder_for<'c, S: Store, C: Cipher, K: HolderKeys>(
    wallet: &mut Wallet<S, C, K>,
    issuer: &Issuer<'_, impl Http>,
    mut configurations: impl Iterator<Item = &'c str>,
    rng: &mut impl CryptoRngCore,
) -> Result<Option<HolderSecret>, IssuanceError> {
    if configurations.any(|configuration| issuer.is_pseudonymous(configuration)) {
        Ok(Some(wallet.ensure_holder_secret(rng).await?))
    } else {
        Ok(None)
    }
}

/// Makes keys and proofs, asks for one batch and checks it (keeping the grant's refresh
/// token with it); deletes the keys on failure. A pseudonymous configuration is asked
/// for with the holder's commitment instead.
#[allow(clippy::too_many_arguments)]
async fn fetch_batch<S: Store, C: Cipher, K: HolderKeys>(
    wallet: &Wallet<S, C, K>,
    issuer: &Issuer<'_, impl Http>,
    tokens: &Tokens,
    configuration: &str,
    now: &impl Fn() -> i64,
    id: String,
    progress: &impl Fn(Step),
    (holder, rng): (Option<&HolderSecret>, &mut impl CryptoRngCore),
) -> Result<Batch, IssuanceError> {
    if issuer.is_pseudonymous(configuration) {
        let holder = holder.ok_or(IssuanceError::Metadata("holder secret"))?;
        return fetch_pseudonymous(
            issuer,
            tokens,
            configuration,
            holder,
            (now, id),
            progress,
            rng,
        )
        .await;
    }
    progress(Step::MakingKeys);
    let nonce_answer = issuer
        .http
        .json(HttpRequest {
            method: "POST",
            url: &issuer.nonce_endpoint,
            headers: &[],
            body: None,
        })
        .await?;
    let nonce = text(&nonce_answer, "c_nonce")?.to_owned();
    let mut keys: Vec<(String, PublicJwk)> = Vec::with_capacity(issuer.copies);
    let made = make_proofs(wallet, issuer, &nonce, now(), &mut keys).await;
    let result = match made {
        Ok(proofs) => {
            progress(Step::Receiving);
            let proofs = json!({"jwt": proofs});
            let answer = request_credential(issuer, tokens, configuration, &proofs).await;
            progress(Step::Storing);
            match answer {
                Ok(answer) => checked(&answer, &issuer.trusted, configuration, &keys, id, now())
                    .map(|mut batch| {
                        batch.refresh_token.clone_from(&tokens.refresh);
                        batch.dpop_key = Some(tokens.dpop_key.clone());
                        batch
                    }),
                Err(err) => Err(err.into()),
            }
        }
        Err(err) => Err(err),
    };
    if result.is_err() {
        let ids: Vec<String> = keys.into_iter().map(|(id, _)| id).collect();
        let _ = wallet.keys().delete(&ids).await;
    }
    result
}

/// The credential request for `configuration` with `proofs`, under the access token.
async fn request_credential(
    issuer: &Issuer<'_, impl Http>,
    tokens: &Tokens,
    configuration: &str,
    proofs: &Value,
) -> Result<Value, HttpError> {
    let body = json!({"credential_configuration_id": configuration, "proofs": proofs});
    let authorization = format!("Bearer {}", tokens.access);
    issuer
        .http
        .json(HttpRequest {
            method: "POST",
            url: &issuer.credential_endpoint,
            headers: &[
                ("content-type", "application/json"),
                ("authorization", &authorization),
            ],
            body: Some(&body.to_string()),
        })
        .await
}

/// Asks for a pseudonymous credential with the holder's commitment (the same point on
/// every request: the issuer recognises it) and checks what comes back.
async fn fetch_pseudonymous(
    issuer: &Issuer<'_, impl Http>,
    tokens: &Tokens,
    configuration: &str,
    holder: &HolderSecret,
    (now, id): (&impl Fn() -> i64, String),
    progress: &impl Fn(Step),
    rng: &mut impl CryptoRngCore,
) -> Result<Batch, IssuanceError> {
    progress(Step::MakingKeys);
    let commitment = holder
        .commit(rng)
        .map_err(|_| IssuanceError::Metadata("commitment"))?;
    progress(Step::Receiving);
    let proofs =
        json!({ NYM_COMMITMENT_PROOF: [credential::base64url::encode(commitment.as_bytes())] });
    let answer = request_credential(issuer, tokens, configuration, &proofs).await?;
    progress(Step::Storing);
    let credentials = answer
        .get("credentials")
        .and_then(Value::as_array)
        .ok_or(IssuanceError::Metadata("credentials"))?;
    let [entry] = credentials.as_slice() else {
        return Err(ReceiveError::WrongCount {
            asked: 1,
            got: credentials.len(),
        }
        .into());
    };
    let text = entry
        .get("credential")
        .and_then(Value::as_str)
        .ok_or(IssuanceError::Metadata("credential"))?;
    let mut batch =
        pseudonymous_batch_from(&issuer.trusted, configuration, text, holder, id, now())?;
    batch.refresh_token.clone_from(&tokens.refresh);
    batch.dpop_key = Some(tokens.dpop_key.clone());
    Ok(batch)
}

/// One holder key and key proof per copy (keys are pushed as they are made, so the
/// caller can delete them if anything fails).
async fn make_proofs<S: Store, C: Cipher, K: HolderKeys>(
    wallet: &Wallet<S, C, K>,
    issuer: &Issuer<'_, impl Http>,
    nonce: &str,
    issued_at: i64,
    keys: &mut Vec<(String, PublicJwk)>,
) -> Result<Vec<String>, IssuanceError> {
    let mut proofs = Vec::with_capacity(issuer.copies);
    for _ in 0..issuer.copies {
        let (id, public) = wallet.keys().generate().await?;
        keys.push((id.clone(), public.clone()));
        let input = KeyProof::signing_input(
            &public,
            &KeyProofParams {
                audience: &issuer.trusted.iss,
                nonce,
                issued_at,
            },
        );
        let signature = wallet.keys().sign(&id, input.as_bytes()).await?;
        proofs.push(jws::attach_signature(&input, &signature));
    }
    Ok(proofs)
}

fn checked(
    answer: &Value,
    trusted: &TrustedIssuer,
    configuration: &str,
    keys: &[(String, PublicJwk)],
    id: String,
    now: i64,
) -> Result<Batch, IssuanceError> {
    let credentials: Vec<String> = answer
        .get("credentials")
        .and_then(Value::as_array)
        .ok_or(IssuanceError::Metadata("credentials"))?
        .iter()
        .filter_map(|entry| entry.get("credential").and_then(Value::as_str))
        .map(str::to_owned)
        .collect();
    Ok(batch_from(
        &Received {
            issuer: trusted.clone(),
            configuration,
            keys,
            credentials: &credentials,
        },
        id,
        now,
    )?)
}
