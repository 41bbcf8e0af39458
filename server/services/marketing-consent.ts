import { asService } from "../db/client";
import type { Logger } from "../lib/logger";
import { deliverReply } from "./reply-delivery";

/** What the bot answers a member whose marketing consent just changed. */
const CONFIRMATIONS = {
  opted_out: (gym: string) => `You won't get marketing messages from ${gym} any more. Reply START to get them again.`,
  opted_in: (gym: string) => `You'll get marketing messages from ${gym} again. Reply STOP to stop them.`,
} as const;

/**
 * The bot's confirmation in the conversation the member wrote STOP or START in, once per such message (its client id
 * is the member's message's), sent inside the window their message just opened. A retried job finds the reply it
 * queued and sends nothing again.
 */
export async function confirmConsentChange(messageId: string, change: keyof typeof CONFIRMATIONS, log: Logger): Promise<void> {
  const queued = await asService(async (tx) => {
    const [said] = await tx<{ conversation_id: string; gym: string }[]>`
      select m.conversation_id, w.name as gym from public.messages m join public.workspaces w on w.id = m.workspace_id
      where m.id = ${messageId}`;
    if (!said) return null;
    const [row] = await tx<{ message_id: string; created: boolean }[]>`
      select message_id, created from app.queue_bot_reply(${said.conversation_id}, ${`consent:${messageId}`},
                                                          ${CONFIRMATIONS[change](said.gym)},
                                                          ${tx.json({ automatic: change })})`;
    return row ?? null;
  });
  if (!queued) return;
  log.info("consent.confirmed", { messageId, change, created: queued.created });
  if (queued.created) await deliverReply(queued.message_id, log);
}
