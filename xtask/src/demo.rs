//! `cargo xtask demo`: builds everything and serves it on localhost until Ctrl-C.

use crate::cmd::{Result, fail};
use crate::{serve, setup};

/// The issuer's demo port, its admin page's (a listener of its own); the wallet's origin
/// it admits by CORS.
const ISSUER_PORT: u16 = 7003;
const ADMIN_PORT: u16 = 7006;
const WALLET_ORIGIN: &str = "http://localhost:7001";

/// Runs setup, builds, serves the sites and waits for Ctrl-C.
pub(crate) fn run() -> Result {
    setup::run()?;
    println!("== demo: building the wallet");
    crate::wallet::build()?;
    println!("== demo: building the verifier package");
    crate::verifier::build()?;
    println!("== demo: building the issuer");
    let root = crate::cmd::root();
    let issuer_bin = crate::issuer::binary(&root)?;
    let db = crate::cmd::target_dir(&root).join("demo/issuer.db");
    let issuer = crate::issuer::start(&issuer_bin, &db, ISSUER_PORT, ADMIN_PORT, WALLET_ORIGIN)?;
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|err| fail(format!("cannot start the async runtime: {err}")))?;
    runtime.block_on(async {
        let trust = crate::trust::TrustSource::default();
        let _ = trust.issuer.set(issuer.url.clone());
        let _ = trust.wallet.set(format!("{WALLET_ORIGIN}/"));
        let forum_db = db.with_file_name("forum.db");
        let running = serve::start(serve::demo_sites(true, &trust, &forum_db)).await?;
        println!("\nCachet demo is running (each site on its own origin):");
        for site in &running {
            println!("  {:<8} {}", site.name, site.url);
        }
        println!("  {:<8} {}/  (database: {})", "issuer", issuer.url, db.display());
        println!(
            "  {:<8} {}  (the enrollment desk; its key is in {})",
            "admin",
            issuer.admin_url,
            db.with_extension("admin-key").display()
        );
        println!(
            "\nWalkthrough (also on the landing page):\n  1. Enroll: open the admin link above, type a name, date of birth and region.\n  2. Receive: click \"Open in the Cachet wallet\", then \"Add to my wallet\" (ten single-use\n     copies of each credential, bound to keys that never leave this browser).\n  3. Visit the shop, http://localhost:7004/, and click \"Open my wallet on this device\".\n  4. Approve: the wallet shows who asks and that only \"Over 18\" will be shared.\n  5. Verified: back at the shop, its page checked the proof itself, asking no one.\n     Then try the forum, http://localhost:7005/ (region and over 16).\n\nPress Ctrl-C to stop.",
        );
        tokio::signal::ctrl_c()
            .await
            .map_err(|err| fail(format!("cannot wait for Ctrl-C: {err}")))?;
        println!("\nstopping the demo");
        Ok(())
    })
}
