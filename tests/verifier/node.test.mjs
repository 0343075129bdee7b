// The built verifier package (verifier-wasm/pkg) used from Node exactly as the docs say:
// import, init with the wasm bytes, construct, verify a presentation made by the `cachet`
// CLI. Bad input never throws.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import init, { Verifier } from "../../verifier-wasm/pkg/verifier_wasm.js";
import { makePresentation } from "../support/cachet.mjs";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "../../verifier-wasm/pkg");

test("the package verifies a Cachet presentation in Node and reports errors by code", async () => {
  await init({ module_or_path: readFileSync(join(pkg, "verifier_wasm_bg.wasm")) });
  const made = makePresentation({ claims: { age_over_18: true, given_name: "Ada" }, disclose: ["/age_over_18"], nonce: "n-1" });
  const verifier = new Verifier({ trustedIssuers: [{ iss: made.iss, jwks: { keys: [made.publicJwk] } }], audience: made.aud });
  const ok = await verifier.verify(made.presentation, { nonce: "n-1" });
  assert.equal(ok.valid, true, JSON.stringify(ok));
  assert.equal(ok.claims.age_over_18, true);
  assert.equal(ok.claims.given_name, undefined);
  assert.equal(ok.issuer, made.iss);

  const replayed = await verifier.verify(made.presentation, { nonce: "n-2" });
  assert.equal(replayed.error.code, "nonce_mismatch");
  for (const bad of [undefined, null, 42, {}, "", "~", "a.b.c~"]) {
    const result = await verifier.verify(bad, { nonce: "n-1" });
    assert.equal(result.valid, false);
    assert.equal(typeof result.error.code, "string");
  }
  const broken = new Verifier("not options");
  assert.equal((await broken.verify(made.presentation, { nonce: "n-1" })).error.code, "invalid_config");
});
