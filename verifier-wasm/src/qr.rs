//! QR codes, made and read in wasm: the request for a phone to scan, and the wallet's
//! response that the site's camera reads back (cross-device, no server).

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use wasm_bindgen::JsValue;

/// Largest camera frame accepted by [`scan`], in pixels.
const MAX_FRAME_PIXELS: usize = 4096 * 4096;

/// `text` as an SVG QR code (error correction level L), or `None` if it is too long
/// for any QR version.
pub fn svg(text: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .min_dimensions(256, 256)
            .quiet_zone(true)
            .build(),
    )
}

/// The text of the first QR code found in an RGBA frame (`ImageData`-like: `width`,
/// `height`, `data`), or `None`.
pub fn scan(frame: &JsValue) -> Option<String> {
    let get = |name: &str| js_sys::Reflect::get(frame, &JsValue::from_str(name)).ok();
    let width = usize::try_from(get("width")?.as_f64()? as u64).ok()?;
    let height = usize::try_from(get("height")?.as_f64()? as u64).ok()?;
    let pixels = width.checked_mul(height)?;
    if pixels == 0 || pixels > MAX_FRAME_PIXELS {
        return None;
    }
    let data = js_sys::Uint8Array::new(&get("data")?).to_vec();
    if data.len() != pixels.checked_mul(4)? {
        return None;
    }
    decode_rgba(&data, width, height)
}

/// The text of the first QR code in RGBA pixels.
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
