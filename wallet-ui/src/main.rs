//! Entry point of the wallet: only mounts the app.

fn main() {
    leptos::mount::mount_to_body(wallet_ui::App);
}
