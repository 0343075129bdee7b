// The pseudonymous format's verifier lives in a module of its own (pkg/nym/, built from
// nym-verifier/): its BBS code is nearly as large as the rest of the verifier, so pages
// that never ask for pseudonyms never download it. It is loaded by initPseudonyms() or,
// failing that, by the first pseudonymous presentation. wasm-bindgen copies this file to
// pkg/snippets/verifier-wasm-<hash>/js/, three levels below pkg/.
//
// Both functions resolve to a VerificationResult object and never reject (the verifier's
// promises never do): a module that does not load is `pseudonyms_unavailable`.
const NYM = "../../../nym/nym_verifier.js";

let verify = null;
let loading = null;
let lastOptions;

function load(options) {
  if (options !== undefined) lastOptions = options;
  if (verify) return Promise.resolve();
  if (!loading) {
    loading = import(NYM)
      .then(async (nym) => {
        await nym.default(lastOptions);
        verify = nym.verify;
      })
      .catch((error) => {
        loading = null;
        throw error;
      });
  }
  return loading;
}

function unavailable(error) {
  const reason = error instanceof Error ? error.message : String(error);
  return { valid: false, error: { code: "pseudonyms_unavailable", message: `the pseudonym module did not load: ${reason}` } };
}

// Loads the module; `options` as for its init (`{ module_or_path }`), or undefined to
// fetch pkg/nym/nym_verifier_bg.wasm. A failed load may be retried.
export function load_nym(options) {
  return load(options).then(() => ({ valid: true }), unavailable);
}

// The module's result for a presentation (JSON text of the relying party's expectation).
export function verify_nym(presentation, expectation) {
  return load().then(() => JSON.parse(verify(presentation, expectation)), unavailable);
}
