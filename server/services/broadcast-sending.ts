import { type RecipientFacts, recipientMessage } from "../../supabase/functions/_shared/broadcast-message";
import type { ChannelProvider } from "../../supabase/functions/_shared/channel-providers";
import { previewOf } from "../../supabase/functions/_shared/message-preview";
import type { TemplateComponent } from "../../supabase/functions/_shared/whatsapp-templates";
import { asService, type Tx } from "../db/client";
import type { Logger } from "../lib/logger";
import { openChannelToken } from "../lib/token-keyring";
import { type SendOutcome, sendThroughGraph } from "../meta/graph-client";
import { fieldsOf } from "./contact-fields";
import type { MessageFailure } from "./messages";
import { NO_TOKEN, NOT_CONFIRMED } from "./reply-delivery";

/** How long one run of a broadcast's job sends before it hands its slot back and queues itself again. */
const SLICE_MS = 10_000;
/** Recipients asked for per claim; the channel's bucket grants at most half a second's worth. */
const MAX_BATCH = 40;
/** Attempts for a recipient whose sends Meta refused for now (a blip), before it fails for good. */
const MAX_ATTEMPTS = 6;
/** How often a broadcast whose last sends await Meta's confirmation looks again (confirm-send settles them). */
const CONFIRMATION_POLL_MS = 5_000;
/** Progress reaches the broadcast's page at most this often. */
const ANNOUNCE_MS = 1_000;

/** What every recipient of a broadcast is sent through, read once per run. */
interface SendSetup {
  broadcastId: string;
  workspaceId: string;
  channelAccountId: string;
  provider: ChannelProvider;
  accountId: string;
  token: string | null;
  message: { template: TemplateComponent[]; values: Record<string, string>; name: string; language: string } | { body: string };
  fallbacks: Record<string, string>;
  gymName: string;
  /** The workspace's custom field keys by field id: contacts store values by id, variables name the key. */
  fieldKeys: Map<string, string>;
}

interface Claimed {
  recipientId: string;
  messageId: string;
  recipient: string;
  components: unknown[] | null;
  text: string;
  attempts: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function loadSetup(broadcastId: string): Promise<SendSetup | null> {
  const [row] = await asService(
    (tx) => tx<
      {
        workspace_id: string;
        channel_account_id: string;
        provider: ChannelProvider;
        account_id: string;
        ciphertext: string | null;
        key_id: string | null;
        body: string | null;
        template_values: Record<string, string>;
        fallbacks: Record<string, string>;
        components: TemplateComponent[] | null;
        template_name: string | null;
        language: string | null;
        gym_name: string;
      }[]
    >`
      select b.workspace_id, b.channel_account_id, ca.provider, ca.provider_account_id as account_id,
             ca.access_token_ciphertext as ciphertext, ca.access_token_key_id as key_id, b.body, b.template_values,
             b.fallbacks, t.components, t.name as template_name, t.language, w.name as gym_name
      from public.broadcasts b
      join public.channel_accounts ca on ca.id = b.channel_account_id
      join public.workspaces w on w.id = b.workspace_id
      left join public.whatsapp_templates t on t.id = b.template_id
      where b.id = ${broadcastId}`,
  );
  if (!row) return null;
  const token = await openChannelToken(row.ciphertext, row.key_id, row.channel_account_id);
  return {
    broadcastId,
    workspaceId: row.workspace_id,
    channelAccountId: row.channel_account_id,
    provider: row.provider,
    accountId: row.account_id,
    token,
    message:
      row.provider === "whatsapp"
        ? {
            template: row.components ?? [],
            values: row.template_values,
            name: row.template_name ?? "",
            language: row.language ?? "",
          }
        : { body: row.body ?? "" },
    fallbacks: row.fallbacks,
    gymName: row.gym_name,
    fieldKeys: new Map((await asService((tx) => fieldsOf(tx, row.workspace_id))).map((field) => [field.id, field.key])),
  };
}

/**
 * Claims up to `count` due recipients and stores each one's message, pending, in one transaction: after it commits
 * they are `sending` with their message, so nothing claims them again, and a send Meta answers settles them through
 * their message. A recipient whose message cannot be made (a value still blank) fails here, never sent.
 */
async function claim(setup: SendSetup, count: number): Promise<Claimed[]> {
  return asService(async (tx: Tx) => {
    const rows = await tx<
      (Omit<RecipientFacts, "gymName" | "fields"> & {
        id: string;
        recipient: string;
        attempts: number;
        customFields: RecipientFacts["fields"];
      })[]
    >`
      select r.id::text, r.attempts, ci.provider_user_id as recipient, ct.display_name as "displayName", ct.phone, ct.email,
             ct.custom_fields as "customFields"
      from public.broadcast_recipients r
      join public.contacts ct on ct.id = r.contact_id
      join public.contact_identities ci on ci.id = r.contact_identity_id
      where r.broadcast_id = ${setup.broadcastId} and r.status = 'queued' and r.next_attempt_at <= now()
        and exists (select 1 from public.broadcasts b where b.id = r.broadcast_id and b.status = 'sending')
      order by r.next_attempt_at, r.id
      limit ${count}
      for update of r skip locked`;
    if (rows.length === 0) return [];
    // Each recipient's message, or why it cannot be made (a value still blank).
    const made = rows.map(({ customFields, ...row }) => {
      const fields = Object.fromEntries(
        Object.entries(customFields).flatMap(([id, value]) => {
          const key = setup.fieldKeys.get(id);
          return key ? [[key, value]] : [];
        }),
      );
      return { ...row, message: recipientMessage(setup.message, { ...row, fields, gymName: setup.gymName }, setup.fallbacks) };
    });
    const refused = made.flatMap((r) => (r.message.ok ? [] : [{ id: r.id, problem: r.message.problem }]));
    if (refused.length > 0) {
      await tx`
        update public.broadcast_recipients r set status = 'failed', reason = 'missing_value', detail = x.problem, updated_at = now()
        from jsonb_to_recordset(${tx.json(refused)}) as x (id bigint, problem text) where r.id = x.id`;
    }
    const ready = made.flatMap((r) => (r.message.ok ? [{ ...r, message: r.message }] : []));
    if (ready.length === 0) return [];
    const items = ready.map((r) => ({
      recipientId: Number(r.id),
      text: r.message.text,
      preview: previewOf(r.message.components ? "template" : "text", r.message.text),
      components: r.message.components,
    }));
    const queued = await tx<{ recipient_id: string; message_id: string }[]>`
      select recipient_id::text, message_id from app.queue_broadcast_messages(${setup.broadcastId}, ${tx.json(items as never)})`;
    const byId = new Map(ready.map((r) => [r.id, r]));
    return queued.flatMap((q) => {
      const r = byId.get(q.recipient_id);
      return r
        ? [
            {
              recipientId: q.recipient_id,
              messageId: q.message_id,
              recipient: r.recipient,
              components: r.message.components,
              text: r.message.text,
              attempts: r.attempts + 1,
            },
          ]
        : [];
    });
  });
}

function send(setup: SendSetup, claimed: Claimed): Promise<SendOutcome> {
  if (!setup.token) return Promise.resolve(NO_TOKEN);
  const content =
    "template" in setup.message && claimed.components
      ? { template: { name: setup.message.name, language: setup.message.language, components: claimed.components } }
      : { text: claimed.text };
  return sendThroughGraph({
    provider: setup.provider,
    accountId: setup.accountId,
    accessToken: setup.token,
    recipientId: claimed.recipient,
    content,
    messageTag: null,
    reference: claimed.messageId,
  }).catch(
    (): SendOutcome => ({
      ok: false,
      code: "PROVIDER_ERROR",
      message: "The message could not be sent.",
      retryable: true,
      providerCode: null,
    }),
  );
}

/** Seconds before a recipient Meta rate-limited goes again. */
const RATE_LIMIT_RETRY_S = 1;
/** Seconds before a recipient Meta refused for now is tried again: 1, 2, 4 … up to a minute. */
const backoffSeconds = (attempts: number) => Math.min(60, 2 ** Math.max(0, attempts - 1));

interface Recorded {
  rateLimited: boolean;
  tokenDead: boolean;
}

/** Writes Meta's answers for a batch in one transaction; the recipients follow their messages (a trigger). */
async function record(setup: SendSetup, batch: Claimed[], outcomes: SendOutcome[]): Promise<Recorded> {
  const sent: { id: string; pid: string }[] = [];
  const unconfirmed: string[] = [];
  const failed: { id: string; error: MessageFailure }[] = [];
  const requeue = new Map<number, string[]>();
  let rateLimited = false;
  let tokenDead = false;
  batch.forEach((claimed, index) => {
    const outcome = outcomes[index];
    if (!outcome) return;
    if (outcome.ok) {
      sent.push({ id: claimed.messageId, pid: outcome.providerMessageId });
      return;
    }
    if (outcome.mayHaveBeenDelivered) {
      unconfirmed.push(claimed.messageId);
      return;
    }
    const later = (seconds: number) => requeue.set(seconds, [...(requeue.get(seconds) ?? []), claimed.messageId]);
    if (outcome.code === "RATE_LIMITED") {
      // The channel as a whole slows down (below); the recipient goes again as soon as it may.
      rateLimited = true;
      later(RATE_LIMIT_RETRY_S);
      return;
    }
    if (outcome.code === "TOKEN_EXPIRED") {
      tokenDead = true;
      later(0);
      return;
    }
    if (outcome.code === "PROVIDER_ERROR" && outcome.retryable && claimed.attempts < MAX_ATTEMPTS) {
      later(backoffSeconds(claimed.attempts));
      return;
    }
    failed.push({
      id: claimed.messageId,
      error: { code: outcome.code, message: outcome.message, retryable: outcome.retryable, providerCode: outcome.providerCode },
    });
  });
  await asService(async (tx) => {
    for (const [seconds, ids] of requeue) {
      await tx`select app.requeue_broadcast_recipients(${ids}::uuid[], make_interval(secs => ${seconds}))`;
    }
    if (sent.length > 0) {
      await tx`
        update public.messages m set provider_message_id = x.pid, status = 'sent', sent_at = now()
        from jsonb_to_recordset(${tx.json(sent)}) as x (id uuid, pid text)
        where m.id = x.id and m.status = 'pending'`;
    }
    if (unconfirmed.length > 0) {
      await tx`update public.messages set error = ${tx.json(NOT_CONFIRMED)} where id = any (${unconfirmed}::uuid[]) and status = 'pending'`;
    }
    if (failed.length > 0) {
      await tx`
        update public.messages m set status = 'failed', failed_at = now(), error = x.error
        from jsonb_to_recordset(${tx.json(failed as never)}) as x (id uuid, error jsonb)
        where m.id = x.id and m.status = 'pending'`;
    }
    if (tokenDead) {
      await tx`select app.pause_broadcast_for(${setup.broadcastId}, 'channel_needs_reconnect')`;
      await tx`select app.flag_channel_for_reconnect(${setup.channelAccountId},
                 'Meta rejected its token while sending a broadcast. Reconnect it.')`;
    }
    if (rateLimited) await tx`select app.slow_channel(${setup.channelAccountId}, 1)`;
  });
  return { rateLimited, tokenDead };
}

const announce = (setup: SendSetup) => asService((tx) => tx`select app.announce_broadcast(${setup.broadcastId})`);

/**
 * One run of a broadcast's `send-broadcast` job: starts it if it was scheduled, then sends its due recipients at the
 * channel's pace for up to SLICE_MS, checking before each claim that it is still sending (pause and cancel take
 * effect there), and queues itself again: when time is up, when the rest wait for a retry, or while sends await
 * Meta's confirmation. Returns the broadcast's status as it left it.
 */
export async function runBroadcastSlice(broadcastId: string, log: Logger): Promise<string> {
  const [begun] = await asService((tx) => tx<{ state: string }[]>`select app.begin_broadcast(${broadcastId}) as state`);
  if (begun?.state !== "sending") return begun?.state ?? "not_found";
  const setup = await loadSetup(broadcastId);
  if (!setup) return "not_found";
  const started = Date.now();
  let announced = 0;
  let sentCount = 0;
  while (Date.now() - started < SLICE_MS) {
    const [tokens] = await asService(
      (tx) =>
        tx<{ granted: number; wait_ms: number }[]>`select * from app.take_send_tokens(${setup.channelAccountId}, ${MAX_BATCH})`,
    );
    if (!tokens || tokens.granted === 0) {
      await sleep(Math.min(1_000, Math.max(5, tokens?.wait_ms ?? 100)));
      continue;
    }
    const batch = await claim(setup, tokens.granted);
    if (batch.length === 0) break;
    const outcomes = await Promise.all(batch.map((claimed) => send(setup, claimed)));
    const recorded = await record(setup, batch, outcomes);
    sentCount += outcomes.filter((outcome) => outcome.ok).length;
    if (Date.now() - announced > ANNOUNCE_MS) {
      await announce(setup);
      announced = Date.now();
    }
    if (recorded.tokenDead) {
      log.warn("broadcasts.paused", { broadcastId, reason: "channel_needs_reconnect" });
      await announce(setup);
      return "paused";
    }
  }
  // Sends Meta never answered are settled first (a status may yet have), then the broadcast is done if nothing is left.
  await asService((tx) => tx`select app.settle_broadcast_sends(${broadcastId})`);
  const [after] = await asService(
    (tx) => tx<{ state: string; next_due: Date | null }[]>`
      select app.finish_broadcast_if_sent(${broadcastId}) as state,
             (select min(r.next_attempt_at) from public.broadcast_recipients r
              where r.broadcast_id = ${broadcastId} and r.status = 'queued') as next_due`,
  );
  await announce(setup);
  log.info("broadcasts.slice", { broadcastId, sent: sentCount, state: after?.state ?? null });
  if (after?.state === "sending") {
    // Recipients remain: due now (time ran out), later (a retry), or only sends Meta has yet to confirm.
    const runAt = !after.next_due
      ? new Date(Date.now() + CONFIRMATION_POLL_MS)
      : new Date(Math.max(after.next_due.getTime(), Date.now()));
    await asService((tx) => tx`select app.continue_broadcast(${broadcastId}, ${runAt})`);
  }
  return after?.state ?? "not_found";
}
