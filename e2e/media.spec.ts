import { randomUUID } from "node:crypto";
import { request } from "@playwright/test";
import { metaStores } from "../dev/meta/held-media";
import { messengerAttachment, whatsappMedia } from "../dev/meta/webhooks";
import { OGG_OPUS_HEAD, PNG_1X1, TINY_PDF } from "../dev/test/media-files";
import { expect, gymWithPage, gymWithWhatsApp, meta, metaUrl, signInAs, test } from "./fixtures";

const OPUS_VOICE = OGG_OPUS_HEAD;
const metaHolds = async (bytes: Buffer, mimeType: string) => (await metaStores(metaUrl(), bytes, mimeType)).id;

test("a member's WhatsApp photo and voice note show as an image and an audio player, from Storage; a file that lies is unavailable", async ({
  page,
  data,
}) => {
  const { user, phoneNumberId } = await gymWithWhatsApp({ data });
  const waId = `4477009${Math.floor(Math.random() * 1e5)}`;

  const photo = await metaHolds(PNG_1X1, "image/jpeg");
  await meta.webhook(
    whatsappMedia({ phoneNumberId, waId, kind: "image", mediaId: photo, mimeType: "image/jpeg", caption: "My squat form" }),
  );
  const voice = await metaHolds(OPUS_VOICE, "audio/ogg; codecs=opus");
  await meta.webhook(
    whatsappMedia({ phoneNumberId, waId, kind: "audio", mediaId: voice, mimeType: "audio/ogg; codecs=opus", voice: true }),
  );
  const fake = await metaHolds(TINY_PDF, "image/jpeg");
  await meta.webhook(whatsappMedia({ phoneNumberId, waId, kind: "image", mediaId: fake, mimeType: "image/jpeg" }));

  await signInAs(page, user);
  await page.getByTestId("conversation-row").first().click();

  const image = page.getByRole("img", { name: "My squat form" });
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
  const src = (await image.getAttribute("src")) ?? "";
  expect(new URL(src).origin).toBe(new URL(process.env.E2E_SUPABASE_URL ?? "").origin);
  expect(src).toContain("/storage/v1/object/sign/attachments/");

  const audio = page.getByLabel("Voice message from the member");
  await expect(audio).toBeVisible();
  const audioSrc = (await audio.getAttribute("src")) ?? "";
  const served = await page.request.get(audioSrc);
  expect(served.headers()["content-type"]).toMatch(/^audio\/ogg/);
  expect(Buffer.from(await served.body()).equals(OPUS_VOICE)).toBe(true);

  await expect(page.getByTestId("media-unavailable")).toHaveCount(1);
});

test("a photo Meta had lost shows as unavailable, and Retry brings it", async ({ page, data }) => {
  const { user, phoneNumberId } = await gymWithWhatsApp({ data });
  const photo = await metaHolds(PNG_1X1, "image/png");
  await meta.fail({ pathIncludes: `/${photo}`, code: 100, times: 1 });
  await meta.webhook(
    whatsappMedia({
      phoneNumberId,
      waId: "447700900999",
      kind: "image",
      mediaId: photo,
      mimeType: "image/png",
      caption: "Gym selfie",
    }),
  );

  await signInAs(page, user);
  await page.getByTestId("conversation-row").first().click();
  const unavailable = page.getByTestId("media-unavailable");
  await expect(unavailable).toBeVisible();
  await unavailable.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByRole("img", { name: "Gym selfie" })).toBeVisible();
  await expect(page.getByTestId("media-unavailable")).toHaveCount(0);
});

test("a Messenger photo still shows after Meta's CDN link has expired: it is shown from Storage", async ({ page, data }) => {
  const gym = await gymWithPage({ page, data }, "agent");
  const { url } = await metaStores(metaUrl(), PNG_1X1, "image/png", 3_000);
  const expiresAt = Date.now() + 3_000;
  await meta.webhook(messengerAttachment({ pageId: gym.pageId, psid: `psid-${randomUUID()}`, type: "image", url }));

  await page.reload();
  await page.getByTestId("conversation-row").first().click();
  const image = page.getByRole("img", { name: "Image from the member" });
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);

  await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 200));
  // The CDN's certificate is the simulator's own: this check, unlike the worker, does not need to trust it.
  const cdn = await request.newContext({ ignoreHTTPSErrors: true });
  expect((await cdn.get(url)).status()).toBe(404);
  await cdn.dispose();
  await page.reload();
  await expect
    .poll(() => page.getByRole("img", { name: "Image from the member" }).evaluate((img: HTMLImageElement) => img.naturalWidth))
    .toBe(1);
});
