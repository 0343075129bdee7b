// The verifier package verifies a presentation inside a page served with
// `connect-src 'none'`, and the page makes no request beyond loading its own scripts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, siteUrl, screenshot } from "./browser.mjs";

const ISS = "https://issuer.example";
const AUD = "https://shop.example";

function cachet(args, cwd) {
  const result = spawnSync(process.env.CACHET_BIN, args, { cwd, encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr + result.stdout);
  return result.stdout.trim();
}

function presentation() {
  const dir = mkdtempSync(join(tmpdir(), "cachet-csp-"));
  const issuer = JSON.parse(cachet(["keygen"], dir));
  writeFileSync(join(dir, "issuer.jwk"), JSON.stringify(issuer));
  writeFileSync(join(dir, "holder.jwk"), cachet(["keygen"], dir));
  writeFileSync(join(dir, "claims.json"), JSON.stringify({ age_over_18: true, birthdate: "2000-01-01" }));
  writeFileSync(join(dir, "credential.txt"), cachet(["issue", "--issuer-key", "issuer.jwk", "--claims", "claims.json",
    "--holder-key", "holder.jwk", "--sd-all", "--decoys", "3", "--iss", ISS, "--vct", "urn:cachet:age"], dir));
  const { d: _d, ...publicJwk } = issuer;
  return {
    iss: ISS, aud: AUD, nonce: "csp-nonce", jwks: { keys: [publicJwk] },
    presentation: cachet(["present", "--credential", "credential.txt", "--disclose", "/age_over_18",
      "--holder-key", "holder.jwk", "--nonce", "csp-nonce", "--aud", AUD], dir),
  };
}

test("a page under connect-src 'none' verifies in the page and makes no network request", async () => {
  const input = presentation();
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const requests = [];
    page.on("request", (request) => requests.push(new URL(request.url()).pathname));
    const base = siteUrl("csp");
    const response = await page.goto(`${base}#${encodeURIComponent(JSON.stringify(input))}`);
    assert.match(response.headers()["content-security-policy"], /connect-src 'none'/);
    const resultText = page.locator("#result");
    await page.waitForFunction(() => document.getElementById("result").textContent !== "pending", null, { timeout: 20_000 });
    const { result, tampered } = JSON.parse(await resultText.textContent());
    assert.equal(result.valid, true, JSON.stringify(result));
    assert.deepEqual(result.claims.age_over_18, true);
    assert.equal(result.claims.birthdate, undefined, "only the disclosed claim");
    assert.equal(tampered.valid, false);
    assert.equal(tampered.error.code, "invalid_kb_signature");
    // Only the page and its scripts were loaded: the verification itself made no request.
    assert.deepEqual(requests.sort(), ["/", "/check.js", "/pkg/verifier_wasm.js", "/pkg/verifier_wasm_bytes.js"]);
    // The policy really is in force: a fetch from the page is refused.
    const fetchRefused = await page.evaluate(() => fetch("/pkg/package.json").then(() => false, () => true));
    assert.equal(fetchRefused, true);
    await screenshot(page, "verifier-csp");
  } finally {
    await browser.close();
  }
});
