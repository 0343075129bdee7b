//! The consent screen and the answer: who asks (the verifier's origin, prominent), why,
//! exactly what would be shared and what would not, optional claims that can be left
//! out; then the response by redirect, POST, or as a QR code for the site's camera.
//! A refusal names its reason, and nothing is used up by a refusal or a decline.

use credential::ErrorCode;
use std::time::Duration;

use credential::JsonPointer;
use credential::openid4vp::AuthorizationRequest;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::format::{claim_label, claim_value, issuer_name, type_name};
use super::state::Ctx;
use crate::browser::delivery::{Delivered, deliver};
use crate::browser::{new_id, now};
use crate::error_text::error_text;
use crate::logic::consent::{self, Consent, Refusal};
use crate::logic::incoming::{self, Incoming, IncomingError};
use crate::logic::wallet::{Channel, Delivery, decline};
use crate::text::Text;

/// The request page of a deep link (`#/present?…`), answered on this device.
#[component]
pub(crate) fn Present() -> impl IntoView {
    let ctx = Ctx::get();
    match incoming::parse(&ctx.hash.get_untracked()) {
        Ok(Incoming::Request(request)) => {
            view! { <ConsentFlow request=*request channel=Channel::SameDevice/> }.into_any()
        }
        Ok(Incoming::Offer(_)) => {
            view! { <Refused reason=Why::Invalid("not_a_request")/> }.into_any()
        }
        Err(err) => view! { <Refused reason=Why::from_incoming(&err)/> }.into_any(),
    }
}

/// Why the wallet does not show a consent screen.
#[derive(Debug, Clone, PartialEq)]
enum Why {
    /// The request is one the wallet will not answer.
    Refusal(Refusal),
    /// The request could not be read: the error's code.
    Invalid(&'static str),
}

impl Why {
    fn from_incoming(err: &IncomingError) -> Self {
        Self::Invalid(err.code())
    }

    /// The code the page carries (`data-code`): the refusal's, a mismatched response
    /// target's, or `invalid_request` for anything else unreadable.
    fn code(&self) -> &'static str {
        match self {
            Self::Refusal(refusal) => refusal.code(),
            Self::Invalid("client_id_mismatch") => "client_id_mismatch",
            Self::Invalid(_) => "invalid_request",
        }
    }

    fn text(&self, t: &Text) -> String {
        match self {
            Self::Refusal(refusal) => {
                let detail = match refusal {
                    Refusal::InsecureVerifier(origin) => origin.clone(),
                    Refusal::MissingClaims(claims) => claims
                        .iter()
                        .map(|c| claim_label(t, c))
                        .collect::<Vec<_>>()
                        .join(", "),
                    _ => String::new(),
                };
                error_text(t, refusal.code(), &detail)
            }
            Self::Invalid(code @ "client_id_mismatch") => error_text(t, code, ""),
            Self::Invalid(code) => t.refuse_invalid.replace("{}", &error_text(t, code, "")),
        }
    }
}

#[component]
fn Refused(reason: Why) -> impl IntoView {
    let ctx = Ctx::get();
    let t = move || ctx.lang.get().text();
    let code = reason.code();
    view! {
        <section class="card error" role="alert" data-testid="refusal" data-code=code>
            <h2>{move || t().refused_heading}</h2>
            <p>{move || reason.text(t())}</p>
            <p class="fine">{move || t().nothing_shared}</p>
            <a class="button" href="#/">{move || t().back}</a>
        </section>
    }
}

/// Where the flow is.
#[derive(Debug, Clone, PartialEq)]
enum State {
    Asking,
    Working,
    Qr(String),
    Sent,
    Declined,
    /// Failed: the error's code.
    Failed(&'static str),
}

/// Consent for one request, answered through `channel`.
#[component]
pub(crate) fn ConsentFlow(request: AuthorizationRequest, channel: Channel) -> impl IntoView {
    let ctx = Ctx::get();
    match consent::consider(request, &ctx.batches.get_untracked(), now()) {
        Ok(consent) => view! { <Asking consent channel/> }.into_any(),
        Err(refusal) => view! { <Refused reason=Why::Refusal(refusal)/> }.into_any(),
    }
}

#[component]
fn Asking(consent: Consent, channel: Channel) -> impl IntoView {
    let ctx = Ctx::get();
    let t = move || ctx.lang.get().text();
    let state = RwSignal::new(State::Asking);
    // The ticked claims of each part (all ticked at first).
    let ticked: Vec<RwSignal<Vec<JsonPointer>>> = consent
        .parts
        .iter()
        .map(|part| RwSignal::new(part.shared.iter().map(|c| c.path.clone()).collect()))
        .collect();
    let consent = StoredValue::new(consent);
    // Share works only once this request has been on screen for a moment; a new request
    // (a changed fragment) mounts a new screen, and the wait starts again.
    let armed = RwSignal::new(false);
    set_timeout(
        move || {
            let _ = armed.try_set(true);
        },
        Duration::from_millis(consent::SHARE_ARMING_MS),
    );
    let ticks = StoredValue::new(ticked.clone());
    let chosen = move || ticks.with_value(|all| all.iter().map(|t| t.get()).collect::<Vec<_>>());
    let acceptable = move || {
        consent.with_value(|c| {
            c.parts
                .iter()
                .zip(chosen())
                .all(|(part, claims)| part.accepts(&claims))
        })
    };
    let approve = move |_| {
        state.set(State::Working);
        let chosen = chosen();
        spawn_local(async move {
            let consent = consent.get_value();
            let Some(delivered) = ctx
                .with_wallet(async |wallet| {
                    wallet
                        .approve(
                            &consent,
                            &chosen,
                            channel,
                            now(),
                            new_id(),
                            &mut rand_core::OsRng,
                        )
                        .await
                })
                .await
            else {
                return;
            };
            match delivered {
                Ok(delivery) => state.set(send(delivery).await),
                Err(err) => state.set(State::Failed(err.code())),
            }
        });
    };
    let refuse = move |_| {
        let request = consent.with_value(|c| c.request.clone());
        spawn_local(async move {
            match decline(&request, channel) {
                Some(delivery) => {
                    send(delivery).await;
                    state.set(State::Declined);
                }
                None => state.set(State::Declined),
            }
        });
    };
    let verifier = consent.with_value(|c| c.verifier.to_string());
    let verifier_name = verifier.clone();
    let look_alike = consent.with_value(|c| c.verifier.is_internationalized());
    let purpose = consent.with_value(|c| c.request.purpose.clone());
    let parts = consent.with_value(|c| c.parts.clone());
    let parts_view = parts
        .into_iter()
        .zip(ticked.clone())
        .map(|(part, ticks)| {
            let vct = part.vct.clone();
            let issuer = issuer_name(&part.issuer);
            let withheld = part.withheld.clone();
            let (pseudonymous, site_pseudonym) = (part.is_pseudonymous(), part.site_pseudonym);
            let shared = part
                .shared
                .into_iter()
                .map(|claim| {
                    let path = claim.path.clone();
                    let label_path = claim.disclosed.to_string();
                    let value = claim.value.clone();
                    let checked_path = path.clone();
                    view! {
                        <li>
                            <label>
                                <input
                                    type="checkbox"
                                    data-claim=label_path.clone()
                                    prop:checked=move || ticks.with(|t| t.contains(&checked_path))
                                    disabled=!claim.optional
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        ticks.update(|t| {
                                            t.retain(|p| *p != path);
                                            if on {
                                                t.push(path.clone());
                                            }
                                        });
                                    }
                                />
                                " "<span class="claim">{move || claim_label(t(), &label_path)}</span>
                                ": "<strong>{move || claim_value(t(), &value)}</strong>
                                {(!claim.optional).then(|| view! { <span class="fine">" · "{move || t().required}</span> })}
                            </label>
                        </li>
                    }
                })
                .collect_view();
            let has_withheld = !withheld.is_empty();
            // What a pseudonymous answer lets the site do: recognise the person (its own
            // pseudonym, for the origin named above) or nothing at all.
            let recognition = pseudonymous.then(|| {
                let (key, testid) = if site_pseudonym {
                    ("site", "site-pseudonym")
                } else {
                    ("one-time", "one-time-proof")
                };
                let site = verifier_name.clone();
                view! {
                    <p class="pseudonym" data-testid=testid data-kind=key>
                        {move || if site_pseudonym { t().site_pseudonym } else { t().one_time_proof }.replace("{}", &site)}
                    </p>
                }
            });
            view! {
                <div class="part">
                    <h3>{move || t().from_credential.replace("{}", &type_name(t(), &vct))}</h3>
                    <p class="fine" data-testid="issuer">{move || t().issued_by}": "<span class="origin">{issuer.clone()}</span></p>
                    <p>{move || t().will_share}</p>
                    <ul class="shared" data-testid="shared">{shared}</ul>
                    {recognition}
                    <Show when=move || has_withheld>
                        <p>{move || t().will_not_share}</p>
                        <ul class="withheld" data-testid="withheld">
                            {withheld.iter().map(|name| {
                                let name = name.clone();
                                view! { <li>{move || claim_label(t(), &name)}</li> }
                            }).collect_view()}
                        </ul>
                    </Show>
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="card consent" aria-labelledby="consent-heading" data-testid="consent">
            <h2 id="consent-heading">
                <span class="origin" data-testid="verifier">{verifier}</span>
                " "{move || t().asks_for}
            </h2>
            {look_alike.then(|| view! { <p class="warning" role="note" data-testid="idn-warning">{move || t().idn_warning}</p> })}
            {purpose.map(|p| view! { <p class="purpose">{move || t().purpose}": "<q>{p.clone()}</q></p> })}
            {parts_view}
            {move || match state.get() {
                State::Asking => view! {
                    <Show when=move || !acceptable()>
                        <p class="error" role="alert">{t().not_enough_claims}</p>
                    </Show>
                    <div class="actions">
                        <button class="primary" data-testid="approve" disabled=move || !acceptable() || !armed.get() on:click=approve>
                            {t().share}
                        </button>
                        <button data-testid="decline" on:click=refuse>{t().decline}</button>
                    </div>
                }.into_any(),
                State::Working => view! { <p class="status" role="status">{t().sharing}</p> }.into_any(),
                State::Qr(text) => view! { <ResponseQr text/> }.into_any(),
                State::Sent => view! {
                    <p class="success" role="status" data-testid="sent">{t().sent}</p>
                    <a class="button" href="#/">{t().back}</a>
                }.into_any(),
                State::Declined => view! {
                    <p role="status" data-testid="declined">{t().declined}</p>
                    <a class="button" href="#/">{t().back}</a>
                }.into_any(),
                State::Failed(code) => view! {
                    <p class="error" role="alert" data-testid="present-failed" data-code=code>{error_text(t(), code, "")}</p>
                    <a class="button" href="#/">{t().back}</a>
                }.into_any(),
            }}
        </section>
    }
}

/// Sends a response on its way.
async fn send(delivery: Delivery) -> State {
    match deliver(delivery).await {
        Ok(Delivered::Sent) => State::Sent,
        Ok(Delivered::Qr(text)) => State::Qr(text),
        Err(err) => State::Failed(err.code()),
    }
}

#[component]
fn ResponseQr(text: String) -> impl IntoView {
    let ctx = Ctx::get();
    let t = move || ctx.lang.get().text();
    let svg = credential::qr::svg(&text).unwrap_or_default();
    let chars = text.len();
    let version = credential::qr::version(&text).unwrap_or_default();
    view! {
        <div class="response-qr" data-testid="response-qr" data-response=text.clone() data-version=version>
            <p>{move || t().show_qr}</p>
            <div class="qr" inner_html=svg></div>
            <p class="fine">{move || t().qr_details.replace("{version}", &version.to_string()).replace("{chars}", &chars.to_string())}</p>
            <a class="button" href="#/">{move || t().done}</a>
        </div>
    }
}
