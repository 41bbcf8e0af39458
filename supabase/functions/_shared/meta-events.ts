/**
 * Meta's three webhook shapes (Messenger `page`, Instagram `instagram`, WhatsApp
 * `whatsapp_business_account`) reduced to one list of events the SQL ingest applies.
 * Runtime-neutral: Deno serves it, Vitest tests it.
 */
export type Provider = "messenger" | "instagram" | "whatsapp";
export type MessageKind =
  | "text"
  | "image"
  | "file"
  | "audio"
  | "video"
  | "sticker"
  | "location"
  | "share"
  | "story_mention"
  | "postback"
  | "template"
  | "unsupported";

export interface Attachment {
  type: string;
  url?: string | null;
  mediaId?: string | null;
  mimeType?: string | null;
  caption?: string | null;
  title?: string | null;
}

interface EventBase {
  provider: Provider;
  /** Page id, Instagram account id or WhatsApp phone_number_id. */
  accountId: string;
  /** The member: PSID, IGSID or wa_id. */
  userId: string;
  /** Milliseconds since the epoch. */
  occurredAt: number;
}

export interface MessageEvent extends EventBase {
  type: "message";
  mid: string;
  direction: "inbound" | "outbound";
  /** member: they wrote; page: someone replied from Meta's inbox; app: our own send, echoed. */
  sender: "member" | "page" | "app";
  kind: MessageKind;
  text: string | null;
  attachments: Attachment[];
  metadata: Record<string, unknown>;
  replyTo: string | null;
  preview: string;
  profileName: string | null;
  /** On echoes of our own sends: the message id we sent with it (Messenger `message.metadata`). */
  reference: string | null;
}

export interface StatusEvent extends EventBase {
  type: "status";
  status: "sent" | "delivered" | "read" | "failed";
  mids: string[];
  watermark: number | null;
  error: { code: string; message: string; retryable: boolean; providerCode: number | null } | null;
  /** The message id we sent with it (WhatsApp `biz_opaque_callback_data`). */
  reference: string | null;
}

export interface ReactionEvent extends EventBase {
  type: "reaction";
  targetMid: string;
  /** Null removes the member's reaction. */
  emoji: string | null;
  reaction: string | null;
}

export interface UnsendEvent extends EventBase {
  type: "unsend";
  mid: string;
}

export interface EditEvent extends EventBase {
  type: "edit";
  mid: string;
  text: string;
  preview: string;
}

export type MetaEvent = MessageEvent | StatusEvent | ReactionEvent | UnsendEvent | EditEvent;

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {});
const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | null =>
  typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : null;
const num = (value: unknown): number | null =>
  typeof value === "number" ? value : typeof value === "string" && value !== "" ? Number(value) : null;

const PREVIEW_LENGTH = 120;
const KIND_LABELS: Record<MessageKind, string> = {
  text: "Message",
  image: "Photo",
  file: "File",
  audio: "Voice message",
  video: "Video",
  sticker: "Sticker",
  location: "Location",
  share: "Shared a post",
  story_mention: "Mentioned you in their story",
  postback: "Tapped a button",
  template: "Template",
  unsupported: "Unsupported message",
};

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * The one line the inbox list shows for a message: its text on one line, or a label for what it carries.
 * At most PREVIEW_LENGTH UTF-16 units, cut between grapheme clusters so that a family emoji, a flag or a
 * letter with its combining marks is never split (half a surrogate pair is not even storable as jsonb).
 */
export function previewOf(kind: MessageKind, text: string | null): string {
  const body = text?.trim() ? text.trim().replace(/\s+/g, " ") : `[${KIND_LABELS[kind]}]`;
  if (body.length <= PREVIEW_LENGTH) return body;
  const room = PREVIEW_LENGTH - 1;
  let cut = 0;
  for (const { index } of graphemes.segment(body)) {
    if (index > room) break;
    cut = index;
  }
  if (cut === 0) {
    // One cluster longer than the whole preview (a letter with hundreds of marks): cut between code points.
    for (const char of body) {
      if (cut + char.length > room) break;
      cut += char.length;
    }
  }
  return `${body.slice(0, cut)}…`;
}

/** Normalizes one webhook body. Unknown message types become `unsupported`, never dropped. */
export function normalizeWebhook(body: unknown, ownAppId: string): MetaEvent[] {
  const payload = obj(body);
  if (payload.object === "page" || payload.object === "instagram") {
    const provider: Provider = payload.object === "page" ? "messenger" : "instagram";
    // While another app holds the thread (Meta's handover protocol), its events come as `standby`.
    return arr(payload.entry).flatMap((entry) => {
      const accountId = str(obj(entry).id) ?? "";
      return [
        ...arr(obj(entry).messaging).flatMap((item) => normalizeMessaging(provider, accountId, obj(item), ownAppId, false)),
        ...arr(obj(entry).standby).flatMap((item) => normalizeMessaging(provider, accountId, obj(item), ownAppId, true)),
      ];
    });
  }
  if (payload.object === "whatsapp_business_account") {
    return arr(payload.entry).flatMap((entry) =>
      arr(obj(entry).changes).flatMap((change) =>
        obj(change).field === "messages" ? normalizeWhatsApp(obj(obj(change).value)) : [],
      ),
    );
  }
  return [];
}

const MESSENGER_ATTACHMENT_KINDS: Record<string, MessageKind> = {
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

function normalizeMessaging(provider: Provider, accountId: string, item: Json, ownAppId: string, standby: boolean): MetaEvent[] {
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
        url: str(payload.url),
        title: str(attachment.title) ?? str(payload.title),
        ...(payload.sticker_id ? { mediaId: str(payload.sticker_id) } : {}),
      };
    });
    const first = attachments[0];
    const kind: MessageKind = first
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

const WHATSAPP_MEDIA_KINDS: Record<string, MessageKind> = {
  image: "image",
  video: "video",
  audio: "audio",
  voice: "audio",
  document: "file",
  sticker: "sticker",
};
/** WhatsApp error codes after which sending again can succeed. */
const RETRYABLE_WHATSAPP_CODES = new Set([4, 80007, 130429, 131000, 131016, 131048, 131056]);

function normalizeWhatsApp(value: Json): MetaEvent[] {
  const accountId = str(obj(value.metadata).phone_number_id) ?? "";
  const names = new Map(arr(value.contacts).map((c) => [str(obj(c).wa_id) ?? "", str(obj(obj(c).profile).name)]));
  const events: MetaEvent[] = [];

  for (const raw of arr(value.messages)) {
    const message = obj(raw);
    const userId = str(message.from) ?? "";
    const mid = str(message.id);
    if (!mid) continue;
    const occurredAt = (num(message.timestamp) ?? Date.now() / 1000) * 1000;
    const base = { provider: "whatsapp" as const, accountId, userId, occurredAt };
    const type = str(message.type) ?? "unknown";

    if (type === "reaction") {
      const reaction = obj(message.reaction);
      const targetMid = str(reaction.message_id);
      if (targetMid) events.push({ ...base, type: "reaction", targetMid, emoji: str(reaction.emoji), reaction: null });
      continue;
    }

    let kind: MessageKind = "unsupported";
    let text: string | null = null;
    const attachments: Attachment[] = [];
    const metadata: Json = {};
    if (type === "text") {
      kind = "text";
      text = str(obj(message.text).body);
    } else if (WHATSAPP_MEDIA_KINDS[type]) {
      const media = obj(message[type]);
      kind = WHATSAPP_MEDIA_KINDS[type] ?? "unsupported";
      text = str(media.caption);
      attachments.push({
        type,
        mediaId: str(media.id),
        mimeType: str(media.mime_type),
        caption: text,
        title: str(media.filename),
      });
    } else if (type === "location") {
      const location = obj(message.location);
      kind = "location";
      text = str(location.name) ?? str(location.address);
      metadata.location = { latitude: num(location.latitude), longitude: num(location.longitude) };
    } else if (type === "interactive") {
      const interactive = obj(message.interactive);
      const reply = obj(interactive.button_reply ?? interactive.list_reply);
      kind = "postback";
      text = str(reply.title);
      metadata.postbackPayload = str(reply.id);
    } else if (type === "button") {
      kind = "postback";
      text = str(obj(message.button).text);
      metadata.postbackPayload = str(obj(message.button).payload);
    } else {
      metadata.unsupportedType = type;
    }
    const context = obj(message.context);
    events.push({
      ...base,
      type: "message",
      mid,
      direction: "inbound",
      sender: "member",
      kind,
      text,
      attachments,
      metadata,
      replyTo: str(context.id),
      preview: previewOf(kind, text),
      profileName: names.get(userId) ?? null,
      reference: null,
    });
  }

  for (const raw of arr(value.statuses)) {
    const status = obj(raw);
    const mid = str(status.id);
    const state = str(status.status);
    if (!mid || (state !== "sent" && state !== "delivered" && state !== "read" && state !== "failed")) continue;
    const firstError = obj(arr(status.errors)[0]);
    const providerCode = num(firstError.code);
    events.push({
      provider: "whatsapp",
      accountId,
      userId: str(status.recipient_id) ?? "",
      occurredAt: (num(status.timestamp) ?? Date.now() / 1000) * 1000,
      type: "status",
      status: state,
      mids: [mid],
      watermark: null,
      error:
        state === "failed"
          ? {
              code: providerCode === 131047 ? "WINDOW_CLOSED" : "PROVIDER_ERROR",
              message:
                str(obj(firstError.error_data).details) ?? str(firstError.message) ?? "Meta could not deliver this message.",
              retryable: providerCode !== null && RETRYABLE_WHATSAPP_CODES.has(providerCode),
              providerCode,
            }
          : null,
      reference: str(status.biz_opaque_callback_data),
    });
  }
  return events;
}
