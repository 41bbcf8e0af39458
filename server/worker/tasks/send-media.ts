import type { Task } from "graphile-worker";
import { z } from "zod";
import { type OutboundMediaType, outboundMediaRule } from "../../../supabase/functions/_shared/outbound-media";
import { asService } from "../../db/client";
import type { Logger } from "../../lib/logger";
import { classifyGraphError, type OutgoingMedia, type SendFailure } from "../../meta/graph-client";
import { uploadWhatsAppMedia } from "../../meta/graph-media-upload";
import { getAttachment, signAttachmentForMeta } from "../../services/attachment-storage";
import { peekHead, sniffMedia } from "../../services/media-sniff";
import { type DeliveryTarget, loadDeliveryTarget, NO_TOKEN, recordOutcome, sendToMember } from "../../services/reply-delivery";

const payloadSchema = z.object({ messageId: z.uuid() });

interface OutboundAttachment {
  type: OutboundMediaType;
  storedPath?: string | null;
  /** Replies from before files were uploaded: a link Meta fetches. */
  url?: string | null;
  mimeType?: string | null;
  title?: string | null;
}

/** Why a file could not go: for good (Meta or our checks refused it), or for now (tried again by the queue). */
class MediaSendFailure extends Error {
  constructor(
    readonly outcome: SendFailure,
    readonly lasting: boolean,
  ) {
    super(outcome.message);
  }
}

const refusedFile = (message: string) =>
  new MediaSendFailure({ ok: false, code: "PROVIDER_ERROR", message, retryable: false, providerCode: null }, true);
const notNow = (message: string) =>
  new MediaSendFailure({ ok: false, code: "PROVIDER_ERROR", message, retryable: true, providerCode: null }, false);

/**
 * Sends a staff reply's file (enqueued with the reply, …_outbound_media.sql): WhatsApp by uploading it to
 * `/{phone-number-id}/media` and sending the media id, Messenger and Instagram by a signed URL Meta fetches. The
 * bytes stream from Storage and are sniffed first: a file that is not what its name says is refused. Until the
 * send itself nothing reached the member, so a failure before it retries with the queue's backoff. The send is
 * claimed (send_started_at, with its confirm-send job) in one transaction first: a job run twice, or a retry racing
 * it, never sends twice. A failure that stays, or the last attempt's, shows on the reply with Retry.
 */
export function sendMediaTask(log: Logger): Task {
  return async (rawPayload, helpers) => {
    const { messageId } = payloadSchema.parse(rawPayload);
    const [message] = await asService(
      (tx) => tx<{ pending: boolean; attachments: OutboundAttachment[]; caption: string | null }[]>`
        select m.status = 'pending' and m.send_started_at is null as pending, m.attachments, m.text as caption
        from public.messages m where m.id = ${messageId} and m.direction = 'outbound'`,
    );
    const attachment = message?.attachments[0];
    if (!message?.pending || !attachment) return;
    const target = await loadDeliveryTarget(messageId);
    if (!target) return;
    const lastAttempt = helpers.job.attempts >= helpers.job.max_attempts;
    try {
      const media = await prepare(target, attachment, message.caption);
      if (!(await claim(messageId))) return;
      const outcome = await sendToMember(target, { media });
      log.info("messages.delivered", { messageId, ok: outcome.ok, code: outcome.ok ? null : outcome.code });
      await recordOutcome(messageId, outcome, target.channelAccountId);
    } catch (error) {
      const failure = error instanceof MediaSendFailure ? error : notNow("The file could not be sent. Try again.");
      log.warn("messages.media_not_sent", { messageId, reason: failure.message, lasting: failure.lasting, lastAttempt });
      if (!failure.lasting && !lastAttempt) throw error;
      await recordOutcome(messageId, failure.outcome, target.channelAccountId);
    }
  };
}

/** The reply is this job's to send; false when it is not pending any more, or another run claimed it. */
async function claim(messageId: string): Promise<boolean> {
  return asService(async (tx) => {
    const claimed = await tx`update public.messages set send_started_at = now()
                             where id = ${messageId} and status = 'pending' and send_started_at is null returning id`;
    if (claimed.length > 0) await tx`select app.schedule_send_confirmations(array[${messageId}::uuid])`;
    return claimed.length > 0;
  });
}

/** The file as the Send API will name it: uploaded to WhatsApp, or a URL for Messenger and Instagram to fetch. */
async function prepare(target: DeliveryTarget, attachment: OutboundAttachment, caption: string | null): Promise<OutgoingMedia> {
  if (!target.channelActive) {
    throw new MediaSendFailure(
      { ...NO_TOKEN, message: "This channel is disconnected. An admin needs to reconnect it in Settings." },
      true,
    );
  }
  if (!target.token) throw new MediaSendFailure(NO_TOKEN, true);
  const base = { type: attachment.type, caption, filename: attachment.title ?? null };
  if (!attachment.storedPath) {
    if (!attachment.url) throw refusedFile("This reply has no file to send.");
    return { ...base, link: attachment.url };
  }
  const stored = await getAttachment(attachment.storedPath);
  if (!stored) throw refusedFile("The file is no longer in storage. Attach it again.");
  const { head, whole } = await peekHead(stored.bytes);
  await checkBytes(target, attachment, head);
  if (target.provider !== "whatsapp") {
    stored.bytes.destroy();
    return { ...base, link: await signAttachmentForMeta(attachment.storedPath) };
  }
  const uploaded = await uploadWhatsAppMedia({
    phoneNumberId: target.accountId,
    accessToken: target.token,
    mimeType: attachment.mimeType ?? stored.mimeType,
    filename: attachment.title ?? "file",
    size: stored.size,
    bytes: whole,
  });
  if (uploaded.ok) return { ...base, id: uploaded.mediaId };
  if (uploaded.status === null) throw notNow("WhatsApp could not be reached to upload the file. Try again.");
  const outcome = classifyGraphError(uploaded.status, uploaded.error ?? undefined);
  const refusal = outcome.code === "PROVIDER_ERROR" && !outcome.retryable ? "WhatsApp refused this file." : outcome.message;
  throw new MediaSendFailure({ ...outcome, message: refusal }, !outcome.retryable);
}

/** The bytes must be what the file claims: a photo an image the channel takes, a document not a program. */
async function checkBytes(target: DeliveryTarget, attachment: OutboundAttachment, head: Buffer) {
  const sniffed = await sniffMedia(head, { type: attachment.type, mimeType: attachment.mimeType ?? null });
  if (!sniffed.ok) throw refusedFile(`This file is not what its name says (${sniffed.reason}).`);
  if (attachment.type === "document" || attachment.type === "file") return;
  if (outboundMediaRule(target.provider, sniffed.mimeType)?.type !== attachment.type) {
    throw refusedFile(`This file is not what its name says (its bytes are ${sniffed.mimeType}).`);
  }
}
