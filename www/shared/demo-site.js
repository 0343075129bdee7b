// A demo relying party: asks for exactly the claims in <body data-claims>, with the
// wallet on this device (deep link) or on a phone (QR code, answered by a QR code the
// webcam reads), and verifies the answer in this page with Cachet's verifier. The page
// runs under `connect-src 'none'`: it cannot call the issuer, Cachet or anyone.
// The integration itself is the first block (about 20 lines); the rest is this page's UI.
import init, { Verifier, initScanner, initPseudonyms } from "/pkg/verifier_wasm.js";
import bytes from "/pkg/verifier_wasm_bytes.js";
import { trustedIssuers, credentialTypes, statusLists, walletUrl } from "/trust.js";

await init({ module_or_path: bytes });
const here = location.origin + location.pathname;
const verifier = new Verifier({ trustedIssuers, credentialTypes, audience: `redirect_uri:${here}` });
for (const token of statusLists) verifier.useStatusList(token);   // revocation, fetched by our server
const { claims, purpose, pseudonymPurpose } = document.body.dataset;
// An age flag must be disclosed and true: an answer showing `false`, or not showing it,
// fails with `query_not_satisfied`.
const asked = (names) => names.split(",").map((name) => (name.startsWith("age_over_") ? { path: [name], values: [true] } : [name]));
// `pseudonym`: sign in with this site's pseudonym for the person (a pseudonymous
// credential; its verifier module is loaded only then).
let pseudonymous = sessionStorage.getItem("cachet-pending-pseudonym") === "true";
const ask = (pseudonym = false) => {
  pseudonymous = pseudonym;
  const request = verifier.createRequest(pseudonym
    ? { claims: asked(claims), purpose: pseudonymPurpose, pseudonym: true, responseMode: "fragment", redirectUri: here }
    : { claims: asked(claims), purpose, responseMode: "fragment", redirectUri: here });
  sessionStorage.setItem("cachet-pending", request.pending);   // survives the trip to the wallet
  sessionStorage.setItem("cachet-pending-pseudonym", String(pseudonym));
  return request;
};
async function check(response) {
  const saved = sessionStorage.getItem("cachet-pending");
  if (saved) verifier.restorePending(saved);                    // back from the wallet
  sessionStorage.removeItem("cachet-pending");                  // an answer is taken once
  sessionStorage.removeItem("cachet-pending-pseudonym");
  if (pseudonymous) {
    const { default: nymBytes } = await import("/pkg/nym/nym_verifier_bytes.js");
    const loaded = await initPseudonyms({ module_or_path: nymBytes });
    if (!loaded.valid) return show(loaded, response);
  }
  show(await verifier.verifyResponse(response), response);
}

// ---- the page's UI --------------------------------------------------------------------
const $ = (id) => document.getElementById(id);
const ASK = document.body.dataset.ask;   // what this site asks for, in words
$("app").innerHTML = `
  <section class="card">
    <h2>Show ${ASK} with Cachet</h2>
    <p class="fine">This page asks your Cachet wallet for <strong>${ASK}</strong> only, and checks the
    answer right here in the page. It cannot contact the issuer or anyone else.</p>
    <button id="same-device" class="primary">Open my wallet on this device</button>
    <button id="cross-device">Use my phone (QR code)</button>
    ${pseudonymPurpose ? `<p class="fine">Or sign in: your wallet gives this site its own pseudonym for you, so it
    recognises you next time; no other site can link you to it.</p>
    <button id="pseudonym-sign-in">Sign in with a pseudonym</button>` : ""}
  </section>
  <section id="cross" class="card" hidden>
    <h2>Scan with your phone's Cachet wallet</h2>
    <div id="request-qr" class="qr" aria-label="Request QR code"></div>
    <label for="request-link">Or open this link on the phone:</label>
    <input id="request-link" type="text" readonly>
    <p>The wallet answers with a QR code: show it to this computer's camera.</p>
    <button id="scan">Scan the wallet's answer</button>
    <p id="camera-error" role="alert"></p>
    <video id="camera" muted playsinline hidden></video>
    <label for="pasted">Or paste the wallet's answer:</label>
    <textarea id="pasted" rows="3"></textarea>
    <button id="paste-check">Check</button>
  </section>
  <section id="result" class="card result" role="status" hidden>
    <h2 id="result-title"></h2>
    <p id="result-detail"></p>
    <details><summary>What this site received (verified claims)</summary><pre id="result-claims"></pre></details>
    <details><summary>The raw presentation</summary><pre id="result-raw"></pre></details>
  </section>`;
function show(result, raw) {
  const box = $("result");
  box.hidden = false;
  box.className = `card result ${result.valid ? "valid" : "invalid"}`;
  box.dataset.valid = String(result.valid);
  box.dataset.code = result.valid ? "" : result.error.code;
  box.dataset.pseudonym = (result.valid && result.pseudonym) || "";
  $("result-title").textContent = result.valid ? "Verified" : "Not verified";
  const shown = result.valid
    ? Object.entries(result.claims).filter(([name]) => claims.split(",").includes(name))
        .map(([name, value]) => `${name.replaceAll("_", " ")}: ${value === true ? "yes" : value}`).join(" · ")
    : `${result.error.code}: ${result.error.message}`;
  $("result-detail").textContent = result.valid && result.pseudonym
    ? `${shown} · signed in as ${result.pseudonym.slice(0, 12)}… (this site's pseudonym for you)`
    : shown;
  $("result-claims").textContent = JSON.stringify(result.valid ? result.claims : result, null, 2);
  $("result-raw").textContent = raw;
  document.body.dataset.state = result.valid ? "verified" : "rejected";
}

if (/(^#|&)(vp_token|error)=/.test(location.hash)) {
  const response = location.hash;
  history.replaceState(null, "", here);   // the response is single use; keep it out of the URL
  await check(response);
}

$("same-device").addEventListener("click", () => { location.href = ask().deepLink(walletUrl); });
$("pseudonym-sign-in")?.addEventListener("click", () => { location.href = ask(true).deepLink(walletUrl); });
$("cross-device").addEventListener("click", () => {
  const request = ask();
  $("request-qr").innerHTML = request.qrSvg(walletUrl);
  $("request-link").value = request.deepLink(walletUrl);
  $("cross").hidden = false;
});
$("paste-check").addEventListener("click", () => check($("pasted").value.trim()));

let camera = null;
$("scan").addEventListener("click", async () => {
  // The QR decoder is a module of its own, loaded only by pages that scan (as bytes: this
  // page may not fetch).
  const decoder = await initScanner({ module_or_path: (await import("/pkg/scanner/qr_scanner_bytes.js")).default });
  if (!decoder.valid) {
    $("camera-error").textContent = decoder.error.message;
    return;
  }
  try {
    camera = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" } });
  } catch (error) {
    $("camera-error").textContent = `Camera unavailable (${error.name}). Paste the wallet's answer instead.`;
    return;
  }
  const video = $("camera");
  video.hidden = false;
  video.srcObject = camera;
  await video.play();
  const canvas = document.createElement("canvas");
  const tick = async () => {
    if (!camera) return;
    if (video.videoWidth) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0);
      const text = verifier.scanQr(context.getImageData(0, 0, canvas.width, canvas.height));
      if (text) {
        camera.getTracks().forEach((track) => track.stop());
        camera = null;
        await check(text);
        return;
      }
    }
    setTimeout(tick, 250);
  };
  tick();
});
document.body.dataset.ready = "true";
