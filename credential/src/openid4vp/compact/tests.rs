//! The JSON shrinking of the compact form, byte by byte.

use super::*;

#[test]
fn base64url_runs_go_as_bytes_only_when_they_come_back_exactly() {
    let digest = crate::disclosure::sha256_b64("x");
    for text in [
        // Canonical runs of each length class, at the edges of the length limits.
        format!(r#"{{"k":"{digest}","n":"{}"}}"#, "A".repeat(16)),
        format!(r#"["{}","{}"]"#, "Ab".repeat(170), "Q".repeat(341)),
        // Not canonical: non-zero trailing bits, or a length no encoder produces.
        format!(r#"["{}B","{}"]"#, "A".repeat(42), "A".repeat(17)),
        // Runs that touch tokens and digits; a short one; one that ends the text.
        format!(r#"{{"iat":1795400000,"age_over_18":true,"x":"{digest}"}}{digest}"#),
        "-_-_-_-_-_-_-_-_-_-_".to_owned(),
    ] {
        let shrunk = shrink(text.as_bytes(), &[]).unwrap();
        assert_eq!(expand(&shrunk, &[]).unwrap(), text.as_bytes(), "{text}");
    }
    let with_digest = format!(r#"{{"_sd":["{digest}"]}}"#);
    let shrunk = shrink(with_digest.as_bytes(), &[]).unwrap();
    assert!(shrunk.len() < with_digest.len() - 10, "{shrunk:?}");
    // A run cut short, or a length byte with nothing after it, is refused.
    assert_eq!(expand(&[RAW, 32, 1, 2, 3], &[]), None);
    assert_eq!(expand(&[RAW], &[]), None);
}

/// Property tests run natively (proptest is a native dev-dependency).
#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::strategy::Strategy;

    proptest::proptest! {
        /// Any UTF-8 text, mixing runs of base64url of every length with tokens and digests,
        /// comes back exactly.
        #[test]
        fn shrink_then_expand_is_the_identity(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    "[A-Za-z0-9_-]{0,360}",
                    proptest::sample::select(TOKENS.to_vec()).prop_map(str::to_owned),
                    "[\"{}:,é ]{0,3}",
                    proptest::strategy::Just(crate::disclosure::sha256_b64("d")),
                ],
                0..12,
            )
        ) {
            let text = pieces.concat();
            let digests = [crate::disclosure::sha256_b64("d")];
            let shrunk = shrink(text.as_bytes(), &digests).unwrap();
            proptest::prop_assert_eq!(expand(&shrunk, &digests).unwrap(), text.as_bytes());
        }
    }
}
