// What a person on a slow phone waits for, in headless Chromium throttled through
// DevTools: 4× CPU slowdown and DevTools' "Slow 3G" network (2,000 ms round trip, 50,000
// bytes/s each way), at a 390×844 touch viewport. Measured with the wallet and the
// verifier loaded cold (HTTP cache and the wallet's service worker caches cleared; the
// wallet's credentials stay in IndexedDB, as on a phone that has them):
// - from opening the shop page to "Verified" on the same device (the shop page ready,
//   the wallet's consent on screen, Share armed and tapped at once, back at the shop and
//   verified), with each step's share;
// - the wallet's first render of the credentials list.
// Run by `cargo xtask bench` with the sites and an issuer up (CACHET_*_URL).
import { PHONE, launch, siteUrl } from "../e2e/browser.mjs";
import { enrollAndReceive } from "../e2e/journey.mjs";

const SLOW_3G = { offline: false, latency: 2000, downloadThroughput: 50_000, uploadThroughput: 50_000 };
const CPU_SLOWDOWN = 4;
const RUNS = 3;
const wallet = siteUrl("wallet");
const shop = siteUrl("shop");
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Clears the HTTP cache and the wallet's and shop's service workers and caches, then
 * throttles this page's CPU and network. */
async function coldAndSlow(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.clearBrowserCache");
  for (const origin of [new URL(wallet).origin, new URL(shop).origin]) {
    await cdp.send("Storage.clearDataForOrigin", { origin, storageTypes: "cache_storage,service_workers" });
  }
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  await cdp.send("Network.emulateNetworkConditions", SLOW_3G);
  return cdp;
}

const browser = await launch();
try {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await enrollAndReceive(page, { given: "Slow", family: "Phone", birthdate: "1990-01-01" });

  const journeys = [];
  const renders = [];
  for (let run = 0; run < RUNS; run += 1) {
    const cdp = await coldAndSlow(page);
    const start = Date.now();
    await page.goto(shop);
    await page.waitForSelector("body[data-ready=true]", { timeout: 120_000 });
    const shopReady = Date.now();
    await page.tap("#same-device");
    await page.waitForSelector("[data-testid=consent]", { timeout: 120_000 });
    const consent = Date.now();
    await page.waitForSelector("[data-testid=approve]:not([disabled])", { timeout: 120_000 });
    const armed = Date.now();
    await page.tap("[data-testid=approve]");
    await page.waitForSelector("#result[data-valid=true]", { timeout: 120_000 });
    const verified = Date.now();
    journeys.push({ total: verified - start, shop: shopReady - start, wallet: consent - shopReady, armed: armed - consent, back: verified - armed });
    await cdp.detach();

    const again = await coldAndSlow(page);
    const opened = Date.now();
    await page.goto(wallet);
    await page.waitForSelector("[data-testid=credential]", { timeout: 120_000 });
    renders.push(Date.now() - opened);
    await again.detach();
  }
  const part = (name) => median(journeys.map((journey) => journey[name])).toFixed(0);
  console.log(`slow phone (${CPU_SLOWDOWN}x CPU slowdown, Slow 3G: ${SLOW_3G.latency} ms RTT, ${SLOW_3G.downloadThroughput} B/s; 390x844 touch; wallet and verifier cold), medians of ${RUNS}:`);
  console.log(`  shop page opened to "Verified" on the same device: ${part("total")} ms (shop ready ${part("shop")} ms, wallet consent on screen ${part("wallet")} ms, Share armed ${part("armed")} ms, back and verified ${part("back")} ms)`);
  console.log(`  wallet first render of the credentials list: ${median(renders).toFixed(0)} ms`);
} finally {
  await browser.close();
}
