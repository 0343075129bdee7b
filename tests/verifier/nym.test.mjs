// Pseudonymous presentations through the built package in Node, as a site's server
// binds accounts: the main module hands them to the on-demand nym module (initialised
// with its bytes, as Node has no fetch of file URLs), which verifies and returns the
// site's pseudonym. One person gets one pseudonym at one site and another elsewhere.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import init, { Verifier, initPseudonyms } from "../../verifier-wasm/pkg/verifier_wasm.js";
import { makePseudonymous } from "../support/cachet.mjs";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "../../verifier-wasm/pkg");
const FORUM = "https://forum.example";
const SHOP = "https://shop.example";

test("the package verifies pseudonymous presentations in Node with the on-demand module", async () => {
  await init({ module_or_path: readFileSync(join(pkg, "verifier_wasm_bg.wasm")) });
  const loaded = await initPseudonyms({ module_or_path: readFileSync(join(pkg, "nym/nym_verifier_bg.wasm")) });
  assert.equal(loaded.valid, true, JSON.stringify(loaded));
  const made = makePseudonymous();
  const trustedIssuers = [{ iss: made.iss, jwks: { keys: [made.publicJwk] } }];
  const at = (site) => new Verifier({ trustedIssuers, audience: site });
  const verified = async (site, nonce) => {
    const presentation = made.present({ disclose: ["/age_over_18"], nonce, aud: site, site });
    const result = await at(site).verify(presentation, { nonce, pseudonym: true });
    assert.equal(result.valid, true, JSON.stringify(result));
    assert.equal(result.format, "x-cachet-nym+jwp");
    assert.equal(result.claims.age_over_18, true);
    assert.equal(result.claims.age_over_21, undefined);
    assert.equal(typeof result.pseudonym, "string");
    return result.pseudonym;
  };
  const first = await verified(FORUM, "n-1");
  assert.equal(await verified(FORUM, "n-2"), first, "the same person, the same pseudonym at one site");
  assert.notEqual(await verified(SHOP, "n-3"), first, "another site sees another pseudonym");

  // A pseudonym for another site fails; no pseudonym where one is asked fails; a
  // presentation without one verifies when none is asked.
  const forShop = made.present({ disclose: ["/age_over_18"], nonce: "n-4", aud: FORUM, site: SHOP });
  assert.equal((await at(FORUM).verify(forShop, { nonce: "n-4", pseudonym: true })).error.code, "invalid_signature");
  const plain = made.present({ disclose: ["/age_over_18"], nonce: "n-5", aud: FORUM });
  assert.equal((await at(FORUM).verify(plain, { nonce: "n-5", pseudonym: true })).error.code, "pseudonym_missing");
  const unlinkable = await at(FORUM).verify(plain, { nonce: "n-5" });
  assert.equal(unlinkable.valid, true, JSON.stringify(unlinkable));
  assert.equal(unlinkable.pseudonym, undefined);
  // Hostile text never throws.
  for (const bad of ["a.b.c.d", "....", "x".repeat(70000)]) {
    const result = await at(FORUM).verify(bad, { nonce: "n" });
    assert.equal(result.valid, false);
    assert.equal(typeof result.error.code, "string");
  }
});

test("a request that asks for the pseudonym names the format and the site in its query", async () => {
  await init({ module_or_path: readFileSync(join(pkg, "verifier_wasm_bg.wasm")) });
  const made = makePseudonymous();
  const verifier = new Verifier({ trustedIssuers: [{ iss: made.iss, jwks: { keys: [made.publicJwk] } }], audience: FORUM });
  const request = verifier.createRequest({ claims: [["age_over_18"]], redirectUri: `${FORUM}/join`, pseudonym: true });
  const [query] = request.request.dcql_query.credentials;
  assert.equal(query.format, "x-cachet-nym+jwp");
  assert.equal(query.meta.pseudonym, true);
});
