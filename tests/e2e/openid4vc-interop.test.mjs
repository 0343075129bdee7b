// An independent OpenID4VC implementation against Cachet, with its validation on: npm's
// @openid4vc/openid4vci (the Openid4vciClient a wallet developer uses) redeems an offer
// from Cachet's issuer, asks for a nonce and receives a batch; its error replies parse as
// OAuth errors; and @openid4vc/openid4vp (the wallet side, Openid4vpClient) parses the
// request Cachet's verifier makes, and the answer it carries back verifies in Cachet's
// verifier; and the other way round, Cachet's wallet answers a request made by the
// library's verifier (Openid4vpVerifier), which validates the answer; and Cachet's wallet
// receives a batch from an issuer built of the library's issuer and authorization server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { createServer } from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Openid4vciClient, Openid4vciIssuer, setGlobalConfig } from "@openid4vc/openid4vci";
import { Oauth2AuthorizationServer } from "@openid4vc/oauth2";
import { createPublicKey, verify } from "node:crypto";
import { Openid4vpClient, Openid4vpVerifier, validateOpenid4vpAuthorizationResponsePayload } from "@openid4vc/openid4vp";
import { scratch } from "../support/cachet.mjs";
import { shopVerifier } from "./site-verifier.mjs";
import { launch, siteUrl } from "./browser.mjs";
import { enrollAndReceive } from "./journey.mjs";

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
// The test issuer is on http://localhost; every other check stays on.
setGlobalConfig({ allowInsecureUrls: true });

/** A P-256 key as JWKs. */
function p256() {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { privateJwk: privateKey.export({ format: "jwk" }), publicJwk: publicKey.export({ format: "jwk" }) };
}

/** Compact ES256 JWS of `header` and `payload` with `privateJwk`. */
function es256(header, payload, privateJwk) {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign("sha256", Buffer.from(input), { key: createPrivateKey({ key: privateJwk, format: "jwk" }), dsaEncoding: "ieee-p1363" });
  return `${input}.${b64url(signature)}`;
}

/** Whether the compact ES256 JWS `compact` verifies with `publicJwk`. */
function es256Verifies(compact, publicJwk) {
  const [header, payload, signature] = compact.split(".");
  return verify("sha256", Buffer.from(`${header}.${payload}`), { key: createPublicKey({ key: publicJwk, format: "jwk" }), dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
}

/** The callbacks the library asks for: hashing, randomness, signing with `keys`, and
 * checking ES256 signatures. */
function callbacks(keys) {
  return {
    verifyJwt: async (signer, { compact }) => {
      const jwk = signer.publicJwk;
      return jwk && es256Verifies(compact, jwk) ? { verified: true, signerJwk: jwk } : { verified: false };
    },
    fetch,
    hash: (data, alg) => new Uint8Array(createHash(alg.replace("-", "")).update(data).digest()),
    generateRandom: (length) => new Uint8Array(randomBytes(length)),
    clientAuthentication: () => {},
    signJwt: async (signer, { header, payload }) => {
      const key = keys.find((k) => k.publicJwk.x === signer.publicJwk?.x) ?? keys[0];
      return { jwt: es256(header, payload, key.privateJwk), signerJwk: key.publicJwk };
    },
  };
}

/** A fresh offer from the test issuer (its own command, as an operator enrolls). */
function offer() {
  const claims = join(scratch(), "claims.json");
  writeFileSync(claims, JSON.stringify({ given_name: "Ada", family_name: "Lovelace", birthdate: "1990-12-10" }));
  const out = execFileSync(process.env.CACHET_ISSUER_BIN, ["enroll", "--db", process.env.CACHET_ISSUER_DB, "--claims", claims], { encoding: "utf8" });
  return JSON.parse(out).credential_offer;
}

test("@openid4vc/openid4vci redeems Cachet's offer and receives a batch; errors are OAuth errors", async () => {
  const holders = [p256(), p256(), p256()];
  const client = new Openid4vciClient({ callbacks: callbacks(holders) });
  const credentialOffer = await client.resolveCredentialOffer(offer());
  const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer);
  const configurationId = "cachet_age";
  assert.ok(credentialOffer.credential_configuration_ids.includes(configurationId));
  const display = issuerMetadata.credentialIssuer.credential_configurations_supported[configurationId].credential_metadata.claims[0].display[0];
  assert.ok(display.name, "claim display entries carry `name` (OpenID4VCI 1.0 Appendix B.2)");

  const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer, issuerMetadata });
  assert.equal(typeof accessTokenResponse.access_token, "string");
  // The code is single use: the library reports the issuer's OAuth error.
  await assert.rejects(
    client.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer, issuerMetadata }),
    (error) => JSON.stringify(error.errorResponse ?? error.message).includes("invalid_grant"),
  );

  const { c_nonce: nonce } = await client.requestNonce({ issuerMetadata });
  const proofs = [];
  for (const holder of holders) {
    const { jwt } = await client.createCredentialRequestJwtProof({
      issuerMetadata, credentialConfigurationId: configurationId, nonce,
      signer: { method: "jwk", publicJwk: holder.publicJwk, alg: "ES256" },
    });
    proofs.push(jwt);
  }
  const issued = await client.retrieveCredentials({
    issuerMetadata, accessToken: accessTokenResponse.access_token, credentialConfigurationId: configurationId,
    proofs: { jwt: proofs },
  });
  const credentials = issued.credentialResponse.credentials.map((entry) => entry.credential);
  assert.equal(credentials.length, holders.length, "one copy per key proof");
  for (const [index, credential] of credentials.entries()) {
    const payload = JSON.parse(Buffer.from(credential.split("~")[0].split(".")[1], "base64url"));
    assert.equal(payload.iss, credentialOffer.credential_issuer);
    assert.equal(payload.cnf.jwk.x, holders[index].publicJwk.x, "each copy is bound to its own key");
  }

  // Error replies parse as OpenID4VCI errors: the spent grant, and (for the configuration
  // still granted) a proof over a nonce this issuer never gave (§8.3.1.2).
  const refusal = (code) => (error) => error.message.includes(`"error": "${code}"`);
  const proofFor = async (holder, configuration, over) => (await client.createCredentialRequestJwtProof({
    issuerMetadata, credentialConfigurationId: configuration, nonce: over,
    signer: { method: "jwk", publicJwk: holder.publicJwk, alg: "ES256" },
  })).jwt;
  const { c_nonce: fresh } = await client.requestNonce({ issuerMetadata });
  await assert.rejects(
    client.retrieveCredentials({
      issuerMetadata, accessToken: accessTokenResponse.access_token, credentialConfigurationId: configurationId,
      proofs: { jwt: [await proofFor(holders[0], configurationId, fresh)] },
    }),
    refusal("credential_request_denied"),
  );
  await assert.rejects(
    client.retrieveCredentials({
      issuerMetadata, accessToken: accessTokenResponse.access_token, credentialConfigurationId: "cachet_identity",
      proofs: { jwt: [await proofFor(holders[0], "cachet_identity", "not-a-nonce-of-this-issuer")] },
    }),
    refusal("invalid_nonce"),
  );
});

test("@openid4vc/openid4vp parses Cachet's request, and its answer verifies in Cachet's verifier", async () => {
  // A copy for a holder key of this test, received with the independent client.
  const holder = p256();
  const client = new Openid4vciClient({ callbacks: callbacks([holder]) });
  const credentialOffer = await client.resolveCredentialOffer(offer());
  const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer);
  const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer, issuerMetadata });
  const { c_nonce: nonce } = await client.requestNonce({ issuerMetadata });
  const { jwt } = await client.createCredentialRequestJwtProof({
    issuerMetadata, credentialConfigurationId: "cachet_age", nonce,
    signer: { method: "jwk", publicJwk: holder.publicJwk, alg: "ES256" },
  });
  const issued = await client.retrieveCredentials({
    issuerMetadata, accessToken: accessTokenResponse.access_token, credentialConfigurationId: "cachet_age", proofs: { jwt: [jwt] },
  });
  const dir = scratch();
  writeFileSync(join(dir, "credential.txt"), issued.credentialResponse.credentials[0].credential);
  writeFileSync(join(dir, "holder.jwk"), JSON.stringify(holder.privateJwk));

  const { verifier, site } = await shopVerifier();
  const request = verifier.createRequest({ claims: [["age_over_18"]], purpose: "Age check", redirectUri: site });
  const link = request.deepLink("openid4vp://");
  assert.match(link, /^openid4vp:\/\/\?/, "a native wallet finds the request in the query");
  const wallet = new Openid4vpClient({ callbacks: callbacks([holder]) });
  const parsed = wallet.parseOpenid4vpAuthorizationRequest({ authorizationRequest: link });
  assert.equal(parsed.type, "openid4vp");
  const resolved = await wallet.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params });
  const params = resolved.authorizationRequestPayload;
  assert.equal(params.response_type, "vp_token");
  assert.equal(params.nonce, request.nonce);
  assert.equal(params.client_id, request.clientId);
  const query = resolved.dcql.query;
  const vct = JSON.parse(Buffer.from(issued.credentialResponse.credentials[0].credential.split(".")[1], "base64url")).vct;
  assert.ok(query.credentials[0].meta.vct_values.includes(vct), "vct_values names the type (OpenID4VP 1.0 §B.3.5)");

  // The presentation (Cachet's CLI, key-bound to the request), put in the answer by the
  // independent library, and checked by Cachet's verifier.
  const presentation = execFileSync(process.env.CACHET_BIN, ["present", "--credential", "credential.txt",
    "--disclose", "/age_over_18", "--holder-key", "holder.jwk", "--nonce", params.nonce, "--aud", params.client_id], { cwd: dir, encoding: "utf8" }).trim();
  const answer = await wallet.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: params,
    authorizationResponsePayload: { vp_token: { [query.credentials[0].id]: [presentation] } },
  });
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(answer.authorizationResponsePayload)) {
    form.set(name, typeof value === "string" ? value : JSON.stringify(value));
  }
  const result = await verifier.verifyResponse(`#${form}`);
  assert.equal(result.valid, true, JSON.stringify(result));
  assert.equal(result.claims.age_over_18, true);
});

/** A verifier's response endpoint on a free loopback port: resolves with the first form
 * POSTed to it (answering the browser's CORS preflight). */
async function responseEndpoint() {
  let received;
  const posted = new Promise((resolve) => { received = resolve; });
  const server = createServer((request, response) => {
    const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "content-type", "access-control-allow-methods": "POST" };
    if (request.method === "OPTIONS") return response.writeHead(204, cors).end();
    let body = "";
    request.on("data", (chunk) => { body += chunk; });
    request.on("end", () => {
      response.writeHead(200, { ...cors, "content-type": "application/json" }).end("{}");
      received(body);
    });
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  return { server, url: `http://localhost:${server.address().port}/response`, posted };
}

test("Cachet's wallet answers a request of @openid4vc/openid4vp's verifier, which validates the answer", async () => {
  const browser = await launch();
  const endpoint = await responseEndpoint();
  try {
    const page = await (await browser.newContext()).newPage();
    await enrollAndReceive(page, { given: "Ada", family: "Lovelace", birthdate: "1990-12-10" });
    const issuer = siteUrl("issuer").replace(/\/$/, "");
    const verifier = new Openid4vpVerifier({ callbacks: callbacks([p256()]) });
    const nonce = b64url(randomBytes(16));
    const state = b64url(randomBytes(16));
    // The library's verifiers answer by direct_post only (its schema refuses fragment).
    const { authorizationRequestPayload } = await verifier.createOpenId4vpAuthorizationRequest({
      authorizationRequestPayload: {
        response_type: "vp_token", response_mode: "direct_post", client_id: `redirect_uri:${endpoint.url}`,
        response_uri: endpoint.url, nonce, state,
        dcql_query: { credentials: [{ id: "over18", format: "dc+sd-jwt", meta: { vct_values: [`${issuer}/types/age`] }, claims: [{ path: ["age_over_18"] }] }] },
      },
    });
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(authorizationRequestPayload)) {
      query.set(name, typeof value === "string" ? value : JSON.stringify(value));
    }
    await page.goto(`${siteUrl("wallet")}#/present?${query}`);
    await page.getByTestId("consent").waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => document.querySelector("[data-testid=approve]")?.disabled === false);
    await page.getByTestId("approve").click();
    let timer;
    const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error("the wallet posted no answer in 20 s")), 20_000); });
    const posted = await Promise.race([endpoint.posted, timeout]).finally(() => clearTimeout(timer));
    const answer = Object.fromEntries(new URLSearchParams(posted));
    answer.vp_token = JSON.parse(answer.vp_token);
    const validated = validateOpenid4vpAuthorizationResponsePayload({ authorizationRequestPayload, authorizationResponsePayload: answer });
    assert.equal(validated.type, "dcql");
    const presentation = answer.vp_token.over18[0];
    const keyBinding = JSON.parse(Buffer.from(presentation.split("~").at(-1).split(".")[1], "base64url"));
    assert.equal(keyBinding.nonce, nonce, "bound to the library's nonce");
    assert.equal(keyBinding.aud, `redirect_uri:${endpoint.url}`);
    assert.equal(answer.state, state);
  } finally {
    await browser.close();
    endpoint.server.close();
  }
});

/** An OpenID4VCI issuer made of the library's Openid4vciIssuer and Oauth2AuthorizationServer
 * on a free loopback port, issuing SD-JWT VCs signed with Cachet's CLI (the library leaves
 * the credential to the issuer). Returns its URL, an offer and the server. */
async function libraryIssuer() {
  const key = p256();
  const kid = "library-issuer-key";
  const publicJwk = { ...key.publicJwk, kid, alg: "ES256", use: "sig" };
  const dir = scratch();
  writeFileSync(join(dir, "issuer.jwk"), JSON.stringify({ ...key.privateJwk, kid }));
  writeFileSync(join(dir, "claims.json"), JSON.stringify({ age_over_18: true, age_over_21: false }));
  const server = createServer();
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const url = `http://localhost:${server.address().port}`;
  const vct = `${url}/types/age`;
  const calls = callbacks([key]);
  const issuer = new Openid4vciIssuer({ callbacks: calls });
  const authorization = new Oauth2AuthorizationServer({ callbacks: calls });
  const credentialIssuer = issuer.createCredentialIssuerMetadata({
    credential_issuer: url,
    credential_endpoint: `${url}/credential`,
    nonce_endpoint: `${url}/nonce`,
    batch_credential_issuance: { batch_size: 10 },
    credential_configurations_supported: {
      age: {
        format: "dc+sd-jwt", vct,
        cryptographic_binding_methods_supported: ["jwk"],
        credential_signing_alg_values_supported: ["ES256"],
        proof_types_supported: { jwt: { proof_signing_alg_values_supported: ["ES256"] } },
        credential_metadata: { display: [{ name: "Age (library issuer)", locale: "en" }] },
      },
    },
  });
  const authorizationServer = authorization.createAuthorizationServerMetadata({
    issuer: url, token_endpoint: `${url}/token`, "pre-authorized_grant_anonymous_access_supported": true,
  });
  const issuerMetadata = { credentialIssuer, authorizationServers: [authorizationServer], originalDraftVersion: undefined, knownCredentialConfigurations: credentialIssuer.credential_configurations_supported };
  const code = b64url(randomBytes(32));
  const nonces = new Set();
  const tokens = new Set();
  const { credentialOfferObject: credentialOffer } = await issuer.createCredentialOffer({
    issuerMetadata, credentialConfigurationIds: ["age"], grants: { "urn:ietf:params:oauth:grant-type:pre-authorized_code": { "pre-authorized_code": code } },
  });
  const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "authorization, content-type, dpop", "access-control-allow-methods": "GET, POST" };
  const json = (response, status, body) => response.writeHead(status, { ...cors, "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
  server.on("request", (request, response) => {
    let body = "";
    request.on("data", (chunk) => { body += chunk; });
    request.on("end", async () => {
      try {
        const path = new URL(request.url, url).pathname;
        if (request.method === "OPTIONS") return response.writeHead(204, cors).end();
        if (path === "/.well-known/openid-credential-issuer") return json(response, 200, credentialIssuer);
        if (path === "/.well-known/oauth-authorization-server") return json(response, 200, authorizationServer);
        if (path === "/.well-known/jwt-vc-issuer") return json(response, 200, { issuer: url, jwks: { keys: [publicJwk] } });
        const like = { method: request.method, url: `${url}${request.url}`, headers: new Headers(Object.entries(request.headers).map(([n, v]) => [n, String(v)])) };
        if (path === "/token") {
          const parsed = authorization.parseAccessTokenRequest({ request: like, accessTokenRequest: Object.fromEntries(new URLSearchParams(body)) });
          const verified = await authorization.verifyPreAuthorizedCodeAccessTokenRequest({
            authorizationServerMetadata: authorizationServer, grant: parsed.grant, accessTokenRequest: parsed.accessTokenRequest,
            request: like, expectedPreAuthorizedCode: code, dpop: parsed.dpop ? { jwt: parsed.dpop.jwt, required: false } : undefined,
          });
          const answer = await authorization.createAccessTokenResponse({
            authorizationServer: url, audience: url, subject: "holder", expiresInSeconds: 600,
            signer: { method: "jwk", publicJwk, alg: "ES256" }, dpop: verified.dpop ? { jwk: verified.dpop.jwk } : undefined,
          });
          tokens.add(answer.access_token);
          return json(response, 200, answer);
        }
        if (path === "/nonce") {
          const nonce = b64url(randomBytes(16));
          nonces.add(nonce);
          return json(response, 200, issuer.createNonceResponse({ cNonce: nonce }));
        }
        if (path === "/credential") {
          const token = (request.headers.authorization ?? "").replace(/^(Bearer|DPoP) /, "");
          if (!tokens.has(token)) return json(response, 401, { error: "invalid_token" });
          const credentialRequest = issuer.parseCredentialRequest({ issuerMetadata, credentialRequest: JSON.parse(body) });
          const credentials = [];
          // One issuance time for the whole batch: copies that differ in iat would tell
          // apart (the wallet refuses such a batch), and the CLI calls can span a second.
          const iat = Math.floor(Date.now() / 1000);
          for (const jwt of credentialRequest.proofs?.jwt ?? []) {
            const { signer, payload } = await issuer.verifyCredentialRequestJwtProof({ issuerMetadata, jwt, expectedNonce: JSON.parse(Buffer.from(jwt.split(".")[1], "base64url")).nonce });
            if (!nonces.has(payload.nonce)) return json(response, 400, { error: "invalid_nonce" });
            writeFileSync(join(dir, "holder.jwk"), JSON.stringify(signer.publicJwk));
            const credential = execFileSync(process.env.CACHET_BIN, ["issue", "--issuer-key", "issuer.jwk", "--claims", "claims.json",
              "--holder-key", "holder.jwk", "--sd-all", "--iss", url, "--vct", vct,
              "--iat", String(iat), "--exp", String(iat + 86_400)], { cwd: dir, encoding: "utf8" }).trim();
            credentials.push({ credential });
          }
          return json(response, 200, issuer.createCredentialResponse({ credentialRequest, credentials }));
        }
        json(response, 404, { error: "not_found" });
      } catch (error) {
        json(response, 400, { error: "invalid_request", error_description: String(error.message ?? error) });
      }
    });
  });
  return { url, server, credentialOffer };
}

test("Cachet's wallet receives a batch from an issuer made of @openid4vc/openid4vci's issuer", async () => {
  const issuer = await libraryIssuer();
  const browser = await launch();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${siteUrl("wallet")}#/receive?credential_offer=${encodeURIComponent(JSON.stringify(issuer.credentialOffer))}`);
    const shown = async () => (await page.locator("main").textContent()).trim();
    await page.getByTestId("accept-offer").waitFor({ timeout: 20_000 }).catch(async () => assert.fail(`no offer screen: ${await shown()}`));
    await page.getByTestId("accept-offer").click();
    await page.getByTestId("offer-done").waitFor({ timeout: 30_000 }).catch(async () => assert.fail(`not received: ${await shown()}`));
    await page.goto(`${siteUrl("wallet")}#/`);
    const card = page.getByTestId("credential").first();
    await card.waitFor({ timeout: 20_000 });
    const text = await card.textContent();
    assert.ok(text.includes(`Issued by ${issuer.url}`), text);
    assert.match(text, /Over 18\s*Yes/);
    assert.match(text, /10 of 10 single-use copies/, "a whole batch, one copy per key proof");
  } finally {
    await browser.close();
    issuer.server.close();
  }
});
