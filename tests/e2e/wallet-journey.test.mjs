// The wallet in a real browser against the real issuer and the real verifier package:
// enroll → receive a batch (OpenID4VCI, WebCrypto keys, IndexedDB) → a site asks for
// age_over_18 → consent → redirect back → the site verifies. Then: a reload keeps the
// credentials; a cross-device request is answered by a QR code the site can read; a
// request whose redirect does not match its client_id is refused and uses nothing; a
// decline sends access_denied; a refresh buys a new batch; history; offline; an
// encrypted backup restored in another profile; a passphrase lock; language switch; no
// CSP violation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, screenshot } from "./browser.mjs";
import { enroll } from "./journey.mjs";
import { shopVerifier } from "./site-verifier.mjs";


async function copiesLeft(page) {
  return page.getByTestId("copies").allTextContents();
}

test("receive from the issuer, present to a site, and the site verifies it", async () => {
  const { issuer, wallet, site, verifier } = await shopVerifier();

  const browser = await launch();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (err) => errors.push(err.message));
    page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy|Refused to/.test(message.text())) {
        errors.push(message.text());
      }
    });
    const walletRequests = [];
    page.on("request", (request) => walletRequests.push(request.url()));

    // Receive.
    const { link } = await enroll(page, { given: "Mei", family: "Lin", birthdate: "2001-04-09", region: "Zhejiang" });
    await page.goto(link);
    await page.getByTestId("offer").waitFor({ timeout: 20_000 });
    assert.match(await page.getByTestId("offer").textContent(), new RegExp(new URL(issuer).host));
    await screenshot(page, "wallet-offer");
    await page.getByTestId("accept-offer").click();
    await page.getByTestId("offer-done").waitFor({ timeout: 30_000 });
    await page.getByRole("link", { name: "See my credentials" }).click();
    await page.getByTestId("credential").first().waitFor();
    assert.equal(await page.getByTestId("credential").count(), 2);
    assert.deepEqual(await copiesLeft(page), ["10 of 10 single-use copies left", "10 of 10 single-use copies left"]);
    await screenshot(page, "wallet-credentials");

    // A reload (and a new page) keeps them: IndexedDB, encrypted.
    await page.reload();
    await page.getByTestId("credential").first().waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId("credential").count(), 2);

    // Same device: the site's deep link, consent, redirect back with the response.
    const request = verifier.createRequest({
      claims: [["age_over_18"]], purpose: "Age check for the shop", responseMode: "fragment", redirectUri: site,
    });
    walletRequests.length = 0;
    await page.goto(request.deepLink(wallet));
    await page.getByTestId("consent").waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId("verifier").textContent(), new URL(site).origin);
    const shared = await page.getByTestId("shared").textContent();
    assert.match(shared, /Over 18/);
    assert.doesNotMatch(shared, /Given name|Date of birth/);
    const withheld = await page.getByTestId("withheld").textContent();
    assert.match(withheld, /Over 21/);
    await screenshot(page, "wallet-consent");
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(site), { timeout: 20_000 }),
      page.getByTestId("approve").click(),
    ]);
    const result = await verifier.verifyResponse(new URL(page.url()).hash);
    assert.equal(result.valid, true, JSON.stringify(result));
    assert.deepEqual(Object.keys(result.claims).filter((k) => k.startsWith("age_") || k.endsWith("name")), ["age_over_18"]);
    // While presenting, the wallet talked to nobody but itself and the site it answered.
    const issuerOrigin = new URL(issuer).origin;
    assert.deepEqual(walletRequests.filter((url) => url.startsWith(issuerOrigin)), []);
    // The same response again is refused (single-use state).
    const replay = await verifier.verifyResponse(new URL(page.url()).hash);
    assert.equal(replay.error.code, "unknown_state");

    await page.goto(wallet);
    await page.getByTestId("credential").first().waitFor({ timeout: 20_000 });
    assert.deepEqual((await copiesLeft(page)).sort(), ["10 of 10 single-use copies left", "9 of 10 single-use copies left"]);

    // Cross-device: the request pasted (as if scanned); the answer is a QR code.
    const crossDevice = verifier.createRequest({
      claims: [["age_over_18"]], purpose: "Age check", responseMode: "fragment", redirectUri: site,
    });
    await page.getByRole("link", { name: "Scan" }).click();
    await page.getByTestId("paste").fill(crossDevice.deepLink(wallet));
    await page.getByTestId("paste-go").click();
    await page.getByTestId("approve").click();
    const qr = page.getByTestId("response-qr");
    await qr.waitFor();
    await screenshot(page, "wallet-response-qr");
    const version = Number(await qr.getAttribute("data-version"));
    assert.ok(version >= 1 && version <= 20, `QR version ${version}`);
    const scanned = await verifier.verifyResponse(await qr.getAttribute("data-response"));
    assert.equal(scanned.valid, true, JSON.stringify(scanned));
    assert.equal(scanned.claims.age_over_18, true);

    // A request whose redirect_uri is not its client_id is refused; nothing is used.
    const honest = verifier.createRequest({
      claims: [["age_over_18"]], responseMode: "fragment", redirectUri: site,
    });
    const forged = new URL(honest.deepLink(wallet));
    const params = new URLSearchParams(forged.hash.split("?")[1]);
    params.set("redirect_uri", "http://localhost:9/steal");
    await page.goto(`${wallet}#/present?${params}`);
    const refusal = page.getByTestId("refusal");
    await refusal.waitFor({ timeout: 20_000 });
    assert.equal(await refusal.getAttribute("data-code"), "client_id_mismatch");
    await screenshot(page, "wallet-refusal");

    // A request for a claim the person does not have names it.
    const nationality = verifier.createRequest({
      claims: [["nationality"]], responseMode: "fragment", redirectUri: site,
    });
    await page.goto(nationality.deepLink(wallet));
    await refusal.waitFor({ timeout: 20_000 });
    assert.equal(await refusal.getAttribute("data-code"), "missing_claims");
    assert.match(await refusal.textContent(), /Nationality/);

    // Declining sends access_denied back and uses nothing.
    const declined = verifier.createRequest({
      claims: [["age_over_18"]], responseMode: "fragment", redirectUri: site,
    });
    await page.goto(declined.deepLink(wallet));
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(site), { timeout: 20_000 }),
      page.getByTestId("decline").click(),
    ]);
    assert.equal((await verifier.verifyResponse(new URL(page.url()).hash)).error.code, "access_denied");

    await page.goto(wallet);
    await page.getByTestId("credential").first().waitFor({ timeout: 20_000 });
    assert.deepEqual((await copiesLeft(page)).sort(), ["10 of 10 single-use copies left", "8 of 10 single-use copies left"]);

    // Refresh: the issuer's refresh token buys a new batch of each credential of the
    // offer; the used copies and their keys are gone.
    await page.getByTestId("refresh").first().click();
    await page.waitForFunction(
      () => {
        const copies = [...document.querySelectorAll("[data-testid=copies]")];
        return copies.length === 2 && copies.every((e) => e.textContent.startsWith("10 of 10"));
      },
      null,
      { timeout: 30_000 },
    );
    assert.equal(await page.getByTestId("credential").count(), 2);

    // History: two presentations, newest first, deletable.
    await page.getByRole("link", { name: "History" }).click();
    await page.getByTestId("history-entry").first().waitFor();
    assert.equal(await page.getByTestId("history-entry").count(), 2);
    assert.match(await page.getByTestId("history").textContent(), new RegExp(new URL(site).host));
    await screenshot(page, "wallet-history");
    await page.getByTestId("clear-history").click();
    await page.getByTestId("no-history").waitFor();

    // Offline: the service worker has cached the app; a reload without network shows
    // the credentials (decrypted from IndexedDB).
    await page.goto(wallet);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await context.setOffline(true);
    await page.reload();
    await page.getByTestId("credential").first().waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId("credential").count(), 2);
    await context.setOffline(false);

    // Backup: save an encrypted file, restore it in another browser profile ("another
    // device"): the credentials are there, marked view-only (the keys stayed here).
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByTestId("backup-passphrase").fill("backup passphrase 1");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("export-backup").click(),
    ]);
    const backupPath = await download.path();
    const backupText = readFileSync(backupPath, "utf8");
    assert.match(backupText, /cachet-wallet-backup/);
    assert.doesNotMatch(backupText, /Zhejiang|age_over_18|given_name/, "the backup is encrypted");
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await otherPage.goto(`${wallet}#/settings`);
    await otherPage.getByTestId("backup-passphrase").fill("wrong passphrase 1");
    await otherPage.getByTestId("backup-file").setInputFiles(backupPath);
    await otherPage.getByTestId("import-backup").click();
    await otherPage.getByText("Wrong passphrase.").waitFor({ timeout: 20_000 });
    await otherPage.getByTestId("backup-passphrase").fill("backup passphrase 1");
    await otherPage.getByTestId("import-backup").click();
    await otherPage.getByText("Restored 2 credentials.").waitFor({ timeout: 20_000 });
    await otherPage.getByRole("link", { name: "Credentials" }).click();
    await otherPage.getByTestId("credential").first().waitFor();
    assert.equal(await otherPage.getByTestId("credential").count(), 2);
    const restoredRequest = verifier.createRequest({
      claims: [["age_over_18"]], responseMode: "fragment", redirectUri: site,
    });
    await otherPage.goto(restoredRequest.deepLink(wallet));
    await otherPage.getByTestId("refusal").waitFor({ timeout: 20_000 });
    assert.equal(await otherPage.getByTestId("refusal").getAttribute("data-code"), "keys_on_another_device");
    await other.close();

    // A passphrase locks the wallet: after a reload it opens only with it.
    await page.goto(`${wallet}#/settings`);
    await page.getByTestId("new-passphrase").fill("short");
    await page.getByTestId("set-passphrase").click();
    await page.getByText("Use at least 8 characters.").waitFor();
    await page.getByTestId("new-passphrase").fill("correct horse battery");
    await page.getByTestId("set-passphrase").click();
    await page.getByText("Passphrase set.", { exact: false }).waitFor({ timeout: 20_000 });
    await page.goto(wallet);
    await page.getByTestId("unlock").waitFor({ timeout: 20_000 });
    await screenshot(page, "wallet-locked");
    await page.getByLabel("Passphrase").fill("wrong horse battery");
    await page.getByRole("button", { name: "Unlock" }).click();
    await page.getByText("Wrong passphrase.").waitFor({ timeout: 20_000 });
    await page.getByLabel("Passphrase").fill("correct horse battery");
    await page.getByRole("button", { name: "Unlock" }).click();
    await page.getByTestId("credential").first().waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId("credential").count(), 2);

    // Language switch: every view in Simplified Chinese.
    await page.getByTestId("language").selectOption("zh-Hans");
    await page.getByRole("heading", { level: 1, name: "Cachet 钱包" }).waitFor();
    await page.getByRole("link", { name: "凭证" }).click();
    await page.getByRole("heading", { name: "你的凭证" }).waitFor();
    await screenshot(page, "wallet-credentials-zh");
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
