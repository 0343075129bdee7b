//! Receiving a credential offer: who offers what, one tap to accept, progress while the
//! OpenID4VCI flow runs, and a clear reason when it fails (nothing is kept then).

use credential::ErrorCode;
use credential::openid4vci::CredentialOffer;
use credential::openid4vp::Origin;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::Ctx;
use crate::browser::http::FetchHttp;
use crate::browser::{new_id, now};
use crate::error_text::{describe, error_text};
use crate::logic::incoming::{self, Incoming};
use crate::logic::issuance::{self, Step};

/// Progress of the flow.
#[derive(Debug, Clone, PartialEq)]
enum State {
    Ready,
    Running(Step),
    Done(usize),
    Failed(String),
}

/// The offer page (`#/receive?credential_offer=…`).
#[component]
pub(crate) fn Receive() -> impl IntoView {
    let ctx = Ctx::get();
    let t = move || ctx.lang.get().text();
    let parsed = match incoming::parse(&ctx.hash.get_untracked()) {
        Ok(Incoming::Offer(offer)) => Ok(offer),
        Ok(Incoming::Request(_)) => Err("not_an_offer"),
        Err(err) => Err(err.code()),
    };
    match parsed {
        Ok(offer) => view! { <OfferView offer/> }.into_any(),
        Err(code) => view! {
            <section class="card error" role="alert" data-testid="offer-error">
                <h2>{move || t().offer_invalid}</h2>
                <p>{move || error_text(t(), code, "")}</p>
                <a class="button" href="#/">{move || t().back}</a>
            </section>
        }
        .into_any(),
    }
}

#[component]
fn OfferView(offer: CredentialOffer) -> impl IntoView {
    let ctx = Ctx::get();
    let t = move || ctx.lang.get().text();
    let state = RwSignal::new(State::Ready);
    let issuer = Origin::of(offer.credential_issuer())
        .map_or_else(|| offer.credential_issuer().to_owned(), |o| o.to_string());
    let kinds = offer.configuration_ids().join(", ");
    let accept = move |_| {
        let offer = offer.clone();
        state.set(State::Running(Step::Contacting));
        spawn_local(async move {
            let progress = |step| state.set(State::Running(step));
            let Some(result) = ctx
                .with_wallet(async |wallet| {
                    issuance::receive(
                        wallet,
                        &FetchHttp,
                        &offer,
                        now,
                        new_id,
                        progress,
                        &mut rand_core::OsRng,
                    )
                    .await
                })
                .await
            else {
                return;
            };
            state.set(match result {
                Ok(kept) => State::Done(kept),
                Err(err) => State::Failed(describe(t(), &err)),
            });
        });
    };
    let step_text = move |step: Step| match step {
        Step::Contacting => t().step_contacting,
        Step::Authorizing => t().step_authorizing,
        Step::MakingKeys => t().step_keys,
        Step::Receiving => t().step_receiving,
        Step::Storing => t().step_storing,
    };
    view! {
        <section class="card" aria-labelledby="offer-heading" data-testid="offer">
            <h2 id="offer-heading">{move || t().offer_heading}</h2>
            <p class="who">{move || t().offer_from}" "<strong class="origin">{issuer.clone()}</strong></p>
            <p>{move || t().offer_what}" "<code>{kinds.clone()}</code></p>
            <p class="fine">{move || t().offer_explainer}</p>
            {move || match state.get() {
                State::Ready => view! {
                    <button class="primary" data-testid="accept-offer" on:click=accept.clone()>{t().offer_accept}</button>
                    <a class="button quiet" href="#/">{t().cancel}</a>
                }.into_any(),
                State::Running(step) => view! {
                    <p class="status" role="status" data-testid="progress">
                        <progress></progress>" "{step_text(step)}
                    </p>
                }.into_any(),
                State::Done(_) => view! {
                    <p class="success" role="status" data-testid="offer-done">{t().offer_done}</p>
                    <a class="button primary" href="#/">{t().see_credentials}</a>
                }.into_any(),
                State::Failed(reason) => view! {
                    <p class="error" role="alert" data-testid="offer-failed">{reason}</p>
                    <a class="button" href="#/">{t().back}</a>
                }.into_any(),
            }}
        </section>
    }
}
