//! The recovery code of the person's pseudonyms: shown on every page from the moment the
//! wallet makes its holder secret until the person says they wrote it down, then never
//! again; and, in the settings, typing it on a new device to restore them.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::Ctx;
use crate::error_text::describe;

/// The code to write down, while there is one.
#[component]
pub(crate) fn RecoveryNotice() -> impl IntoView {
    let ctx = Ctx::get();
    let t = move || ctx.lang.get().text();
    let written = move |_| {
        spawn_local(async move {
            ctx.with_wallet(async |wallet| wallet.recovery_code_written().await)
                .await;
        });
    };
    move || {
        ctx.recovery_code.get().map(|code| {
            view! {
                <section class="card notice" role="alert" aria-labelledby="recovery-heading" data-testid="recovery">
                    <h2 id="recovery-heading">{move || t().recovery_heading}</h2>
                    <p>{move || t().recovery_explainer}</p>
                    <p><code class="recovery-code" data-testid="recovery-code">{code}</code></p>
                    <button class="primary" data-testid="recovery-written" on:click=written>
                        {move || t().recovery_written}
                    </button>
                </section>
            }
        })
    }
}

/// Restoring the pseudonyms of another device from its recovery code.
#[component]
pub(crate) fn RestorePseudonyms() -> impl IntoView {
    let ctx = Ctx::get();
    let t = move || ctx.lang.get().text();
    let typed = RwSignal::new(String::new());
    let status = RwSignal::new(None::<(bool, String)>);
    let restore = move |_| {
        let code = typed.get();
        spawn_local(async move {
            let result = ctx
                .with_wallet(async |wallet| wallet.restore_holder_secret(&code).await)
                .await;
            status.set(result.map(|result| match result {
                Ok(()) => {
                    typed.set(String::new());
                    (true, t().pseudonyms_restored.to_owned())
                }
                Err(err) => (false, describe(t(), &err)),
            }));
        });
    };
    view! {
        <section class="card" aria-labelledby="restore-heading">
            <h2 id="restore-heading">{move || t().restore_heading}</h2>
            <p class="fine">{move || t().restore_explainer}</p>
            <label for="recovery-input">{move || t().recovery_code_label}</label>
            <input
                id="recovery-input"
                type="text"
                autocomplete="off"
                autocapitalize="characters"
                spellcheck="false"
                data-testid="recovery-input"
                prop:value=move || typed.get()
                on:input=move |ev| typed.set(event_target_value(&ev))
            />
            <button data-testid="restore-pseudonyms" on:click=restore>{move || t().restore_pseudonyms}</button>
            {move || status.get().map(|(ok, message)| view! {
                <p role=if ok { "status" } else { "alert" } class=if ok { "success" } else { "error" } data-testid="restore-status" data-ok=ok.to_string()>
                    {message}
                </p>
            })}
        </section>
    }
}
