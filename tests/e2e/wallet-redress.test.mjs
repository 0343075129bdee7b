// UI redress: a page that opened the wallet must not be able to swap the request under
// the person's click. The wallet is served with frame-ancestors 'none' and
// Cross-Origin-Opener-Policy: same-origin, and Share works only once a request has been on
// screen, unchanged, for a moment; a swapped request (a new fragment) starts the wait again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch, siteUrl } from "./browser.mjs";
import { enrollAndReceive } from "./journey.mjs";
import { shopVerifier } from "./site-verifier.mjs";

/** The wallet's wait (wallet-ui/src/logic/consent.rs, SHARE_ARMING_MS), less timer slack. */
const ARMING_MS = 900;

test("the wallet cannot be framed or kept by its opener", async () => {
  const response = await fetch(siteUrl("wallet"));
  assert.equal(response.headers.get("cross-origin-opener-policy"), "same-origin");
  assert.match(response.headers.get("content-security-policy"), /frame-ancestors 'none'/);
});

test("Share works only after the request has been on screen, and again after a swap", async () => {
  const { wallet, site, verifier } = await shopVerifier();
  const ask = (purpose) => verifier.createRequest({
    claims: [["age_over_18"]], purpose, responseMode: "fragment", redirectUri: site,
  });

  const browser = await launch();
  try {
    const page = await (await browser.newContext()).newPage();
    await enrollAndReceive(page, { given: "Ada", family: "King", birthdate: "1990-12-10" });

    // How long after the consent screen (for `purpose`) appears the Share button stays
    // disabled, measured in the page: a lower bound that load can only lengthen.
    const waited = (purpose) => page.evaluate(async (purpose) => {
      const shown = () => document.querySelector("[data-testid=consent] .purpose")?.textContent.includes(purpose);
      while (!shown()) await new Promise((resolve) => requestAnimationFrame(resolve));
      const start = performance.now();
      const button = () => document.querySelector("[data-testid=approve]");
      while (!button() || button().disabled) await new Promise((resolve) => setTimeout(resolve, 10));
      return performance.now() - start;
    }, purpose);

    await page.goto(ask("First request").deepLink(wallet));
    const first = await waited("First request");
    assert.ok(first >= ARMING_MS, `Share was live after ${first} ms`);

    // The opener swaps the request by changing the fragment: the new one waits again.
    const swapped = new URL(ask("Swapped request").deepLink(wallet)).hash;
    await page.evaluate((hash) => { location.hash = hash; }, swapped);
    const second = await waited("Swapped request");
    assert.ok(second >= ARMING_MS, `Share was live ${second} ms after the swap`);
  } finally {
    await browser.close();
  }
});
