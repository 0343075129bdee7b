//! The error codes a website can receive, as the sources define them, against the two
//! places integrators read them: the package README and the integrator page in `www/`.
//! Each must list every code the verifier can return, and no code that does not exist,
//! so that a new error variant cannot ship undocumented and a renamed one cannot linger.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;
use std::path::Path;

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn is_code(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Every code the verifier can return to a page, from the error types' own lists.
fn returned_codes() -> BTreeSet<String> {
    verifier_wasm::error_codes()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// The codes in the first column of the README's "Error codes" table.
fn readme_codes() -> BTreeSet<String> {
    let readme = read("README.md");
    let section = readme.split("\n## Error codes\n").nth(1).expect("section");
    let section = section.split("\n## ").next().unwrap();
    section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .flat_map(|line| line.split(" | ").next().unwrap().split(", "))
        .map(|cell| cell.trim_matches('`').to_owned())
        .collect()
}

/// The codes in the first cell of each row of the integrator page's error table.
fn page_codes() -> BTreeSet<String> {
    let page = read("../www/verifier.html");
    let table = page
        .split("<table id=\"error-codes\">")
        .nth(1)
        .expect("table");
    let table = table.split("</table>").next().unwrap();
    table
        .split("<tr><td>")
        .skip(1)
        .flat_map(|row| row.split("</td>").next().unwrap().split(", "))
        .map(|cell| {
            cell.trim_start_matches("<code>")
                .trim_end_matches("</code>")
                .to_owned()
        })
        .collect()
}

fn assert_lists_exactly(listed: &BTreeSet<String>, returned: &BTreeSet<String>, place: &str) {
    for code in listed {
        assert!(is_code(code), "{place}: {code:?} is not a code");
    }
    let missing: Vec<_> = returned.difference(listed).collect();
    let unknown: Vec<_> = listed.difference(returned).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "{place}: missing {missing:?}, not returned by the verifier {unknown:?}"
    );
}

#[test]
fn the_sources_give_the_codes_expected() {
    let codes = returned_codes();
    for code in [
        "invalid_config",
        "scanner_unavailable",
        "dc_api_unavailable",
        "unknown_state",
        "revoked",
        "invalid_status_list_signature",
        "malformed_request",
    ] {
        assert!(codes.contains(code), "{code} not found in the sources");
    }
    assert!(codes.len() > 45, "only {} codes found", codes.len());
    assert!(codes.iter().all(|code| is_code(code)), "{codes:?}");
}

#[test]
fn the_readme_lists_every_code() {
    assert_lists_exactly(
        &readme_codes(),
        &returned_codes(),
        "verifier-wasm/README.md",
    );
}

#[test]
fn the_integrator_page_lists_every_code() {
    assert_lists_exactly(&page_codes(), &returned_codes(), "www/verifier.html");
}

/// `src/error_code.d.ts`, which the package's typings include, is the union of exactly the
/// codes the sources return. `CACHET_BLESS=1 cargo test -p verifier-wasm --test docs`
/// rewrites it after a change.
#[test]
fn the_typescript_union_is_generated_from_the_sources() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/error_code.d.ts");
    let generated = verifier_wasm::error_code_typescript();
    if std::env::var_os("CACHET_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    assert_eq!(
        read("src/error_code.d.ts"),
        generated,
        "src/error_code.d.ts is stale: rerun with CACHET_BLESS=1"
    );
    assert_eq!(generated.matches("  | \"").count(), returned_codes().len());
}
