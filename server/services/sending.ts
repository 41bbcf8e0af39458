import { previewOf } from "../../supabase/functions/_shared/message-preview";
import { decryptToken } from "../../supabase/functions/_shared/token-crypto";
import { asService, type UserClaims } from "../db/client";
import { describeError, type Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { tokenKeyring } from "../lib/token-keyring";
import { type OutgoingContent, type SendOutcome, sendThroughGraph } from "../meta/graph-client";
import { loadSummary } from "./conversations";
import { NOT_CONFIRMED_CODE } from "./message-shape";
import { loadMessage, type Message, type MessageFailure } from "./messages";
import { userTransaction } from "./user-transaction";

export interface SendMessageInput {
  conversationId: string;
  clientMessageId: string;
  content: OutgoingContent;
}

const PROVIDER_NAMES = { messenger: "Messenger", instagram: "Instagram", whatsapp: "WhatsApp" } as const;

const WINDOW_MESSAGES = {
  no_inbound: "This member has not written yet, so Meta does not allow a reply.",
  expired: "More than 24 hours have passed since the member's last message.",
  template_required: "More than 24 hours have passed: WhatsApp only allows an approved template now.",
  reengagement_required: "Meta refused the last reply because the window has closed. The member has to write again first.",
} as const;

/**
 * A staff reply: stored as pending first (with its audit row), then sent through the Graph API, then
 * marked sent or failed. The same clientMessageId never sends twice.
 */
export async function sendMessage(claims: UserClaims, input: SendMessageInput, log: Logger): Promise<Result<Message>> {
  const queued = await userTransaction(claims, log, "messages.send", async (tx) => {
    const conversation = await loadSummary(tx, input.conversationId);
    if (!conversation) return fail("NOT_FOUND", "Conversation not found.");
    if (conversation.channel.status !== "active") {
      return fail("PROVIDER_ERROR", "This channel is disconnected. An admin needs to reconnect it in Settings.", {
        retryable: false,
      });
    }
    const { window } = conversation;
    if (window.state === "closed") return fail("WINDOW_CLOSED", WINDOW_MESSAGES[window.reason]);
    const text = "text" in input.content ? input.content.text : null;
    const limit = conversation.channel.textLimit;
    if (text && text.length > limit) {
      const problem = `${PROVIDER_NAMES[conversation.channel.provider]} takes at most ${limit.toLocaleString("en")} characters; this reply has ${text.length.toLocaleString("en")}.`;
      return fail("VALIDATION", problem, { details: { fieldErrors: { text: [problem] } } });
    }
    const attachments = "attachment" in input.content ? [input.content.attachment] : [];
    const kind = attachments[0] ? (attachments[0].type === "image" ? "image" : "file") : "text";
    const [row] = await tx<{ message_id: string | null; created: boolean }[]>`
      select message_id, created from app.queue_outgoing_message(
        ${input.conversationId}, ${input.clientMessageId}, ${text}, ${tx.json(attachments)}, ${previewOf(kind, text)})`;
    if (!row?.message_id) return fail("NOT_FOUND", "Conversation not found.");
    return ok({ messageId: row.message_id, created: row.created, humanAgent: window.state === "human_agent" });
  });
  if (!queued.success) return queued;
  if (queued.data.created) await deliver(queued.data.messageId, input.content, queued.data.humanAgent, log);
  return readBack(claims, queued.data.messageId, log);
}

/**
 * Sends a failed message again, once, if its failure was one that can pass on a retry. One that Meta may
 * have delivered (it never answered) is sent again only when the user has confirmed it.
 */
export async function retryMessage(
  claims: UserClaims,
  input: { messageId: string; confirmed: boolean },
  log: Logger,
): Promise<Result<Message>> {
  const { messageId } = input;
  const checked = await userTransaction(claims, log, "messages.retry", async (tx) => {
    const message = await loadMessage(tx, messageId);
    if (message?.direction !== "outbound" || message.sender !== "staff") return fail("NOT_FOUND", "Message not found.");
    if (message.status !== "failed") return fail("CONFLICT", "This message is not failed, so there is nothing to retry.");
    if (!message.error?.retryable) return fail("CONFLICT", message.error?.message ?? "This message cannot be sent again.");
    if (message.error.mayHaveBeenDelivered && !input.confirmed) {
      return fail("CONFLICT", "This message may already have been delivered. Confirm that it should be sent again.");
    }
    const conversation = await loadSummary(tx, message.conversationId);
    if (!conversation || conversation.window.state === "closed") return fail("WINDOW_CLOSED", "The messaging window has closed.");
    return ok({ message, humanAgent: conversation.window.state === "human_agent" });
  });
  if (!checked.success) return checked;
  // Only one retry wins the move back to pending; its confirmation is due a minute later, as for a new reply.
  const claimed = await asService(async (tx) => {
    const rows = await tx`update public.messages set status = 'pending', error = null, failed_at = null
                          where id = ${messageId} and status = 'failed' returning id`;
    if (rows.length > 0) await tx`select app.schedule_send_confirmations(array[${messageId}::uuid])`;
    return rows;
  });
  if (claimed.length === 0) return fail("CONFLICT", "This message is already being sent again.");
  const { message, humanAgent } = checked.data;
  const attachment = message.attachments[0];
  const content: OutgoingContent =
    attachment?.url && (attachment.type === "image" || attachment.type === "file")
      ? { attachment: { type: attachment.type, url: attachment.url } }
      : { text: message.text ?? "" };
  await deliver(messageId, content, humanAgent, log);
  return readBack(claims, messageId, log);
}

async function readBack(claims: UserClaims, messageId: string, log: Logger): Promise<Result<Message>> {
  return userTransaction(claims, log, "messages.read_back", async (tx) => {
    const message = await loadMessage(tx, messageId);
    return message ? ok(message) : fail("NOT_FOUND", "Message not found.");
  });
}

const MOMENTARY_RETRY_MS = 1_000;

/** A failure that may pass on its own and cannot have sent anything: not a rate limit, not an unanswered request. */
const isMomentary = (outcome: SendOutcome) =>
  !outcome.ok && outcome.code === "PROVIDER_ERROR" && outcome.retryable && !outcome.mayHaveBeenDelivered;

/**
 * Calls Meta for a pending message and records what happened: sent or failed. Never throws; if even the
 * outcome cannot be written, the message stays pending and says so in the log.
 */
async function deliver(messageId: string, content: OutgoingContent, humanAgentTag: boolean, log: Logger): Promise<void> {
  let outcome: SendOutcome;
  let channelAccountId: string | null = null;
  try {
    const [target] = await asService(
      (tx) => tx<
        {
          channel_account_id: string;
          provider: "messenger" | "instagram" | "whatsapp";
          account_id: string;
          recipient: string;
          ciphertext: string | null;
          key_id: string | null;
        }[]
      >`
        select ca.id as channel_account_id, ca.provider, ca.provider_account_id as account_id, ci.provider_user_id as recipient,
               ca.access_token_ciphertext as ciphertext, ca.access_token_key_id as key_id
        from public.messages m
        join public.conversations c on c.id = m.conversation_id
        join public.contact_identities ci on ci.id = c.contact_identity_id
        join public.channel_accounts ca on ca.id = m.channel_account_id
        where m.id = ${messageId}`,
    );
    if (!target) throw new Error("queued message vanished");
    channelAccountId = target.channel_account_id;
    const token =
      target.ciphertext && target.key_id
        ? await decryptToken(await tokenKeyring(), target.ciphertext, target.key_id, channelAccountId)
        : null;
    const send = (accessToken: string) =>
      sendThroughGraph({
        provider: target.provider,
        accountId: target.account_id,
        accessToken,
        recipientId: target.recipient,
        content,
        humanAgentTag: humanAgentTag && target.provider !== "whatsapp",
        reference: messageId,
      });
    outcome = token
      ? await send(token)
      : {
          ok: false,
          code: "TOKEN_EXPIRED",
          message: "This channel has no usable access token. An admin needs to reconnect it.",
          retryable: false,
          providerCode: null,
        };
    if (token && isMomentary(outcome)) {
      // A blip (a 5xx, Meta unreachable) usually passes within a second: one more try before staff see a failure.
      await new Promise((resolve) => setTimeout(resolve, MOMENTARY_RETRY_MS));
      outcome = await send(token);
    }
  } catch (error) {
    log.error("messages.deliver_failed", { messageId, ...describeError(error) });
    outcome = {
      ok: false,
      code: "PROVIDER_ERROR",
      message: "The message could not be sent. Try again.",
      retryable: true,
      providerCode: null,
    };
  }

  log.info("messages.delivered", { messageId, ok: outcome.ok, code: outcome.ok ? null : outcome.code });
  await recordOutcome(messageId, outcome, channelAccountId).catch((error: unknown) =>
    // The database blinked: the message stays pending, and its echo or status can still settle it (ADR 009).
    log.error("messages.outcome_not_recorded", { messageId, ...describeError(error) }),
  );
}

/** What a pending reply carries while Meta's answer is missing (the code the UI shows "Not confirmed yet" for). */
const NOT_CONFIRMED = {
  code: NOT_CONFIRMED_CODE,
  message: "Meta has not confirmed this reply yet.",
  retryable: false,
  providerCode: null,
  mayHaveBeenDelivered: true,
} satisfies MessageFailure;

async function recordOutcome(messageId: string, outcome: SendOutcome, channelAccountId: string | null): Promise<void> {
  await asService(async (tx) => {
    if (outcome.ok) {
      // The trigger on provider_message_id then applies receipts that arrived before this answer.
      await tx`update public.messages set provider_message_id = ${outcome.providerMessageId}, status = 'sent', sent_at = now()
               where id = ${messageId} and status = 'pending'`;
      return;
    }
    if (outcome.mayHaveBeenDelivered) {
      // Meta never answered: not a failure yet. The reply stays pending, "not confirmed yet", with no Retry; its
      // echo or status settles it, or its confirm-send job reports it as maybe delivered (server/worker).
      await tx`update public.messages set error = ${tx.json(NOT_CONFIRMED)} where id = ${messageId} and status = 'pending'`;
      return;
    }
    const error = {
      code: outcome.code,
      message: outcome.message,
      retryable: outcome.retryable,
      providerCode: outcome.providerCode,
    } satisfies MessageFailure;
    await tx`update public.messages set status = 'failed', failed_at = now(), error = ${tx.json(error)}
             where id = ${messageId} and status = 'pending'`;
    if (outcome.code === "TOKEN_EXPIRED" && channelAccountId) {
      await tx`select app.flag_channel_for_reconnect(${channelAccountId},
                 'Meta rejected its token while sending a reply. Reconnect it.')`;
    }
  });
}
