// The "Try it" form of verifier.html: the integrator snippet, run on what the user pastes.
import init, { Verifier } from "./pkg/verifier_wasm.js";
import bytes from "./pkg/verifier_wasm_bytes.js";

await init({ module_or_path: bytes });

const field = (id) => document.getElementById(id).value.trim();
const output = document.getElementById("result");

function jwksOf(text) {
  const parsed = JSON.parse(text);
  if (parsed.keys) return parsed;
  const { d: _private, ...publicKey } = parsed;   // a private JWK pasted by mistake
  return { keys: [publicKey] };
}

document.getElementById("try").addEventListener("submit", async (event) => {
  event.preventDefault();
  let jwks;
  try {
    jwks = jwksOf(field("jwk"));
  } catch {
    output.textContent = "The issuer key is not valid JSON.";
    output.className = "invalid";
    return;
  }
  const verifier = new Verifier({ trustedIssuers: [{ iss: field("iss"), jwks }], audience: field("aud") });
  const result = await verifier.verify(field("presentation"), { nonce: field("nonce") });
  output.textContent = JSON.stringify(result, null, 2);
  output.className = result.valid ? "valid" : "invalid";
});
document.body.dataset.ready = "true";
