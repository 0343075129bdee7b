use super::*;

#[test]
fn a_credential_with_key_binding_is_refused_by_the_holder() {
    // RFC 9901 §7.2: an issuer hands out an SD-JWT, never an SD-JWT+KB.
    let text = "eyJhbGciOiJFUzI1NiJ9.e30.AAAA~eyJhbGciOiJFUzI1NiJ9.e30.AAAA";
    assert_eq!(
        Credential::parse(text).unwrap_err(),
        PresentError::UnexpectedKeyBinding
    );
}

#[test]
fn malformed_credentials_are_typed_errors() {
    for text in ["", "x", "a.b.c", "a.b.c~", "~~", "{}"] {
        assert!(
            matches!(Credential::parse(text), Err(PresentError::Malformed(_))),
            "{text:?}"
        );
    }
}

#[test]
fn two_step_signing_matches_in_memory_signing() {
    let key = crate::jwk::PrivateJwk::generate(&mut rand_core::OsRng);
    let unsigned = UnsignedPresentation {
        sd_jwt: "jwt~".into(),
        signing_input: "a.b".into(),
    };
    let signature = sign_es256(key.signing_key(), unsigned.signing_input());
    let finished = unsigned.clone().finish(&signature);
    assert!(finished.starts_with("jwt~a.b."));
    // ECDSA here is deterministic (RFC 6979), so both paths give the same string.
    assert_eq!(finished, unsigned.sign_with(key.signing_key()));
}
