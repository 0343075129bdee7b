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

/// The `RequestError` codes that `createRequest` can return: `AuthorizationRequest::new`
/// checks the redirect URI's origin, the nonce, state and purpose, and the DCQL query. The
/// other request codes are the wallet's refusals of someone else's request.
const CREATE_REQUEST_CODES: [&str; 2] = ["malformed_request", "invalid_dcql_query"];

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

/// The codes `enum_name::code()` returns: the string literals after `=>` in its body.
fn codes_of_fn(source: &str, enum_name: &str) -> BTreeSet<String> {
    let start = source
        .find(&format!("impl {enum_name} {{"))
        .unwrap_or_else(|| panic!("impl {enum_name} not found"));
    let body = &source[start..];
    let body = &body[body.find("fn code(").expect("fn code")..];
    let body = &body[..body.find("\n    }\n").expect("end of fn code")];
    body.split("=> \"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

/// The codes passed as literals to `failure(` in the verifier's own sources.
fn failure_literals(source: &str) -> BTreeSet<String> {
    source
        .split("failure(")
        .skip(1)
        .filter_map(|rest| rest.trim_start().strip_prefix('"'))
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

/// Every code the verifier can return to a page.
fn returned_codes() -> BTreeSet<String> {
    let mut codes = codes_of_fn(&read("../credential/src/error.rs"), "VerifyError");
    codes.extend(codes_of_fn(
        &read("../credential/src/openid4vp/error.rs"),
        "ResponseError",
    ));
    codes.extend(CREATE_REQUEST_CODES.map(str::to_owned));
    for file in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("src")).unwrap() {
        let path = file.unwrap().path();
        codes.extend(failure_literals(&std::fs::read_to_string(path).unwrap()));
    }
    codes
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
