import type { ChannelProvider } from "../../supabase/functions/_shared/channel-providers";
import { RATE_LIMIT_CODES, TOKEN_EXPIRED_CODE, WINDOW_CLOSED_CODES } from "../../supabase/functions/_shared/graph-errors";
import type { OutboundMediaType } from "../../supabase/functions/_shared/outbound-media";
import { type GraphError, graphRequest } from "./graph-http";

/**
 * A file as the Send API takes it: WhatsApp by the id of media uploaded first (graph-media-upload.ts), or any
 * channel by a link Meta fetches (Messenger and Instagram: a signed Storage URL).
 */
export interface OutgoingMedia {
  type: OutboundMediaType;
  id?: string;
  link?: string;
  /** WhatsApp only, and not on audio or stickers. */
  caption?: string | null;
  /** The name WhatsApp shows on a document. */
  filename?: string | null;
}

/** An approved WhatsApp template by its name and language, with the `components` its variables are filled by. */
export interface OutgoingTemplate {
  name: string;
  language: string;
  components: unknown[];
}

/** The one module that calls Meta's Send APIs. Knows HTTP and Graph error codes, nothing of our database. */
export type OutgoingContent =
  | {
      text: string;
      /** Reply buttons (WhatsApp) or quick replies (Messenger, Instagram), by title. */
      buttons?: string[];
    }
  | { media: OutgoingMedia }
  | { template: OutgoingTemplate };

export interface SendRequest {
  provider: ChannelProvider;
  /** Page id, Instagram account id or WhatsApp phone_number_id. */
  accountId: string;
  accessToken: string;
  recipientId: string;
  content: OutgoingContent;
  /**
   * Messenger/Instagram after 24 h: HUMAN_AGENT (within 7 days, when the workspace allows it) or the tag the sender
   * chose (message-tags.ts); null inside the window.
   */
  messageTag: string | null;
  /** Our message id: Meta returns it in the echo (Messenger) or status (WhatsApp) webhook. */
  reference: string;
}

/** The longest text each Send API takes (Messenger 2,000, Instagram 1,000, WhatsApp 4,096), counted in UTF-16 units. */
export const TEXT_LIMITS: Record<ChannelProvider, number> = { messenger: 2000, instagram: 1000, whatsapp: 4096 };

export type SendFailureCode = "TOKEN_EXPIRED" | "RATE_LIMITED" | "WINDOW_CLOSED" | "TEMPLATE_REFUSED" | "PROVIDER_ERROR";

export type SendOutcome =
  | { ok: true; providerMessageId: string }
  | {
      ok: false;
      code: SendFailureCode;
      message: string;
      retryable: boolean;
      providerCode: number | null;
      /** Meta never answered a request it may have received: sending again could send twice. */
      mayHaveBeenDelivered?: boolean;
    };

export type SendFailure = Extract<SendOutcome, { ok: false }>;

function requestBody(request: SendRequest): unknown {
  const { content } = request;
  if (request.provider === "whatsapp") {
    const envelope = {
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: request.recipientId,
      biz_opaque_callback_data: request.reference,
    };
    if ("text" in content && content.buttons?.length) {
      // The title is the button's id too: the member's tap comes back with it (button_reply.id).
      const buttons = content.buttons.map((title) => ({ type: "reply", reply: { id: title, title } }));
      return {
        ...envelope,
        type: "interactive",
        interactive: { type: "button", body: { text: content.text }, action: { buttons } },
      };
    }
    if ("text" in content) return { ...envelope, type: "text", text: { body: content.text } };
    if ("template" in content) {
      const { name, language, components } = content.template;
      return { ...envelope, type: "template", template: { name, language: { code: language }, components } };
    }
    return {
      ...envelope,
      type: whatsAppType(content.media.type),
      [whatsAppType(content.media.type)]: whatsAppMedia(content.media),
    };
  }
  if ("template" in content) throw new Error("templates are WhatsApp's only");
  // Instagram's Send API documents no `metadata`; Messenger echoes it back.
  const reference = request.provider === "messenger" ? { metadata: request.reference } : {};
  return {
    recipient: { id: request.recipientId },
    ...(request.messageTag ? { messaging_type: "MESSAGE_TAG", tag: request.messageTag } : { messaging_type: "RESPONSE" }),
    message:
      "text" in content
        ? {
            text: content.text,
            ...(content.buttons?.length
              ? { quick_replies: content.buttons.map((title) => ({ content_type: "text", title, payload: title })) }
              : {}),
            ...reference,
          }
        : {
            // Not reusable: the signed URL stops working, and Meta need not keep the file for other sends.
            attachment: { type: messengerType(content.media.type), payload: { url: content.media.link, is_reusable: false } },
            ...reference,
          },
  };
}

const whatsAppType = (type: OutboundMediaType) => (type === "file" ? "document" : type);
const messengerType = (type: OutboundMediaType) => (type === "document" ? "file" : type === "sticker" ? "image" : type);

function whatsAppMedia(media: OutgoingMedia) {
  const type = whatsAppType(media.type);
  return {
    ...(media.id ? { id: media.id } : { link: media.link }),
    ...(media.caption && type !== "audio" && type !== "sticker" ? { caption: media.caption } : {}),
    ...(type === "document" && media.filename ? { filename: media.filename } : {}),
  };
}

/** WhatsApp's refusals of a template send (132xxx), each said as what to do about it. */
const TEMPLATE_REFUSALS: Record<number, string> = {
  132000: "WhatsApp expects a different number of values for this template. Sync templates and fill it in again.",
  132001: "WhatsApp has no approved template of this name in this language. Sync templates and pick another.",
  132005: "The filled-in template is longer than WhatsApp allows. Shorten the values.",
  132007: "WhatsApp refused the filled-in template under its formatting policy. Change the values.",
  132012: "A value is not in the format this template expects (text, currency or date).",
  132015: "WhatsApp has paused this template because of its quality. Pick another one.",
  132016: "WhatsApp has disabled this template. Pick another one.",
  132018: "WhatsApp refused a value: no line breaks, tabs or more than four spaces in a row.",
};

/** Maps a Graph error to what the inbox can act on: reconnect, wait and retry, or a closed window. */
export function classifyGraphError(status: number, error: GraphError | undefined): SendFailure {
  const code = error?.code ?? null;
  const subcode = error?.error_subcode ?? null;
  const failure = (kind: SendFailureCode, message: string, retryable: boolean): SendFailure => ({
    ok: false,
    code: kind,
    message,
    retryable,
    providerCode: subcode && WINDOW_CLOSED_CODES.has(subcode) ? subcode : code,
  });
  if (code === TOKEN_EXPIRED_CODE)
    return failure("TOKEN_EXPIRED", "The channel's access expired. An admin needs to reconnect it.", false);
  if (code !== null && RATE_LIMIT_CODES.has(code))
    return failure("RATE_LIMITED", "Meta is rate limiting this channel. Try again shortly.", true);
  if ((code !== null && WINDOW_CLOSED_CODES.has(code)) || (subcode !== null && WINDOW_CLOSED_CODES.has(subcode))) {
    return failure("WINDOW_CLOSED", "The messaging window for this member has closed.", false);
  }
  const templateProblem = code === null ? undefined : TEMPLATE_REFUSALS[code];
  if (templateProblem) return failure("TEMPLATE_REFUSED", templateProblem, false);
  if (status >= 500 || status === 429) return failure("PROVIDER_ERROR", "Meta did not accept the message right now.", true);
  return failure("PROVIDER_ERROR", "Meta refused this message.", false);
}

export async function sendThroughGraph(request: SendRequest): Promise<SendOutcome> {
  const response = await graphRequest("POST", `${encodeURIComponent(request.accountId)}/messages`, {
    token: request.accessToken,
    json: requestBody(request),
  });
  if (!response.answered && response.timedOut) {
    return {
      ok: false,
      code: "PROVIDER_ERROR",
      message: "Meta did not answer in time, so this message may have been delivered. Check before sending it again.",
      retryable: true,
      providerCode: null,
      mayHaveBeenDelivered: true,
    };
  }
  if (!response.answered) {
    return {
      ok: false,
      code: "PROVIDER_ERROR",
      message: "Meta could not be reached. Try again.",
      retryable: true,
      providerCode: null,
    };
  }
  const body = response.body as { message_id?: string; messages?: { id?: string }[] };
  const providerMessageId = body.message_id ?? body.messages?.[0]?.id;
  if (response.ok && providerMessageId) return { ok: true, providerMessageId };
  return classifyGraphError(response.status, response.body.error);
}
