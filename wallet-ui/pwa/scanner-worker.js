// Decodes camera frames off the page's main thread with Cachet's QR module
// (qr-scanner/, built into /scanner/ by `cargo xtask`), loaded only when the camera is on.
// Receives ImageData, answers with the QR code's text or null. Nothing leaves the device.
// A frame that makes the decoder trap (a panic is a wasm trap, after which its memory may
// be in any state) is answered with null, and the next frame gets a fresh instance.
let instances = 0;
let decoder = null;

function load() {
  instances += 1;
  const query = instances === 1 ? "" : `?instance=${instances}`;
  decoder = import(`/scanner/qr_scanner.js${query}`).then(async (scanner) => {
    await scanner.default({ module_or_path: "/scanner/qr_scanner_bg.wasm" });
    return scanner.decode;
  });
  return decoder;
}

self.onmessage = async ({ data: frame }) => {
  try {
    const decode = await (decoder ?? load());
    self.postMessage(decode(frame.width, frame.height, new Uint8Array(frame.data.buffer)) ?? null);
  } catch (error) {
    decoder = null;
    self.postMessage(null);
  }
};
