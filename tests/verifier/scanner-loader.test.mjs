// The verifier's QR decoder loader (verifier-wasm/js/on_demand.js, a wasm-bindgen snippet),
// run against a stand-in decoder module: scanQr starts loading on its first frame, does not
// try again for five seconds after a failed load (nor fill the console), initScanner
// always tries, and once loaded, frames go to the decoder.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

test("a failed decoder load is retried after five seconds and reported once", async () => {
  // The package layout: pkg/snippets/<crate>/js/on_demand.js imports ../../../scanner/qr_scanner.js.
  const pkg = mkdtempSync(join(tmpdir(), "cachet-scanner-"));
  mkdirSync(join(pkg, "snippets/verifier-wasm-test/js"), { recursive: true });
  mkdirSync(join(pkg, "scanner"));
  copyFileSync(join(root, "verifier-wasm/js/on_demand.js"), join(pkg, "snippets/verifier-wasm-test/js/on_demand.js"));
  writeFileSync(join(pkg, "scanner/qr_scanner.js"), `
    export default async function init(options) {
      globalThis.decoderInits.push(options);
      if (globalThis.decoderFails) throw new Error("no decoder here");
    }
    export function decode(width, height, rgba) { return \`\${width}x\${height}:\${rgba.length}\`; }
  `);
  globalThis.decoderInits = [];
  globalThis.decoderFails = true;
  let clock = 0;
  const realPerformance = Object.getOwnPropertyDescriptor(globalThis, "performance");
  Object.defineProperty(globalThis, "performance", { value: { now: () => clock }, configurable: true });
  const warnings = [];
  const realWarn = console.warn;
  console.warn = (message) => warnings.push(message);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  try {
    const { load_decoder, decode_frame } = await import(
      pathToFileURL(join(pkg, "snippets/verifier-wasm-test/js/on_demand.js")).href);
    const frame = new Uint8Array(4);

    assert.equal(decode_frame(1, 1, frame), undefined, "nothing while loading");
    await settle();
    assert.equal(decoderInits.length, 1, "the first frame starts the load");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /no decoder here.*initScanner/);

    clock = 4_999;
    for (let i = 0; i < 100; i++) assert.equal(decode_frame(1, 1, frame), undefined);
    await settle();
    assert.equal(decoderInits.length, 1, "no retry within five seconds of the failure");

    clock = 5_000;
    decode_frame(1, 1, frame);
    decode_frame(1, 1, frame);
    await settle();
    assert.equal(decoderInits.length, 2, "one retry after five seconds, however many frames");
    assert.equal(warnings.length, 1, "the console hears of it once");

    // initScanner's path always tries, and rejects so it can say why.
    await assert.rejects(load_decoder({ module_or_path: "bytes" }), /no decoder here/);
    assert.deepEqual(decoderInits.at(-1), { module_or_path: "bytes" });

    globalThis.decoderFails = false;
    await load_decoder(undefined);
    assert.equal(decode_frame(2, 1, new Uint8Array(8)), "2x1:8", "frames reach the decoder once loaded");
  } finally {
    console.warn = realWarn;
    if (realPerformance) Object.defineProperty(globalThis, "performance", realPerformance);
    delete globalThis.decoderInits;
    delete globalThis.decoderFails;
  }
});

test("a decoder that traps on a frame is replaced by a fresh instance", async () => {
  const pkg = mkdtempSync(join(tmpdir(), "cachet-scanner-trap-"));
  mkdirSync(join(pkg, "snippets/verifier-wasm-test/js"), { recursive: true });
  mkdirSync(join(pkg, "scanner"));
  copyFileSync(join(root, "verifier-wasm/js/on_demand.js"), join(pkg, "snippets/verifier-wasm-test/js/on_demand.js"));
  // A stand-in whose every instance counts itself, and which traps (as a panic in the
  // wasm decoder does) on a frame of width 13; a trapped instance stays broken.
  writeFileSync(join(pkg, "scanner/qr_scanner.js"), `
    const me = globalThis.scannerInstances.push(true);
    let trapped = false;
    export default async function init() {}
    export function decode(width) {
      if (trapped) throw new WebAssembly.RuntimeError("memory access out of bounds");
      if (width === 13) { trapped = true; throw new WebAssembly.RuntimeError("unreachable"); }
      return \`instance \${me}\`;
    }
  `);
  globalThis.scannerInstances = [];
  const warnings = [];
  const realWarn = console.warn;
  console.warn = (message) => warnings.push(message);
  try {
    const { load_decoder, decode_frame, decoder_instances } = await import(
      pathToFileURL(join(pkg, "snippets/verifier-wasm-test/js/on_demand.js")).href);
    const frame = new Uint8Array(4);
    await load_decoder(undefined);
    assert.equal(decode_frame(1, 1, frame), "instance 1");
    assert.equal(decode_frame(13, 1, frame), undefined, "the trap does not escape");
    assert.equal(decode_frame(1, 1, frame), undefined, "a new instance is loading");
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(decode_frame(1, 1, frame), "instance 2", "frames go to the fresh instance");
    assert.equal(decoder_instances(), 2);
    assert.equal(scannerInstances.length, 2, "a module instance of its own, not the trapped one");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /failed on a frame.*unreachable/);
  } finally {
    console.warn = realWarn;
    delete globalThis.scannerInstances;
  }
});
