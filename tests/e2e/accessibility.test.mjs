// Accessibility: every screen of the wallet (home, receive, consent, history, settings,
// lock, scan), the demo sites and the issuer's admin page pass axe-core with no violation,
// in English and in Chinese; and a keyboard-only journey (no mouse: Tab, Enter, Space)
// goes from receiving a credential to a verified shop.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { launch, siteUrl } from "./browser.mjs";
import { adminUrl, enroll } from "./journey.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const LANGUAGES = [
  { tag: "en", locale: "en-US" },
  { tag: "zh-Hans", locale: "zh-CN" },
];

/** The axe-core violations on `page` as it is now, one line each. */
async function violations(page) {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  return found;
}

/** Checks `page` and records what is wrong under `name`. */
async function check(page, name, failures) {
  for (const line of await violations(page)) failures.push(`${name}: ${line}`);
}

test("every wallet screen, demo site and the admin page pass axe-core in English and Chinese", async () => {
  const browser = await launch();
  const failures = [];
  try {
    for (const { tag, locale } of LANGUAGES) {
      // The pages' CSPs forbid the injected checker; the page under test is unchanged.
      const context = await browser.newContext({ locale, bypassCSP: true });
      const page = await context.newPage();
      const wallet = siteUrl("wallet");
      await page.goto(wallet);
      await page.getByTestId("language").waitFor({ timeout: 20_000 });
      await page.getByTestId("language").selectOption(tag);
      await page.getByTestId("no-credentials").waitFor();
      await check(page, `wallet home, empty [${tag}]`, failures);

      await page.goto(adminUrl());
      await page.getByLabel("Given name").waitFor();
      await check(page, `issuer admin page [${tag}]`, failures);
      const { link } = await enroll(page, { given: "Ada", family: "Lovelace", birthdate: "1990-12-10" });
      await check(page, `issuer admin page, offer ready [${tag}]`, failures);

      await page.goto(link);
      await page.getByTestId("accept-offer").waitFor({ timeout: 20_000 });
      await check(page, `wallet receive [${tag}]`, failures);
      await page.getByTestId("accept-offer").click();
      await page.getByTestId("offer-done").waitFor({ timeout: 30_000 });
      await check(page, `wallet receive, done [${tag}]`, failures);
      await page.goto(`${wallet}#/`);
      await page.getByTestId("credential").first().waitFor({ timeout: 20_000 });
      await check(page, `wallet home, credentials [${tag}]`, failures);

      for (const [name, url] of [["landing page", siteUrl("www")], ["integrator page", `${siteUrl("www")}verifier.html`]]) {
        await page.goto(url, { waitUntil: "load" });
        await check(page, `${name} [${tag}]`, failures);
      }
      for (const site of ["shop", "forum"]) {
        await page.goto(siteUrl(site));
        await page.locator("body[data-ready=true]").waitFor({ timeout: 20_000 });
        await check(page, `demo ${site} [${tag}]`, failures);
      }
      await page.goto(siteUrl("shop"));
      await page.locator("body[data-ready=true]").waitFor({ timeout: 20_000 });
      await page.locator("#same-device").click();
      await page.getByTestId("consent").waitFor({ timeout: 20_000 });
      await check(page, `wallet consent [${tag}]`, failures);
      await Promise.all([
        page.waitForURL((url) => url.href.startsWith(siteUrl("shop")), { timeout: 20_000 }),
        page.getByTestId("approve").click(),
      ]);
      await page.locator("#result:not([hidden])").waitFor({ timeout: 20_000 });
      await check(page, `demo shop, verified [${tag}]`, failures);

      for (const [route, ready] of [["/history", "history"], ["/scan", "paste"], ["/settings", "new-passphrase"]]) {
        await page.goto(`${wallet}#${route}`);
        await page.getByTestId(ready).first().waitFor({ timeout: 20_000 });
        await check(page, `wallet ${route.slice(1)} [${tag}]`, failures);
      }
      await page.getByTestId("new-passphrase").fill("correct horse battery");
      await page.getByTestId("set-passphrase").click();
      // The status appears once the vault is resealed (not before: leaving earlier would
      // abandon the change).
      await page.getByTestId("passphrase-status").waitFor({ timeout: 20_000 });
      await page.goto(wallet);
      await page.getByTestId("unlock").waitFor({ timeout: 20_000 });
      await check(page, `wallet lock [${tag}]`, failures);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  assert.deepEqual(failures, [], `axe-core violations:\n${failures.join("\n")}`);
});

/** Presses Tab until the focused element matches `selector` (at most `limit` times). */
async function tabTo(page, selector, limit = 60) {
  const trail = [];
  for (let i = 0; i < limit; i += 1) {
    const at = await page.evaluate((s) => {
      const element = document.activeElement;
      if (element?.matches(s)) return null;
      return element ? `${element.tagName.toLowerCase()}${element.dataset?.testid ? `[${element.dataset.testid}]` : ""}${element.id ? `#${element.id}` : ""}` : "none";
    }, selector);
    if (at === null) return;
    trail.push(at);
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${selector}; focus went ${[...new Set(trail)].join(" → ")}`);
}

test("a keyboard-only journey receives a credential and gets a verified shop", async () => {
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The operator's desk is not the person's journey: enroll as the tests do.
    const { link } = await enroll(page, { given: "Grace", family: "Hopper", birthdate: "1986-12-09" });
    await page.goto(link);
    await page.getByTestId("accept-offer").waitFor({ timeout: 20_000 });
    await tabTo(page, "[data-testid=accept-offer]");
    await page.keyboard.press("Enter");
    await page.getByTestId("offer-done").waitFor({ timeout: 30_000 });

    await page.goto(siteUrl("shop"));
    await page.locator("body[data-ready=true]").waitFor({ timeout: 20_000 });
    await tabTo(page, "#same-device");
    await page.keyboard.press("Enter");
    await page.getByTestId("consent").waitFor({ timeout: 20_000 });
    // Share is armed a moment after the request shows (against a click meant for another
    // page); a disabled button takes no focus, so wait as a person would.
    await page.waitForFunction(() => document.querySelector("[data-testid=approve]")?.disabled === false);
    await tabTo(page, "[data-testid=approve]");
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(siteUrl("shop")), { timeout: 20_000 }),
      page.keyboard.press("Enter"),
    ]);
    await page.locator("#result:not([hidden])").waitFor({ timeout: 20_000 });
    assert.equal(await page.locator("#result").getAttribute("data-valid"), "true");
    await context.close();
  } finally {
    await browser.close();
  }
});
