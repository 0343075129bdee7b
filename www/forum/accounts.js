// Riverside Forum accounts: join or sign in with a pseudonymous credential. The answer
// goes from the wallet straight to the forum's own server (direct_post), which verifies
// it natively and finds or makes the account of the forum's pseudonym for this person:
// one account per person here, and no other site can link it. (A check only in this page
// could be faked by its own visitor, so accounts are bound on the server.)
const $ = (id) => document.getElementById(id);
const KEY = "forum-transaction";

$("accounts").innerHTML = `
  <h2>Join the forum</h2>
  <p class="fine">Members are 16 or older, one account per person. Your wallet shows the forum that
  you are over 16 and gives it the forum's own pseudonym for you: the forum recognises you when you
  come back; no other site can link you to it. No name, no birth date, no e-mail.</p>
  <button id="join-same" class="primary">Join or sign in with my wallet</button>
  <button id="join-cross">Use my phone (QR code)</button>
  <div id="join-cross-box" hidden>
    <div id="join-qr" class="qr" aria-label="Sign-up QR code"></div>
    <label for="join-link">Or open this link on the phone:</label>
    <input id="join-link" type="text" readonly>
    <p class="fine">Waiting for your wallet's answer…</p>
  </div>
  <div id="account" role="status" hidden></div>`;

async function open(device) {
  const response = await fetch("/accounts/sign-up", {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ device }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${body.error}: ${body.error_description}`);
  return body;
}

async function result(transaction, responseCode) {
  const query = new URLSearchParams({ transaction });
  if (responseCode) query.set("response_code", responseCode);
  const response = await fetch(`/accounts/result?${query}`);
  return { ok: response.ok, ...(await response.json()) };
}

function show(outcome) {
  const box = $("account");
  box.hidden = false;
  box.dataset.state = outcome.status ?? "failed";
  if (outcome.status === "signed_in") {
    const { number, pseudonym, visits } = outcome.account;
    Object.assign(box.dataset, { number, pseudonym, visits, new: String(outcome.account.new) });
    box.className = "card result valid";
    box.innerHTML = `<h2>${outcome.account.new ? "Welcome, new member" : "Welcome back"} #${number}</h2>
      <p>${outcome.account.new ? "Your account is made." : `We recognised you (visit ${visits}).`}
      The forum knows you only by its pseudonym for you: <code>${pseudonym.slice(0, 12)}…</code></p>`;
  } else {
    box.className = "card result invalid";
    box.dataset.code = outcome.error ?? "unknown";
    box.textContent = `Not signed in: ${outcome.error ?? "the answer could not be read"}`;
  }
  document.body.dataset.account = box.dataset.state;
}

function fail(error) {
  show({ status: "failed", error: error.message });
}

$("join-same").addEventListener("click", async () => {
  try {
    const { transaction, deepLink } = await open("same");
    sessionStorage.setItem(KEY, transaction);   // survives the trip to the wallet
    location.href = deepLink;
  } catch (error) {
    fail(error);
  }
});

$("join-cross").addEventListener("click", async () => {
  try {
    const { transaction, deepLink, qrSvg } = await open("cross");
    $("join-qr").innerHTML = qrSvg;
    $("join-link").value = deepLink;
    $("join-cross-box").hidden = false;
    const poll = async () => {
      const outcome = await result(transaction);
      if (outcome.status === "pending") return setTimeout(poll, 1000);
      $("join-cross-box").hidden = true;
      show(outcome);
    };
    poll();
  } catch (error) {
    fail(error);
  }
});

// Back from the wallet on this device: the server's redirect carries a response code,
// which only this browser (holding the transaction) can trade for the account.
const code = new URLSearchParams(location.hash.slice(1)).get("response_code");
if (code) {
  history.replaceState(null, "", location.pathname);
  const transaction = sessionStorage.getItem(KEY);
  sessionStorage.removeItem(KEY);
  if (transaction) show(await result(transaction, code));
  else show({ status: "failed", error: "no sign-up was started in this browser" });
}
document.body.dataset.accountsReady = "true";
