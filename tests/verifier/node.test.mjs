// The built verifier package (verifier-wasm/pkg) used from Node exactly as the docs say:
// import, init with the wasm bytes, construct, verify a presentation made by the `cachet`
// CLI. Bad input never throws.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import init, { Verifier } from "../../verifier-wasm/pkg/verifier_wasm.js";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "../../verifier-wasm/pkg");
const ISS = "https://issuer.example";
const AUD = "https://shop.example";

function cachet(args, cwd) {
  const bin = process.env.CACHET_BIN;
  if (!bin) throw new Error("CACHET_BIN is not set: run these tests with `cargo xtask test`");
  const result = spawnSync(bin, args, { cwd, encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr + result.stdout);
  return result.stdout.trim();
}

test("the package verifies a Cachet presentation in Node and reports errors by code", async () => {
  await init({ module_or_path: readFileSync(join(pkg, "verifier_wasm_bg.wasm")) });
  const dir = mkdtempSync(join(tmpdir(), "cachet-verifier-"));
  const issuerJwk = JSON.parse(cachet(["keygen"], dir));
  writeFileSync(join(dir, "issuer.jwk"), JSON.stringify(issuerJwk));
  writeFileSync(join(dir, "holder.jwk"), cachet(["keygen"], dir));
  writeFileSync(join(dir, "claims.json"), JSON.stringify({ age_over_18: true, given_name: "Ada" }));
  writeFileSync(join(dir, "credential.txt"), cachet(["issue", "--issuer-key", "issuer.jwk", "--claims", "claims.json",
    "--holder-key", "holder.jwk", "--sd-all", "--iss", ISS, "--vct", "urn:cachet:age"], dir));
  const presentation = cachet(["present", "--credential", "credential.txt", "--disclose", "/age_over_18",
    "--holder-key", "holder.jwk", "--nonce", "n-1", "--aud", AUD], dir);

  const { d: _d, ...publicJwk } = issuerJwk;
  const verifier = new Verifier({ trustedIssuers: [{ iss: ISS, jwks: { keys: [publicJwk] } }], audience: AUD });
  const ok = await verifier.verify(presentation, { nonce: "n-1" });
  assert.equal(ok.valid, true, JSON.stringify(ok));
  assert.equal(ok.claims.age_over_18, true);
  assert.equal(ok.claims.given_name, undefined);
  assert.equal(ok.issuer, ISS);

  const replayed = await verifier.verify(presentation, { nonce: "n-2" });
  assert.deepEqual(replayed.error.code, "nonce_mismatch");
  for (const bad of [undefined, null, 42, {}, "", "~", "a.b.c~"]) {
    const result = await verifier.verify(bad, { nonce: "n-1" });
    assert.equal(result.valid, false);
    assert.equal(typeof result.error.code, "string");
  }
  const broken = new Verifier("not options");
  assert.equal((await broken.verify(presentation, { nonce: "n-1" })).error.code, "invalid_config");
});
