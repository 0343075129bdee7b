// The verifier's modules loaded on demand, in one snippet (one request for both loaders):
// the QR decoder and the pseudonym verifier. wasm-bindgen copies this file to
// pkg/snippets/verifier-wasm-<hash>/js/, three levels below pkg/.
//
// The QR decoder lives in a module of its own (pkg/scanner/, built from qr-scanner/): its
// Galois-field tables alone are 64 KB, so pages that never scan never download it. It is
// loaded by initScanner() or, failing that, on the first scanQr() call.
const SCANNER = "../../../scanner/qr_scanner.js";

let decode = null;
let loading = null;
let warned = false;
let failedAt = -Infinity;
// The options of the last load, and how many instances were started: a trapped instance
// (a panic in the decoder is a wasm trap, and its memory may be left in any state) is
// dropped, and the next frame starts a fresh one from a module URL of its own.
let lastOptions;
let instances = 0;
// How long scanQr waits after a failed load before it tries again, in ms.
const RETRY_AFTER_MS = 5000;

// Loads the decoder; `options` as for the scanner's init (`{ module_or_path }`), or
// undefined to fetch pkg/scanner/qr_scanner_bg.wasm. A failed load may be retried.
export function load_decoder(options) {
  if (options !== undefined) lastOptions = options;
  if (decode) return Promise.resolve();
  if (!loading) {
    instances += 1;
    const url = instances === 1 ? SCANNER : `${SCANNER}?instance=${instances}`;
    loading = import(url)
      .then(async (scanner) => {
        await scanner.default(lastOptions);
        decode = scanner.decode;
      })
      .catch((error) => {
        loading = null;
        throw error;
      });
  }
  return loading;
}

// The text of the first QR code in an RGBA frame, or undefined: none found, or the decoder
// is still loading (it starts loading here if nobody asked before). After a failed load the
// frames of the next few seconds do not try again, and the console hears about it once.
export function decode_frame(width, height, rgba) {
  if (decode) {
    try {
      return decode(width, height, rgba);
    } catch (error) {
      // A trap (or any throw) in the decoder must not reach the verifier, whose borrow of
      // itself would stay held: drop this instance; the next frame loads a new one.
      decode = null;
      loading = null;
      if (!warned) {
        warned = true;
        console.warn(`Cachet verifier: the QR decoder failed on a frame (${error}); starting a new one`);
      }
      return undefined;
    }
  }
  if (performance.now() - failedAt < RETRY_AFTER_MS) return undefined;
  load_decoder().catch((error) => {
    failedAt = performance.now();
    if (warned) return;
    warned = true;
    console.warn(`Cachet verifier: the QR decoder did not load (${error}); ` +
      "pages that forbid fetch pass its bytes: initScanner({ module_or_path: scannerBytes })");
  });
  return undefined;
}

// How many decoder instances were started (diagnostics and tests).
export function decoder_instances() {
  return instances;
}

// The pseudonymous format's verifier lives in a module of its own (pkg/nym/, built from
// nym-verifier/): its BBS code is nearly as large as the rest of the verifier, so pages
// that never ask for pseudonyms never download it. It is loaded by initPseudonyms() or,
// failing that, by the first pseudonymous presentation.
//
// Both functions resolve to a VerificationResult object and never reject (the verifier's
// promises never do): a module that does not load is `pseudonyms_unavailable`.
const NYM = "../../../nym/nym_verifier.js";

let verifyNym = null;
let nymLoading = null;
let nymOptions;

function loadNym(options) {
  if (options !== undefined) nymOptions = options;
  if (verifyNym) return Promise.resolve();
  if (!nymLoading) {
    nymLoading = import(NYM)
      .then(async (nym) => {
        await nym.default(nymOptions);
        verifyNym = nym.verify;
      })
      .catch((error) => {
        nymLoading = null;
        throw error;
      });
  }
  return nymLoading;
}

function unavailable(error) {
  const reason = error instanceof Error ? error.message : String(error);
  return { valid: false, error: { code: "pseudonyms_unavailable", message: `the pseudonym module did not load: ${reason}` } };
}

// Loads the module; `options` as for its init (`{ module_or_path }`), or undefined to
// fetch pkg/nym/nym_verifier_bg.wasm. A failed load may be retried.
export function load_nym(options) {
  return loadNym(options).then(() => ({ valid: true }), unavailable);
}

// The module's result for a presentation (JSON text of the relying party's expectation).
export function verify_nym(presentation, expectation) {
  return loadNym().then(() => JSON.parse(verifyNym(presentation, expectation)), unavailable);
}
