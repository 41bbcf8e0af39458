import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { metaStores as storeAtMeta } from "../../dev/meta/held-media";
import { messengerAttachment, whatsappMedia } from "../../dev/meta/webhooks";
import { eventually } from "../../dev/test/eventually";
import {
  callerFor,
  channelForWebhooks,
  createChannel,
  memberOfNewWorkspace,
  sendWebhook,
  superuserSql,
} from "../../dev/test/fixtures";
import { OGG_OPUS_HEAD, PNG_1X1, TINY_PDF } from "../../dev/test/media-files";
import { ATTACHMENT_MAX_BYTES } from "../services/attachment-storage";

/** The store-media job, run by the test stack's worker, against the Meta simulator and the Storage stand-in. */
const { metaUrl, supabaseUrl, env } = inject("stack");

const OPUS_VOICE = Buffer.concat([OGG_OPUS_HEAD, Buffer.alloc(70_000, 7)]);
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** A file a member sends: Meta holds it under a media id (WhatsApp) and at a CDN URL (Messenger, Instagram). */
const metaStores = (source: Buffer | { file: string }, mimeType: string, expiresInMs?: number) =>
  storeAtMeta(metaUrl, source, mimeType, expiresInMs);
const metaHolds = async (source: Buffer | { file: string }, mimeType: string) => (await metaStores(source, mimeType)).id;

async function whatsappGym() {
  const gym = await memberOfNewWorkspace("admin");
  const channelId = await createChannel(gym.workspaceId, "whatsapp");
  const [channel] = await superuserSql()<{ phoneNumberId: string }[]>`
    select provider_account_id as "phoneNumberId" from public.channel_accounts where id = ${channelId}`;
  return { ...gym, phoneNumberId: channel?.phoneNumberId ?? "" };
}

type Attachment = { storedPath?: string; mimeType?: string; size?: number; width?: number; unavailable?: string };
/** The first attachment of the message whose first attachment has this media id (or CDN URL). */
async function attachmentOf(mediaIdOrUrl: string): Promise<Attachment | undefined> {
  const [row] = await superuserSql()<{ attachment: Attachment }[]>`
    select attachments -> 0 as attachment from public.messages
    where attachments -> 0 ->> 'mediaId' = ${mediaIdOrUrl} or attachments -> 0 ->> 'url' = ${mediaIdOrUrl}`;
  return row?.attachment;
}
const settled = (attachment: Attachment | undefined) => Boolean(attachment?.storedPath || attachment?.unavailable);

async function storedBytes(path: string): Promise<Buffer> {
  const key = env.SUPABASE_SERVICE_ROLE_KEY ?? "";
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  const response = await fetch(`${supabaseUrl}/storage/v1/object/attachments/${encoded}`, {
    headers: { authorization: `Bearer ${key}`, apikey: key },
  });
  return Buffer.from(await response.arrayBuffer());
}

describe("a member's media, stored in the attachments bucket by the worker", () => {
  it("a WhatsApp photo: fetched by media id with the channel's token, sniffed, stored byte for byte under its message", async () => {
    const gym = await whatsappGym();
    const mediaId = await metaHolds(PNG_1X1, "image/jpeg");
    await sendWebhook(
      whatsappMedia({
        phoneNumberId: gym.phoneNumberId,
        waId: "447700900123",
        kind: "image",
        mediaId,
        mimeType: "image/jpeg",
        caption: "My form",
      }),
    );

    const attachment = await eventually(() => attachmentOf(mediaId), settled);
    expect(attachment).toMatchObject({ mimeType: "image/png", size: PNG_1X1.length, width: 1, height: 1 });
    const [message] = await superuserSql()<{ id: string; conversationId: string }[]>`
      select id, conversation_id as "conversationId" from public.messages where attachments -> 0 ->> 'mediaId' = ${mediaId}`;
    expect(attachment?.storedPath).toBe(`${gym.workspaceId}/${message?.conversationId}/${message?.id}/0-image.png`);
    expect(sha256(await storedBytes(attachment?.storedPath ?? ""))).toBe(sha256(PNG_1X1));
  });

  it("a voice note larger than what is sniffed arrives whole, as Ogg audio", async () => {
    const gym = await whatsappGym();
    const mediaId = await metaHolds(OPUS_VOICE, "audio/ogg; codecs=opus");
    await sendWebhook(
      whatsappMedia({
        phoneNumberId: gym.phoneNumberId,
        waId: "447700900124",
        kind: "audio",
        mediaId,
        mimeType: "audio/ogg; codecs=opus",
        voice: true,
      }),
    );

    const attachment = await eventually(() => attachmentOf(mediaId), settled);
    expect(attachment).toMatchObject({ mimeType: expect.stringMatching(/^audio\/ogg/), size: OPUS_VOICE.length });
    expect(sha256(await storedBytes(attachment?.storedPath ?? ""))).toBe(sha256(OPUS_VOICE));
  });

  it("refuses a file that is not what it says, and stores nothing", async () => {
    const gym = await whatsappGym();
    const mediaId = await metaHolds(TINY_PDF, "image/jpeg");
    await sendWebhook(
      whatsappMedia({ phoneNumberId: gym.phoneNumberId, waId: "447700900125", kind: "image", mediaId, mimeType: "image/jpeg" }),
    );

    const attachment = await eventually(() => attachmentOf(mediaId), settled);
    expect(attachment).toMatchObject({ unavailable: "refused: not an image: application/pdf" });
    expect(attachment?.storedPath).toBeUndefined();
    const [objects] = await superuserSql()<{ n: number }[]>`
      select count(*)::int as n from storage.objects where bucket_id = 'attachments' and name like ${`${gym.workspaceId}/%`}`;
    expect(objects?.n).toBe(0);
  });

  it("a file larger than the bucket takes is unavailable at once, without retries or a partial object", async () => {
    const [bucket] = await superuserSql()<{ limit: string }[]>`
      select file_size_limit::text as limit from storage.buckets where id = 'attachments'`;
    expect(Number(bucket?.limit)).toBe(ATTACHMENT_MAX_BYTES);
    const gym = await whatsappGym();
    const dir = await mkdtemp(path.join(tmpdir(), "frontdesk-big-"));
    const file = path.join(dir, "too-big.pdf");
    await writeFile(file, Buffer.concat([TINY_PDF, Buffer.alloc(ATTACHMENT_MAX_BYTES)]));
    const mediaId = await metaHolds({ file }, "application/pdf");
    await sendWebhook(
      whatsappMedia({
        phoneNumberId: gym.phoneNumberId,
        waId: "447700900127",
        kind: "document",
        mediaId,
        mimeType: "application/pdf",
      }),
    );

    const attachment = await eventually(() => attachmentOf(mediaId), settled);
    await rm(dir, { recursive: true, force: true });
    expect(attachment).toMatchObject({ unavailable: "larger than the 100 MB Storage keeps" });
    const [job] = await superuserSql()<{ n: number }[]>`
      select count(*)::int as n from graphile_worker.jobs where key in (
        select 'store-media:' || id from public.messages where attachments -> 0 ->> 'mediaId' = ${mediaId})`;
    expect(job?.n).toBe(0);
    const [objects] = await superuserSql()<{ n: number }[]>`
      select count(*)::int as n from storage.objects where bucket_id = 'attachments' and name like ${`${gym.workspaceId}/%`}`;
    expect(objects?.n).toBe(0);
  });

  it("retries when Meta does not hand the file over, then shows it unavailable once the attempts are spent", async () => {
    const gym = await whatsappGym();
    const mediaId = await metaHolds(PNG_1X1, "image/png");
    await fetch(`${metaUrl}/__failures`, {
      method: "POST",
      body: JSON.stringify({ pathIncludes: `/${mediaId}`, status: 503, times: 20 }),
    });
    await sendWebhook(
      whatsappMedia({ phoneNumberId: gym.phoneNumberId, waId: "447700900126", kind: "image", mediaId, mimeType: "image/png" }),
    );

    const [message] = await superuserSql()<{ id: string }[]>`
      select id from public.messages where attachments -> 0 ->> 'mediaId' = ${mediaId}`;
    const jobKey = `store-media:${message?.id}`;
    const failedOnce = await eventually(
      async () =>
        (
          await superuserSql()<{ attempts: number }[]>`
        select attempts from graphile_worker.jobs where key = ${jobKey}`
        )[0]?.attempts ?? 0,
      (attempts) => attempts >= 1,
    );
    expect(failedOnce).toBe(1);
    expect(settled(await attachmentOf(mediaId))).toBe(false);
    // The next attempt is the last (instead of waiting out six backoffs), and is due now.
    await superuserSql()`update graphile_worker._private_jobs set max_attempts = 2, run_at = now() where key = ${jobKey}`;

    const attachment = await eventually(() => attachmentOf(mediaId), settled, { timeoutMs: 20_000 });
    expect(attachment).toMatchObject({ unavailable: "Meta refused the media lookup (2)" });
  });

  it("a member's media Meta had lost is fetched again when staff press Retry", async () => {
    const gym = await whatsappGym();
    const mediaId = await metaHolds(PNG_1X1, "image/png");
    // Meta answers the first lookup "no such media" (for good), then has it.
    await fetch(`${metaUrl}/__failures`, {
      method: "POST",
      body: JSON.stringify({ pathIncludes: `/${mediaId}`, code: 100, times: 1 }),
    });
    await sendWebhook(
      whatsappMedia({ phoneNumberId: gym.phoneNumberId, waId: "447700900127", kind: "image", mediaId, mimeType: "image/png" }),
    );
    expect(await eventually(() => attachmentOf(mediaId), settled)).toMatchObject({
      unavailable: "Meta refused the media lookup (100)",
    });

    const [message] = await superuserSql()<{ id: string }[]>`
      select id from public.messages where attachments -> 0 ->> 'mediaId' = ${mediaId}`;
    const caller = await callerFor(gym.session.access_token);
    expect(await caller.messages.retryMedia({ messageId: message?.id ?? "" })).toEqual({
      success: true,
      data: { retried: true },
    });
    const attachment = await eventually(
      () => attachmentOf(mediaId),
      (a) => Boolean(a?.storedPath),
    );
    expect(attachment).toMatchObject({ mimeType: "image/png", width: 1 });
    expect(attachment?.unavailable).toBeUndefined();
    // Nothing left to retry; someone else's gym cannot ask.
    expect(await caller.messages.retryMedia({ messageId: message?.id ?? "" })).toEqual({
      success: true,
      data: { retried: false },
    });
    const stranger = await memberOfNewWorkspace("admin");
    const asStranger = await (await callerFor(stranger.session.access_token)).messages.retryMedia({
      messageId: message?.id ?? "",
    });
    expect(asStranger).toMatchObject({ success: false, error: { code: "NOT_FOUND" } });
  });

  it.each(["page", "instagram"] as const)(
    "a %s photo: fetched from Meta's CDN and kept, whatever the CDN does later",
    async (object) => {
      const { providerAccountId: pageId } = await channelForWebhooks(object === "page" ? "messenger" : "instagram");
      const { url } = await metaStores(PNG_1X1, "image/png", 60_000);
      await sendWebhook(messengerAttachment({ pageId, psid: `psid-${Date.now()}`, type: "image", url, object }));

      const attachment = await eventually(() => attachmentOf(url), settled);
      expect(attachment).toMatchObject({ mimeType: "image/png", width: 1 });
      expect(sha256(await storedBytes(attachment?.storedPath ?? ""))).toBe(sha256(PNG_1X1));
    },
  );

  it("a CDN link that has already expired shows as unavailable at once, without retries", async () => {
    const { providerAccountId: pageId } = await channelForWebhooks("messenger");
    const { url } = await metaStores(PNG_1X1, "image/png", 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await sendWebhook(messengerAttachment({ pageId, psid: `psid-${Date.now()}`, type: "image", url }));
    expect(await eventually(() => attachmentOf(url), settled)).toMatchObject({ unavailable: "the file has expired at Meta" });
  });
});
