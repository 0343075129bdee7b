//! The passphrase prompt of a locked wallet.

use crate::error_text::describe;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::Ctx;
use crate::browser::vault::{self, VaultError};

/// Asks for the passphrase and opens the wallet with it.
#[component]
pub(crate) fn Unlock() -> impl IntoView {
    let ctx = Ctx::get();
    let t = move || ctx.lang.get().text();
    let passphrase = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(store) = ctx.store.get_value() else {
            return;
        };
        busy.set(true);
        spawn_local(async move {
            match vault::unlock(&store, &passphrase.get_untracked()).await {
                Ok(cipher) => ctx.finish_opening(store, cipher).await,
                Err(VaultError::WrongPassphrase) => {
                    error.set(Some(t().wrong_passphrase.to_owned()))
                }
                Err(err) => error.set(Some(describe(t(), &err))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="card" on:submit=submit data-testid="unlock">
            <h2>{move || t().unlock_heading}</h2>
            <label for="unlock-passphrase">{move || t().passphrase}</label>
            <input id="unlock-passphrase" type="password" autocomplete="current-password"
                prop:value=move || passphrase.get()
                on:input=move |ev| passphrase.set(event_target_value(&ev))/>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <button class="primary" type="submit" disabled=move || busy.get()>{move || t().unlock}</button>
        </form>
    }
}
