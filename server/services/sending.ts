import { PROVIDER_NAMES } from "../../supabase/functions/_shared/channel-providers";
import { previewOf } from "../../supabase/functions/_shared/message-preview";
import type { MessageTag } from "../../supabase/functions/_shared/message-tags";
import {
  ATTACHMENTS_BUCKET,
  CAPTION_LIMIT,
  checkOutboundFile,
  kindOfOutboundMedia,
  outboundFolder,
  savedReplyFolder,
} from "../../supabase/functions/_shared/outbound-media";
import { replyButtonsProblem } from "../../supabase/functions/_shared/reply-buttons";
import { asService, type Tx, type UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import type { ConversationSummary } from "./conversation-shape";
import { loadSummary } from "./conversations";
import { loadMessage, type Message } from "./messages";
import { deliverReply } from "./reply-delivery";
import { userTransaction } from "./user-transaction";

/** A reply: text, or one file the browser uploaded to the conversation's outbound folder (with a WhatsApp caption). */
export type ReplyContent = { text: string } | { file: { storedPath: string; caption: string | null } };

export interface SendMessageInput {
  conversationId: string;
  clientMessageId: string;
  content: ReplyContent;
  /** Messenger after the 24-hour window: the message tag the sender chose (a text reply only). */
  tag?: MessageTag;
  /** Reply buttons (WhatsApp) or quick replies (Messenger, Instagram) under a text reply, by title. */
  buttons?: string[];
}

const WINDOW_MESSAGES = {
  no_inbound: "This member has not written yet, so Meta does not allow a reply.",
  expired: "More than 24 hours have passed since the member's last message.",
  template_required: "More than 24 hours have passed: WhatsApp only allows an approved template now.",
  reengagement_required: "Meta refused the last reply because the window has closed. The member has to write again first.",
} as const;

const refused = (field: "text" | "file" | "caption" | "tag" | "buttons", problem: string) =>
  fail("VALIDATION", problem, { details: { fieldErrors: { [field]: [problem] } } });

/**
 * A file reply's checks, before it is queued (Postgres checks the same again): uploaded to this conversation's
 * folder, still there, a type and size the channel takes, a caption only where one can go. Read as the user, so
 * Storage's policies apply.
 */
async function checkFile(tx: Tx, conversation: ConversationSummary, file: { storedPath: string; caption: string | null }) {
  const { provider } = conversation.channel;
  // Uploaded to this conversation, or a saved reply's file (Postgres checks it is one).
  const folders = [outboundFolder(conversation.workspaceId, conversation.id), savedReplyFolder(conversation.workspaceId)];
  if (!folders.some((folder) => file.storedPath.startsWith(folder))) {
    return refused("file", "This file was not uploaded to this conversation. Attach it again.");
  }
  const [stored] = await tx<{ mimeType: string | null; size: string | null }[]>`
    select metadata ->> 'mimetype' as "mimeType", metadata ->> 'size' as size
    from storage.objects where bucket_id = ${ATTACHMENTS_BUCKET} and name = ${file.storedPath}`;
  if (!stored) return refused("file", "This file's upload did not finish. Attach it again.");
  const checked = checkOutboundFile(provider, { mimeType: stored.mimeType ?? "", size: Number(stored.size ?? 0) });
  if (!checked.ok) return refused("file", checked.problem);
  if (file.caption !== null && provider !== "whatsapp") {
    return refused("caption", `${PROVIDER_NAMES[provider]} takes no caption with a file: send the text as its own reply.`);
  }
  if (file.caption !== null && file.caption.length > CAPTION_LIMIT) {
    return refused("caption", `WhatsApp captions take at most ${CAPTION_LIMIT.toLocaleString("en")} characters.`);
  }
  return ok(kindOfOutboundMedia(checked.rule.type));
}

/**
 * A staff reply: stored as pending first (with its audit row), then sent — text by this request, a file by its
 * send-media job (server/worker/tasks/send-media.ts) — then marked sent or failed. The same clientMessageId never
 * sends twice.
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
    const { content, tag } = input;
    if (tag) {
      if (conversation.channel.provider === "whatsapp") {
        return refused("tag", "WhatsApp takes no message tags: send an approved template instead.");
      }
      if (conversation.channel.provider === "instagram") {
        return refused("tag", "Instagram takes no message tag but the human-agent one, which admins turn on in Settings.");
      }
      if ("file" in content) return refused("tag", "A reply with a message tag is text only.");
      if (window.state === "closed" && window.reason === "no_inbound") return fail("WINDOW_CLOSED", WINDOW_MESSAGES.no_inbound);
    } else if (window.state === "closed") {
      return fail("WINDOW_CLOSED", WINDOW_MESSAGES[window.reason]);
    }
    const text = "text" in content ? content.text : content.file.caption;
    const limit = conversation.channel.textLimit;
    if ("text" in content && content.text.length > limit) {
      const problem = `${PROVIDER_NAMES[conversation.channel.provider]} takes at most ${limit.toLocaleString("en")} characters; this reply has ${content.text.length.toLocaleString("en")}.`;
      return refused("text", problem);
    }
    const buttons = (input.buttons ?? []).map((title) => title.trim());
    if (buttons.length > 0) {
      if ("file" in content) return refused("buttons", "Buttons go with a text reply.");
      const problem = replyButtonsProblem(conversation.channel.provider, buttons, content.text);
      if (problem) return refused("buttons", problem);
    }
    const kind = "file" in content ? await checkFile(tx, conversation, content.file) : ok("text" as const);
    if (!kind.success) return kind;
    const attachments = "file" in content ? [{ storedPath: content.file.storedPath }] : [];
    const [row] = await tx<{ message_id: string | null; created: boolean }[]>`
      select message_id, created from app.queue_outgoing_message(
        ${input.conversationId}, ${input.clientMessageId}, ${text}, ${tx.json(attachments)}, ${previewOf(kind.data, text)})`;
    if (!row?.message_id) return fail("NOT_FOUND", "Conversation not found.");
    if (tag && row.created) {
      const [tagged] = await tx<{ outcome: string }[]>`select app.tag_outgoing_message(${row.message_id}, ${tag}) as outcome`;
      if (tagged?.outcome !== "changed") return refused("tag", "This reply cannot carry that tag.");
    }
    if (buttons.length > 0 && row.created) {
      const [added] = await tx<{ outcome: string }[]>`
        select app.add_reply_buttons(${row.message_id}, ${buttons}::text[]) as outcome`;
      if (added?.outcome !== "changed") return refused("buttons", "This reply cannot carry these buttons.");
    }
    return ok({ messageId: row.message_id, created: row.created });
  });
  if (!queued.success) return queued;
  if (queued.data.created && "text" in input.content) await deliverReply(queued.data.messageId, log);
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
    if (!conversation) return fail("NOT_FOUND", "Message not found.");
    // A template or a tagged reply may go whatever the window; anything else only inside it.
    if (!message.templateName && !message.tag && conversation.window.state === "closed") {
      return fail("WINDOW_CLOSED", "The messaging window has closed.");
    }
    return ok(message);
  });
  if (!checked.success) return checked;
  const message = checked.data;
  const withFile = message.attachments.length > 0;
  // Only one retry wins the move back to pending. A text reply's confirmation is due a minute later, as for a new
  // reply; a file goes back to its send-media job, which starts over (and schedules the confirmation when it sends).
  const claimed = await asService(async (tx) => {
    const rows = await tx`update public.messages set status = 'pending', error = null, failed_at = null, send_started_at = null
                          where id = ${messageId} and status = 'failed' returning id`;
    if (rows.length > 0 && withFile) await tx`select app.schedule_media_sends(array[${messageId}::uuid])`;
    else if (rows.length > 0) await tx`select app.schedule_send_confirmations(array[${messageId}::uuid])`;
    return rows;
  });
  if (claimed.length === 0) return fail("CONFLICT", "This message is already being sent again.");
  if (!withFile) await deliverReply(messageId, log);
  return readBack(claims, messageId, log);
}

/** The reply as the user may see it now. */
export async function readBack(claims: UserClaims, messageId: string, log: Logger): Promise<Result<Message>> {
  return userTransaction(claims, log, "messages.read_back", async (tx) => {
    const message = await loadMessage(tx, messageId);
    return message ? ok(message) : fail("NOT_FOUND", "Message not found.");
  });
}
