/**
 * Meta's three webhook shapes (Messenger `page`, Instagram `instagram`, WhatsApp
 * `whatsapp_business_account`) reduced to one list of events the SQL ingest applies.
 * Runtime-neutral: Deno serves it, Vitest tests it, the server imports it.
 */
import type { ChannelProvider } from "./channel-providers.ts";
import type { IngestedMessageKind } from "./message-kinds.ts";
import { normalizeMessaging } from "./messenger-events.ts";
import { arr, obj, str } from "./payload-fields.ts";
import { normalizeWhatsApp, normalizeWhatsAppTemplate } from "./whatsapp-events.ts";

export type Provider = ChannelProvider;
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
  kind: IngestedMessageKind;
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

/**
 * A change to a WhatsApp template (`message_template_status_update`, `message_template_quality_update`,
 * `template_category_update`): about a WhatsApp Business Account, not a member, so app.apply_template_events
 * applies it, not app.apply_meta_events.
 */
export interface TemplateEvent {
  type: "template";
  provider: "whatsapp";
  /** The WhatsApp Business Account id. */
  accountId: string;
  occurredAt: number;
  change: "status" | "quality" | "category";
  templateId: string | null;
  name: string | null;
  language: string | null;
  /** status: Meta's event (APPROVED, REJECTED, PAUSED, …); quality: the new score; category: the new category. */
  value: string | null;
  /** Why it was rejected, paused or disabled, when Meta says. */
  reason: string | null;
}

/** Everything one webhook comes to. */
export type WebhookEvent = MetaEvent | TemplateEvent;

/** The fields app.apply_template_events reads (a test compares them with its SQL). */
export const TEMPLATE_EVENT_FIELDS = {
  type: true,
  provider: true,
  accountId: true,
  occurredAt: true,
  change: true,
  templateId: true,
  name: true,
  language: true,
  value: true,
  reason: true,
} as const satisfies Record<keyof TemplateEvent, true>;

type FieldOfAnyEvent = MetaEvent extends infer E ? (E extends unknown ? keyof E : never) : never;
/**
 * Every field any event has: app.apply_meta_events reads events into columns of these names (a test compares
 * them with its SQL). A field added to an event type must be added here, or this does not compile.
 */
export const EVENT_FIELDS = {
  type: true,
  provider: true,
  accountId: true,
  userId: true,
  occurredAt: true,
  mid: true,
  direction: true,
  sender: true,
  kind: true,
  text: true,
  attachments: true,
  metadata: true,
  replyTo: true,
  preview: true,
  profileName: true,
  reference: true,
  status: true,
  mids: true,
  watermark: true,
  error: true,
  targetMid: true,
  emoji: true,
  reaction: true,
} as const satisfies Record<FieldOfAnyEvent, true>;

/** Normalizes one webhook body. Unknown message types become `unsupported`, never dropped. */
export function normalizeWebhook(body: unknown, ownAppId: string): WebhookEvent[] {
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
      arr(obj(entry).changes).flatMap((change): WebhookEvent[] => {
        const { field } = obj(change);
        const value = obj(obj(change).value);
        if (field === "messages") return normalizeWhatsApp(value);
        const template = normalizeWhatsAppTemplate(obj(entry), String(field), value);
        return template ? [template] : [];
      }),
    );
  }
  return [];
}
