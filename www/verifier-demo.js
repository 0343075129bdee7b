// The "Try it" form of verifier.html: the integrator snippet, run on what the user pastes.
import init, { Verifier, initPseudonyms } from "./pkg/verifier_wasm.js";
import bytes from "./pkg/verifier_wasm_bytes.js";

await init({ module_or_path: bytes });

// A pseudonymous presentation (a JWP: four dot-separated parts) needs the pseudonym
// module. This page forbids fetch (connect-src 'none'), so it imports the module's bytes,
// and only when such a presentation is pasted: an SD-JWT check loads nothing more.
let pseudonymsLoaded = null;
function loadPseudonyms() {
  pseudonymsLoaded ??= import("./pkg/nym/nym_verifier_bytes.js")
    .then(({ default: nymBytes }) => initPseudonyms({ module_or_path: nymBytes }));
  return pseudonymsLoaded;
}

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
  const presentation = field("presentation");
  const pseudonymous = presentation.split(".").length === 4;
  if (pseudonymous) await loadPseudonyms();
  const pseudonym = document.getElementById("pseudonym").checked;
  const result = await verifier.verify(presentation, { nonce: field("nonce"), pseudonym });
  output.textContent = JSON.stringify(result, null, 2);
  output.className = result.valid ? "valid" : "invalid";
});
document.body.dataset.ready = "true";
