//! Reading a QR code from a camera frame handed over from JavaScript; the codec itself is
//! `credential::qr`.

use wasm_bindgen::JsValue;

/// Largest camera frame accepted by [`scan`], in pixels.
const MAX_FRAME_PIXELS: usize = 4096 * 4096;

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
    credential::qr::decode_rgba(&data, width, height)
}
