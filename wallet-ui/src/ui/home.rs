//! The credentials list: what each credential says, who issued it, until when, and how
//! many single-use copies remain.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::format::{claim_label, claim_value, date, issuer_name, reading_order, type_name};
use super::state::Ctx;
use crate::browser::http::FetchHttp;
use crate::browser::{new_id, now};
use crate::error_text::describe;
use crate::logic::issuance;
use crate::logic::model::Batch;

/// The start page.
#[component]
pub(crate) fn Home() -> impl IntoView {
    let ctx = Ctx::get();
    let t = move || ctx.lang.get().text();
    view! {
        <section aria-labelledby="credentials-heading">
            <h2 id="credentials-heading">{move || t().credentials_heading}</h2>
            <Show
                when=move || !ctx.batches.with(Vec::is_empty)
                fallback=move || view! {
                    <p class="empty" data-testid="no-credentials">{t().no_credentials}</p>
                }
            >
                <ul class="cards" data-testid="credentials">
                    <For
                        each=move || ctx.batches.get()
                        key=|batch| (batch.id.clone(), batch.unused())
                        children=move |batch| view! { <CredentialCard batch/> }
                    />
                </ul>
            </Show>
        </section>
    }
}

#[component]
fn CredentialCard(batch: Batch) -> impl IntoView {
    let ctx = Ctx::get();
    let t = move || ctx.lang.get().text();
    let id = batch.id.clone();
    let confirming = RwSignal::new(false);
    let delete = move |_| {
        let id = id.clone();
        spawn_local(async move {
            ctx.with_wallet(async |wallet| wallet.delete_batch(&id).await)
                .await;
        });
    };
    let refreshing = RwSignal::new(None::<String>);
    let batch_id = batch.id.clone();
    let refresh = move |_| {
        let batch_id = batch_id.clone();
        refreshing.set(Some(t().refreshing.to_owned()));
        spawn_local(async move {
            let result = ctx
                .with_wallet(async |wallet| {
                    issuance::refresh(
                        wallet,
                        &FetchHttp,
                        &batch_id,
                        now,
                        new_id,
                        |_| {},
                        &mut rand_core::OsRng,
                    )
                    .await
                })
                .await;
            // On success this card is replaced by the new batch's.
            if let Some(Err(err)) = result {
                refreshing.set(Some(describe(t(), &err)));
            }
        });
    };
    let can_refresh = batch.refresh_token.is_some();
    let claims = reading_order(&batch.claims);
    let vct = batch.vct.clone();
    let issuer = issuer_name(&batch.issuer);
    let (unused, total) = (batch.unused(), batch.copies.len());
    let pseudonymous = batch.is_pseudonymous();
    let low = batch.needs_refresh();
    let restored = batch.restored;
    let expires = batch.expires_at;
    view! {
        <li class="card credential" data-testid="credential">
            <h3>{move || type_name(t(), &vct)}</h3>
            <p class="issuer">{move || t().issued_by}" "<strong>{issuer.clone()}</strong></p>
            <dl class="claims">
                {claims
                    .into_iter()
                    .map(|(name, value)| {
                        let label_name = name.clone();
                        view! {
                            <div>
                                <dt>{move || claim_label(t(), &label_name)}</dt>
                                <dd data-claim=name.clone()>{move || claim_value(t(), &value)}</dd>
                            </div>
                        }
                    })
                    .collect_view()}
            </dl>
            <p class="validity">
                {move || expires.map(|exp| t().valid_until.replace("{}", &date(exp)))}
            </p>
            <p class="copies" data-testid="copies" data-format=if pseudonymous { "pseudonymous" } else { "sd-jwt" }>
                {move || if pseudonymous {
                    t().never_used_up.to_owned()
                } else {
                    t().copies_left.replace("{unused}", &unused.to_string()).replace("{total}", &total.to_string())
                }}
            </p>
            <Show when=move || low && !restored>
                <p class="hint" role="note">{move || t().refresh_hint}</p>
            </Show>
            <Show when=move || can_refresh>
                <button data-testid="refresh" disabled=move || refreshing.with(Option::is_some) on:click=refresh.clone()>
                    {move || if pseudonymous { t().renew } else { t().refresh }}
                </button>
            </Show>
            {move || refreshing.get().map(|m| view! { <p role="status" data-testid="refresh-status">{m}</p> })}
            <Show when=move || restored>
                <p class="hint" role="note">{move || t().restored_hint}</p>
            </Show>
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button class="quiet" on:click=move |_| confirming.set(true)>{t().delete_credential}</button>
                }
            >
                <p>{move || t().delete_credential_confirm}</p>
                <button class="danger" on:click=delete.clone()>{move || t().delete}</button>
                <button class="quiet" on:click=move |_| confirming.set(false)>{move || t().cancel}</button>
            </Show>
        </li>
    }
}
