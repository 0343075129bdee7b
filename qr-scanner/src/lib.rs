//! The QR decoder in a wasm module of its own. Decoding needs rqrr, whose Galois-field
//! tables alone are 64 KB; keeping it out of the wallet's and the verifier's main modules
//! saves about 85 KB (gzipped) on every load. The wallet runs it in a Web Worker only
//! while the camera is on (`wallet-ui/pwa/scanner-worker.js`), off the page's main
//! thread; the verifier package ships it as `pkg/scanner/`, loaded by `initScanner()` or
//! the first `scanQr()` (`verifier-wasm/js/on_demand.js`).

use wasm_bindgen::prelude::wasm_bindgen;

/// Largest frame decoded, in pixels.
const MAX_FRAME_PIXELS: usize = 4096 * 4096;

/// The text of the first QR code in an RGBA frame (`ImageData.data`) of `width` ×
/// `height` pixels, or `undefined`.
#[wasm_bindgen]
#[must_use]
pub fn decode(width: u32, height: u32, rgba: &[u8]) -> Option<String> {
    let (width, height) = (usize::try_from(width).ok()?, usize::try_from(height).ok()?);
    let pixels = width.checked_mul(height)?;
    if pixels == 0 || pixels > MAX_FRAME_PIXELS || rgba.len() != pixels.checked_mul(4)? {
        return None;
    }
    credential::qr::decode_rgba(rgba, width, height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_of_the_wrong_size_give_none() {
        assert_eq!(decode(2, 2, &[0; 15]), None);
        assert_eq!(decode(0, 0, &[]), None);
        assert_eq!(decode(u32::MAX, u32::MAX, &[0; 4]), None);
        assert_eq!(decode(8, 8, &[255; 256]), None);
    }
}
