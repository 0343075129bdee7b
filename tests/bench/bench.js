// Median verify time of one presentation, in this page, four ways: Cachet with WebCrypto
// signatures, Cachet with p256 in wasm, @sd-jwt/core (npm) with WebCrypto, and the floor:
// just the two WebCrypto ECDSA P-256 verifications (keys already imported).
//
// performance.now() is coarse in a page that is not cross-origin isolated, so each sample
// times a run of BATCH verifications and divides.
import init, { Verifier } from "/pkg/verifier_wasm.js";
import { SDJwtInstance } from "@sd-jwt/core";

const BATCH = 25;
const SAMPLES = 31;

const b64urlDecode = (text) => {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(base64 + "===".slice((base64.length + 3) % 4)), (c) => c.charCodeAt(0));
};
const encoder = new TextEncoder();
const ECDSA = { name: "ECDSA", hash: "SHA-256" };
const importKey = (jwk) =>
  crypto.subtle.importKey("jwk", { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);

/// Median microseconds per run of each method. Methods take turns within every sample,
/// so a slow spell of the machine affects them alike.
async function medians(methods) {
  const names = Object.keys(methods);
  for (const name of names) for (let i = 0; i < 5; i++) await methods[name](); // warm up
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let s = 0; s < SAMPLES; s++) {
    for (const name of names) {
      const start = performance.now();
      for (let i = 0; i < BATCH; i++) await methods[name]();
      samples[name].push(((performance.now() - start) / BATCH) * 1000);
    }
  }
  return Object.fromEntries(names.map((name) => {
    const sorted = samples[name].sort((a, b) => a - b);
    return [name, sorted[Math.floor(sorted.length / 2)]];
  }));
}

window.runBench = async ({ presentation, issuerJwk, iss, aud, nonce }) => {
  await init();
  const trustedIssuers = [{ iss, jwks: { keys: [issuerJwk] } }];
  const expect = (ok, what) => { if (!ok) throw new Error(`${what} did not verify`); };

  const fast = new Verifier({ trustedIssuers, audience: aud, signatureBackend: "webcrypto" });
  const portable = new Verifier({ trustedIssuers, audience: aud, signatureBackend: "wasm" });
  const cachetRun = (verifier, what) => async () => {
    const result = await verifier.verify(presentation, { nonce });
    expect(result.valid, what);
  };

  const issuerKey = await importKey(issuerJwk);
  const sdjwt = new SDJwtInstance({
    hasher: async (data) => new Uint8Array(await crypto.subtle.digest("SHA-256", typeof data === "string" ? encoder.encode(data) : data)),
    verifier: (data, signature) => crypto.subtle.verify(ECDSA, issuerKey, b64urlDecode(signature), encoder.encode(data)),
    kbVerifier: async (data, signature, payload) =>
      crypto.subtle.verify(ECDSA, await importKey(payload.cnf.jwk), b64urlDecode(signature), encoder.encode(data)),
  });
  const sdjwtRun = async () => {
    const { payload } = await sdjwt.verify(presentation, { keyBindingNonce: nonce, requiredClaimKeys: [] });
    expect(payload.iss === iss, "@sd-jwt/core");
  };

  // The floor: the two signatures, over the same bytes, with pre-imported keys.
  const parts = presentation.split("~");
  const issuerJwt = parts[0];
  const kbJwt = parts[parts.length - 1];
  const holderJwk = JSON.parse(new TextDecoder().decode(b64urlDecode(issuerJwt.split(".")[1]))).cnf.jwk;
  const holderKey = await importKey(holderJwk);
  const signed = (jwt) => {
    const cut = jwt.lastIndexOf(".");
    return [encoder.encode(jwt.slice(0, cut)), b64urlDecode(jwt.slice(cut + 1))];
  };
  const [issuerInput, issuerSignature] = signed(issuerJwt);
  const [kbInput, kbSignature] = signed(kbJwt);
  const floorRun = async () => {
    const [a, b] = await Promise.all([
      crypto.subtle.verify(ECDSA, issuerKey, issuerSignature, issuerInput),
      crypto.subtle.verify(ECDSA, holderKey, kbSignature, kbInput),
    ]);
    expect(a && b, "floor");
  };

  const results = {
    ...(await medians({
      floor: floorRun,
      cachetWebCrypto: cachetRun(fast, "Cachet (WebCrypto)"),
      cachetWasm: cachetRun(portable, "Cachet (wasm p256)"),
      sdJwtJs: sdjwtRun,
    })),
    disclosures: parts.length - 2,
    userAgent: navigator.userAgent,
  };
  document.getElementById("status").textContent = JSON.stringify(results);
  return results;
};
// The pseudonymous format: the first verification of a page (which loads the on-demand
// module, cold) and the median of later ones, of an age answer with the site's pseudonym.
// `presentations` are distinct answers to `nonce`s, one per run (a nonce is single use
// only to the site's session; verify() checks the nonce it is given).
window.runNymBench = async ({ presentations, issuerJwk, iss, aud }) => {
  await init();
  const verifier = new Verifier({ trustedIssuers: [{ iss, jwks: { keys: [issuerJwk] } }], audience: aud });
  const check = async ({ presentation, nonce }) => {
    const result = await verifier.verify(presentation, { nonce, pseudonym: true });
    if (!result.valid || !result.pseudonym) throw new Error(`pseudonymous answer: ${JSON.stringify(result)}`);
  };
  const start = performance.now();
  await check(presentations[0]);
  const firstMs = performance.now() - start;
  const samples = [];
  for (let round = 0; round < 3; round++) {
    for (const one of presentations) {
      const begin = performance.now();
      await check(one);
      samples.push(performance.now() - begin);
    }
  }
  samples.sort((a, b) => a - b);
  return { firstMs, medianMs: samples[Math.floor(samples.length / 2)], samples: samples.length };
};
document.getElementById("status").textContent = "ready";
