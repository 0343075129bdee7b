//! Serving the built wallet and the demo sites, each on its own origin (its own port), for
//! both `cargo xtask demo` and the end-to-end tests, so that the tests exercise exactly
//! what a person runs.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use axum::Router;
use axum::http::{HeaderName, HeaderValue};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::cmd::{Result, fail, root};

/// A static site served from one folder.
pub(crate) struct Site {
    /// Short name used in the printed list and in `CACHET_<NAME>_URL` for the tests.
    pub name: &'static str,
    /// Folder served (single-page apps fall back to its `index.html`).
    pub dir: PathBuf,
    /// The port of its origin; 0 picks a free one (the tests do).
    pub port: u16,
    /// Other folders served under a path prefix, e.g. `("/pkg", verifier-wasm/pkg)`.
    pub mounts: Vec<(&'static str, PathBuf)>,
    /// A `Content-Security-Policy` header for every response.
    pub csp: Option<&'static str>,
    /// Further headers for every response (name, value).
    pub headers: &'static [(&'static str, &'static str)],
    /// Serve `/trust.js` (a demo shop's trust configuration) from this source.
    pub trust: Option<crate::trust::TrustSource>,
    /// The site's own server routes, made once its origin is known (the forum's
    /// accounts).
    pub api: Option<ApiRoutes>,
}

/// Server routes of a site, given the site's origin (`http://localhost:PORT`).
pub(crate) type ApiRoutes = Box<dyn FnOnce(&str) -> Result<Router> + Send>;

/// What a page that talks to its own server may fetch: itself, nothing else.
pub(crate) const OWN_SERVER_CSP: &str =
    "default-src 'self'; connect-src 'self'; script-src 'self' 'wasm-unsafe-eval'";

/// What a host of the wallet sends besides `frame-ancestors 'none'`: no page that opened
/// the wallet keeps a handle on it (it could swap the request under the person's click).
pub(crate) const WALLET_HEADERS: &[(&str, &str)] = &[("cross-origin-opener-policy", "same-origin")];

/// The strictest policy a verifying page can run under: no request of any kind.
pub(crate) const NO_NETWORK_CSP: &str =
    "default-src 'self'; connect-src 'none'; script-src 'self' 'wasm-unsafe-eval'";

/// A site that is up, with the URL it answers on.
pub(crate) struct Running {
    /// The site's name.
    pub name: &'static str,
    /// `http://localhost:PORT/`.
    pub url: String,
}

/// The sites of the demo that exist so far, on their demo ports (or free ports when
/// `fixed_ports` is false).
pub(crate) fn demo_sites(
    fixed_ports: bool,
    trust: &crate::trust::TrustSource,
    forum_db: &std::path::Path,
) -> Vec<Site> {
    let root = root();
    let port = |p: u16| if fixed_ports { p } else { 0 };
    vec![
        Site {
            name: "wallet",
            dir: root.join("dist/wallet"),
            port: port(7001),
            mounts: Vec::new(),
            // The page's own policy is in its index.html; this adds what only a header
            // can say.
            csp: Some("frame-ancestors 'none'"),
            headers: WALLET_HEADERS,
            trust: None,
            api: None,
        },
        Site {
            name: "www",
            dir: root.join("www"),
            port: port(7002),
            mounts: vec![("/pkg", root.join("verifier-wasm/pkg"))],
            csp: Some(NO_NETWORK_CSP),
            headers: &[],
            trust: None,
            api: None,
        },
        shop("shop", port(7004), trust),
        forum(port(7005), trust, forum_db),
    ]
}

/// The forum: a demo relying party whose sign-up runs on its own server
/// (`forum-server`: pseudonymous accounts in SQLite at `db`), so its pages may fetch
/// from their own origin.
fn forum(port: u16, trust: &crate::trust::TrustSource, db: &std::path::Path) -> Site {
    let mut site = shop("forum", port, trust);
    site.csp = Some(OWN_SERVER_CSP);
    let (trust, db) = (trust.clone(), db.to_path_buf());
    site.api = Some(Box::new(move |origin: &str| {
        if let Some(parent) = db.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|err| fail(format!("cannot create {}: {err}", parent.display())))?;
        }
        let store = forum_server::AccountStore::open(&db)
            .map_err(|err| fail(format!("the forum's database at {}: {err}", db.display())))?;
        let (wallet, source) = (trust.wallet.clone(), trust.clone());
        let wallet_url = std::sync::Arc::new(move || wallet.get().cloned().unwrap_or_default());
        let config = forum_server::ForumConfig {
            origin: origin.to_owned(),
            wallet_url,
            trust: std::sync::Arc::new(move || {
                Box::pin(crate::trust::trusted_issuers(source.clone()))
            }),
            clock: std::sync::Arc::new(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            }),
        };
        let forum = forum_server::Forum::new(config, store);
        Ok(forum_server::router(std::sync::Arc::new(forum)))
    }));
    site
}

/// A demo relying party (`www/<name>/`): the verifier package, the shared page script,
/// its trust configuration, and no network for the page.
fn shop(name: &'static str, port: u16, trust: &crate::trust::TrustSource) -> Site {
    let root = root();
    Site {
        name,
        dir: root.join("www").join(name),
        port,
        mounts: vec![
            ("/pkg", root.join("verifier-wasm/pkg")),
            ("/shared", root.join("www/shared")),
        ],
        csp: Some(NO_NETWORK_CSP),
        headers: &[],
        trust: Some(trust.clone()),
        api: None,
    }
}

/// The demo sites plus the test fixtures (on free ports): `csp`, a page that verifies
/// with the built verifier package under [`NO_NETWORK_CSP`].
pub(crate) fn test_sites(
    trust: &crate::trust::TrustSource,
    forum_db: &std::path::Path,
) -> Vec<Site> {
    let root = root();
    let mut sites = demo_sites(false, trust, forum_db);
    sites.push(Site {
        name: "csp",
        dir: root.join("tests/fixtures/csp-page"),
        port: 0,
        mounts: vec![("/pkg", root.join("verifier-wasm/pkg"))],
        csp: Some(NO_NETWORK_CSP),
        headers: &[],
        trust: None,
        api: None,
    });
    sites
}

/// Binds every site and serves it on the current tokio runtime until the runtime ends.
///
/// # Errors
/// A site folder that does not exist, or a port that cannot be bound.
pub(crate) async fn start(sites: Vec<Site>) -> Result<Vec<Running>> {
    let mut running = Vec::new();
    for site in sites {
        if !site.dir.join("index.html").is_file() {
            return Err(fail(format!(
                "{} has no index.html at {} (was it built?)",
                site.name,
                site.dir.display()
            )));
        }
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, site.port));
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|err| {
                fail(format!(
                    "cannot listen on {address} for {}: {err}",
                    site.name
                ))
            })?;
        let port = listener
            .local_addr()
            .map_err(|err| fail(format!("no local address for {}: {err}", site.name)))?
            .port();
        let files = ServeDir::new(&site.dir)
            .append_index_html_on_directories(true)
            .fallback(ServeFile::new(site.dir.join("index.html")));
        let mut app = Router::new();
        if let Some(trust) = site.trust.clone() {
            app = app.route(
                "/trust.js",
                axum::routing::get(move || crate::trust::trust_js(trust.clone())),
            );
        }
        for (prefix, dir) in &site.mounts {
            app = app.nest_service(prefix, ServeDir::new(dir));
        }
        if let Some(api) = site.api {
            app = app.merge(api(&format!("http://localhost:{port}"))?);
        }
        // Layers wrap what the router holds when they are added: add them last. Gzip, as
        // any real host of these pages does (the wallet's module is a third of its size
        // gzipped, which is what a phone on a slow network waits for).
        let mut app = app
            .fallback_service(files)
            .layer(tower_http::compression::CompressionLayer::new())
            .layer(SetResponseHeaderLayer::overriding(
                HeaderName::from_static("x-content-type-options"),
                HeaderValue::from_static("nosniff"),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                HeaderName::from_static("cache-control"),
                HeaderValue::from_static("no-cache"),
            ));
        if let Some(csp) = site.csp {
            app = app.layer(SetResponseHeaderLayer::overriding(
                HeaderName::from_static("content-security-policy"),
                HeaderValue::from_static(csp),
            ));
        }
        for (name, value) in site.headers {
            app = app.layer(SetResponseHeaderLayer::overriding(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            ));
        }
        tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, app).await {
                eprintln!("server stopped: {err}");
            }
        });
        running.push(Running {
            name: site.name,
            url: format!("http://localhost:{port}/"),
        });
    }
    Ok(running)
}
