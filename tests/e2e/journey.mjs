// Steps the end-to-end tests and the wallet benchmark share: enrolling a person at the
// issuer's demo desk and receiving their offer in the wallet, and turning a QR code on
// screen into a video for Chromium's fake webcam.

/** The issuer's admin page with its key (its own listener), from CACHET_ADMIN_URL. */
export function adminUrl() {
  const url = process.env.CACHET_ADMIN_URL;
  if (!url) throw new Error("CACHET_ADMIN_URL is not set (run through cargo xtask test)");
  return url;
}

/** Enrolls `person` at the issuer's admin page; returns the wallet link and the person id. */
export async function enroll(page, person) {
  await page.goto(adminUrl());
  await page.getByLabel("Given name").fill(person.given);
  await page.getByLabel("Family name").fill(person.family);
  await page.getByLabel("Date of birth").fill(person.birthdate);
  if (person.region) await page.getByLabel("Region").fill(person.region);
  if (person.pseudonymous) await page.locator("#pseudonymous").check();
  await page.getByRole("button", { name: "Enroll and create offer" }).click();
  await page.getByRole("heading", { name: "Offer ready" }).waitFor();
  return {
    link: await page.locator("#open-wallet").getAttribute("href"),
    personId: await page.locator("#person-id").textContent(),
  };
}

/** A new offer for the enrolled person `personId` (their new device); the wallet link. */
export async function offerAgain(page, personId, { pseudonymous = false } = {}) {
  await page.goto(adminUrl());
  await page.getByLabel("Person id").fill(personId);
  if (pseudonymous) await page.locator("#again-pseudonymous").check();
  await page.getByRole("button", { name: "Create a new offer" }).click();
  await page.getByRole("heading", { name: "Offer ready" }).waitFor();
  return page.locator("#open-wallet").getAttribute("href");
}

/** Enrolls `person` and adds their credentials to the wallet in this page's profile. */
export async function enrollAndReceive(page, person) {
  const { link, personId } = await enroll(page, person);
  await page.goto(link);
  await page.getByTestId("accept-offer").click();
  await page.getByTestId("offer-done").waitFor({ timeout: 30_000 });
  return personId;
}

export const [VIDEO_WIDTH, VIDEO_HEIGHT] = [800, 600];
const Y4M_HEADER = `YUV4MPEG2 W${VIDEO_WIDTH} H${VIDEO_HEIGHT} F2:1 Ip A1:1 C420jpeg\n`;

/** Two grey frames of 4:2:0 Y4M (what the fake camera plays in a loop) from RGBA pixels. */
function y4m(rgba) {
  const luma = Buffer.alloc(VIDEO_WIDTH * VIDEO_HEIGHT);
  for (let i = 0; i < luma.length; i += 1) luma[i] = rgba[i * 4];
  const frame = Buffer.concat([Buffer.from("FRAME\n"), luma, Buffer.alloc(luma.length / 2, 128)]);
  return Buffer.concat([Buffer.from(Y4M_HEADER), frame, frame]);
}

/** A white frame, for a camera that is not pointed at anything yet. */
export function blankVideo() {
  return y4m(new Uint8Array(VIDEO_WIDTH * VIDEO_HEIGHT * 4).fill(255));
}

/** `svg` (a QR code) drawn large on a white frame, rendered in a page of `browser`. */
export async function videoOf(browser, svg) {
  const page = await browser.newPage();
  const rgba = await page.evaluate(async ({ svg, width, height }) => {
    const image = new Image();
    image.src = `data:image/svg+xml;base64,${btoa(svg)}`;
    await image.decode();
    const canvas = Object.assign(document.createElement("canvas"), { width, height });
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff";
    context.fillRect(0, 0, width, height);
    const side = height - 40;
    context.drawImage(image, (width - side) / 2, 20, side, side);
    return Array.from(context.getImageData(0, 0, width, height).data);
  }, { svg, width: VIDEO_WIDTH, height: VIDEO_HEIGHT });
  await page.close();
  return y4m(rgba);
}

/** Chromium flags for a fake webcam playing the Y4M file at `path`. */
export function fakeCamera(path) {
  return ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", `--use-file-for-fake-video-capture=${path}`];
}
