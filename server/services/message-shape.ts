import { z } from "zod";
import { MESSAGE_KINDS } from "../../supabase/functions/_shared/message-kinds";

/**
 * A message as the thread shows it, defined once: this schema validates the API's answers and reads what
 * Postgres builds with app.message_event (the same jsonb Realtime broadcasts), and the TypeScript type is
 * inferred from it. Unsent messages come without their text and attachments.
 */
const date = z.coerce.date();

const messageAttachmentSchema = z.object({
  type: z.string(),
  url: z.string().nullish(),
  mediaId: z.string().nullish(),
  mimeType: z.string().nullish(),
  caption: z.string().nullish(),
  title: z.string().nullish(),
  /** Set by the worker once the bytes are in the attachments bucket (store-media); the browser signs it to show it. */
  storedPath: z.string().nullish(),
  size: z.number().int().nullish(),
  width: z.number().int().nullish(),
  height: z.number().int().nullish(),
  /** Why the worker could not store it (expired at Meta, not what it claimed, attempts spent). */
  unavailable: z.string().nullish(),
});

/** The `error.code` of a reply still pending because Meta never answered it: shown as "Not confirmed yet". */
export const NOT_CONFIRMED_CODE = "NOT_CONFIRMED";
export type NotConfirmedCode = typeof NOT_CONFIRMED_CODE;

export const messageFailureSchema = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
  providerCode: z.number().nullish(),
  /** Meta never answered the send: it may have been delivered, so a retry needs the user's confirmation. */
  mayHaveBeenDelivered: z.boolean().optional(),
});

export const messageSchema = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  /** `note`: a private note staff wrote for each other, never sent to the member. */
  direction: z.enum(["inbound", "outbound", "note"]),
  kind: z.enum(MESSAGE_KINDS),
  sender: z.enum(["member", "staff", "page", "bot"]),
  senderUserId: z.uuid().nullable(),
  /** Null for attachments-only messages and for messages the member unsent. */
  text: z.string().nullable(),
  attachments: z.array(messageAttachmentSchema),
  reactions: z.array(z.object({ emoji: z.string(), reaction: z.string().nullish(), by: z.enum(["member", "staff"]) })),
  providerMessageId: z.string().nullable(),
  clientMessageId: z.string().nullable(),
  replyToProviderMessageId: z.string().nullable(),
  status: z.enum(["pending", "sent", "delivered", "read", "failed"]),
  sentAt: date.nullable(),
  deliveredAt: date.nullable(),
  readAt: date.nullable(),
  failedAt: date.nullable(),
  error: messageFailureSchema.nullable(),
  editedAt: date.nullable(),
  deletedAt: date.nullable(),
  /** Teammates a note mentions. */
  mentions: z.array(z.uuid()),
  createdAt: date,
  /** A staff reply's reply buttons (WhatsApp) or quick replies (Messenger, Instagram), by title. */
  buttons: z.array(z.string()),
  /** The Messenger/Instagram message tag it was sent with after the window. */
  tag: z.string().nullable(),
  /** The WhatsApp template it was sent as (its text is the rendered template). */
  templateName: z.string().nullable(),
});

export type Message = z.infer<typeof messageSchema>;
export type MessageFailure = z.infer<typeof messageFailureSchema>;
export type MessageStatus = Message["status"];
