// Whole journeys across the demo's origins in Chromium: enroll at the issuer → receive in
// the wallet → the shop asks for age_over_18 → consent → back to the shop → verified; the
// forum asks for region and age_over_16. Variants: declined, tampered, replayed, expired,
// revoked, cross-device by QR codes and a webcam. And the privacy promise, measured from
// the browser's network log and the presentations themselves.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, siteUrl, screenshot } from "./browser.mjs";
import { blankVideo, enrollAndReceive, fakeCamera, videoOf } from "./journey.mjs";


const issuer = () => siteUrl("issuer").replace(/\/$/, "");

async function openSite(page, name) {
  await page.goto(siteUrl(name));
  await page.locator("body[data-ready=true]").waitFor({ timeout: 20_000 });
}

async function result(page) {
  await page.locator("#result:not([hidden])").waitFor({ timeout: 20_000 });
  const box = page.locator("#result");
  return {
    valid: (await box.getAttribute("data-valid")) === "true",
    code: await box.getAttribute("data-code"),
    claims: JSON.parse(await page.locator("#result-claims").textContent()),
    raw: await page.locator("#result-raw").textContent(),
  };
}

/** Same device: the site's button → the wallet's consent → approve (or decline) → back. */
async function sameDevice(page, name, { approve = true, shot } = {}) {
  await openSite(page, name);
  await page.locator("#same-device").click();
  await page.getByTestId("consent").waitFor({ timeout: 20_000 });
  if (shot) await screenshot(page, shot);
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(siteUrl(name)), { timeout: 20_000 }),
    page.getByTestId(approve ? "approve" : "decline").click(),
  ]);
  return result(page);
}

/** Cross device: the site's QR link opened in the wallet (another tab here), the answer's QR text. */
async function walletAnswerFor(site, walletPage) {
  await site.locator("#cross-device").click();
  const link = await site.locator("#request-link").inputValue();
  await walletPage.goto(siteUrl("wallet"));
  await walletPage.getByRole("link", { name: "Scan" }).click();
  await walletPage.getByTestId("paste").fill(link);
  await walletPage.getByTestId("paste-go").click();
  await walletPage.getByTestId("approve").click();
  const qr = walletPage.getByTestId("response-qr");
  await qr.waitFor({ timeout: 20_000 });
  return { text: await qr.getAttribute("data-response"), svg: await walletPage.locator(".qr").innerHTML() };
}

async function paste(site, text) {
  await site.locator("#pasted").fill(text);
  await site.locator("#paste-check").click();
  return result(site);
}

const b64json = (part) => JSON.parse(Buffer.from(part, "base64url").toString());

/** The linkable parts of a presentation. */
function fingerprint(response) {
  const params = new URLSearchParams(response.replace(/^#/, ""));
  const presentation = Object.values(JSON.parse(params.get("vp_token")))[0][0];
  const parts = presentation.split("~");
  const [header, payload, signature] = parts[0].split(".");
  const claims = b64json(payload);
  const disclosures = parts.slice(1, -1).map(b64json);
  const kb = parts.at(-1).split(".");
  return {
    claims, header: b64json(header),
    values: [signature, kb[2], claims.cnf.jwk.x, claims.cnf.jwk.y, ...claims._sd,
             ...disclosures.map((d) => d[0]), `idx:${claims.status.status_list.uri}#${claims.status.status_list.idx}`],
  };
}

const PERSON_CLAIMS = ["given_name", "family_name", "birthdate", "region", "age_over_13", "age_over_16",
                       "age_over_18", "age_over_21", "age_over_65"];


// Every code the verifier can return, from its generated TypeScript union.
const VERIFIER_CODES = [...readFileSync(new URL("../../verifier-wasm/src/error_code.d.ts", import.meta.url), "utf8")
  .matchAll(/\| "([a-z0-9_]+)"/g)].map((match) => match[1]);

test("the shop and the forum each learn only what they asked, from unlinkable presentations", async () => {
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (err) => errors.push(`${page.url()}: ${err.message}`));
    const log = [];
    page.on("request", (request) => log.push({ url: request.url(), type: request.resourceType(), frame: request.frame().url() }));

    await enrollAndReceive(page, { given: "Mei", family: "Lin", birthdate: "2001-04-09", region: "Zhejiang" });
    await openSite(page, "shop");
    await screenshot(page, "shop-asks");

    log.length = 0;
    const shop = await sameDevice(page, "shop", { shot: "shop-consent" });
    await screenshot(page, "shop-verified");
    assert.equal(shop.valid, true, JSON.stringify(shop));
    assert.equal(shop.claims.age_over_18, true);
    const shopPersonal = PERSON_CLAIMS.filter((name) => name in shop.claims);
    assert.deepEqual(shopPersonal, ["age_over_18"], "the shop receives no claim it did not ask for");

    // Zero requests to the issuer while presenting and verifying.
    const issuerOrigin = new URL(issuer()).origin;
    assert.deepEqual(log.filter((entry) => entry.url.startsWith(issuerOrigin)), []);
    // The shop's page fetched nothing but its own files (page, scripts, styles, the
    // module's bytes as a script): no fetch, XHR or beacon, no other origin. And the
    // policy forbids any: connect-src 'none'.
    const shopOrigin = new URL(siteUrl("shop")).origin;
    const fromShop = log.filter((entry) => entry.frame.startsWith(shopOrigin));
    assert.ok(fromShop.length > 0);
    const walletOrigin = new URL(siteUrl("wallet")).origin;
    for (const entry of fromShop) {
      if (entry.type === "document") {
        // Navigations: the person going to the wallet (the deep link) or back.
        assert.ok([shopOrigin, walletOrigin].includes(new URL(entry.url).origin), entry.url);
        continue;
      }
      assert.ok(entry.url.startsWith(`${shopOrigin}/`), `the shop's page requested ${entry.url}`);
      assert.ok(["script", "stylesheet"].includes(entry.type), `${entry.type} ${entry.url}`);
    }
    const policy = (await fetch(siteUrl("shop"))).headers.get("content-security-policy");
    assert.match(policy, /connect-src 'none'/);

    const forum = await sameDevice(page, "forum", { shot: "forum-consent" });
    await screenshot(page, "forum-verified");
    assert.equal(forum.valid, true, JSON.stringify(forum));
    assert.equal(forum.claims.region, "Zhejiang");
    assert.equal(forum.claims.age_over_16, true);
    assert.deepEqual(PERSON_CLAIMS.filter((name) => name in forum.claims).sort(), ["age_over_16", "region"]);

    // Unlinkable: the two presentations share no signature, key, salt, digest or status
    // index, and their timestamps sit on the weekly grid (iat a Monday 00:00 UTC, exp whole
    // weeks later) shared by everyone issued that week.
    const a = fingerprint(shop.raw);
    const b = fingerprint(forum.raw);
    assert.deepEqual(a.values.filter((value) => b.values.includes(value)), []);
    for (const { claims } of [a, b]) {
      assert.equal(claims.iat % 86_400, 0, "iat is a whole day");
      assert.equal((claims.iat / 86_400 - 4) % 7, 0, "iat is a Monday (day 4 of Unix time)");
      assert.equal((claims.exp - claims.iat) % (7 * 86_400), 0, "exp is whole weeks later");
      assert.equal(claims.jti, undefined);
      assert.equal(claims.sub, undefined);
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test("declined, tampered, replayed and expired answers are rejected with their codes", async () => {
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const walletPage = await context.newPage();
    await enrollAndReceive(walletPage, { given: "Ada", family: "Byron", birthdate: "1990-12-10", region: "London" });
    const site = await context.newPage();

    const declined = await sameDevice(site, "shop", { approve: false });
    assert.deepEqual([declined.valid, declined.code], [false, "access_denied"]);
    await screenshot(site, "shop-declined");

    // Cross device, answered by QR text: a tampered copy fails, the genuine one passes
    // once, a replay fails.
    await openSite(site, "shop");
    const { text } = await walletAnswerFor(site, walletPage);
    assert.match(text, /^CACHET1:/);
    const position = Math.floor(text.length * 0.8);
    const flipped = text[position] === "A" ? "B" : "A";
    const tampered = await paste(site, text.slice(0, position) + flipped + text.slice(position + 1));
    assert.equal(tampered.valid, false);
    // Which check catches it depends on where the flipped character lands in the deflated
    // body (a signature, a digest, a disclosure's JSON, the state...): any refusal of the
    // answer's content is right, none of the codes that speak of the flow or the page.
    const notAboutContent = ["access_denied", "expired_request", "invalid_config", "invalid_argument",
      "scanner_unavailable", "pseudonyms_unavailable", "dc_api_unavailable", "dc_api_error"];
    assert.ok(VERIFIER_CODES.includes(tampered.code) && !notAboutContent.includes(tampered.code), tampered.code);
    // The tampered attempt may have consumed the state only if its state survived: ask again.
    await openSite(site, "shop");
    const fresh = await walletAnswerFor(site, walletPage);
    const genuine = await paste(site, fresh.text);
    assert.equal(genuine.valid, true, JSON.stringify(genuine));
    const replayed = await paste(site, fresh.text);
    assert.deepEqual([replayed.valid, replayed.code], [false, "unknown_state"]);

    // Expired: the person answers after the request's lifetime.
    await site.clock.install();
    await openSite(site, "shop");
    const late = await walletAnswerFor(site, walletPage);
    await site.clock.fastForward("20:00");
    const expired = await paste(site, late.text);
    assert.deepEqual([expired.valid, expired.code], [false, "expired_request"]);
  } finally {
    await browser.close();
  }
});

test("a revoked credential is rejected by the shop through the status list it was handed", async () => {
  const browser = await launch();
  try {
    const page = await (await browser.newContext()).newPage();
    const person = await enrollAndReceive(page, { given: "Rev", family: "Oked", birthdate: "1980-01-01", region: "Kent" });
    const before = await sameDevice(page, "shop");
    assert.equal(before.valid, true, JSON.stringify(before));
    execFileSync(process.env.CACHET_ISSUER_BIN, ["revoke", "--db", process.env.CACHET_ISSUER_DB, "--person", person]);
    // Lists are published on a schedule: the revocation shows from the next period on.
    const period = Number(process.env.CACHET_STATUS_PERIOD ?? "2");
    await new Promise((resolve) => setTimeout(resolve, period * 1000 + 200));
    // The shop's server hands the fresh list to its pages (trust.js); the page checks the
    // copy's status bit itself: the issuer never learns which credential was checked.
    const after = await sameDevice(page, "shop");
    assert.deepEqual([after.valid, after.code], [false, "revoked"]);
    await screenshot(page, "shop-revoked");
  } finally {
    await browser.close();
  }
});

test("cross-device: the shop's QR code, the wallet's answer read by the shop's webcam", async () => {
  const video = join(mkdtempSync(join(tmpdir(), "cachet-webcam-")), "answer.y4m");
  writeFileSync(video, blankVideo());
  const browser = await launch(fakeCamera(video));
  try {
    const context = await browser.newContext();
    await context.grantPermissions(["camera"], { origin: new URL(siteUrl("shop")).origin });
    const phone = await context.newPage();
    await enrollAndReceive(phone, { given: "Cross", family: "Device", birthdate: "1995-06-07", region: "Bavaria" });
    const laptop = await context.newPage();
    await openSite(laptop, "shop");
    const answer = await walletAnswerFor(laptop, phone);
    await screenshot(laptop, "shop-request-qr");
    await screenshot(phone, "wallet-answer-qr");
    // The laptop's webcam now sees the phone's screen.
    writeFileSync(video, await videoOf(browser, answer.svg));
    await laptop.locator("#scan").click();
    const scanned = await result(laptop);
    assert.equal(scanned.valid, true, JSON.stringify(scanned));
    assert.equal(scanned.claims.age_over_18, true);
    assert.equal(scanned.raw, answer.text);
  } finally {
    await browser.close();
  }
});
