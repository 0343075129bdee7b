//! The wallet's root component.

use leptos::prelude::*;

use crate::text::EN;

/// The whole wallet UI.
#[component]
pub fn App() -> impl IntoView {
    let text = &EN;
    view! {
        <header>
            <h1>{text.app_name}</h1>
            <p class="tagline">{text.tagline}</p>
        </header>
        <main>
            <section aria-labelledby="credentials-heading">
                <h2 id="credentials-heading">{text.credentials_heading}</h2>
                <p class="empty" data-testid="no-credentials">{text.no_credentials}</p>
            </section>
        </main>
    }
}
