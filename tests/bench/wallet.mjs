// The wallet's size and first render of the credentials list on localhost, in headless
// Chromium: the built .wasm raw and gzipped, then (after receiving a batch from the
// issuer) the time from navigation start to the credentials list on screen, cold (new
// browser profile, nothing cached) and warm (service worker and HTTP cache), medians.
// Run by `cargo xtask bench` with the sites and an issuer up (CACHET_*_URL).
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { launch, siteUrl } from "../e2e/browser.mjs";
import { enrollAndReceive } from "../e2e/journey.mjs";

const dist = resolve(import.meta.dirname, "../../dist/wallet");
const wasm = readdirSync(dist).find((name) => name.endsWith(".wasm"));
const bytes = readFileSync(join(dist, wasm));
const gz = gzipSync(bytes, { level: 9 }).length;
console.log(`wallet .wasm after wasm-opt: ${bytes.length} bytes raw, ${gz} bytes gzipped (goal 400,000)`);
const scanner = readFileSync(join(dist, "scanner/qr_scanner_bg.wasm"));
console.log(`QR scanner module (loaded only while the camera is on): ${scanner.length} bytes raw, ${gzipSync(scanner, { level: 9 }).length} bytes gzipped`);

const issuer = siteUrl("issuer").replace(/\/$/, "");
const wallet = siteUrl("wallet");
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function firstRender(page) {
  await page.goto(wallet);
  await page.waitForSelector("[data-testid=credential]", { timeout: 20_000 });
  return page.evaluate(() => performance.now());
}

const browser = await launch();
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  await enrollAndReceive(page, { given: "Bench", family: "Mark", birthdate: "1990-01-01", pseudonymous: true });
  const recovery = page.getByTestId("recovery-written");
  await page.goto(wallet);
  await recovery.click();

  const warm = [];
  for (let run = 0; run < 15; run += 1) warm.push(await firstRender(page));
  // Cold: a new context has neither the cache nor the credentials, so it measures to
  // the (empty) list; the difference to warm is download and compile of the app.
  const cold = [];
  for (let run = 0; run < 5; run += 1) {
    const fresh = await browser.newContext();
    const coldPage = await fresh.newPage();
    await coldPage.goto(wallet);
    await coldPage.waitForSelector("[data-testid=no-credentials]", { timeout: 20_000 });
    cold.push(await coldPage.evaluate(() => performance.now()));
    await fresh.close();
  }
  console.log(`first render of the credentials list (2 credentials, 20 copies, decrypted from IndexedDB): median ${median(warm).toFixed(0)} ms warm (${warm.length} loads)`);
  console.log(`first render, new profile (empty list, app downloaded and compiled): median ${median(cold).toFixed(0)} ms (${cold.length} loads)`);

  const shop = siteUrl("shop");
  const answer = async (button) => {
    await page.goto(shop);
    await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 });
    await page.click(button);
    await page.waitForSelector("[data-testid=approve]:not([disabled])", { timeout: 20_000 });
    const started = performance.now();
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(shop), { timeout: 20_000 }),
      page.click("[data-testid=approve]"),
    ]);
    const took = performance.now() - started;
    await page.waitForSelector("#result[data-valid=true]", { timeout: 20_000 });
    return took;
  };
  const sdJwt = [];
  const nym = [];
  for (let run = 0; run < 7; run += 1) {
    sdJwt.push(await answer("#same-device"));
    nym.push(await answer("#pseudonym-sign-in"));
  }
  console.log(`wallet answer at the shop, Share to the shop's page back (over 18): SD-JWT median ${median(sdJwt).toFixed(0)} ms, pseudonymous with the shop's pseudonym median ${median(nym).toFixed(0)} ms (${nym.length} each; the difference, ${(median(nym) - median(sdJwt)).toFixed(0)} ms, is the BBS proof in the wallet's wasm; goal 100 ms)`);
} finally {
  await browser.close();
}
