// The integrator guide (www/verifier.html): its snippet, run by the "Try it" form, verifies
// a presentation made by the CLI, with no network request while verifying.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch, siteUrl, screenshot } from "./browser.mjs";
import { makePresentation, makePseudonymous } from "../support/cachet.mjs";

test("the integrator page verifies a pasted presentation in the page", async () => {
  const made = makePresentation({ claims: { age_over_18: true, given_name: "Ada" }, disclose: ["/age_over_18"] });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const problems = [];
    page.on("console", (message) => { if (message.type() === "error") problems.push(message.text()); });
    page.on("pageerror", (error) => problems.push(error.message));
    await page.goto(new URL("verifier.html", siteUrl("www")).href);
    await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 });
    await page.getByLabel("Presentation").fill(made.presentation);
    await page.getByLabel("Issuer (iss)").fill(made.iss);
    await page.getByLabel("Issuer public key (JWK or JWKS)").fill(JSON.stringify(made.issuerJwk));
    await page.getByLabel("Audience (aud)").fill(made.aud);
    await page.getByLabel("Nonce").fill(made.nonce);
    const during = [];
    page.on("request", (request) => during.push(request.url()));
    await page.getByRole("button", { name: "Verify in this page" }).click();
    await page.waitForSelector("#result.valid, #result.invalid", { timeout: 10_000 });
    const result = JSON.parse(await page.locator("#result").textContent());
    assert.equal(result.valid, true, JSON.stringify(result));
    assert.equal(result.claims.age_over_18, true);
    assert.equal(result.claims.given_name, undefined);
    assert.deepEqual(during, [], "no request while verifying");
    await screenshot(page, "integrator-page");

    await page.getByLabel("Nonce").fill("someone-elses-nonce");
    await page.getByRole("button", { name: "Verify in this page" }).click();
    await page.waitForSelector("#result.invalid", { timeout: 10_000 });
    assert.equal(JSON.parse(await page.locator("#result").textContent()).error.code, "nonce_mismatch");
    assert.deepEqual(problems, [], "no console errors (e.g. CSP violations)");
  } finally {
    await browser.close();
  }
});

test("a pseudonymous presentation loads the pseudonym module on demand and gives the site's pseudonym", async () => {
  const made = makePseudonymous();
  const site = "https://forum.example";
  const sdJwt = makePresentation({ claims: { age_over_18: true }, disclose: ["/age_over_18"] });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const problems = [];
    page.on("console", (message) => { if (message.type() === "error") problems.push(message.text()); });
    page.on("pageerror", (error) => problems.push(error.message));
    const requested = [];
    page.on("request", (request) => requested.push(new URL(request.url()).pathname));
    await page.goto(new URL("verifier.html", siteUrl("www")).href);
    await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 });
    const verify = async ({ presentation, jwk, iss, aud, nonce, pseudonym }) => {
      await page.getByLabel("Presentation").fill(presentation);
      await page.getByLabel("Issuer (iss)").fill(iss);
      await page.getByLabel("Issuer public key (JWK or JWKS)").fill(JSON.stringify(jwk));
      await page.getByLabel("Audience (aud)").fill(aud);
      await page.getByLabel("Nonce").fill(nonce);
      await page.getByLabel(/Ask for this site's pseudonym/).setChecked(pseudonym);
      await page.evaluate(() => { document.getElementById("result").className = ""; });
      await page.getByRole("button", { name: "Verify in this page" }).click();
      await page.waitForSelector("#result.valid, #result.invalid", { timeout: 20_000 });
      return JSON.parse(await page.locator("#result").textContent());
    };
    // An SD-JWT check downloads no part of the pseudonym module.
    const plain = await verify({ presentation: sdJwt.presentation, jwk: sdJwt.publicJwk, iss: sdJwt.iss,
      aud: sdJwt.aud, nonce: sdJwt.nonce, pseudonym: false });
    assert.equal(plain.valid, true, JSON.stringify(plain));
    assert.equal(plain.format, "dc+sd-jwt");
    assert.deepEqual(requested.filter((path) => path.includes("/nym/")), [], "nothing of nym/ before it is needed");

    const answer = (nonce) => made.present({ disclose: ["/age_over_18"], nonce, aud: site, site });
    const first = await verify({ presentation: answer("n-1"), jwk: made.publicJwk, iss: made.iss, aud: site,
      nonce: "n-1", pseudonym: true });
    assert.equal(first.valid, true, JSON.stringify(first));
    assert.equal(first.format, "x-cachet-nym+jwp");
    assert.equal(first.claims.age_over_18, true);
    assert.ok(requested.some((path) => path.endsWith("/nym/nym_verifier_bytes.js")), requested.join(" "));
    const again = await verify({ presentation: answer("n-2"), jwk: made.publicJwk, iss: made.iss, aud: site,
      nonce: "n-2", pseudonym: true });
    assert.equal(again.pseudonym, first.pseudonym, "one person, one pseudonym at this site");
    const missing = await verify({ presentation: made.present({ disclose: ["/age_over_18"], nonce: "n-3", aud: site }),
      jwk: made.publicJwk, iss: made.iss, aud: site, nonce: "n-3", pseudonym: true });
    assert.equal(missing.error.code, "pseudonym_missing");
    assert.deepEqual(problems, [], "no console errors (e.g. CSP violations)");
  } finally {
    await browser.close();
  }
});

test("the landing page loads under the no-network policy without violations", async () => {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const problems = [];
    page.on("console", (message) => { if (message.type() === "error") problems.push(message.text()); });
    await page.goto(siteUrl("www"));
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Cachet demo");
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
