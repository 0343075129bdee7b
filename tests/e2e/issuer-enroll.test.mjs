// The issuer's demo enrollment page in a real browser: enroll a person, get a one-time
// offer as a wallet link and a QR code, and redeem the offer's code exactly once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch, siteUrl, screenshot } from "./browser.mjs";
import { adminUrl } from "./journey.mjs";

test("enrolling at the issuer yields a one-time offer for the wallet", async () => {
  const issuer = siteUrl("issuer").replace(/\/$/, "");
  const wallet = siteUrl("wallet").replace(/\/$/, "");
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (err) => errors.push(err.message));
    // The admin page is on a listener of its own and wants its key (once, in the link,
    // traded for a cookie): without it, and on the public listener, there is nothing.
    const bare = new URL(adminUrl());
    bare.search = "";
    assert.equal((await fetch(bare)).status, 401);
    assert.equal((await fetch(`${issuer}/admin`)).status, 404);
    await page.goto(adminUrl());
    assert.equal(new URL(page.url()).search, "", "the key leaves the address bar");
    await page.getByLabel("Given name").fill("Ada");
    await page.getByLabel("Family name").fill("Lovelace");
    await page.getByLabel("Date of birth").fill("2001-02-03");
    await page.getByLabel("Region").fill("Greater London");
    await screenshot(page, "issuer-enroll-form");
    await page.getByRole("button", { name: "Enroll and create offer" }).click();
    await page.getByRole("heading", { name: "Offer ready" }).waitFor();
    await screenshot(page, "issuer-offer");

    const link = await page.locator("#open-wallet").getAttribute("href");
    assert.ok(link.startsWith(`${wallet}/#/receive?credential_offer=`), link);
    assert.equal(await page.locator("figure svg").count(), 1, "the offer is also a QR code");
    const offer = JSON.parse(new URLSearchParams(link.split("?")[1]).get("credential_offer"));
    assert.equal(offer.credential_issuer, issuer);
    assert.deepEqual(offer.credential_configuration_ids, ["cachet_identity", "cachet_age"]);

    const grant = offer.grants["urn:ietf:params:oauth:grant-type:pre-authorized_code"];
    const redeem = () => fetch(`${issuer}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "urn:ietf:params:oauth:grant-type:pre-authorized_code",
        "pre-authorized_code": grant["pre-authorized_code"],
      }),
    });
    assert.equal((await redeem()).status, 200);
    const again = await redeem();
    assert.equal(again.status, 400);
    assert.equal((await again.json()).error, "invalid_grant");
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
