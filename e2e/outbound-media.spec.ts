import { createHash, randomUUID } from "node:crypto";
import type { ReceivedMedia } from "../dev/meta/received-media";
import { messengerText, whatsappText } from "../dev/meta/webhooks";
import { PNG_1X1 } from "../dev/test/media-files";
import { expect, gymWithPage, gymWithWhatsApp, meta, metaUrl, signInAs, test } from "./fixtures";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
/** A real PNG with room to spare after its end: large enough for an upload's progress to be seen. */
const POSTER = Buffer.concat([PNG_1X1, Buffer.alloc(2_500_000, 1)]);
const TOO_BIG = Buffer.concat([PNG_1X1, Buffer.alloc(6_000_000, 1)]);

const receivedBy = async (recipientId: string) =>
  ((await (await fetch(`${metaUrl()}/__received-media`)).json()) as ReceivedMedia[]).filter((m) => m.recipientId === recipientId);

test("staff attach files by picker and by paste: each uploads with progress, lands in the thread, and WhatsApp gets the same bytes; a file over the limit is refused before upload", async ({
  page,
  data,
}) => {
  const { user, workspaceId, phoneNumberId } = await gymWithWhatsApp({ data });
  const waId = `4477008${Math.floor(Math.random() * 1e5)}`;
  await meta.webhook(whatsappText({ phoneNumberId, waId, text: "Can you send the timetable?" }));
  await signInAs(page, user);
  await page.getByTestId("conversation-row").first().click();
  const uploadsSoFar = async () =>
    (
      await data.sql()<{ n: number }[]>`
        select count(*)::int as n from storage.objects where name like ${`${workspaceId}/outbound/%`}`
    )[0]?.n;

  // Over WhatsApp's 5 MB for images: refused with the limit named, and nothing goes to Storage.
  await page.getByTestId("file-picker").setInputFiles({ name: "huge.png", mimeType: "image/png", buffer: TOO_BIG });
  await expect(page.getByTestId("file-chip").filter({ hasText: "huge.png" })).toContainText(
    "WhatsApp takes images (JPEG, PNG) up to 5 MB; this file is 6 MB.",
  );
  expect(await uploadsSoFar()).toBe(0);
  await page.getByRole("button", { name: "Remove huge.png" }).click();

  // The picker, over a slow uplink so the progress shows.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 600_000,
  });
  await page.getByTestId("file-picker").setInputFiles({ name: "timetable.png", mimeType: "image/png", buffer: POSTER });
  const progress = page.getByRole("progressbar", { name: "Uploading timetable.png" });
  await expect(progress).toBeVisible();
  await expect.poll(async () => Number(await progress.getAttribute("value")), { timeout: 10_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId("file-chip").filter({ hasText: "timetable.png" })).toContainText("Ready", { timeout: 20_000 });
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });

  await page.getByLabel("Reply").fill("This week's classes");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("file-chip")).toHaveCount(0);
  // In the thread (the list's preview shows the caption too, once the row catches up).
  await expect(page.getByRole("region", { name: /^Conversation with/ }).getByText("This week's classes")).toBeVisible();
  await expect(page.getByRole("img", { name: "Image sent" })).toHaveCount(1);
  await expect.poll(async () => (await receivedBy(waId)).length, { timeout: 15_000 }).toBe(1);
  expect((await receivedBy(waId))[0]).toMatchObject({ via: "upload", sha256: sha256(POSTER), caption: "This week's classes" });

  // A pasted screenshot.
  await page.getByLabel("Reply").evaluate((box, base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const clipboard = new DataTransfer();
    clipboard.items.add(new File([bytes], "", { type: "image/png" }));
    box.dispatchEvent(new ClipboardEvent("paste", { clipboardData: clipboard, bubbles: true, cancelable: true }));
  }, PNG_1X1.toString("base64"));
  await expect(page.getByTestId("file-chip").filter({ hasText: "pasted-image.png" })).toContainText("Ready");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("img", { name: "Image sent" })).toHaveCount(2);
  await expect.poll(async () => (await receivedBy(waId)).length, { timeout: 15_000 }).toBe(2);
  expect((await receivedBy(waId))[1]).toMatchObject({ via: "upload", sha256: sha256(PNG_1X1) });
  await expect(page.getByTestId("message-status").last()).toHaveAttribute("data-status", /sent|delivered|read/);
});

test("a photo dropped on a Messenger thread goes out by a signed Storage URL, which Meta fetches byte for byte", async ({
  page,
  data,
}) => {
  const gym = await gymWithPage({ page, data });
  const psid = `psid-${randomUUID()}`;
  await meta.webhook(messengerText({ pageId: gym.pageId, psid, text: "send me the timetable" }));
  await page.reload();
  await page.getByTestId("conversation-row").first().click();
  const thread = page.getByRole("region", { name: /^Conversation with/ });
  const dropped = await page.evaluateHandle((base64) => {
    const files = new DataTransfer();
    files.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], "timetable.png", { type: "image/png" }));
    return files;
  }, PNG_1X1.toString("base64"));
  await thread.dispatchEvent("dragover", { dataTransfer: dropped });
  await expect(page.getByText("Drop files to attach them to your reply")).toBeVisible();
  await thread.dispatchEvent("drop", { dataTransfer: dropped });
  await expect(page.getByTestId("file-chip").filter({ hasText: "timetable.png" })).toContainText("Ready");
  await page.getByRole("button", { name: "Send" }).click();

  await expect(page.getByRole("img", { name: "Image sent" })).toBeVisible();
  await expect.poll(async () => (await receivedBy(psid)).length, { timeout: 15_000 }).toBe(1);
  expect((await receivedBy(psid))[0]).toMatchObject({ via: "url", type: "image", sha256: sha256(PNG_1X1) });
  const [send] = await meta.calls(`/${gym.pageId}/messages`);
  expect(send?.body).toMatchObject({
    message: {
      attachment: { type: "image", payload: { url: expect.stringContaining("/storage/v1/object/sign/"), is_reusable: false } },
    },
  });
});
