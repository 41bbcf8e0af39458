import { Readable } from "node:stream";
import type { Task } from "graphile-worker";
import { z } from "zod";
import { decryptToken } from "../../../supabase/functions/_shared/token-crypto";
import { asService } from "../../db/client";
import type { Logger } from "../../lib/logger";
import { tokenKeyring } from "../../lib/token-keyring";
import { graphRequest } from "../../meta/graph-http";
import { ATTACHMENT_MAX_BYTES, AttachmentTooLarge, putAttachment } from "../../services/attachment-storage";
import { peekHead, sniffMedia } from "../../services/media-sniff";

const payloadSchema = z.object({ messageId: z.uuid() });
const DOWNLOAD_TIMEOUT_MS = 120_000;

interface StoredAttachment {
  type: string;
  url?: string | null;
  mediaId?: string | null;
  mimeType?: string | null;
  title?: string | null;
  storedPath?: string;
  unavailable?: string;
}

/** Why one attachment was not stored: for good (the file is gone, or is not what it says), or for now. */
class MediaFailure extends Error {
  constructor(
    message: string,
    readonly lasting: boolean,
  ) {
    super(message);
  }
}

/**
 * Fetches a member's media into the attachments bucket (enqueued with the message, …_inbound_media_stored.sql):
 * WhatsApp by its media id (Graph gives a URL, downloaded with the channel's token), Messenger and Instagram from
 * the CDN URL before it expires. The bytes are sniffed before they are stored and streamed, never held whole.
 * Idempotent: a stored or given-up attachment is skipped. A momentary failure retries with the queue's backoff; on the
 * last attempt, or when the file is gone or lies about its type, the attachment is marked unavailable.
 */
export function storeMediaTask(log: Logger): Task {
  return async (rawPayload, helpers) => {
    const { messageId } = payloadSchema.parse(rawPayload);
    const [message] = await asService(
      (tx) => tx<
        {
          workspaceId: string;
          conversationId: string;
          attachments: StoredAttachment[];
          unsent: boolean;
          channelAccountId: string;
          ciphertext: string | null;
          keyId: string | null;
        }[]
      >`
      select m.workspace_id as "workspaceId", m.conversation_id as "conversationId", m.attachments,
             m.deleted_at is not null as unsent, ca.id as "channelAccountId",
             ca.access_token_ciphertext as ciphertext, ca.access_token_key_id as "keyId"
      from public.messages m
      join public.conversations c on c.id = m.conversation_id
      join public.channel_accounts ca on ca.id = c.channel_account_id
      where m.id = ${messageId}`,
    );
    if (!message || message.unsent) return;
    const lastAttempt = helpers.job.attempts >= helpers.job.max_attempts;
    let momentary: Error | null = null;
    for (const [index, attachment] of message.attachments.entries()) {
      if (attachment.storedPath || attachment.unavailable || (!attachment.mediaId && !attachment.url)) continue;
      const path = `${message.workspaceId}/${message.conversationId}/${messageId}/${index}`;
      try {
        const stored = await storeOne(attachment, path, message);
        await note(messageId, index, stored);
        log.info("media.stored", { messageId, index, size: stored.size, mimeType: stored.mimeType });
      } catch (error) {
        const failure = asMediaFailure(error);
        if (failure.lasting || lastAttempt) {
          await note(messageId, index, { unavailable: failure.message });
          log.warn("media.unavailable", { messageId, index, reason: failure.message, lasting: failure.lasting });
        } else {
          momentary = failure;
        }
      }
    }
    // Tried again later by the queue; what was stored this time is skipped then.
    if (momentary) throw momentary;
  };
}

/** An error as lasting or momentary: an unknown one may pass, a file too large for the bucket never will. */
function asMediaFailure(error: unknown): MediaFailure {
  if (error instanceof MediaFailure) return error;
  if (error instanceof AttachmentTooLarge) return new MediaFailure(error.message, true);
  return new MediaFailure(String(error), false);
}

async function note(messageId: string, index: number, stored: Record<string, unknown>) {
  await asService((tx) => tx`select app.note_stored_media(${messageId}, ${index}, ${tx.json(stored as never)})`);
}

async function storeOne(
  attachment: StoredAttachment,
  pathPrefix: string,
  channel: { channelAccountId: string; ciphertext: string | null; keyId: string | null },
) {
  const response = await download(attachment, channel);
  if (!response.body) throw new MediaFailure("Meta sent no file", false);
  // Known before a byte is read when Meta says how long it is; otherwise Storage refuses it part way (413).
  if (Number(response.headers.get("content-length")) > ATTACHMENT_MAX_BYTES) {
    await response.body.cancel();
    throw new AttachmentTooLarge();
  }
  const source = Readable.fromWeb(response.body as never);
  const { head, whole } = await peekHead(source);
  const sniffed = await sniffMedia(head, { type: attachment.type, mimeType: attachment.mimeType ?? null });
  if (!sniffed.ok) {
    source.destroy();
    throw new MediaFailure(`refused: ${sniffed.reason}`, true);
  }
  const path = `${pathPrefix}-${fileName(attachment, sniffed.extension)}`;
  const { size } = await putAttachment(path, sniffed.mimeType, whole);
  return { storedPath: path, mimeType: sniffed.mimeType, size, width: sniffed.width, height: sniffed.height };
}

/** The file's bytes from Meta: WhatsApp's by media id (two calls, the token on both), otherwise the CDN URL. */
async function download(
  attachment: StoredAttachment,
  channel: { channelAccountId: string; ciphertext: string | null; keyId: string | null },
): Promise<Response> {
  let url = attachment.url ?? null;
  let headers: Record<string, string> = {};
  if (attachment.mediaId) {
    if (!channel.ciphertext || !channel.keyId) throw new MediaFailure("the channel has no token to fetch media with", true);
    const token = await decryptToken(await tokenKeyring(), channel.ciphertext, channel.keyId, channel.channelAccountId);
    if (!token) throw new MediaFailure("the channel's token cannot be read", true);
    const described = await graphRequest("GET", encodeURIComponent(attachment.mediaId), { token });
    if (!described.answered) throw new MediaFailure("Meta did not answer the media lookup", false);
    if (!described.ok) {
      const lasting = described.status === 404 || described.body.error?.code === 100;
      throw new MediaFailure(`Meta refused the media lookup (${described.body.error?.code ?? described.status})`, lasting);
    }
    url = (described.body as { url?: string }).url ?? null;
    headers = { authorization: `Bearer ${token}` };
  }
  if (!url) throw new MediaFailure("Meta gave no address for the file", true);
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) }).catch((error: unknown) => {
    throw new MediaFailure(`the download failed: ${error instanceof Error ? error.name : "error"}`, false);
  });
  if (response.status === 404 || response.status === 410) throw new MediaFailure("the file has expired at Meta", true);
  if (!response.ok) throw new MediaFailure(`the download answered ${response.status}`, false);
  return response;
}

/** A safe file name: the member's, cleaned, else the kind of file with the extension its bytes have. */
function fileName(attachment: StoredAttachment, extension: string | null): string {
  const cleaned = (attachment.title ?? "")
    .normalize("NFKD")
    .replace(/[^\w.-]+/g, "_")
    .replace(/^[._]+/, "")
    .slice(-80);
  if (cleaned) return cleaned;
  return extension ? `${attachment.type}.${extension}` : attachment.type;
}
