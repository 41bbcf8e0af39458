import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { loadMessage, type Message } from "./messages";
import { userTransaction } from "./user-transaction";

/**
 * A private note in a conversation (app.add_note): in the thread and in search for the team, never sent to the
 * member. Teammates it mentions get a notification. The same clientMessageId is the same note.
 */
export function addNote(
  claims: UserClaims,
  input: { conversationId: string; clientMessageId: string; text: string; mentions: string[] },
  log: Logger,
): Promise<Result<Message>> {
  return userTransaction(claims, log, "notes.add", async (tx) => {
    const [row] = await tx<{ message_id: string | null }[]>`
      select message_id from app.add_note(${input.conversationId}, ${input.clientMessageId}, ${input.text},
                                          ${input.mentions}::uuid[])`;
    if (!row?.message_id) return fail("NOT_FOUND", "Conversation not found.");
    const note = await loadMessage(tx, row.message_id);
    return note ? ok(note) : fail("NOT_FOUND", "Conversation not found.");
  });
}
