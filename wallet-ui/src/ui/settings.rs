//! Settings: a passphrase that locks the wallet, encrypted backups (export and import),
//! restoring pseudonyms from a recovery code, and deleting everything.

use credential::ErrorCode;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::format::date;
use super::state::Ctx;
use crate::browser::{BrowserWallet, backup_file, now, vault};
use crate::error_text::{describe, error_text};
use crate::logic::backup::BackupError;
use crate::logic::passphrase;

/// The settings page.
#[component]
pub(crate) fn Settings() -> impl IntoView {
    view! {
        <PassphraseSettings/>
        <BackupSettings/>
        <super::recovery::RestorePseudonyms/>
        <DeleteEverything/>
    }
}

#[component]
fn PassphraseSettings() -> impl IntoView {
    let ctx = Ctx::get();
    let t = move || ctx.lang.get().text();
    let passphrase = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let change = move |set: bool| {
        let phrase = passphrase.get_untracked();
        if set && passphrase::check_new(&phrase).is_err() {
            message.set(Some(t().passphrase_too_short.to_owned()));
            return;
        }
        let Some(store) = ctx.store.get_value() else {
            return;
        };
        busy.set(true);
        spawn_local(async move {
            let shared = ctx.shared();
            let mut guard = shared.lock().await;
            let Some(wallet) = guard.take() else {
                return;
            };
            let (result, wallet) = if set {
                match vault::lock_with(&phrase).await {
                    Ok((cipher, meta)) => reseal(wallet, cipher, meta).await,
                    Err(err) => (Err(err.code()), wallet),
                }
            } else {
                match vault::new_device_key(&store).await {
                    Ok(cipher) => reseal(wallet, cipher, vault::unlock_writes()).await,
                    Err(err) => (Err(err.code()), wallet),
                }
            };
            *guard = Some(wallet);
            match result {
                Ok(()) => {
                    ctx.locked_with_passphrase.set(set);
                    passphrase.set(String::new());
                    message.set(Some(
                        if set {
                            t().passphrase_set
                        } else {
                            t().passphrase_removed
                        }
                        .to_owned(),
                    ));
                }
                Err(code) => message.set(Some(error_text(t(), code, ""))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card" aria-labelledby="passphrase-heading">
            <h2 id="passphrase-heading">{move || t().passphrase_heading}</h2>
            <p class="fine">{move || t().passphrase_explainer}</p>
            <label for="new-passphrase">{move || t().new_passphrase}</label>
            <input id="new-passphrase" type="password" autocomplete="new-password" data-testid="new-passphrase"
                prop:value=move || passphrase.get()
                on:input=move |ev| passphrase.set(event_target_value(&ev))/>
            <div class="actions">
                <button class="primary" data-testid="set-passphrase" disabled=move || busy.get()
                    on:click=move |_| change(true)>{move || t().set_passphrase}</button>
                <Show when=move || ctx.locked_with_passphrase.get()>
                    <button disabled=move || busy.get() on:click=move |_| change(false)>
                        {move || t().remove_passphrase}
                    </button>
                </Show>
            </div>
            {move || message.get().map(|m| view! { <p role="status" data-testid="passphrase-status">{m}</p> })}
        </section>
    }
}

/// Re-seals every record under `cipher`; gives the wallet back either way.
async fn reseal(
    wallet: BrowserWallet,
    cipher: crate::browser::cipher::AesGcm,
    meta: Vec<crate::logic::store::Write>,
) -> (Result<(), &'static str>, BrowserWallet) {
    match wallet.reseal(cipher, meta).await {
        Ok(wallet) => (Ok(()), wallet),
        Err((wallet, err)) => (Err(err.code()), wallet),
    }
}

#[component]
fn BackupSettings() -> impl IntoView {
    let ctx = Ctx::get();
    let t = move || ctx.lang.get().text();
    let passphrase = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let file_input = NodeRef::<leptos::html::Input>::new();
    let export = move |_| {
        let phrase = passphrase.get_untracked();
        if passphrase::check_new(&phrase).is_err() {
            message.set(Some(t().passphrase_too_short.to_owned()));
            return;
        }
        spawn_local(async move {
            let exported = ctx
                .with_wallet(async |wallet| backup_file::export(wallet.contents(), &phrase).await)
                .await;
            match exported {
                None => {}
                Some(Ok(text)) => {
                    let name = format!("cachet-wallet-backup-{}.json", date(now()));
                    message.set(Some(match download(&name, &text) {
                        Ok(()) => t().backup_saved.to_owned(),
                        Err(()) => t().backup_failed.to_owned(),
                    }));
                }
                Some(Err(err)) => message.set(Some(describe(t(), &err))),
            }
        });
    };
    let import = move |_| {
        let phrase = passphrase.get_untracked();
        let Some(file) = file_input
            .get_untracked()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            message.set(Some(t().choose_file.to_owned()));
            return;
        };
        spawn_local(async move {
            let text = JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string());
            let Some(text) = text else {
                message.set(Some(t().backup_unreadable.to_owned()));
                return;
            };
            let contents = match backup_file::import(&text, &phrase).await {
                Ok(contents) => contents,
                Err(BackupError::WrongPassphrase) => {
                    message.set(Some(t().wrong_passphrase.to_owned()));
                    return;
                }
                Err(err) => {
                    message.set(Some(describe(t(), &err)));
                    return;
                }
            };
            match ctx
                .with_wallet(async |wallet| wallet.restore(contents).await)
                .await
            {
                Some(Ok(added)) => {
                    message.set(Some(t().backup_restored.replace("{}", &added.to_string())));
                }
                Some(Err(err)) => message.set(Some(describe(t(), &err))),
                None => {}
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="backup-heading">
            <h2 id="backup-heading">{move || t().backup_heading}</h2>
            <p class="fine">{move || t().backup_explainer}</p>
            <label for="backup-passphrase">{move || t().backup_passphrase}</label>
            <input id="backup-passphrase" type="password" autocomplete="off" data-testid="backup-passphrase"
                prop:value=move || passphrase.get()
                on:input=move |ev| passphrase.set(event_target_value(&ev))/>
            <div class="actions">
                <button data-testid="export-backup" on:click=export>{move || t().export_backup}</button>
            </div>
            <label for="backup-file">{move || t().backup_file}</label>
            <input id="backup-file" type="file" accept="application/json,.json" node_ref=file_input data-testid="backup-file"/>
            <div class="actions">
                <button data-testid="import-backup" on:click=import>{move || t().import_backup}</button>
            </div>
            {move || message.get().map(|m| view! { <p role="status" data-testid="backup-status">{m}</p> })}
        </section>
    }
}

/// Saves `text` as a file through a temporary `blob:` link.
fn download(name: &str, text: &str) -> Result<(), ()> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| ())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| ())?;
    let anchor: web_sys::HtmlAnchorElement = document()
        .create_element("a")
        .map_err(|_| ())?
        .dyn_into()
        .map_err(|_| ())?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

#[component]
fn DeleteEverything() -> impl IntoView {
    let ctx = Ctx::get();
    let t = move || ctx.lang.get().text();
    let confirming = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    let delete = move |_| {
        spawn_local(async move {
            if let Some(result) = ctx
                .with_wallet(async |wallet| wallet.delete_everything().await)
                .await
            {
                confirming.set(false);
                message.set(Some(match result {
                    Ok(()) => t().deleted_everything.to_owned(),
                    Err(err) => describe(t(), &err),
                }));
            }
        });
    };
    view! {
        <section class="card danger-zone" aria-labelledby="delete-heading">
            <h2 id="delete-heading">{move || t().delete_everything_heading}</h2>
            <p class="fine">{move || t().delete_everything_explainer}</p>
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button class="danger" data-testid="delete-everything" on:click=move |_| confirming.set(true)>
                        {t().delete_everything}
                    </button>
                }
            >
                <p role="alert">{move || t().delete_everything_confirm}</p>
                <button class="danger" data-testid="confirm-delete-everything" on:click=delete>{move || t().delete}</button>
                <button on:click=move |_| confirming.set(false)>{move || t().cancel}</button>
            </Show>
            {move || message.get().map(|m| view! { <p role="status">{m}</p> })}
        </section>
    }
}
