//! The app's shared state: the open wallet (behind an async lock, since its operations
//! await storage and WebCrypto), reactive copies of what it holds for the views, the
//! route, the language, and start-up (open the database, then the vault).

use credential::ErrorCode;
use std::rc::Rc;
use std::time::Duration;

use futures::lock::Mutex;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser::http::FetchHttp;
use crate::browser::idb_store::IdbStore;
use crate::browser::keys::WebCryptoKeys;
use crate::browser::vault::{self, Opened};
use crate::browser::{BrowserWallet, cipher::AesGcm};
use crate::browser::{new_id, now};
use crate::logic::issuance;
use crate::logic::model::{Batch, HistoryEntry};
use crate::logic::schedule;
use crate::logic::wallet::Wallet;
use crate::text::Lang;

/// Where the wallet is in opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Opening the database.
    Loading,
    /// A passphrase is set; waiting for it.
    Locked,
    /// Open.
    Ready,
    /// Cannot open: the error's code.
    Failed(&'static str),
}

/// The open wallet, shared by the views.
pub(crate) type Shared = Rc<Mutex<Option<BrowserWallet>>>;

/// Everything the views share (a `Copy` handle).
#[derive(Clone, Copy)]
pub(crate) struct Ctx {
    /// The wallet (`None` until opened).
    pub wallet: StoredValue<Shared, LocalStorage>,
    /// The database (`None` until opened).
    pub store: StoredValue<Option<IdbStore>, LocalStorage>,
    /// Opening state.
    pub phase: RwSignal<Phase>,
    /// The batches, for display.
    pub batches: RwSignal<Vec<Batch>>,
    /// The history, for display.
    pub history: RwSignal<Vec<HistoryEntry>>,
    /// The language shown.
    pub lang: RwSignal<Lang>,
    /// The URL fragment (the route and its parameters).
    pub hash: RwSignal<String>,
    /// Whether a passphrase is set.
    pub locked_with_passphrase: RwSignal<bool>,
    /// The recovery code while it is still to be written down (then never again).
    pub recovery_code: RwSignal<Option<String>>,
}

impl Ctx {
    /// A fresh state, provided as context.
    #[must_use]
    pub(crate) fn provide() -> Self {
        let ctx = Self {
            wallet: StoredValue::new_local(Rc::new(Mutex::new(None))),
            store: StoredValue::new_local(None),
            phase: RwSignal::new(Phase::Loading),
            batches: RwSignal::new(Vec::new()),
            history: RwSignal::new(Vec::new()),
            lang: RwSignal::new(Lang::detect()),
            hash: RwSignal::new(current_hash()),
            locked_with_passphrase: RwSignal::new(false),
            recovery_code: RwSignal::new(None),
        };
        provide_context(ctx);
        ctx
    }

    /// The shared state of the app being rendered.
    ///
    /// # Panics
    /// Outside the app (a view rendered without [`Ctx::provide`]): a programming error.
    #[must_use]
    pub(crate) fn get() -> Self {
        #[allow(clippy::expect_used)]
        use_context::<Self>().expect("Ctx::provide runs in App")
    }

    /// The shared wallet handle.
    #[must_use]
    pub(crate) fn shared(&self) -> Shared {
        self.wallet.get_value()
    }

    /// Copies what the wallet holds into the view signals.
    pub(crate) fn show(&self, wallet: &BrowserWallet) {
        self.batches.set(wallet.batches().to_vec());
        self.history.set(wallet.history().to_vec());
        self.recovery_code.set(wallet.recovery_code());
    }

    /// Runs `operation` on the open wallet (after any other operation on it ends), then
    /// shows what the wallet holds; `None` when the wallet is not open.
    pub(crate) async fn with_wallet<R>(
        self,
        operation: impl AsyncFnOnce(&mut BrowserWallet) -> R,
    ) -> Option<R> {
        let shared = self.shared();
        let mut guard = shared.lock().await;
        let wallet = guard.as_mut()?;
        let result = operation(wallet).await;
        self.show(wallet);
        Some(result)
    }

    /// Opens the database and the vault (unless a passphrase is needed).
    pub(crate) async fn start(self) {
        let store = match IdbStore::open().await {
            Ok(store) => store,
            Err(err) => return self.phase.set(Phase::Failed(err.code())),
        };
        self.store.set_value(Some(store.clone()));
        match vault::open(&store).await {
            Ok(Opened::Open(cipher)) => self.finish_opening(store, cipher).await,
            Ok(Opened::Locked) => {
                self.locked_with_passphrase.set(true);
                self.phase.set(Phase::Locked);
            }
            Err(err) => self.phase.set(Phase::Failed(err.code())),
        }
    }

    /// Opens the wallet with a records cipher.
    pub(crate) async fn finish_opening(self, store: IdbStore, cipher: AesGcm) {
        let keys = WebCryptoKeys::new(store.clone());
        match Wallet::open(store, cipher, keys).await {
            Ok(wallet) => {
                self.show(&wallet);
                *self.shared().lock().await = Some(wallet);
                self.phase.set(Phase::Ready);
                self.refresh_on_schedule();
            }
            Err(err) => self.phase.set(Phase::Failed(err.code())),
        }
    }

    /// Replaces every batch whose scheduled refresh is due ([`schedule`]), now and then
    /// every [`schedule::CHECK_EVERY_MS`] while the wallet is open. A refresh that fails
    /// (offline, issuer unreachable) is tried again at the next check; one the issuer
    /// refuses drops the refresh token, so it is not asked again.
    pub(crate) fn refresh_on_schedule(self) {
        spawn_local(async move {
            let due = self
                .batches
                .with_untracked(|batches| schedule::due_batches(batches, now()));
            for id in due {
                let _ = self
                    .with_wallet(async |wallet| {
                        issuance::refresh(
                            wallet,
                            &FetchHttp,
                            &id,
                            now,
                            new_id,
                            |_| {},
                            &mut rand_core::OsRng,
                        )
                        .await
                    })
                    .await;
            }
            set_timeout(
                move || self.refresh_on_schedule(),
                Duration::from_millis(schedule::CHECK_EVERY_MS),
            );
        });
    }

    /// Goes to a route (`"/"`, `"/history"`, ...).
    pub(crate) fn go(&self, route: &str) {
        let hash = format!("#{route}");
        if let Some(window) = web_sys::window() {
            let _ = window.location().set_hash(&hash);
        }
        self.hash.set(hash);
    }
}

/// The page's current URL fragment.
#[must_use]
pub(crate) fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}
