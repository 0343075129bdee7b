// The wallet's camera path: a site's request QR code shown to the wallet's camera
// (Chromium's fake capture device playing a video of the code), decoded by the QR module
// in a Web Worker, answered cross-device with a response QR code that the site verifies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, screenshot } from "./browser.mjs";
import { enrollAndReceive, fakeCamera, videoOf } from "./journey.mjs";
import { shopVerifier } from "./site-verifier.mjs";

test("a request QR code shown to the wallet's camera is answered with a QR code", async () => {
  const { wallet, site, verifier } = await shopVerifier();
  const request = verifier.createRequest({
    claims: [["age_over_18"]], purpose: "Age check", responseMode: "fragment", redirectUri: site,
  });

  const painter = await launch();
  const video = join(mkdtempSync(join(tmpdir(), "cachet-camera-")), "request.y4m");
  try {
    writeFileSync(video, await videoOf(painter, request.qrSvg(wallet)));
  } finally {
    await painter.close();
  }

  const browser = await launch(fakeCamera(video));
  try {
    const context = await browser.newContext();
    await context.grantPermissions(["camera"], { origin: new URL(wallet).origin });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (err) => errors.push(err.message));

    await enrollAndReceive(page, { given: "Camera", family: "Test", birthdate: "1990-05-06" });

    await page.goto(`${wallet}#/scan`);
    await page.getByRole("button", { name: "Start the camera" }).click();
    await page.getByTestId("consent").waitFor({ timeout: 30_000 });
    await screenshot(page, "wallet-camera-consent");
    assert.equal(await page.getByTestId("verifier").textContent(), new URL(site).origin);
    await page.getByTestId("approve").click();
    const qr = page.getByTestId("response-qr");
    await qr.waitFor({ timeout: 20_000 });
    const result = await verifier.verifyResponse(await qr.getAttribute("data-response"));
    assert.equal(result.valid, true, JSON.stringify(result));
    assert.equal(result.claims.age_over_18, true);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
