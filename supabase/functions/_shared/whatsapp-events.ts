import { RETRYABLE_WHATSAPP_CODES, WINDOW_CLOSED_CODES } from "./graph-errors.ts";
import type { IngestedMessageKind } from "./message-kinds.ts";
import { previewOf } from "./message-preview.ts";
import type { Attachment, MetaEvent, TemplateEvent } from "./meta-events.ts";
import { arr, type Json, num, obj, str } from "./payload-fields.ts";

/** WhatsApp Cloud API webhooks (`whatsapp_business_account`). */
const WHATSAPP_MEDIA_KINDS: Record<string, IngestedMessageKind> = {
  image: "image",
  video: "video",
  audio: "audio",
  voice: "audio",
  document: "file",
  sticker: "sticker",
};

/** One `messages` change of a WhatsApp webhook: members' messages, and statuses of ours. */
export function normalizeWhatsApp(value: Json): MetaEvent[] {
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

    let kind: IngestedMessageKind = "unsupported";
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
              code: providerCode !== null && WINDOW_CLOSED_CODES.has(providerCode) ? "WINDOW_CLOSED" : "PROVIDER_ERROR",
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

const TEMPLATE_CHANGES: Record<string, TemplateEvent["change"]> = {
  message_template_status_update: "status",
  message_template_quality_update: "quality",
  template_category_update: "category",
};

/** A template change of a WhatsApp Business Account (the entry's id), or null for any other field. */
export function normalizeWhatsAppTemplate(entry: Json, field: string, value: Json): TemplateEvent | null {
  const change = TEMPLATE_CHANGES[field];
  if (!change) return null;
  const values = {
    status: str(value.event),
    quality: str(value.new_quality_score),
    category: str(value.new_category),
  } as const;
  const reason = str(value.reason) ?? str(obj(value.other_info).description);
  return {
    type: "template",
    provider: "whatsapp",
    accountId: str(entry.id) ?? "",
    occurredAt: (num(entry.time) ?? Date.now() / 1000) * 1000,
    change,
    templateId: str(value.message_template_id),
    name: str(value.message_template_name),
    language: str(value.message_template_language),
    value: values[change],
    reason: reason && reason !== "NONE" ? reason : null,
  };
}
