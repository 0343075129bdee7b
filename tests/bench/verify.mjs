// Runs the in-page verifier benchmark (bench/index.html) in headless Chromium and prints
// median verify times of a presentation with 10 disclosures + KB-JWT, as ratios in one
// run. Usage (from tests/, with CACHET_BIN set): node bench/verify.mjs
// `cargo xtask bench` builds the verifier package and the CLI and runs this.
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { launch } from "../e2e/browser.mjs";
import { makePresentation, makePseudonymous } from "../support/cachet.mjs";
import { serveStatic } from "../support/static.mjs";

const here = resolve(import.meta.dirname);
const roots = [
  ["/pkg/", resolve(here, "../../verifier-wasm/pkg")],
  ["/node_modules/", resolve(here, "../node_modules")],
  ["/", here],
];
const { server, url } = await serveStatic(roots);

const claims = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`claim_${i}`, `value ${i}`]));
const made = makePresentation({ claims, disclose: Object.keys(claims).map((name) => `/${name}`) });

const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById("status").textContent === "ready");
  const r = await page.evaluate((input) => window.runBench(input), {
    presentation: made.presentation, issuerJwk: made.publicJwk, iss: made.iss, aud: made.aud, nonce: made.nonce,
  });
  const wasm = readFileSync(resolve(here, "../../verifier-wasm/pkg/verifier_wasm_bg.wasm"));
  const us = (v) => `${v.toFixed(1).padStart(8)} us`;
  console.log(`in-page verify, presentation with ${r.disclosures} disclosures + KB-JWT, median of 31 samples x 25, methods interleaved (${r.userAgent.match(/Chrome\/[\d.]+/)?.[0]})`);
  console.log(`  floor (2 WebCrypto ECDSA verifies)   ${us(r.floor)}   1.00x`);
  console.log(`  Cachet, WebCrypto signatures         ${us(r.cachetWebCrypto)}   ${(r.cachetWebCrypto / r.floor).toFixed(2)}x floor`);
  console.log(`  Cachet, p256 in wasm (fallback)      ${us(r.cachetWasm)}   ${(r.cachetWasm / r.floor).toFixed(2)}x floor`);
  console.log(`  @sd-jwt/core 0.19 with WebCrypto     ${us(r.sdJwtJs)}   ${(r.sdJwtJs / r.floor).toFixed(2)}x floor`);
  console.log(`  Cachet (WebCrypto) is ${(r.sdJwtJs / r.cachetWebCrypto).toFixed(2)}x faster than @sd-jwt/core`);
  const scanner = readFileSync(resolve(here, "../../verifier-wasm/pkg/scanner/qr_scanner_bg.wasm"));
  const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

  // Pseudonymous: a fresh page, so the first verification loads the nym module cold.
  const nymPage = await browser.newPage();
  await nymPage.goto(url);
  await nymPage.waitForFunction(() => document.getElementById("status").textContent === "ready");
  const nymMade = makePseudonymous();
  const site = "https://forum.example";
  const presentations = Array.from({ length: 7 }, (_, i) => {
    const nonce = `bench-${i}`;
    return { nonce, presentation: nymMade.present({ disclose: ["/age_over_18"], nonce, aud: site, site }) };
  });
  const n = await nymPage.evaluate((input) => window.runNymBench(input), {
    presentations, issuerJwk: nymMade.publicJwk, iss: nymMade.iss, aud: site,
  });
  const nym = readFileSync(resolve(here, "../../verifier-wasm/pkg/nym/nym_verifier_bg.wasm"));
  console.log(`in-page verify of a pseudonymous age answer with the site's pseudonym (8 signed messages, exp + 1 disclosed, ${presentations[0].presentation.length} bytes):`);
  console.log(`  first in the page (loads nym/ cold)  ${n.firstMs.toFixed(1).padStart(8)} ms`);
  console.log(`  median of ${n.samples} later ones           ${n.medianMs.toFixed(1).padStart(8)} ms   (goal 50 ms)`);
  console.log(`nym/nym_verifier_bg.wasm (loaded only for pseudonymous answers): ${nym.length} bytes raw, ${gz(nym)} bytes gzip -9 (goal 61,440: ${(gz(nym) / 61440).toFixed(2)}x)`);
  console.log(`verifier_wasm_bg.wasm: ${wasm.length} bytes raw, ${gz(wasm)} bytes gzip -9 (goal 81,920: ${(gz(wasm) / 81920).toFixed(2)}x the goal)`);
  console.log(`scanner/qr_scanner_bg.wasm (loaded only to read QR codes): ${scanner.length} bytes raw, ${gz(scanner)} bytes gzip -9`);
} finally {
  await browser.close();
  server.close();
}
