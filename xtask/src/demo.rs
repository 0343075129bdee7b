//! `cargo xtask demo`: builds everything and serves it on localhost until Ctrl-C.

use crate::cmd::{Result, fail};
use crate::{serve, setup, test};

/// Runs setup, builds, serves the sites and waits for Ctrl-C.
pub fn run() -> Result {
    setup::run()?;
    println!("== demo: building the wallet");
    test::build_wallet()?;
    println!("== demo: building the verifier package");
    crate::verifier::build()?;
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|err| fail(format!("cannot start the async runtime: {err}")))?;
    runtime.block_on(async {
        let running = serve::start(serve::demo_sites(true)).await?;
        println!("\nCachet demo is running (each site on its own origin):");
        for site in &running {
            println!("  {:<8} {}", site.name, site.url);
        }
        println!(
            "\nWalkthrough:\n  1. Open the landing page (www) to see what the demo shows.\n  2. Open the wallet: it keeps credentials on this device only.\n  3. Open www/verifier.html: the in-page verifier checks a presentation with no network.\n\nPress Ctrl-C to stop."
        );
        tokio::signal::ctrl_c()
            .await
            .map_err(|err| fail(format!("cannot wait for Ctrl-C: {err}")))?;
        println!("\nstopping the demo");
        Ok(())
    })
}
