// Decodes camera frames off the page's main thread with Cachet's QR module
// (qr-scanner/, built into /scanner/ by `cargo xtask`), loaded only when the camera is on.
// Receives ImageData, answers with the QR code's text or null. Nothing leaves the device.
import init, { decode } from "/scanner/qr_scanner.js";

const ready = init({ module_or_path: "/scanner/qr_scanner_bg.wasm" });

self.onmessage = async ({ data: frame }) => {
  await ready;
  self.postMessage(decode(frame.width, frame.height, new Uint8Array(frame.data.buffer)) ?? null);
};
