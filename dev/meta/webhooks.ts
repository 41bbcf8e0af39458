import { createHmac, randomUUID } from "node:crypto";

/** Signs a body exactly as Meta does: HMAC-SHA256 of the raw bytes with the app secret. */
export function metaSignature(rawBody: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(rawBody).digest("hex")}`;
}

/** POSTs a webhook the way Meta does, signed unless told otherwise. */
export async function deliverWebhook(
  url: string,
  payload: unknown,
  options: { appSecret: string; signature?: string; rawBody?: string; headers?: Record<string, string> },
): Promise<Response> {
  const rawBody = options.rawBody ?? JSON.stringify(payload);
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-hub-signature-256": options.signature ?? metaSignature(rawBody, options.appSecret),
      ...options.headers,
    },
    body: rawBody,
  });
}

export const newMid = () => `m_${randomUUID().replaceAll("-", "")}`;
export const newWamid = () => `wamid.${Buffer.from(randomUUID()).toString("base64")}`;

/** One Messenger/Instagram messaging event in Meta's envelope; `fromPage` flips sender and recipient (echoes). */
export function messagingWebhook(options: {
  pageId: string;
  psid: string;
  fromPage?: boolean;
  object?: "page" | "instagram";
  timestamp?: number;
  event: Record<string, unknown>;
}) {
  const timestamp = options.timestamp ?? Date.now();
  const page = { id: options.pageId };
  const member = { id: options.psid };
  return {
    object: options.object ?? "page",
    entry: [
      {
        id: options.pageId,
        time: timestamp,
        messaging: [
          { sender: options.fromPage ? page : member, recipient: options.fromPage ? member : page, timestamp, ...options.event },
        ],
      },
    ],
  };
}

/** A member's Messenger (or Instagram) text message, in Meta's webhook shape. */
export function messengerText(options: {
  pageId: string;
  psid: string;
  text: string;
  mid?: string;
  timestamp?: number;
  object?: "page" | "instagram";
}) {
  return messagingWebhook({ ...options, event: { message: { mid: options.mid ?? newMid(), text: options.text } } });
}

/** A member's photo, video, audio or file on Messenger or Instagram: a link to Meta's CDN (which expires). */
export function messengerAttachment(options: {
  pageId: string;
  psid: string;
  type: "image" | "video" | "audio" | "file";
  url: string;
  mid?: string;
  object?: "page" | "instagram";
}) {
  return messagingWebhook({
    ...options,
    event: { message: { mid: options.mid ?? newMid(), attachments: [{ type: options.type, payload: { url: options.url } }] } },
  });
}

/** The copy Meta sends of a message the page sent; `appId` says which app sent it. */
export function messengerEcho(options: {
  pageId: string;
  psid: string;
  mid: string;
  text: string;
  appId: string;
  /** What the send put in `message.metadata`. */
  metadata?: string;
  object?: "page" | "instagram";
}) {
  const { metadata } = options;
  return messagingWebhook({
    ...options,
    fromPage: true,
    event: {
      message: {
        is_echo: true,
        app_id: Number(options.appId),
        mid: options.mid,
        text: options.text,
        ...(metadata ? { metadata } : {}),
      },
    },
  });
}

/** A delivery (of the given mids) or read receipt, covering everything up to now. */
export function messengerReceipt(options: {
  pageId: string;
  psid: string;
  kind: "delivery" | "read";
  mids?: string[];
  object?: "page" | "instagram";
}) {
  const watermark = Date.now();
  return messagingWebhook({
    ...options,
    event: { [options.kind]: options.kind === "delivery" ? { mids: options.mids ?? [], watermark } : { watermark } },
  });
}

/** The Cloud API envelope every WhatsApp webhook arrives in. */
export function whatsappWebhook(phoneNumberId: string, value: Record<string, unknown>) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

/** A member's WhatsApp text message, in the Cloud API webhook shape (timestamps in seconds, as strings). */
export function whatsappText(options: {
  phoneNumberId: string;
  waId: string;
  name?: string;
  text: string;
  id?: string;
  timestamp?: number;
}) {
  return whatsappWebhook(options.phoneNumberId, {
    contacts: [{ profile: { name: options.name ?? "Member" }, wa_id: options.waId }],
    messages: [
      {
        from: options.waId,
        id: options.id ?? newWamid(),
        timestamp: String(Math.floor((options.timestamp ?? Date.now()) / 1000)),
        type: "text",
        text: { body: options.text },
      },
    ],
  });
}

/** A member's WhatsApp photo, voice note, video, document or sticker: a media id Meta holds, no bytes. */
export function whatsappMedia(options: {
  phoneNumberId: string;
  waId: string;
  kind: "image" | "audio" | "video" | "document" | "sticker";
  mediaId: string;
  mimeType: string;
  caption?: string;
  filename?: string;
  voice?: boolean;
  id?: string;
}) {
  const media = {
    id: options.mediaId,
    mime_type: options.mimeType,
    sha256: "unused-by-us",
    ...(options.caption ? { caption: options.caption } : {}),
    ...(options.filename ? { filename: options.filename } : {}),
    ...(options.voice ? { voice: true } : {}),
  };
  return whatsappWebhook(options.phoneNumberId, {
    contacts: [{ profile: { name: "Member" }, wa_id: options.waId }],
    messages: [
      {
        from: options.waId,
        id: options.id ?? newWamid(),
        timestamp: String(Math.floor(Date.now() / 1000)),
        type: options.kind,
        [options.kind]: media,
      },
    ],
  });
}

/** A WhatsApp status webhook for one of our sent messages. */
export function whatsappStatus(options: {
  phoneNumberId: string;
  waId: string;
  id: string;
  status: "sent" | "delivered" | "read" | "failed";
  errorCode?: number;
  /** What the send put in `biz_opaque_callback_data`. */
  callbackData?: string;
}) {
  return whatsappWebhook(options.phoneNumberId, {
    statuses: [
      {
        id: options.id,
        status: options.status,
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipient_id: options.waId,
        ...(options.callbackData ? { biz_opaque_callback_data: options.callbackData } : {}),
        ...(options.errorCode
          ? { errors: [{ code: options.errorCode, title: "Error", message: "Error", error_data: { details: "Failed" } }] }
          : {}),
      },
    ],
  });
}
