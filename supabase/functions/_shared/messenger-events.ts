import type { IngestedMessageKind } from "./message-kinds.ts";
import { previewOf } from "./message-preview.ts";
import type { MetaEvent, Provider } from "./meta-events.ts";
import { arr, httpsUrl, type Json, num, obj, str } from "./payload-fields.ts";

/** Messenger and Instagram webhooks (`page`, `instagram`): messages, echoes, postbacks, reactions, edits, receipts. */
const MESSENGER_ATTACHMENT_KINDS: Record<string, IngestedMessageKind> = {
  image: "image",
  video: "video",
  audio: "audio",
  file: "file",
  location: "location",
  share: "share",
  ig_reel: "share",
  reel: "share",
  fallback: "share",
  story_mention: "story_mention",
  template: "template",
};

/** One `messaging` (or `standby`) item of a Messenger or Instagram webhook entry. */
export function normalizeMessaging(
  provider: Provider,
  accountId: string,
  item: Json,
  ownAppId: string,
  standby: boolean,
): MetaEvent[] {
  const senderId = str(obj(item.sender).id) ?? "";
  const recipientId = str(obj(item.recipient).id) ?? "";
  const occurredAt = num(item.timestamp) ?? Date.now();
  const message = obj(item.message);

  if (item.message) {
    const echo = message.is_echo === true;
    const base = { provider, accountId, userId: echo ? recipientId : senderId, occurredAt };
    const mid = str(message.mid);
    if (!mid) return [];
    if (message.is_deleted === true) return [{ ...base, type: "unsend", mid }];
    const attachments = arr(message.attachments).map((raw) => {
      const attachment = obj(raw);
      const payload = obj(attachment.payload);
      return {
        type: str(attachment.type) ?? "unknown",
        // Not https: kept as an attachment without a link (shown as unavailable).
        url: httpsUrl(payload.url),
        title: str(attachment.title) ?? str(payload.title),
        ...(payload.sticker_id ? { mediaId: str(payload.sticker_id) } : {}),
      };
    });
    const first = attachments[0];
    const kind: IngestedMessageKind = first
      ? first.mediaId && first.type === "image"
        ? "sticker"
        : (MESSENGER_ATTACHMENT_KINDS[first.type] ?? "unsupported")
      : str(message.text)
        ? "text"
        : "unsupported";
    const text = str(message.text);
    const replyTo = obj(message.reply_to);
    const metadata: Json = standby ? { standby: true } : {};
    if (message.quick_reply) metadata.quickReplyPayload = str(obj(message.quick_reply).payload);
    if (replyTo.story) metadata.storyReply = obj(replyTo.story);
    return [
      {
        ...base,
        type: "message",
        mid,
        direction: echo ? "outbound" : "inbound",
        sender: echo ? (str(message.app_id) === ownAppId ? "app" : "page") : "member",
        kind,
        text,
        attachments,
        metadata,
        replyTo: str(replyTo.mid),
        preview: previewOf(kind, text),
        profileName: null,
        reference: echo ? str(message.metadata) : null,
      },
    ];
  }

  const base = { provider, accountId, userId: senderId, occurredAt };
  if (item.postback) {
    const postback = obj(item.postback);
    const title = str(postback.title);
    const mid = str(postback.mid) ?? `postback:${senderId}:${occurredAt}`;
    return [
      {
        ...base,
        type: "message",
        mid,
        direction: "inbound",
        sender: "member",
        kind: "postback",
        text: title,
        attachments: [],
        metadata: { postbackPayload: str(postback.payload), ...(standby ? { standby: true } : {}) },
        replyTo: null,
        preview: previewOf("postback", title),
        profileName: null,
        reference: null,
      },
    ];
  }
  if (item.reaction) {
    const reaction = obj(item.reaction);
    const targetMid = str(reaction.mid);
    if (!targetMid) return [];
    const removing = reaction.action === "unreact";
    return [
      {
        ...base,
        type: "reaction",
        targetMid,
        emoji: removing ? null : (str(reaction.emoji) ?? "❤️"),
        reaction: removing ? null : str(reaction.reaction),
      },
    ];
  }
  if (item.message_edit) {
    const edit = obj(item.message_edit);
    const mid = str(edit.mid);
    const text = str(edit.text) ?? "";
    return mid ? [{ ...base, type: "edit", mid, text, preview: previewOf("text", text) }] : [];
  }
  if (item.delivery || item.read) {
    const receipt = obj(item.delivery ?? item.read);
    return [
      {
        ...base,
        type: "status",
        status: item.read ? "read" : "delivered",
        mids: arr(receipt.mids)
          .map(str)
          .filter((mid): mid is string => mid !== null),
        watermark: num(receipt.watermark),
        error: null,
        reference: null,
      },
    ];
  }
  return [];
}
