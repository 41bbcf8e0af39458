import type { Attachment, MessageKind as IngestedKind } from "../../supabase/functions/_shared/meta-events";
import type { Tx, UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { decodeCursor, encodeCursor } from "./keyset-cursor";
import { userTransaction } from "./user-transaction";

/** What ingest stores (the webhook normalizer's kinds) plus what only Frontdesk itself creates. */
export type MessageKind = IngestedKind | "reaction" | "system";
export type MessageStatus = "pending" | "sent" | "delivered" | "read" | "failed";
export type MessageAttachment = Attachment;

export interface MessageReaction {
  emoji: string;
  reaction?: string | null;
  by: "member" | "staff";
}

export interface MessageFailure {
  code: string;
  message: string;
  retryable: boolean;
  providerCode?: number | null;
  /** Meta never answered the send: it may have been delivered, so a retry needs the user's confirmation. */
  mayHaveBeenDelivered?: boolean;
}

export interface Message {
  id: string;
  conversationId: string;
  direction: "inbound" | "outbound";
  kind: MessageKind;
  sender: "member" | "staff" | "page";
  senderUserId: string | null;
  /** Null for attachments-only messages and for messages the member unsent. */
  text: string | null;
  attachments: MessageAttachment[];
  reactions: MessageReaction[];
  providerMessageId: string | null;
  clientMessageId: string | null;
  replyToProviderMessageId: string | null;
  status: MessageStatus;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  failedAt: Date | null;
  error: MessageFailure | null;
  editedAt: Date | null;
  deletedAt: Date | null;
  createdAt: Date;
}

export interface MessagePage {
  items: Message[];
  nextCursor: string | null;
  hasMore: boolean;
}

interface MessageRow {
  id: string;
  conversation_id: string;
  direction: Message["direction"];
  kind: MessageKind;
  sender: Message["sender"];
  sender_user_id: string | null;
  text: string | null;
  attachments: MessageAttachment[];
  reactions: MessageReaction[];
  provider_message_id: string | null;
  client_message_id: string | null;
  reply_to_provider_message_id: string | null;
  status: MessageStatus;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  failed_at: Date | null;
  error: MessageFailure | null;
  edited_at: Date | null;
  deleted_at: Date | null;
  created_at: Date;
  cursor_at: string;
}

function toMessage(row: MessageRow): Message {
  const unsent = row.deleted_at !== null;
  return {
    id: row.id,
    conversationId: row.conversation_id,
    direction: row.direction,
    kind: row.kind,
    sender: row.sender,
    senderUserId: row.sender_user_id,
    text: unsent ? null : row.text,
    attachments: unsent ? [] : row.attachments,
    reactions: row.reactions,
    providerMessageId: row.provider_message_id,
    clientMessageId: row.client_message_id,
    replyToProviderMessageId: row.reply_to_provider_message_id,
    status: row.status,
    sentAt: row.sent_at,
    deliveredAt: row.delivered_at,
    readAt: row.read_at,
    failedAt: row.failed_at,
    error: row.error,
    editedAt: row.edited_at,
    deletedAt: row.deleted_at,
    createdAt: row.created_at,
  };
}

const MESSAGE_COLUMNS = `id, conversation_id, direction, kind, sender, sender_user_id, text, attachments, reactions,
  provider_message_id, client_message_id, reply_to_provider_message_id, status, sent_at, delivered_at,
  read_at, failed_at, error, edited_at, deleted_at, created_at, created_at::text as cursor_at`;

/** One message as the caller may see it (RLS), or null. */
export async function loadMessage(tx: Tx, messageId: string): Promise<Message | null> {
  const [row] = await tx<MessageRow[]>`select ${tx.unsafe(MESSAGE_COLUMNS)} from public.messages where id = ${messageId}`;
  return row ? toMessage(row) : null;
}

/** A conversation's messages, newest first, a page at a time. */
export function listMessages(
  claims: UserClaims,
  input: { conversationId: string; cursor?: string; limit: number },
  log: Logger,
): Promise<Result<MessagePage>> {
  return userTransaction(claims, log, "messages.list", async (tx) => {
    const cursor = input.cursor ? decodeCursor(input.cursor) : null;
    if (input.cursor && !cursor) {
      return fail("VALIDATION", "This thread is out of date. Reload it.", {
        details: { fieldErrors: { cursor: ["Invalid cursor"] } },
      });
    }
    const [conversation] = await tx`select 1 from public.conversations where id = ${input.conversationId}`;
    if (!conversation) return fail("NOT_FOUND", "Conversation not found.");
    const rows = await tx<MessageRow[]>`
      select ${tx.unsafe(MESSAGE_COLUMNS)}
      from public.messages
      where conversation_id = ${input.conversationId}
        ${cursor ? tx`and (created_at, id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)` : tx``}
      order by created_at desc, id desc
      limit ${input.limit + 1}`;
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    const hasMore = rows.length > input.limit;
    return ok({
      items: page.map(toMessage),
      hasMore,
      nextCursor: hasMore && last ? encodeCursor({ at: last.cursor_at, id: last.id }) : null,
    });
  });
}
