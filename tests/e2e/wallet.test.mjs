// The Trunk-built wallet loads in a real browser and renders its empty state.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch, siteUrl, screenshot } from "./browser.mjs";

test("the wallet page renders its heading and the empty credentials list", async () => {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (err) => errors.push(err.message));
    await page.goto(siteUrl("wallet"));
    const heading = page.getByRole("heading", { level: 1 });
    await heading.waitFor({ timeout: 20_000 });
    assert.equal(await heading.textContent(), "Cachet wallet");
    const empty = page.getByTestId("no-credentials");
    assert.match(await empty.textContent(), /No credentials yet/);
    assert.deepEqual(errors, []);
    await screenshot(page, "wallet-empty");
  } finally {
    await browser.close();
  }
});
