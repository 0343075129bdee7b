//! The wallet's root component: start-up, the route (from the URL fragment, so deep
//! links such as `#/present?…` work and nothing reaches a server), navigation and the
//! language switch.

use crate::error_text::error_text;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::{Ctx, Phase, current_hash};
use super::{history, home, present, receive, recovery, scan, settings, unlock};
use crate::text::Lang;

/// The whole wallet UI.
#[component]
pub fn App() -> impl IntoView {
    let ctx = Ctx::provide();
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        ctx.hash.set(current_hash());
    });
    on_cleanup(move || listener.remove());
    Effect::new(move || {
        let lang = ctx.lang.get();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang.tag());
        }
    });
    spawn_local(ctx.start());
    let t = move || ctx.lang.get().text();
    let route = move || {
        let hash = ctx.hash.get();
        let path = hash.trim_start_matches('#');
        path.split_once('?').map_or(path, |(p, _)| p).to_owned()
    };
    let page = move || match ctx.phase.get() {
        Phase::Loading => view! { <p class="status" role="status">{t().loading}</p> }.into_any(),
        Phase::Locked => view! { <unlock::Unlock/> }.into_any(),
        Phase::Failed(code) => view! {
            <section class="card error" role="alert" data-code=code>
                <h2>{t().cannot_open}</h2>
                <p>{error_text(t(), code, "")}</p>
            </section>
        }
        .into_any(),
        Phase::Ready => match route().as_str() {
            "/receive" => view! { <receive::Receive/> }.into_any(),
            "/present" => view! { <present::Present/> }.into_any(),
            "/scan" => view! { <scan::Scan/> }.into_any(),
            "/history" => view! { <history::History/> }.into_any(),
            "/settings" => view! { <settings::Settings/> }.into_any(),
            _ => view! { <home::Home/> }.into_any(),
        },
    };
    let nav_link = move |path: &'static str, label: fn(&crate::text::Text) -> &'static str| {
        let current = move || {
            let r = route();
            (r == path || (path == "/" && r.is_empty())).then_some("page")
        };
        view! {
            <a href=format!("#{path}") aria-current=current>{move || label(t())}</a>
        }
    };
    view! {
        <header>
            <h1>{move || t().app_name}</h1>
            <p class="tagline">{move || t().tagline}</p>
            <label class="lang">
                <span class="visually-hidden">{move || t().language}</span>
                <select
                    data-testid="language"
                    on:change=move |ev| {
                        let lang = Lang::from_tag(&event_target_value(&ev));
                        lang.remember();
                        ctx.lang.set(lang);
                    }
                    prop:value=move || ctx.lang.get().tag()
                >
                    <option value="en">"English"</option>
                    <option value="zh-Hans">"简体中文"</option>
                </select>
            </label>
        </header>
        <nav aria-label=move || t().navigation>
            {nav_link("/", |t| t.nav_credentials)}
            {nav_link("/scan", |t| t.nav_scan)}
            {nav_link("/history", |t| t.nav_history)}
            {nav_link("/settings", |t| t.nav_settings)}
        </nav>
        <main>
            <Show when=move || ctx.phase.get() == Phase::Ready>
                <recovery::RecoveryNotice/>
            </Show>
            {page}
        </main>
    }
}
