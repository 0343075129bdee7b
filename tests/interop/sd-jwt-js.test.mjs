// Interoperability with another implementation from a registry, in both directions:
// @sd-jwt/core (OpenWallet Foundation's TypeScript SD-JWT) verifies what the `cachet` CLI
// issues and presents, and `cachet verify` accepts what @sd-jwt/core issues and presents.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SDJwtInstance } from "@sd-jwt/core";
import { ES256, digest, generateSalt } from "@sd-jwt/crypto-nodejs";
import { cachet, cachetOk, scratch } from "../support/cachet.mjs";

const ISS = "https://issuer.example";
const AUD = "https://shop.example";
const NONCE = "interop-nonce-1";

const now = () => Math.floor(Date.now() / 1000);

test("@sd-jwt/core verifies a presentation that Cachet issued and presented", async () => {
  const dir = scratch();
  const issuerJwk = JSON.parse(cachetOk(["keygen"], dir));
  writeFileSync(join(dir, "issuer.jwk"), JSON.stringify(issuerJwk));
  writeFileSync(join(dir, "holder.jwk"), cachetOk(["keygen"], dir));
  writeFileSync(
    join(dir, "claims.json"),
    JSON.stringify({ given_name: "Ada", family_name: "Lovelace", address: { locality: "London", country: "GB" } }),
  );
  writeFileSync(
    join(dir, "credential.txt"),
    cachetOk(["issue", "--issuer-key", "issuer.jwk", "--claims", "claims.json", "--holder-key", "holder.jwk",
      "--sd-all", "--decoys", "2", "--iss", ISS, "--vct", "urn:cachet:identity", "--exp", String(now() + 3600)], dir),
  );
  const presentation = cachetOk(["present", "--credential", "credential.txt", "--disclose", "/given_name",
    "--disclose", "/address/locality", "--holder-key", "holder.jwk", "--nonce", NONCE, "--aud", AUD], dir);

  const { d: _private, ...issuerPublic } = issuerJwk;
  const sdjwt = new SDJwtInstance({
    hasher: digest,
    verifier: await ES256.getVerifier(issuerPublic),
    kbVerifier: async (data, signature, payload) => (await ES256.getVerifier(payload.cnf.jwk))(data, signature),
  });
  const { payload, kb } = await sdjwt.verify(presentation, { keyBindingNonce: NONCE });
  assert.equal(payload.given_name, "Ada");
  assert.deepEqual(payload.address, { locality: "London" });
  assert.equal(payload.family_name, undefined);
  assert.equal(kb.payload.aud, AUD);
  assert.equal(kb.header.typ, "kb+jwt");

  const tampered = presentation.replace(/~[^~]+$/, (kbJwt) => kbJwt.slice(0, -2) + (kbJwt.endsWith("AA") ? "BB" : "AA"));
  await assert.rejects(sdjwt.verify(tampered, { keyBindingNonce: NONCE }));
});

test("Cachet verifies a presentation that @sd-jwt/core issued and presented", async () => {
  const dir = scratch();
  const issuer = await ES256.generateKeyPair();
  const holder = await ES256.generateKeyPair();
  const sdjwt = new SDJwtInstance({
    signer: await ES256.getSigner(issuer.privateKey),
    signAlg: "ES256",
    kbSigner: await ES256.getSigner(holder.privateKey),
    kbSignAlg: "ES256",
    hasher: digest,
    hashAlg: "sha-256",
    saltGenerator: generateSalt,
  });
  const { kty, crv, x, y } = holder.publicKey;
  const credential = await sdjwt.issue(
    {
      iss: ISS, iat: now() - 60, exp: now() + 3600, vct: "urn:example:identity",
      cnf: { jwk: { kty, crv, x, y } },
      given_name: "Grace", family_name: "Hopper", nationalities: ["US", "NL"],
      address: { locality: "Arlington", country: "US" },
    },
    { _sd: ["given_name", "family_name", "address", "nationalities"], address: { _sd: ["locality"] }, nationalities: { _sd: [0, 1] } },
    { header: { typ: "dc+sd-jwt" } },
  );
  const presentation = await sdjwt.present(
    credential,
    { given_name: true, address: { locality: true }, nationalities: { 1: true } },
    { kb: { payload: { aud: AUD, nonce: NONCE, iat: now() } } },
  );
  writeFileSync(join(dir, "issuer.jwk"), JSON.stringify(issuer.publicKey));
  writeFileSync(join(dir, "presentation.txt"), presentation);
  const verify = (nonce) =>
    cachet(["verify", "--issuer-key", "issuer.jwk", "--vc", "--nonce", nonce, "--aud", AUD, "--presentation", "presentation.txt"], dir);

  const ok = verify(NONCE);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const claims = JSON.parse(ok.stdout);
  assert.equal(claims.given_name, "Grace");
  // country was not selectively disclosable: it comes with its parent.
  assert.deepEqual(claims.address, { locality: "Arlington", country: "US" });
  assert.equal(claims.family_name, undefined);
  assert.equal(claims.iss, ISS);
  // @sd-jwt/core keeps undisclosed array elements out, as Cachet expects.
  assert.deepEqual(claims.nationalities, ["NL"]);

  const replayed = verify("another-nonce");
  assert.equal(replayed.status, 1);
  assert.equal(JSON.parse(replayed.stdout).error, "nonce_mismatch");
});
