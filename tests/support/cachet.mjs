// Running the `cachet` CLI from tests (CACHET_BIN, set by `cargo xtask test`), and making
// a key-bound presentation with it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Runs `cachet ARGS` in `cwd`; returns { status, stdout, stderr }. */
export function cachet(args, cwd) {
  const bin = process.env.CACHET_BIN;
  if (!bin) throw new Error("CACHET_BIN is not set: run these tests with `cargo xtask test`");
  const result = spawnSync(bin, args, { cwd, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `cachet ARGS`, asserts success, returns trimmed stdout. */
export function cachetOk(args, cwd) {
  const result = cachet(args, cwd);
  assert.equal(result.status, 0, `cachet ${args.join(" ")}: ${result.stderr}${result.stdout}`);
  return result.stdout.trim();
}

/** A fresh scratch folder. */
export function scratch() {
  return mkdtempSync(join(tmpdir(), "cachet-test-"));
}

/**
 * Issues an SD-JWT VC (everything disclosable) to a fresh holder and presents `disclose`
 * with key binding. Returns { presentation, issuerJwk, publicJwk, iss, aud, nonce, vct }.
 */
export function makePresentation({ claims, disclose, iss = "https://issuer.example",
  aud = "https://shop.example", nonce = "test-nonce", vct = "urn:cachet:identity" }) {
  const dir = scratch();
  const issuerJwk = JSON.parse(cachetOk(["keygen"], dir));
  writeFileSync(join(dir, "issuer.jwk"), JSON.stringify(issuerJwk));
  writeFileSync(join(dir, "holder.jwk"), cachetOk(["keygen"], dir));
  writeFileSync(join(dir, "claims.json"), JSON.stringify(claims));
  writeFileSync(join(dir, "credential.txt"), cachetOk(["issue", "--issuer-key", "issuer.jwk", "--claims",
    "claims.json", "--holder-key", "holder.jwk", "--sd-all", "--decoys", "3", "--iss", iss, "--vct", vct], dir));
  const presentation = cachetOk(["present", "--credential", "credential.txt",
    ...disclose.flatMap((pointer) => ["--disclose", pointer]),
    "--holder-key", "holder.jwk", "--nonce", nonce, "--aud", aud], dir);
  const { d: _private, ...publicJwk } = issuerJwk;
  return { presentation, issuerJwk, publicJwk, iss, aud, nonce, vct };
}

/**
 * Issues a pseudonymous credential (BBS, JWP) to a fresh holder with the CLI and returns
 * a function presenting it: present({ disclose, nonce, aud, site? }) gives the presented
 * JWP, with the pseudonym for `site` when given. Returns { present, publicJwk, iss, dir }.
 */
export function makePseudonymous({ claims = { age_over_13: true, age_over_16: true, age_over_18: true,
  age_over_21: false, age_over_65: false }, iss = "https://issuer.example",
  vct = "https://issuer.example/credentials/pseudonymous_identity", holderFile } = {}) {
  const dir = scratch();
  const issuerJwk = JSON.parse(cachetOk(["keygen", "--bbs"], dir));
  writeFileSync(join(dir, "issuer.json"), JSON.stringify(issuerJwk));
  const holder = holderFile ?? join(dir, "holder.json");
  if (!holderFile) writeFileSync(holder, cachetOk(["holder-init"], dir));
  writeFileSync(join(dir, "claims.json"), JSON.stringify({ iss, vct, ...claims }));
  writeFileSync(join(dir, "credential.jwp"), cachetOk(["issue", "--format", "jwp", "--issuer-key", "issuer.json",
    "--claims", "claims.json", "--holder", holder], dir));
  const present = ({ disclose, nonce, aud, site }) => cachetOk(["present", "--credential", "credential.jwp",
    ...disclose.flatMap((pointer) => ["--disclose", pointer]), "--holder", holder, "--nonce", nonce, "--aud", aud,
    ...(site ? ["--pseudonym-for", site] : [])], dir);
  const { d: _private, ...publicJwk } = issuerJwk;
  return { present, publicJwk, iss, vct, dir };
}
