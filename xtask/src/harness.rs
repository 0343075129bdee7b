//! What the tests and the benchmarks run against: the `cachet` binary, and the demo sites
//! with an issuer on free ports, with node driving them.

use std::path::Path;

use crate::cmd::{self, Result, fail};
use crate::serve;

/// Builds the debug `cachet` binary (a no-op when current) and returns its path.
fn cachet_binary(root: &Path) -> Result<String> {
    cmd::cargo(root, &["build", "-p", "cli"])?;
    Ok(cmd::target_dir(root)
        .join("debug/cachet")
        .to_string_lossy()
        .into_owned())
}

/// Runs `node ARGS` in `tests/` with `CACHET_BIN` set to a freshly built `cachet`.
pub(crate) fn node_with_cachet(root: &Path, args: &[&str]) -> Result {
    let bin = cachet_binary(root)?;
    cmd::run(&root.join("tests"), "node", args, &[("CACHET_BIN", &bin)])
}

/// Starts the sites (free ports) and an issuer with a fresh database in
/// `target/<scratch>`, then runs `node args` in tests/ with their URLs in
/// `CACHET_<SITE>_URL`, `CACHET_ISSUER_URL` and the CLI in `CACHET_BIN`.
pub(crate) fn with_sites(root: &Path, scratch: &str, args: &[&str]) -> Result {
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|err| fail(format!("cannot start the async runtime: {err}")))?;
    let trust = crate::trust::TrustSource::default();
    let scratch = cmd::target_dir(root).join(scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    let running = runtime.block_on(serve::start(serve::test_sites(
        &trust,
        &scratch.join("forum.db"),
    )))?;
    let wallet = running
        .iter()
        .find(|site| site.name == "wallet")
        .map(|site| site.url.trim_end_matches('/').to_owned())
        .ok_or_else(|| fail("the wallet site did not start"))?;
    let issuer_bin = crate::issuer::binary(root)?;
    let issuer = crate::issuer::start(
        &issuer_bin,
        &scratch.join("issuer.db"),
        crate::issuer::free_port()?,
        crate::issuer::free_port()?,
        &wallet,
    )?;
    println!("  CACHET_ISSUER_URL={}/", issuer.url);
    let _ = trust.issuer.set(issuer.url.clone());
    let _ = trust.wallet.set(format!("{wallet}/"));
    let mut env: Vec<(String, String)> = running
        .iter()
        .map(|site| {
            let key = format!("CACHET_{}_URL", site.name.to_ascii_uppercase());
            println!("  {key}={}", site.url);
            (key, site.url.clone())
        })
        .collect();
    env.push(("CACHET_BIN".into(), cachet_binary(root)?));
    env.push(("CACHET_ISSUER_URL".into(), format!("{}/", issuer.url)));
    env.push(("CACHET_ADMIN_URL".into(), issuer.admin_url.clone()));
    env.push((
        "CACHET_ISSUER_DB".into(),
        scratch.join("issuer.db").to_string_lossy().into_owned(),
    ));
    env.push((
        "CACHET_ISSUER_BIN".into(),
        issuer_bin.to_string_lossy().into_owned(),
    ));
    env.push((
        "CACHET_STATUS_PERIOD".into(),
        crate::issuer::STATUS_PERIOD.into(),
    ));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    // The servers run on the runtime's worker threads while node drives the browser.
    let result = cmd::run(&root.join("tests"), "node", args, &env);
    runtime.shutdown_background();
    result
}
