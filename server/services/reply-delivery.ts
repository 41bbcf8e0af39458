import type { ChannelProvider } from "../../supabase/functions/_shared/channel-providers";
import { asService } from "../db/client";
import { describeError, type Logger } from "../lib/logger";
import { openChannelToken } from "../lib/token-keyring";
import {
  type OutgoingContent,
  type OutgoingTemplate,
  type SendFailure,
  type SendOutcome,
  sendThroughGraph,
} from "../meta/graph-client";
import { messagingWindow } from "../meta/messaging-window";
import { signAttachmentForMeta } from "./attachment-storage";
import { NOT_CONFIRMED_CODE } from "./message-shape";
import type { MessageFailure } from "./messages";

/** A template send as stored: its header's image, video or document by its Storage path, signed when it is sent. */
export interface StoredTemplate extends OutgoingTemplate {
  headerFile: { type: "image" | "video" | "document"; storedPath: string } | null;
}

/**
 * Where a pending reply goes — its channel, the member, the channel's token (null when it has none usable) — and what
 * it was stored to send besides a file: its text with any buttons (app.add_reply_buttons), or its template
 * (app.queue_template_message). A first send and a retry send the same.
 */
export interface DeliveryTarget {
  messageId: string;
  channelAccountId: string;
  provider: ChannelProvider;
  channelActive: boolean;
  accountId: string;
  recipient: string;
  token: string | null;
  /** Messenger/Instagram past 24 h: the tag the sender chose, else HUMAN_AGENT within its 7 days. */
  messageTag: string | null;
  stored: { text: string; buttons: string[] } | { template: StoredTemplate };
}

export async function loadDeliveryTarget(messageId: string): Promise<DeliveryTarget | null> {
  const [row] = await asService(
    (tx) => tx<
      {
        channel_account_id: string;
        provider: ChannelProvider;
        channel_status: string;
        account_id: string;
        recipient: string;
        ciphertext: string | null;
        key_id: string | null;
        last_inbound_at: Date | null;
        window_closed_at: Date | null;
        human_agent_enabled: boolean;
        tag: string | null;
        text: string | null;
        buttons: string[] | null;
        template: StoredTemplate | null;
      }[]
    >`
      select ca.id as channel_account_id, ca.provider, ca.status as channel_status, ca.provider_account_id as account_id,
             ci.provider_user_id as recipient, ca.access_token_ciphertext as ciphertext, ca.access_token_key_id as key_id,
             c.last_inbound_at, c.window_closed_at, w.human_agent_enabled, m.metadata ->> 'tag' as tag, m.text,
             m.metadata -> 'buttons' as buttons, m.metadata -> 'template' as template
      from public.messages m
      join public.conversations c on c.id = m.conversation_id
      join public.workspaces w on w.id = c.workspace_id
      join public.contact_identities ci on ci.id = c.contact_identity_id
      join public.channel_accounts ca on ca.id = m.channel_account_id
      where m.id = ${messageId}`,
  );
  if (!row) return null;
  const token = await openChannelToken(row.ciphertext, row.key_id, row.channel_account_id);
  const window = messagingWindow({
    provider: row.provider,
    lastInboundAt: row.last_inbound_at,
    humanAgentEnabled: row.human_agent_enabled,
    refusedAt: row.window_closed_at,
  });
  return {
    messageId,
    channelAccountId: row.channel_account_id,
    provider: row.provider,
    channelActive: row.channel_status === "active",
    accountId: row.account_id,
    recipient: row.recipient,
    token,
    messageTag: row.tag ?? (window.state === "human_agent" && row.provider !== "whatsapp" ? "HUMAN_AGENT" : null),
    stored: row.template
      ? {
          template: {
            name: row.template.name,
            language: row.template.language,
            components: row.template.components,
            headerFile: row.template.headerFile ?? null,
          },
        }
      : { text: row.text ?? "", buttons: row.buttons ?? [] },
  };
}

/** What a send without a usable token comes to: the channel needs reconnecting. */
export const NO_TOKEN: SendFailure = {
  ok: false,
  code: "TOKEN_EXPIRED",
  message: "This channel has no usable access token. An admin needs to reconnect it.",
  retryable: false,
  providerCode: null,
};

const MOMENTARY_RETRY_MS = 1_000;

/** A failure that may pass on its own and cannot have sent anything: not a rate limit, not an unanswered request. */
const isMomentary = (outcome: SendOutcome) =>
  !outcome.ok && outcome.code === "PROVIDER_ERROR" && outcome.retryable && !outcome.mayHaveBeenDelivered;

/** One send through the Graph API, with one more try a second later after a blip (a 5xx, Meta unreachable). */
export async function sendToMember(target: DeliveryTarget, content: OutgoingContent): Promise<SendOutcome> {
  const { token } = target;
  if (!token) return NO_TOKEN;
  const send = () =>
    sendThroughGraph({
      provider: target.provider,
      accountId: target.accountId,
      accessToken: token,
      recipientId: target.recipient,
      content,
      messageTag: target.messageTag,
      reference: target.messageId,
    });
  const outcome = await send();
  if (!isMomentary(outcome)) return outcome;
  await new Promise((resolve) => setTimeout(resolve, MOMENTARY_RETRY_MS));
  return send();
}

/** The template as Meta takes it: the header file as a link Meta fetches (valid an hour), before the other components. */
async function templateForMeta(template: StoredTemplate): Promise<OutgoingTemplate> {
  const { name, language, components, headerFile } = template;
  if (!headerFile) return { name, language, components };
  const link = await signAttachmentForMeta(headerFile.storedPath);
  const header = { type: "header", parameters: [{ type: headerFile.type, [headerFile.type]: { link } }] };
  return { name, language, components: [header, ...components] };
}

/**
 * Calls Meta for a pending reply the request sends itself (text, a template), as it was stored, and records what
 * happened: sent or failed. Never throws; if even the outcome cannot be written, the message stays pending and says so
 * in the log.
 */
export async function deliverReply(messageId: string, log: Logger): Promise<void> {
  let outcome: SendOutcome;
  let channelAccountId: string | null = null;
  try {
    const target = await loadDeliveryTarget(messageId);
    if (!target) throw new Error("queued message vanished");
    channelAccountId = target.channelAccountId;
    const { stored } = target;
    outcome = await sendToMember(target, "template" in stored ? { template: await templateForMeta(stored.template) } : stored);
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
export const NOT_CONFIRMED = {
  code: NOT_CONFIRMED_CODE,
  message: "Meta has not confirmed this reply yet.",
  retryable: false,
  providerCode: null,
  mayHaveBeenDelivered: true,
} satisfies MessageFailure;

/** Writes Meta's answer on a pending reply: sent, not confirmed yet, or failed (and a dead token flags its channel). */
export async function recordOutcome(messageId: string, outcome: SendOutcome, channelAccountId: string | null): Promise<void> {
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
