import type { Tx, UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { decodeCursor, encodeCursor } from "./keyset-cursor";
import { type Message, messageSchema } from "./message-shape";
import { userTransaction } from "./user-transaction";

export type { Message, MessageFailure } from "./message-shape";

export interface MessagePage {
  items: Message[];
  nextCursor: string | null;
  hasMore: boolean;
}

/** Each message as app.message_event builds it (the Realtime shape too), with its keyset position. */
const selectMessages = (tx: Tx) => tx`select app.message_event(m) as message, m.created_at::text as cursor_at, m.id`;

/** One message as the caller may see it (RLS), or null. */
export async function loadMessage(tx: Tx, messageId: string): Promise<Message | null> {
  const [row] = await tx<{ message: unknown }[]>`${selectMessages(tx)} from public.messages m where m.id = ${messageId}`;
  return row ? messageSchema.parse(row.message) : null;
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
    const rows = await tx<{ message: unknown; cursor_at: string; id: string }[]>`
      ${selectMessages(tx)}
      from public.messages m
      where m.conversation_id = ${input.conversationId}
        ${cursor ? tx`and (m.created_at, m.id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)` : tx``}
      order by m.created_at desc, m.id desc
      limit ${input.limit + 1}`;
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    const hasMore = rows.length > input.limit;
    return ok({
      items: page.map((row) => messageSchema.parse(row.message)),
      hasMore,
      nextCursor: hasMore && last ? encodeCursor({ at: last.cursor_at, id: last.id }) : null,
    });
  });
}
