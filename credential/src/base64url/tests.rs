use super::*;

#[test]
fn round_trips_every_length_up_to_64() {
    for len in 0..64u8 {
        let bytes: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37)).collect();
        assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
    }
}

#[test]
fn rfc4648_url_alphabet() {
    assert_eq!(encode(&[0xfb, 0xff]), "-_8");
    assert_eq!(decode("-_8").unwrap(), vec![0xfb, 0xff]);
}

#[test]
fn rejects_padding_standard_alphabet_and_trailing_bits() {
    for bad in ["-_8=", "+/8", "QQ==", "QR", "Q", "a b", "ä"] {
        assert_eq!(decode(bad), Err(Base64UrlError::NonCanonical), "{bad:?}");
    }
    // "QQ" is the canonical form of b"A"; "QR" differs only in the unused trailing bits.
    assert_eq!(decode("QQ").unwrap(), b"A");
}
