// The Node side of a site in the end-to-end tests: the built verifier package, trusting the
// test issuer's published keys, for the demo shop's URL.
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import init, { Verifier } from "../../verifier-wasm/pkg/verifier_wasm.js";
import { siteUrl } from "./browser.mjs";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "../../verifier-wasm/pkg");

/** The issuer, wallet and shop URLs, and a verifier for the shop that trusts the issuer. */
export async function shopVerifier() {
  const issuer = siteUrl("issuer").replace(/\/$/, "");
  const wallet = siteUrl("wallet");
  const site = `${siteUrl("www")}shop`;
  await init({ module_or_path: readFileSync(join(pkg, "verifier_wasm_bg.wasm")) });
  const keys = await (await fetch(`${issuer}/.well-known/jwt-vc-issuer`)).json();
  const metadata = await (await fetch(`${issuer}/.well-known/openid-credential-issuer`)).json();
  const verifier = new Verifier({
    trustedIssuers: [{ iss: issuer, jwks: keys.jwks }],
    credentialTypes: Object.values(metadata.credential_configurations_supported)
      .map((configuration) => configuration.vct).filter(Boolean),
    audience: `redirect_uri:${site}`,
  });
  return { issuer, wallet, site, verifier };
}
