//! Reading a QR code from a camera frame handed over from JavaScript. The decoder is a
//! separate wasm module (`qr-scanner/`, in the package's `scanner/`) that
//! `js/on_demand.js` loads on demand: this module only checks the frame and passes it on.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::FacadeError;
use crate::js::error_message;
use crate::result::{VerificationResult, accepted};

/// Largest camera frame accepted by [`scan`], in pixels.
const MAX_FRAME_PIXELS: usize = 4096 * 4096;

#[wasm_bindgen(module = "/js/on_demand.js")]
extern "C" {
    /// Loads the decoder module (`options` as its `init` takes them).
    #[wasm_bindgen(catch)]
    async fn load_decoder(options: JsValue) -> Result<JsValue, JsValue>;

    /// The decoder's answer for a frame; `None` while it is still loading. Caught, so
    /// that nothing thrown in JavaScript unwinds through this module's frames (it would
    /// leave the verifier's borrow of itself held, and every later call would throw).
    #[wasm_bindgen(catch)]
    fn decode_frame(
        width: u32,
        height: u32,
        rgba: &js_sys::Uint8Array,
    ) -> Result<Option<String>, JsValue>;
}

/// Loads the QR decoder that `Verifier.scanQr` uses, so that the first frames are
/// decoded too (otherwise it loads on the first `scanQr` call, which answers `null` until
/// then). `options` as `init` takes them: `undefined` fetches `scanner/qr_scanner_bg.wasm`;
/// a page whose policy forbids fetch passes `{ module_or_path: bytes }` with the bytes
/// from `scanner/qr_scanner_bytes.js`. Resolves to `{ valid: true }`, or to `{ valid:
/// false, error }` with code `scanner_unavailable`; never rejects.
#[wasm_bindgen(js_name = initScanner, unchecked_return_type = "Promise<VerificationResult>")]
pub fn init_scanner(
    #[wasm_bindgen(
        unchecked_param_type = "{ module_or_path: BufferSource | string | URL } | undefined"
    )]
    options: JsValue,
) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        Ok(match load_decoder(options).await {
            Ok(_) => accepted(),
            Err(err) => VerificationResult::failure(&FacadeError::ScannerUnavailable(format!(
                "the QR decoder did not load: {}",
                error_message(&err, "unknown reason")
            )))
            .to_js(),
        })
    })
}

/// The text of the first QR code found in an RGBA frame (`ImageData`-like: `width`,
/// `height`, `data`), or `None` (also while the decoder is still loading).
pub(crate) fn scan(frame: &JsValue) -> Option<String> {
    let get = |name: &str| js_sys::Reflect::get(frame, &JsValue::from_str(name)).ok();
    let width = u32::try_from(get("width")?.as_f64()? as u64).ok()?;
    let height = u32::try_from(get("height")?.as_f64()? as u64).ok()?;
    let pixels = usize::try_from(width)
        .ok()?
        .checked_mul(usize::try_from(height).ok()?)?;
    if pixels == 0 || pixels > MAX_FRAME_PIXELS {
        return None;
    }
    let data = get("data")?;
    // `ImageData.data` is a Uint8ClampedArray; a Uint8Array is taken as it is.
    let data = match data.dyn_ref::<js_sys::Uint8ClampedArray>() {
        Some(clamped) => js_sys::Uint8Array::new_with_byte_offset_and_length(
            &clamped.buffer(),
            clamped.byte_offset(),
            clamped.length(),
        ),
        None => data.dyn_into::<js_sys::Uint8Array>().ok()?,
    };
    if usize::try_from(data.length()).ok()? != pixels.checked_mul(4)? {
        return None;
    }
    decode_frame(width, height, &data).ok().flatten()
}
