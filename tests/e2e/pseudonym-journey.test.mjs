// Pseudonymous credentials through the wallet in Chromium: enroll with the pseudonymous
// identity → receive (the wallet's holder commitment, its recovery code shown once) →
// forum sign-up (over 16 and the forum's pseudonym, by direct_post to the forum's own
// server, which binds the account in SQLite) → come back (the same account) → the shop
// (another pseudonym, verified in the page) → a second device restored from the recovery
// code and given a new offer: the forum recognises the same person.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch, siteUrl, screenshot } from "./browser.mjs";
import { enroll, offerAgain } from "./journey.mjs";

const RECOVERY_CODE = /^([A-Z2-7]{4}-){13}[A-Z2-7]{4}$/;

async function receive(page, link) {
  await page.goto(link);
  await page.getByTestId("accept-offer").click();
  const outcome = page.locator("[data-testid=offer-done], [data-testid=offer-failed]");
  await outcome.waitFor({ timeout: 30_000 });
  assert.equal(await outcome.getAttribute("data-testid"), "offer-done", await outcome.textContent());
}

/** Joins (or signs in to) the forum on this device; the account as the forum shows it. */
async function forumSignIn(page) {
  const forum = siteUrl("forum");
  await page.goto(forum);
  await page.locator("body[data-accounts-ready=true]").waitFor({ timeout: 20_000 });
  await page.locator("#join-same").click();
  await page.getByTestId("consent").waitFor({ timeout: 20_000 });
  // Consent names what the pseudonym does, for the origin the wallet shows.
  const origin = new URL(forum).origin;
  assert.equal(await page.getByTestId("verifier").textContent(), origin);
  const recognition = await page.getByTestId("site-pseudonym").textContent();
  assert.match(recognition, /will recognise you when you come back; no other site can/);
  assert.ok(recognition.includes(origin), recognition);
  assert.deepEqual(await page.getByTestId("shared").locator("[data-claim]").evaluateAll(
    (boxes) => boxes.map((box) => box.dataset.claim)), ["/age_over_16"]);
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(forum), { timeout: 20_000 }),
    page.getByTestId("approve").click(),
  ]);
  const account = page.locator("#account:not([hidden])");
  await account.waitFor({ timeout: 20_000 });
  const data = await account.evaluate((box) => ({ ...box.dataset }));
  assert.equal(data.state, "signed_in", JSON.stringify(data));
  return data;
}

test("one account per person at the forum, another pseudonym at the shop, the same one on a restored device", async () => {
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (err) => errors.push(err.message));

    // Receive: the pseudonymous identity beside the SD-JWT credentials.
    const { link, personId } = await enroll(page, {
      given: "Mei", family: "Lin", birthdate: "2001-04-09", region: "Zhejiang", pseudonymous: true,
    });
    await receive(page, link);
    await page.goto(`${siteUrl("wallet")}#/`);
    await page.getByTestId("credential").first().waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId("credential").count(), 3);
    assert.equal(await page.locator("[data-testid=copies][data-format=pseudonymous]").count(), 1);

    // The recovery code is shown until written down, then never again.
    const code = (await page.getByTestId("recovery-code").textContent()).trim();
    assert.match(code, RECOVERY_CODE);
    await screenshot(page, "wallet-recovery-code");
    await page.getByTestId("recovery-written").click();
    await page.getByTestId("recovery").waitFor({ state: "detached" });
    await page.reload();
    await page.getByTestId("credential").first().waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId("recovery").count(), 0);

    // Forum sign-up, then back: the same account.
    const joined = await forumSignIn(page);
    await screenshot(page, "forum-account");
    assert.equal(joined.new, "true");
    const back = await forumSignIn(page);
    assert.equal(back.new, "false", "recognised");
    assert.equal(back.number, joined.number);
    assert.equal(back.pseudonym, joined.pseudonym);
    assert.equal(back.visits, "2");

    // The shop: its own pseudonym for the same person, verified in its page.
    const shop = siteUrl("shop");
    await page.goto(shop);
    await page.locator("body[data-ready=true]").waitFor({ timeout: 20_000 });
    await page.locator("#pseudonym-sign-in").click();
    await page.getByTestId("site-pseudonym").waitFor({ timeout: 20_000 });
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(shop), { timeout: 20_000 }),
      page.getByTestId("approve").click(),
    ]);
    const result = page.locator("#result:not([hidden])");
    await result.waitFor({ timeout: 20_000 });
    assert.equal(await result.getAttribute("data-valid"), "true", await result.textContent());
    const atShop = await result.getAttribute("data-pseudonym");
    assert.ok(atShop.length > 20, atShop);
    assert.notEqual(atShop, joined.pseudonym, "the shop and the forum see different pseudonyms");
    // A second sign-in at the shop gives the shop the same one.
    await page.goto(shop);
    await page.locator("body[data-ready=true]").waitFor({ timeout: 20_000 });
    await page.locator("#pseudonym-sign-in").click();
    await page.getByTestId("approve").waitFor({ timeout: 20_000 });
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(shop), { timeout: 20_000 }),
      page.getByTestId("approve").click(),
    ]);
    await result.waitFor({ timeout: 20_000 });
    assert.equal(await result.getAttribute("data-pseudonym"), atShop);

    // The wallet's history says which sites recognise the person.
    await page.goto(`${siteUrl("wallet")}#/history`);
    await page.getByTestId("history-entry").first().waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId("history-pseudonym").count(), 4);

    // A second device (a fresh browser profile): a mistyped code is refused, the right
    // one restores; the desk's new offer for the same person; the forum recognises them.
    const device = await browser.newContext();
    const second = await device.newPage();
    second.on("pageerror", (err) => errors.push(err.message));
    await second.goto(`${siteUrl("wallet")}#/settings`);
    const typo = code.replace(/[A-Z]/, (c) => (c === "A" ? "B" : "A"));
    await second.getByTestId("recovery-input").fill(typo);
    await second.getByTestId("restore-pseudonyms").click();
    await second.locator("[data-testid=restore-status][data-ok=false]").waitFor({ timeout: 20_000 });
    await second.getByTestId("recovery-input").fill(code.toLowerCase());
    await second.getByTestId("restore-pseudonyms").click();
    await second.locator("[data-testid=restore-status][data-ok=true]").waitFor({ timeout: 20_000 });
    await receive(second, await offerAgain(second, personId, { pseudonymous: true }));
    assert.equal(await second.getByTestId("recovery").count(), 0, "a typed code is not shown again");
    const restored = await forumSignIn(second);
    assert.equal(restored.new, "false");
    assert.equal(restored.number, joined.number);
    assert.equal(restored.pseudonym, joined.pseudonym);
    await device.close();

    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
