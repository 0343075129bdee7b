// The verifier package verifies a presentation inside a page served with
// `connect-src 'none'`, and the page makes no request beyond loading its own scripts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch, siteUrl, screenshot } from "./browser.mjs";
import { makePresentation } from "../support/cachet.mjs";

test("a page under connect-src 'none' verifies in the page and makes no network request", async () => {
  const made = makePresentation({ claims: { age_over_18: true, birthdate: "2000-01-01" }, disclose: ["/age_over_18"] });
  const input = { iss: made.iss, vct: made.vct, aud: made.aud, nonce: made.nonce, jwks: { keys: [made.publicJwk] }, presentation: made.presentation };
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const requests = [];
    page.on("request", (request) => requests.push(new URL(request.url()).pathname));
    const response = await page.goto(`${siteUrl("csp")}#${encodeURIComponent(JSON.stringify(input))}`);
    assert.match(response.headers()["content-security-policy"], /connect-src 'none'/);
    await page.waitForFunction(() => document.getElementById("result").textContent !== "pending", null, { timeout: 20_000 });
    const { result, tampered, qr } = JSON.parse(await page.locator("#result").textContent());
    assert.equal(result.valid, true, JSON.stringify(result));
    assert.equal(result.claims.age_over_18, true);
    assert.equal(result.claims.birthdate, undefined, "only the disclosed claim");
    assert.equal(tampered.valid, false);
    assert.equal(tampered.error.code, "invalid_kb_signature");
    // The QR code of a request, read back from a canvas by the separately loaded decoder.
    assert.deepEqual(qr, { scanner: { valid: true }, matches: true, blank: null });
    // Only the page and its scripts were loaded (the QR decoder's two only when asked for):
    // the verification itself made no request.
    const snippet = requests.find((path) => path.startsWith("/pkg/snippets/"));
    assert.match(snippet ?? "", /^\/pkg\/snippets\/verifier-wasm-[0-9a-f]+\/js\/on_demand\.js$/);
    assert.deepEqual(requests.sort(), [
      "/", "/check.js", snippet, "/pkg/scanner/qr_scanner.js", "/pkg/scanner/qr_scanner_bytes.js",
      "/pkg/verifier_wasm.js", "/pkg/verifier_wasm_bytes.js",
    ].sort());
    // The policy really is in force: a fetch from the page is refused.
    const fetchRefused = await page.evaluate(() => fetch("/pkg/package.json").then(() => false, () => true));
    assert.equal(fetchRefused, true);
    await screenshot(page, "verifier-csp");
  } finally {
    await browser.close();
  }
});
