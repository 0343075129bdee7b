// The integrator guide (www/verifier.html): its snippet, run by the "Try it" form, verifies
// a presentation made by the CLI, with no network request while verifying.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch, siteUrl, screenshot } from "./browser.mjs";
import { makePresentation } from "../support/cachet.mjs";

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
