//! The wallet itself: what it holds (decrypted, in memory), and every change to it,
//! written through to the encrypted store before it is reported done.
//!
//! A copy is marked used, and the history written, in one atomic commit *before* the
//! presentation leaves the wallet, so a copy is never presented twice even if the page
//! is closed mid-way. A refused or declined request changes nothing. A pseudonymous
//! credential is never used up: each presentation is a fresh proof.
//!
//! The holder secret behind pseudonyms ([`super::holder`]) is kept here too, sealed, and
//! left out of [`Contents`] (what backups hold).

use credential::bbs::{HolderSecret, NymCredential};
use credential::format::Held;
use credential::openid4vp::{AuthorizationRequest, AuthorizationResponse, ResponseMode};
use credential::{Credential, KeyBindingParams};
use rand_core::CryptoRngCore;
use serde::{Deserialize, Serialize};

use super::consent::{self, Consent, Part, Refusal};
use super::held;
use super::holder::{HOLDER_RECORD, HolderRecord};
use super::model::{Batch, HistoryEntry, RECORD_VERSION};
use super::recovery::{self, RecoveryError};
use super::store::{Cipher, HolderKeys, KeyError, Store, StoreError, Table, Write};
use credential::JsonPointer;

/// Why a wallet operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WalletError {
    /// The device storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A holder key failed.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A stored record is not a record of this wallet.
    #[error("a stored record is damaged")]
    Damaged,
    /// The consent no longer matches what the wallet holds (e.g. changed in another tab).
    #[error("the wallet changed; open the request again")]
    Stale,
    /// The chosen claims do not answer the request.
    #[error("the site's request is not answered without the claims you left out")]
    NotEnoughClaims,
    /// The response is too large for a QR code.
    #[error("the response cannot be shown as a QR code")]
    NoQr,
    /// A recovery code was not accepted.
    #[error(transparent)]
    Recovery(#[from] RecoveryError),
    /// The pseudonymous proof could not be made.
    #[error("the proof could not be made")]
    Proof,
}

credential::error_codes! {
    WalletError {
        Self::Key(KeyError::Missing) => "holder_key_missing",
        Self::Key(_) => "holder_key_failed",
        Self::Damaged => "damaged_record",
        Self::Stale => "stale_consent",
        Self::NotEnoughClaims => "not_enough_claims",
        Self::NoQr => "no_qr",
        Self::Proof => "proof_failed",
    }
    delegate {
        Store => StoreError,
        Recovery => RecoveryError,
    }
}

/// How the response leaves the wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Open this URL (the site's `redirect_uri` with the response in the fragment).
    Redirect(String),
    /// POST this form body to the URL (`direct_post`).
    Post {
        /// The `response_uri`.
        url: String,
        /// `application/x-www-form-urlencoded` body.
        body: String,
    },
    /// Show this text as a QR code for the site's camera (cross-device, no server).
    Qr(String),
}

/// How a request reached the wallet, which decides how the answer goes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// A link opened on this device: redirect back to the site.
    SameDevice,
    /// Scanned or pasted from another device's screen: show a QR code for its camera.
    CrossDevice,
}

/// Everything the wallet holds, as written into a backup.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Contents {
    /// The credential batches.
    pub batches: Vec<Batch>,
    /// The history, newest first.
    pub history: Vec<HistoryEntry>,
}

/// The wallet over a store, a cipher and a key store.
pub struct Wallet<S, C, K> {
    store: S,
    cipher: C,
    keys: K,
    contents: Contents,
    holder: Option<HolderRecord>,
}

impl<S: Store, C: Cipher, K: HolderKeys> Wallet<S, C, K> {
    /// Opens the wallet, decrypting everything stored.
    ///
    /// # Errors
    /// [`WalletError`] if the store fails or a record cannot be decrypted (wrong key);
    /// nothing is deleted then.
    pub async fn open(store: S, cipher: C, keys: K) -> Result<Self, WalletError> {
        let mut batches: Vec<Batch> = load(&store, &cipher, Table::Batches).await?;
        let mut history: Vec<HistoryEntry> = load(&store, &cipher, Table::History).await?;
        let holder: Option<HolderRecord> = load(&store, &cipher, Table::Holder).await?.pop();
        batches.sort_by(|a, b| (b.received_at, &b.id).cmp(&(a.received_at, &a.id)));
        history.sort_by(|a, b| (b.at, &b.id).cmp(&(a.at, &a.id)));
        Ok(Self {
            store,
            cipher,
            keys,
            contents: Contents { batches, history },
            holder,
        })
    }

    /// The holder secret behind the person's pseudonyms, if this wallet has one.
    #[must_use]
    pub fn holder_secret(&self) -> Option<HolderSecret> {
        self.holder.as_ref().and_then(HolderRecord::secret)
    }

    /// The holder secret, made (and stored, sealed) from `rng` if there is none yet; its
    /// recovery code is then shown ([`Self::recovery_code`]) until written down.
    ///
    /// # Errors
    /// [`WalletError`] if it cannot be stored.
    pub async fn ensure_holder_secret(
        &mut self,
        rng: &mut impl CryptoRngCore,
    ) -> Result<HolderSecret, WalletError> {
        if let Some(secret) = self.holder_secret() {
            return Ok(secret);
        }
        let secret = HolderSecret::generate(rng);
        self.set_holder(HolderRecord::new(secret.seed(), false))
            .await?;
        Ok(secret)
    }

    /// The recovery code, while the person has not confirmed writing it down; never
    /// again after that.
    #[must_use]
    pub fn recovery_code(&self) -> Option<String> {
        let record = self.holder.as_ref().filter(|record| !record.code_written)?;
        record.seed().map(|seed| recovery::encode(&seed))
    }

    /// Records that the recovery code is written down: it is not shown again.
    ///
    /// # Errors
    /// [`WalletError`] if the store fails.
    pub async fn recovery_code_written(&mut self) -> Result<(), WalletError> {
        let Some(seed) = self.holder.as_ref().and_then(HolderRecord::seed) else {
            return Ok(());
        };
        self.set_holder(HolderRecord::new(&seed, true)).await
    }

    /// Takes the holder secret from a recovery code typed by the person (a wallet
    /// restored on another device): the issuer then recognises the same commitment, and
    /// the sites the same pseudonyms.
    ///
    /// # Errors
    /// [`RecoveryError`] for a mistyped code, or [`RecoveryError::InUse`] when this
    /// wallet holds pseudonymous credentials under another secret.
    pub async fn restore_holder_secret(&mut self, typed: &str) -> Result<(), WalletError> {
        let seed = recovery::decode(typed)?;
        if self
            .holder_secret()
            .is_some_and(|held| held.seed() == &seed)
        {
            return Ok(());
        }
        if self.holder.is_some() && self.batches().iter().any(Batch::is_pseudonymous) {
            return Err(RecoveryError::InUse.into());
        }
        self.set_holder(HolderRecord::new(&seed, true)).await
    }

    async fn set_holder(&mut self, record: HolderRecord) -> Result<(), WalletError> {
        let write = self.put(Table::Holder, HOLDER_RECORD, &record).await?;
        self.store.commit(vec![write]).await?;
        self.holder = Some(record);
        Ok(())
    }

    /// The key store (to make keys for a new batch).
    pub fn keys(&self) -> &K {
        &self.keys
    }

    /// The cipher records are sealed with.
    pub fn cipher(&self) -> &C {
        &self.cipher
    }

    /// The batches, newest first.
    #[must_use]
    pub fn batches(&self) -> &[Batch] {
        &self.contents.batches
    }

    /// The history, newest first.
    #[must_use]
    pub fn history(&self) -> &[HistoryEntry] {
        &self.contents.history
    }

    /// Everything held (for a backup).
    #[must_use]
    pub fn contents(&self) -> &Contents {
        &self.contents
    }

    /// Keeps a new batch.
    ///
    /// # Errors
    /// [`WalletError`] if it cannot be stored (then it is not kept).
    pub async fn add_batch(&mut self, batch: Batch) -> Result<(), WalletError> {
        let write = self.put(Table::Batches, &batch.id, &batch).await?;
        self.store.commit(vec![write]).await?;
        self.contents.batches.insert(0, batch);
        Ok(())
    }

    /// Replaces batches by new ones (a refresh) in one commit, and deletes the old
    /// copies' keys.
    ///
    /// # Errors
    /// [`WalletError`] if the store fails (then nothing changes).
    pub async fn replace_batches(
        &mut self,
        old: &[String],
        new: Vec<Batch>,
    ) -> Result<(), WalletError> {
        let mut writes: Vec<Write> = old
            .iter()
            .map(|id| Write::Delete(Table::Batches, id.clone()))
            .collect();
        for batch in &new {
            writes.push(self.put(Table::Batches, &batch.id, batch).await?);
        }
        self.store.commit(writes).await?;
        let keys = self.key_ids(|batch| old.contains(&batch.id));
        self.contents
            .batches
            .retain(|batch| !old.contains(&batch.id));
        for batch in new.into_iter().rev() {
            self.contents.batches.insert(0, batch);
        }
        let _ = self.keys.delete(&keys).await;
        Ok(())
    }

    /// Records a new refresh token in place of a spent one (or none, when the issuer
    /// refused it) on every batch that held it, before anything else can fail.
    ///
    /// # Errors
    /// [`WalletError`] if the store fails.
    pub async fn rotate_refresh_token(
        &mut self,
        old: &str,
        new: Option<String>,
    ) -> Result<(), WalletError> {
        let mut updated = Vec::new();
        for batch in &self.contents.batches {
            if batch.refresh_token.as_deref() == Some(old) {
                let mut batch = batch.clone();
                batch.refresh_token.clone_from(&new);
                updated.push(batch);
            }
        }
        let mut writes = Vec::new();
        for batch in &updated {
            writes.push(self.put(Table::Batches, &batch.id, batch).await?);
        }
        self.store.commit(writes).await?;
        for batch in updated {
            if let Some(slot) = self.contents.batches.iter_mut().find(|b| b.id == batch.id) {
                *slot = batch;
            }
        }
        Ok(())
    }

    /// What the person would be asked to approve for `request`.
    ///
    /// # Errors
    /// [`Refusal`] if the wallet cannot or will not answer.
    pub fn consider(&self, request: AuthorizationRequest, now: i64) -> Result<Consent, Refusal> {
        consent::consider(request, &self.contents.batches, now)
    }

    /// Presents what the person approved: `chosen[i]` are the claims of part `i` they
    /// left ticked. Uses one unused copy per part, marks it used and records the history
    /// before returning the response to deliver.
    ///
    /// # Errors
    /// [`WalletError`]; nothing is used up unless it succeeds.
    pub async fn approve(
        &mut self,
        consent: &Consent,
        chosen: &[Vec<JsonPointer>],
        channel: Channel,
        now: i64,
        history_id: String,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Delivery, WalletError> {
        let request = &consent.request;
        let mut response = AuthorizationResponse {
            state: request.state.clone(),
            vp_token: Default::default(),
        };
        let mut updated: Vec<Batch> = Vec::new();
        let mut used_keys = Vec::new();
        let mut shared_all = Vec::new();
        for (part, claims) in consent.parts.iter().zip(chosen) {
            if !part.accepts(claims) {
                return Err(WalletError::NotEnoughClaims);
            }
            let mut batch = updated
                .iter()
                .find(|b| b.id == part.batch)
                .or_else(|| self.contents.batches.iter().find(|b| b.id == part.batch))
                .cloned()
                .ok_or(WalletError::Stale)?;
            if batch.is_pseudonymous() {
                let presented = self.present_pseudonymous(consent, part, &batch, claims, rng)?;
                response
                    .vp_token
                    .insert(part.query_id.clone(), vec![presented]);
                shared_all.extend(claims.iter().map(ToString::to_string));
                continue;
            }
            // The first unused copy in the order received: the choice must not depend on
            // anything a verifier could see (picking the shortest would favour copies
            // with fewer digests, whose count could then tell the verifier something).
            let copy = batch
                .copies
                .iter_mut()
                .find(|copy| !copy.used)
                .ok_or(WalletError::Stale)?;
            let credential =
                Credential::parse(&copy.credential).map_err(|_| WalletError::Damaged)?;
            let selection = if part.everything() {
                credential.select_all()
            } else {
                credential.select(claims).map_err(|_| WalletError::Stale)?
            };
            let unsigned = credential.present_with_key_binding(
                &selection,
                &KeyBindingParams {
                    audience: request.client_id.clone(),
                    nonce: request.nonce.clone(),
                    iat: now,
                },
            );
            let signature = self.keys.sign(&copy.key, unsigned.signing_input()).await?;
            response
                .vp_token
                .insert(part.query_id.clone(), vec![unsigned.finish(&signature)]);
            copy.used = true;
            used_keys.push(copy.key.clone());
            shared_all.extend(claims.iter().map(ToString::to_string));
            updated.retain(|b| b.id != batch.id);
            updated.push(batch);
        }
        let delivery = deliver(request, &response, channel)?;
        let entry = HistoryEntry {
            v: RECORD_VERSION,
            id: history_id,
            at: now,
            verifier: consent.verifier.to_string(),
            purpose: request.purpose.clone(),
            vct: consent
                .parts
                .iter()
                .map(|p| p.vct.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            shared: shared_all,
            pseudonym: consent.parts.iter().any(|part| part.site_pseudonym),
        };
        let mut writes = Vec::new();
        for batch in &updated {
            writes.push(self.put(Table::Batches, &batch.id, batch).await?);
        }
        writes.push(self.put(Table::History, &entry.id, &entry).await?);
        self.store.commit(writes).await?;
        for batch in updated {
            if let Some(slot) = self.contents.batches.iter_mut().find(|b| b.id == batch.id) {
                *slot = batch;
            }
        }
        self.contents.history.insert(0, entry);
        // A used copy's key is never needed again.
        let _ = self.keys.delete(&used_keys).await;
        Ok(delivery)
    }

    /// A pseudonymous presentation of `batch` for `part`: the chosen claims, bound to the
    /// request's audience and nonce, with the site's pseudonym for the origin the wallet
    /// shows (never a value of the request body) when the site asked for it.
    fn present_pseudonymous(
        &self,
        consent: &Consent,
        part: &Part,
        batch: &Batch,
        claims: &[JsonPointer],
        rng: &mut impl CryptoRngCore,
    ) -> Result<String, WalletError> {
        let holder = self
            .holder_secret()
            .ok_or(WalletError::Key(KeyError::Missing))?;
        let credential = batch
            .copies
            .first()
            .and_then(|copy| NymCredential::read(&copy.credential).ok())
            .ok_or(WalletError::Damaged)?;
        let paths = if part.everything() {
            held::every_claim(&credential)
        } else {
            claims.to_vec()
        };
        let selection = Held::select(&credential, &paths).map_err(|_| WalletError::Stale)?;
        let site = consent.verifier.to_string();
        let request = &consent.request;
        credential
            .present(
                &holder,
                &selection,
                &request.client_id,
                &request.nonce,
                part.site_pseudonym.then_some(site.as_str()),
                rng,
            )
            .map_err(|_| WalletError::Proof)
    }

    /// Deletes one history entry.
    ///
    /// # Errors
    /// [`WalletError`] if the store fails (the entry is then kept).
    pub async fn forget(&mut self, history_id: &str) -> Result<(), WalletError> {
        self.store
            .commit(vec![Write::Delete(Table::History, history_id.to_owned())])
            .await?;
        self.contents.history.retain(|entry| entry.id != history_id);
        Ok(())
    }

    /// Deletes the whole history.
    ///
    /// # Errors
    /// [`WalletError`] if the store fails.
    pub async fn forget_all(&mut self) -> Result<(), WalletError> {
        self.store
            .commit(vec![Write::Clear(Table::History)])
            .await?;
        self.contents.history.clear();
        Ok(())
    }

    /// Deletes a batch and its keys.
    ///
    /// # Errors
    /// [`WalletError`] if the store fails.
    pub async fn delete_batch(&mut self, batch_id: &str) -> Result<(), WalletError> {
        self.store
            .commit(vec![Write::Delete(Table::Batches, batch_id.to_owned())])
            .await?;
        let keys = self.key_ids(|batch| batch.id == batch_id);
        self.contents.batches.retain(|batch| batch.id != batch_id);
        self.keys.delete(&keys).await?;
        Ok(())
    }

    /// Deletes every credential, key and history entry.
    ///
    /// # Errors
    /// [`WalletError`] if the store fails.
    pub async fn delete_everything(&mut self) -> Result<(), WalletError> {
        self.store
            .commit(vec![
                Write::Clear(Table::Batches),
                Write::Clear(Table::History),
                Write::Clear(Table::Holder),
            ])
            .await?;
        let keys = self.key_ids(|_| true);
        self.contents = Contents::default();
        self.holder = None;
        self.keys.delete(&keys).await?;
        Ok(())
    }

    /// Adds what a backup holds: batches and entries not already here. Restored batches
    /// are marked as such (their holder keys stay on the device that made them).
    /// Pseudonymous credentials are not restored from backups: they come back with the
    /// recovery code and a new offer from the issuer, which recognises the person.
    ///
    /// # Errors
    /// [`WalletError`] if the store fails (then nothing is added).
    pub async fn restore(&mut self, backup: Contents) -> Result<usize, WalletError> {
        let mut writes = Vec::new();
        let mut batches = Vec::new();
        for mut batch in backup.batches {
            if batch.is_pseudonymous() || self.contents.batches.iter().any(|b| b.id == batch.id) {
                continue;
            }
            batch.restored = true;
            batch.refresh_token = None;
            writes.push(self.put(Table::Batches, &batch.id, &batch).await?);
            batches.push(batch);
        }
        let mut entries = Vec::new();
        for entry in backup.history {
            if self.contents.history.iter().any(|e| e.id == entry.id) {
                continue;
            }
            writes.push(self.put(Table::History, &entry.id, &entry).await?);
            entries.push(entry);
        }
        self.store.commit(writes).await?;
        let added = batches.len();
        self.contents.batches.extend(batches);
        self.contents.history.extend(entries);
        self.contents
            .history
            .sort_by(|a, b| (b.at, &b.id).cmp(&(a.at, &a.id)));
        Ok(added)
    }

    /// Seals every record again under `cipher` (a new passphrase) and applies the vault
    /// metadata changes `meta` that make it the key to use, all in one atomic commit;
    /// continues with the new cipher.
    ///
    /// # Errors
    /// [`WalletError`] with the wallet unchanged (records and metadata as before).
    pub async fn reseal<D: Cipher>(
        self,
        cipher: D,
        meta: Vec<Write>,
    ) -> Result<Wallet<S, D, K>, (Self, WalletError)> {
        let Self {
            store,
            cipher: old,
            keys,
            contents,
            holder,
        } = self;
        let wallet = Wallet {
            store,
            cipher,
            keys,
            contents,
            holder,
        };
        match wallet.sealed_contents().await {
            Ok(mut writes) => {
                writes.extend(meta);
                match wallet.store.commit(writes).await {
                    Ok(()) => Ok(wallet),
                    Err(err) => Err((wallet.with_cipher(old), err.into())),
                }
            }
            Err(err) => Err((wallet.with_cipher(old), err)),
        }
    }

    fn with_cipher<D>(self, cipher: D) -> Wallet<S, D, K> {
        Wallet {
            store: self.store,
            cipher,
            keys: self.keys,
            contents: self.contents,
            holder: self.holder,
        }
    }

    async fn sealed_contents(&self) -> Result<Vec<Write>, WalletError> {
        let mut writes = vec![Write::Clear(Table::Batches), Write::Clear(Table::History)];
        for batch in &self.contents.batches {
            writes.push(self.put(Table::Batches, &batch.id, batch).await?);
        }
        for entry in &self.contents.history {
            writes.push(self.put(Table::History, &entry.id, entry).await?);
        }
        writes.push(Write::Clear(Table::Holder));
        if let Some(record) = &self.holder {
            writes.push(self.put(Table::Holder, HOLDER_RECORD, record).await?);
        }
        Ok(writes)
    }

    fn key_ids(&self, which: impl Fn(&Batch) -> bool) -> Vec<String> {
        self.contents
            .batches
            .iter()
            .filter(|batch| which(batch))
            .flat_map(|batch| batch.copies.iter().map(|copy| copy.key.clone()))
            .filter(|key| !key.is_empty())
            .collect()
    }

    async fn put<T: Serialize>(
        &self,
        table: Table,
        id: &str,
        record: &T,
    ) -> Result<Write, WalletError> {
        let plain = serde_json::to_vec(record).map_err(|_| WalletError::Damaged)?;
        let sealed = self.cipher.seal(&plain).await?;
        Ok(Write::Put(table, id.to_owned(), sealed))
    }
}

/// The response to `request`, delivered as the channel and response mode require.
fn deliver(
    request: &AuthorizationRequest,
    response: &AuthorizationResponse,
    channel: Channel,
) -> Result<Delivery, WalletError> {
    Ok(match (request.response_mode, channel) {
        (ResponseMode::DirectPost, _) => Delivery::Post {
            url: request.response_target.clone(),
            body: response.to_form(),
        },
        (ResponseMode::Fragment, Channel::SameDevice) => {
            Delivery::Redirect(with_fragment(&request.response_target, &response.to_form()))
        }
        (ResponseMode::Fragment, Channel::CrossDevice) => {
            Delivery::Qr(response.to_compact().map_err(|_| WalletError::NoQr)?)
        }
    })
}

/// What to send when the person declines: `access_denied`, to the same place an answer
/// would go (nothing for a cross-device request; the site's page times out).
#[must_use]
pub fn decline(request: &AuthorizationRequest, channel: Channel) -> Option<Delivery> {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("error", "access_denied")
        .append_pair("state", &request.state)
        .finish();
    match (request.response_mode, channel) {
        (ResponseMode::DirectPost, _) => Some(Delivery::Post {
            url: request.response_target.clone(),
            body,
        }),
        (ResponseMode::Fragment, Channel::SameDevice) => Some(Delivery::Redirect(with_fragment(
            &request.response_target,
            &body,
        ))),
        (ResponseMode::Fragment, Channel::CrossDevice) => None,
    }
}

fn with_fragment(url: &str, fragment: &str) -> String {
    let base = url.split_once('#').map_or(url, |(base, _)| base);
    format!("{base}#{fragment}")
}

async fn load<T: for<'de> Deserialize<'de>>(
    store: &impl Store,
    cipher: &impl Cipher,
    table: Table,
) -> Result<Vec<T>, WalletError> {
    let mut records = Vec::new();
    for sealed in store.all(table).await? {
        let plain = cipher.open(&sealed).await?;
        records.push(serde_json::from_slice(&plain).map_err(|_| WalletError::Damaged)?);
    }
    Ok(records)
}
