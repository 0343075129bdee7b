// Launches Debian's headless Chromium through playwright-core (never a downloaded
// browser) and gives each test the demo's URLs, which `cargo xtask test` passes in.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
export const screenshotDir = join(here, "..", "screenshots");

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A phone's browser: 390×844 CSS pixels at 3× density, touch, mobile layout. */
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };

/** The URL of a demo site, e.g. `siteUrl("wallet")`, from CACHET_WALLET_URL. */
export function siteUrl(name) {
  const url = process.env[`CACHET_${name.toUpperCase()}_URL`];
  if (!url) {
    throw new Error(`CACHET_${name.toUpperCase()}_URL is not set: run these tests with \`cargo xtask test\``);
  }
  return url;
}

/** A fresh browser (with `extraArgs` added to the usual ones); close it when done. */
export async function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/** Saves a screenshot of `page` as screenshots/NAME.png. */
export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true, scale: "css" });
}
