// The main journey on a phone: a 390×844 viewport with touch (a mobile browser: taps, no
// hover, device pixel ratio 3): receive a credential in the wallet, then the shop asks for
// age_over_18, the person taps through consent and the shop says verified. Nothing on
// the way is wider than the screen. Screenshots land in tests/screenshots/phone-*.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PHONE, launch, siteUrl, screenshot } from "./browser.mjs";
import { enroll } from "./journey.mjs";

/** Whether `page` scrolls sideways (something is wider than the phone's screen). */
const overflows = (page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);

test("the main journey works on a phone with touch", async () => {
  const browser = await launch();
  try {
    // The operator's desk runs on a desktop.
    const desk = await browser.newPage();
    const { link } = await enroll(desk, { given: "Ada", family: "Lovelace", birthdate: "1990-12-10" });
    await desk.close();

    const phone = await browser.newContext(PHONE);
    const page = await phone.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(link);
    await page.getByTestId("accept-offer").waitFor({ timeout: 20_000 });
    assert.equal(await overflows(page), false, "the offer screen fits the phone");
    await screenshot(page, "phone-offer");
    await page.getByTestId("accept-offer").tap();
    await page.getByTestId("offer-done").waitFor({ timeout: 30_000 });
    await page.goto(`${siteUrl("wallet")}#/`);
    await page.getByTestId("credential").first().waitFor({ timeout: 20_000 });
    assert.equal(await overflows(page), false, "the credentials fit the phone");
    await screenshot(page, "phone-credentials");

    await page.goto(siteUrl("shop"));
    await page.locator("body[data-ready=true]").waitFor({ timeout: 20_000 });
    assert.equal(await overflows(page), false, "the shop fits the phone");
    await page.locator("#same-device").tap();
    await page.getByTestId("consent").waitFor({ timeout: 20_000 });
    assert.equal(await overflows(page), false, "the consent screen fits the phone");
    await screenshot(page, "phone-consent");
    await page.waitForFunction(() => document.querySelector("[data-testid=approve]")?.disabled === false);
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(siteUrl("shop")), { timeout: 20_000 }),
      page.getByTestId("approve").tap(),
    ]);
    await page.locator("#result:not([hidden])").waitFor({ timeout: 20_000 });
    assert.equal(await page.locator("#result").getAttribute("data-valid"), "true");
    assert.equal(await overflows(page), false, "the result fits the phone");
    await screenshot(page, "phone-verified");
    assert.deepEqual(errors, []);
    await phone.close();
  } finally {
    await browser.close();
  }
});
