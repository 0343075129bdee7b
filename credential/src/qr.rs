//! QR codes, made (feature `qr`) and read (feature `qr-scan`) in pure Rust: the request a
//! phone scans, the wallet's response that a site's camera reads back (cross-device, no
//! server), and the issuer's offer. One implementation for the verifier, the wallet, the
//! issuer and the scanner module (`qr-scanner/`), the one place decoding runs in a browser.

use std::fmt::Write as _;

use qrcodegen::{QrCode, QrCodeEcc, QrSegment};

/// Light modules around a code (the quiet zone the standard asks for), in modules.
const QUIET_ZONE: i32 = 4;
/// Smallest side of an SVG code, in pixels (modules are whole pixels, so it can be more).
const MIN_SVG_PIXELS: i32 = 256;

/// `text` in the smallest QR version that carries it at error correction level L (raised
/// when that fits the same version), in one segment of the densest mode for all of it:
/// alphanumeric for the compact response form (base45), bytes for a URL.
fn encode(text: &str) -> Option<QrCode> {
    let segment = if text.bytes().all(|byte| QR_ALPHANUMERIC.contains(&byte)) {
        QrSegment::make_alphanumeric(text)
    } else {
        QrSegment::make_bytes(text.as_bytes())
    };
    QrCode::encode_segments(&[segment], QrCodeEcc::Low).ok()
}

/// The characters of QR's alphanumeric mode (ISO/IEC 18004 §7.4.4). Checked here rather
/// than by `encode_text`, whose segment analysis (numeric runs and all) the in-page
/// verifier does not need: its codes are one segment anyway.
const QR_ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// `text` as an SVG QR code, or `None` if it is too long for any QR version. One `<path>`
/// of dark modules (a run of them per subpath) over a white square, in pixel units.
#[must_use]
pub fn svg(text: &str) -> Option<String> {
    let code = encode(text)?;
    let modules = code.size();
    let side = modules + 2 * QUIET_ZONE;
    let scale = (MIN_SVG_PIXELS + side - 1) / side;
    let pixels = side * scale;
    let mut path = String::new();
    for y in 0..modules {
        let mut x = 0;
        while x < modules {
            let start = x;
            while code.get_module(x, y) {
                x += 1;
            }
            if x > start {
                let run = (x - start) * scale;
                let _ = write!(
                    path,
                    "M{} {}h{run}v{scale}h-{run}z",
                    (start + QUIET_ZONE) * scale,
                    (y + QUIET_ZONE) * scale
                );
            }
            x += 1;
        }
    }
    Some(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{pixels}" height="{pixels}" viewBox="0 0 {pixels} {pixels}" shape-rendering="crispEdges"><rect width="{pixels}" height="{pixels}" fill="#fff"/><path fill="#000" d="{path}"/></svg>"##
    ))
}

/// The QR version (1 to 40) that carries `text` at error correction level L, or `None`
/// if none does.
#[must_use]
pub fn version(text: &str) -> Option<i16> {
    encode(text).map(|code| i16::from(code.version().value()))
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
        let code = encode(text).unwrap();
        let modules = usize::try_from(code.size()).unwrap();
        let scale = 4;
        let size = (modules + 8) * scale;
        let mut rgba = vec![255u8; size * size * 4];
        for y in 0..modules {
            for x in 0..modules {
                if code.get_module(x as i32, y as i32) {
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
        assert!(svg(text).unwrap().starts_with("<svg"));
    }

    #[test]
    fn blank_frames_and_oversized_text_give_none() {
        assert_eq!(decode_rgba(&vec![255; 64 * 64 * 4], 64, 64), None);
        assert_eq!(svg(&"x".repeat(8000)), None);
    }
}
