//! The QR decoder (rqrr behind `credential::qr::decode_rgba`) on hostile camera frames:
//! random frames of any size up to 128 × 128, and real codes (made from the input) drawn
//! at an input-chosen position and damaged pixel by pixel, which reach deep into rqrr's
//! grid reading, error correction and payload decoding. A panic here would be a trap in
//! the scanner module, which the verifier and the wallet contain by starting a new
//! instance; the fuzzer is here to find such panics, and hangs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qrcodegen::{QrCode, QrCodeEcc};

const MAX_SIDE: usize = 128;

fn grey(value: u8) -> [u8; 4] {
    [value, value, value, 255]
}

fuzz_target!(|data: &[u8]| {
    let [mode, w, h, rest @ ..] = data else {
        return;
    };
    let (width, height) = (
        usize::from(*w) % MAX_SIDE + 1,
        usize::from(*h) % MAX_SIDE + 1,
    );
    let mut pixels = vec![255u8; width * height];
    if mode & 1 == 0 {
        // Random pixels, mostly black and white so that finder patterns appear.
        for (pixel, byte) in pixels.iter_mut().zip(rest.iter().cycle()) {
            *pixel = if *byte < 100 { 0 } else if *byte > 156 { 255 } else { *byte };
        }
    } else {
        // A real code of the first bytes, drawn at (x, y), then damaged.
        let split = rest.len().min(usize::from(mode >> 2) + 1);
        let (text, damage) = rest.split_at(split);
        let text: String = text.iter().map(|b| char::from(b'A' + b % 26)).collect();
        let Ok(code) = QrCode::encode_text(&text, QrCodeEcc::Low) else {
            return;
        };
        let side = usize::try_from(code.size()).unwrap_or(0);
        let scale = usize::from((mode >> 1) & 1) + 1;
        let (ox, oy) = (
            damage.first().map_or(0, |b| usize::from(*b) % 8),
            damage.get(1).map_or(0, |b| usize::from(*b) % 8),
        );
        for y in 0..side * scale {
            for x in 0..side * scale {
                let dark = code.get_module(
                    i32::try_from(x / scale).unwrap_or(0),
                    i32::try_from(y / scale).unwrap_or(0),
                );
                let (px, py) = (x + ox, y + oy);
                if dark && px < width && py < height {
                    pixels[py * width + px] = 0;
                }
            }
        }
        for pair in damage.chunks(3).skip(1) {
            if let [a, b, v] = pair {
                let index = (usize::from(*a) * 256 + usize::from(*b)) % pixels.len();
                pixels[index] = *v;
            }
        }
    }
    let rgba: Vec<u8> = pixels.into_iter().flat_map(grey).collect();
    let _ = credential::qr::decode_rgba(&rgba, width, height);
});
