//! QR codes, made (feature `qr`) and read (feature `qr-scan`) in pure Rust: the request a
//! phone scans, the wallet's response that a site's camera reads back (cross-device, no
//! server), and the issuer's offer. One implementation for the verifier, the wallet, the
//! issuer and the scanner module (`qr-scanner/`), the one place decoding runs in a browser.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// `text` as an SVG QR code (error correction level L), or `None` if it is too long
/// for any QR version.
#[must_use]
pub fn svg(text: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .min_dimensions(256, 256)
            .quiet_zone(true)
            .build(),
    )
}

/// The QR version (1 to 40) that carries `text` at error correction level L, or `None`
/// if none does. The encoder picks the densest mode for each part of the text
/// (alphanumeric for the compact response form).
#[must_use]
pub fn version(text: &str) -> Option<i16> {
    match QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L)
        .ok()?
        .version()
    {
        qrcode::Version::Normal(version) => Some(version),
        qrcode::Version::Micro(_) => None,
    }
}

/// The text of the first QR code in RGBA pixels (a camera frame), or `None`.
#[cfg(feature = "qr-scan")]
#[must_use]
pub fn decode_rgba(rgba: &[u8], width: usize, height: usize) -> Option<String> {
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        let offset = (y * width + x) * 4;
        match rgba.get(offset..offset + 3) {
            // Integer luma (BT.601), no floats.
            Some([r, g, b]) => {
                ((u32::from(*r) * 299 + u32::from(*g) * 587 + u32::from(*b) * 114) / 1000) as u8
            }
            _ => 255,
        }
    });
    image
        .detect_grids()
        .into_iter()
        .find_map(|grid| grid.decode().ok().map(|(_, text)| text))
}

#[cfg(test)]
#[cfg(feature = "qr-scan")]
mod tests {
    use super::*;

    /// Renders a QR code to RGBA pixels, as a camera frame would show it.
    fn rgba_of(text: &str) -> (Vec<u8>, usize) {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L).unwrap();
        let modules = code.width();
        let scale = 4;
        let size = (modules + 8) * scale;
        let mut rgba = vec![255u8; size * size * 4];
        for y in 0..modules {
            for x in 0..modules {
                if code[(x, y)] == qrcode::Color::Dark {
                    for dy in 0..scale {
                        for dx in 0..scale {
                            let px = (x + 4) * scale + dx;
                            let py = (y + 4) * scale + dy;
                            let offset = (py * size + px) * 4;
                            rgba[offset..offset + 3].copy_from_slice(&[0, 0, 0]);
                        }
                    }
                }
            }
        }
        (rgba, size)
    }

    #[test]
    fn generated_codes_decode_back() {
        let text = "http://localhost:7001/#/present?response_type=vp_token&nonce=abc";
        let (rgba, size) = rgba_of(text);
        assert_eq!(decode_rgba(&rgba, size, size).as_deref(), Some(text));
        assert!(svg(text).unwrap().starts_with("<?xml"));
    }

    #[test]
    fn blank_frames_and_oversized_text_give_none() {
        assert_eq!(decode_rgba(&vec![255; 64 * 64 * 4], 64, 64), None);
        assert_eq!(svg(&"x".repeat(8000)), None);
    }
}
