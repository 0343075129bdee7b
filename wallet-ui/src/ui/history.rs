//! The local record of what was shared, with whom and when; it never leaves the device
//! and each entry (or all) can be deleted.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::format::{claim_label, date_time, type_name};
use super::state::Ctx;

/// The history page.
#[component]
pub(crate) fn History() -> impl IntoView {
    let ctx = Ctx::get();
    let t = move || ctx.lang.get().text();
    let forget = move |id: Option<String>| {
        spawn_local(async move {
            ctx.with_wallet(async |wallet| match &id {
                Some(id) => wallet.forget(id).await,
                None => wallet.forget_all().await,
            })
            .await;
        });
    };
    view! {
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">{move || t().history_heading}</h2>
            <p class="fine">{move || t().history_explainer}</p>
            <Show
                when=move || !ctx.history.with(Vec::is_empty)
                fallback=move || view! { <p class="empty" data-testid="no-history">{t().no_history}</p> }
            >
                <ul class="cards" data-testid="history">
                    <For
                        each=move || ctx.history.get()
                        key=|entry| entry.id.clone()
                        children=move |entry| {
                            let id = entry.id.clone();
                            let shared: Vec<String> = entry.shared.clone();
                            let vct = entry.vct.clone();
                            view! {
                                <li class="card" data-testid="history-entry">
                                    <p><strong class="origin">{entry.verifier.clone()}</strong></p>
                                    <p class="fine">{date_time(entry.at)}</p>
                                    {entry.purpose.clone().map(|p| view! { <p><q>{p}</q></p> })}
                                    <p>
                                        {move || t().shared_from.replace("{}", &type_name(t(), &vct))}" "
                                        {move || shared.iter().map(|c| claim_label(t(), c)).collect::<Vec<_>>().join(", ")}
                                    </p>
                                    {entry.pseudonym.then(|| view! { <p class="fine" data-testid="history-pseudonym">{move || t().history_recognised}</p> })}
                                    <button class="quiet" on:click=move |_| forget(Some(id.clone()))>{move || t().delete}</button>
                                </li>
                            }
                        }
                    />
                </ul>
                <button class="danger" data-testid="clear-history" on:click=move |_| forget(None)>{move || t().clear_history}</button>
            </Show>
        </section>
    }
}
