// The wallet's camera path: a site's request QR code shown to the wallet's camera
// (Chromium's fake capture device playing a video of the code), decoded by the QR module
// in a Web Worker, answered cross-device with a response QR code that the site verifies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import init, { Verifier } from "../../verifier-wasm/pkg/verifier_wasm.js";
import { launch, siteUrl, screenshot } from "./browser.mjs";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "../../verifier-wasm/pkg");
const [WIDTH, HEIGHT] = [800, 600];

/** The SVG drawn onto a white WIDTH×HEIGHT canvas in a browser: its RGBA pixels. */
async function rasterize(browser, svg) {
  const page = await browser.newPage();
  const pixels = await page.evaluate(async ({ svg, width, height }) => {
    const image = new Image();
    image.src = `data:image/svg+xml;base64,${btoa(svg)}`;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff";
    context.fillRect(0, 0, width, height);
    const side = height - 40;
    context.drawImage(image, (width - side) / 2, 20, side, side);
    return Array.from(context.getImageData(0, 0, width, height).data);
  }, { svg, width: WIDTH, height: HEIGHT });
  await page.close();
  return pixels;
}

/** A two-frame 4:2:0 Y4M video of grey pixels (what the fake camera plays in a loop). */
function y4m(rgba) {
  const luma = Buffer.alloc(WIDTH * HEIGHT);
  for (let i = 0; i < luma.length; i += 1) luma[i] = rgba[i * 4];
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), luma, chroma]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F2:1 Ip A1:1 C420jpeg\n`), frame, frame]);
}

test("a request QR code shown to the wallet's camera is answered with a QR code", async () => {
  const issuer = siteUrl("issuer").replace(/\/$/, "");
  const wallet = siteUrl("wallet");
  const site = `${siteUrl("www")}shop`;
  await init({ module_or_path: readFileSync(join(pkg, "verifier_wasm_bg.wasm")) });
  const keys = await (await fetch(`${issuer}/.well-known/jwt-vc-issuer`)).json();
  const verifier = new Verifier({ trustedIssuers: [{ iss: issuer, jwks: keys.jwks }], audience: `redirect_uri:${site}` });
  const request = verifier.createRequest({
    claims: [["age_over_18"]], purpose: "Age check", responseMode: "fragment", redirectUri: site,
  });

  const painter = await launch();
  const video = join(mkdtempSync(join(tmpdir(), "cachet-camera-")), "request.y4m");
  try {
    writeFileSync(video, y4m(await rasterize(painter, request.qrSvg(wallet))));
  } finally {
    await painter.close();
  }

  const browser = await launch([
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    `--use-file-for-fake-video-capture=${video}`,
  ]);
  try {
    const context = await browser.newContext();
    await context.grantPermissions(["camera"], { origin: new URL(wallet).origin });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (err) => errors.push(err.message));

    await page.goto(`${issuer}/admin`);
    await page.getByLabel("Given name").fill("Camera");
    await page.getByLabel("Family name").fill("Test");
    await page.getByLabel("Date of birth").fill("1990-05-06");
    await page.getByRole("button", { name: "Enroll and create offer" }).click();
    await page.getByRole("heading", { name: "Offer ready" }).waitFor();
    await page.goto(await page.locator("#open-wallet").getAttribute("href"));
    await page.getByTestId("accept-offer").click();
    await page.getByTestId("offer-done").waitFor({ timeout: 30_000 });

    await page.goto(`${wallet}#/scan`);
    await page.getByRole("button", { name: "Start the camera" }).click();
    await page.getByTestId("consent").waitFor({ timeout: 30_000 });
    await screenshot(page, "wallet-camera-consent");
    assert.equal(await page.getByTestId("verifier").textContent(), new URL(site).origin);
    await page.getByTestId("approve").click();
    const qr = page.getByTestId("response-qr");
    await qr.waitFor({ timeout: 20_000 });
    const result = await verifier.verifyResponse(await qr.getAttribute("data-response"));
    assert.equal(result.valid, true, JSON.stringify(result));
    assert.equal(result.claims.age_over_18, true);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
