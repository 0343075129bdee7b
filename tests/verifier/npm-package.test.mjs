// The npm tarball that `cargo xtask build-verifier` packs (target/npm/cachet-verifier-<v>.tgz),
// installed as a web developer installs it: into a fresh Vite project, built with the vite
// pinned in tests/package-lock.json, the built site served and a presentation verified in
// Chromium; and into a plain Node project whose script imports the package by its name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "../e2e/browser.mjs";
import { makePresentation, scratch } from "../support/cachet.mjs";
import { serveStatic } from "../support/static.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const version = JSON.parse(readFileSync(join(root, "verifier-wasm/pkg/package.json"), "utf8")).version;
const tarball = join(process.env.CARGO_TARGET_DIR ?? join(root, "target"), "npm", `cachet-verifier-${version}.tgz`);
const vite = join(here, "../node_modules/vite/bin/vite.js");

/** A fresh project of `files` with the tarball installed (offline: it has no dependencies). */
function project(files) {
  const dir = scratch();
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "a-site", private: true, type: "module" }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], { cwd: dir, stdio: "pipe" });
  return dir;
}

/** What a site checks: an age answer made by the CLI, with the issuer's keys. */
const presentation = () => {
  const made = makePresentation({ claims: { age_over_18: true, given_name: "Ada" }, disclose: ["/age_over_18"], nonce: "n-1" });
  return { iss: made.iss, jwks: { keys: [made.publicJwk] }, aud: made.aud, nonce: made.nonce, presentation: made.presentation };
};

test("the tarball is a complete package: exports, types, README and license", () => {
  assert.ok(existsSync(tarball), `${tarball} is missing: run cargo xtask build-verifier`);
  const listed = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n");
  for (const file of ["package.json", "README.md", "LICENSE", "verifier_wasm.js", "verifier_wasm.d.ts",
    "verifier_wasm_bg.wasm", "verifier_wasm_bytes.js", "scanner/qr_scanner.js", "nym/nym_verifier.js"]) {
    assert.ok(listed.includes(`package/${file}`), `the tarball holds ${file}`);
  }
  const manifest = JSON.parse(execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }));
  assert.equal(manifest.name, "@cachet/verifier");
  assert.equal(manifest.types, "./verifier_wasm.d.ts");
  assert.equal(manifest.exports["."].default, "./verifier_wasm.js");
  assert.equal(manifest.license, "Apache-2.0");
});

test("a plain Node script imports the installed package by name and verifies", () => {
  const input = presentation();
  const dir = project({
    "check.mjs": `
      import { readFileSync } from "node:fs";
      import { createRequire } from "node:module";
      import init, { Verifier } from "@cachet/verifier";
      const input = JSON.parse(process.argv[2]);
      const wasm = createRequire(import.meta.url).resolve("@cachet/verifier/verifier_wasm_bg.wasm");
      await init({ module_or_path: readFileSync(wasm) });
      const verifier = new Verifier({ trustedIssuers: [{ iss: input.iss, jwks: input.jwks }], audience: input.aud });
      const ok = await verifier.verify(input.presentation, { nonce: input.nonce });
      const replayed = await verifier.verify(input.presentation, { nonce: "another" });
      console.log(JSON.stringify({ ok, replayed: replayed.error.code }));
    `,
  });
  const out = JSON.parse(execFileSync("node", ["check.mjs", JSON.stringify(input)], { cwd: dir, encoding: "utf8" }));
  assert.equal(out.ok.valid, true, JSON.stringify(out.ok));
  assert.equal(out.ok.claims.age_over_18, true);
  assert.equal(out.ok.claims.given_name, undefined);
  assert.equal(out.replayed, "nonce_mismatch");
});

test("a Vite site built with the installed package verifies in Chromium", async () => {
  const dir = project({
    "index.html": `<!doctype html><html lang="en"><title>A site</title>
      <p id="result">checking</p><script type="module" src="/main.js"></script></html>`,
    "main.js": `
      import init, { Verifier } from "@cachet/verifier";
      await init();
      const input = JSON.parse(decodeURIComponent(location.hash.slice(1)));
      const verifier = new Verifier({ trustedIssuers: [{ iss: input.iss, jwks: input.jwks }], audience: input.aud });
      const result = await verifier.verify(input.presentation, { nonce: input.nonce });
      document.getElementById("result").textContent = JSON.stringify(result);
    `,
  });
  execFileSync("node", [vite, "build", "--logLevel", "warn"], { cwd: dir, stdio: "pipe" });
  const { server, url } = await serveStatic([["/", join(dir, "dist")]]);
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const failed = [];
    page.on("requestfailed", (request) => failed.push(request.url()));
    await page.goto(`${url}#${encodeURIComponent(JSON.stringify(presentation()))}`);
    await page.waitForFunction(() => document.getElementById("result").textContent !== "checking", null, { timeout: 30_000 });
    const result = JSON.parse(await page.textContent("#result"));
    assert.equal(result.valid, true, JSON.stringify(result));
    assert.equal(result.claims.age_over_18, true);
    assert.deepEqual(failed, []);
  } finally {
    await browser.close();
    server.close();
  }
});
