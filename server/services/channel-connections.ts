import { randomUUID } from "node:crypto";
import type { ChannelProvider, ChannelStatus } from "../../supabase/functions/_shared/channel-providers";
import { decryptToken, encryptToken } from "../../supabase/functions/_shared/token-crypto";
import type { Tx, UserClaims } from "../db/client";
import { config } from "../lib/config";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { signState, verifyState } from "../lib/signed-state";
import { tokenKeyring } from "../lib/token-keyring";
import {
  exchangeCodeForLongLivedToken,
  type GrantedPage,
  type GraphFailure,
  linkedInstagramAccount,
  listGrantedPages,
  oauthDialogUrl,
  PAGE_SUBSCRIBED_FIELDS,
  subscribePage,
  subscribeWhatsAppAccount,
  unsubscribePage,
  whatsappAccountNumbers,
  whatsappNumber,
} from "../meta/graph-accounts";
import { recordAudit } from "./audit";
import { userTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

/** After the dialog, how long the admin has to pick Pages with the login it granted. */
const PICK_WINDOW_MINUTES = 30;
const UNIQUE_VIOLATION = "23505";

export interface GrantedPageChoice {
  id: string;
  name: string;
  /** This workspace's channel for the Page, if it has one. */
  connection: ChannelStatus | "new";
}

export interface ConnectAttempt {
  attemptId: string;
  workspaceId: string;
  pages: GrantedPageChoice[];
  usableUntil: Date;
}

export interface ChannelConnectOutcome {
  provider: ChannelProvider;
  accountId: string;
  name: string;
  outcome: "connected" | "needs_reconnect" | "conflict";
  message: string;
}

const callbackUrl = () => `${config().APP_URL}/settings/channels/callback`;

async function requireAdmin(tx: Tx, workspaceId: string): Promise<Result<true>> {
  const membership = await membershipIn(tx, workspaceId);
  if (!membership) return fail("NOT_FOUND", "Workspace not found.");
  if (membership.role !== "admin") return fail("FORBIDDEN", "Only admins can connect or disconnect channels.");
  return ok(true);
}

/** Step 1: a single-use attempt, and Meta's dialog URL carrying its signed, expiring state. */
export function beginFacebookConnect(
  claims: UserClaims,
  workspaceId: string,
  log: Logger,
): Promise<Result<{ dialogUrl: string }>> {
  return userTransaction(claims, log, "channels.begin_connect", async (tx) => {
    const admin = await requireAdmin(tx, workspaceId);
    if (!admin.success) return admin;
    const [attempt] = await tx<{ id: string; expires_at: Date }[]>`
      insert into public.channel_connect_attempts (workspace_id, user_id) values (${workspaceId}, ${claims.sub})
      returning id, expires_at`;
    if (!attempt) return fail("DB_ERROR", "Could not start connecting. Try again.");
    return ok({ dialogUrl: oauthDialogUrl(signState(attempt.id, attempt.expires_at), callbackUrl()) });
  });
}

export type CallbackInput = { state: string; code?: string; error?: string };

/**
 * Step 2, Meta's redirect back: the state must verify, be unexpired and unused, and belong to this
 * admin. The code becomes a long-lived user token, kept encrypted on the attempt while Pages are picked.
 */
export async function completeFacebookConnect(
  claims: UserClaims,
  input: CallbackInput,
  log: Logger,
): Promise<Result<{ attemptId: string; workspaceId: string }>> {
  const state = verifyState(input.state);
  if (!state.valid) {
    log.warn("channels.connect_state_rejected", { reason: state.reason });
    return state.reason === "expired"
      ? fail("FORBIDDEN", "That Facebook login took too long. Start again from Settings → Channels.")
      : fail("FORBIDDEN", "This connection link is not valid. Start again from Settings → Channels.");
  }
  const claimed = await userTransaction(claims, log, "channels.connect_callback", async (tx) => {
    const [attempt] = await tx<{ workspace_id: string }[]>`
      update public.channel_connect_attempts set callback_at = now()
      where id = ${state.attemptId} and callback_at is null and expires_at > now()
      returning workspace_id`;
    return attempt
      ? ok(attempt.workspace_id)
      : fail("FORBIDDEN", "This connection link was already used or has expired. Start again from Settings → Channels.");
  });
  if (!claimed.success) {
    log.warn("channels.connect_state_reused", { attemptId: state.attemptId });
    return claimed;
  }
  if (input.error || !input.code) return fail("FORBIDDEN", "Facebook login was cancelled, so nothing was connected.");

  const token = await exchangeCodeForLongLivedToken(input.code, callbackUrl());
  if (!token.ok) return graphFailure(log, "exchange", token.failure);
  const pages = await listGrantedPages(token.value);
  if (!pages.ok) return graphFailure(log, "list_pages", pages.failure);

  const sealed = await encryptToken(await tokenKeyring(), token.value, attemptAad(state.attemptId));
  return userTransaction(claims, log, "channels.connect_callback", async (tx) => {
    await tx`
      update public.channel_connect_attempts
      set user_token_ciphertext = ${sealed.ciphertext}, user_token_key_id = ${sealed.keyId},
          granted_pages = ${tx.json(pages.value.map(({ id, name }) => ({ id, name })))}
      where id = ${state.attemptId}`;
    return ok({ attemptId: state.attemptId, workspaceId: claimed.data });
  });
}

/** The Pages an attempt granted, and what this workspace already has of each. */
export function loadConnectAttempt(claims: UserClaims, attemptId: string, log: Logger): Promise<Result<ConnectAttempt>> {
  return userTransaction(claims, log, "channels.connect_attempt", async (tx) => {
    const attempt = await usableAttempt(tx, attemptId);
    if (!attempt.success) return attempt;
    const { workspace_id: workspaceId, granted_pages: granted, usable_until: usableUntil } = attempt.data;
    const existing = await tx<{ provider_account_id: string; status: ChannelStatus }[]>`
      select distinct on (provider_account_id) provider_account_id, status
      from public.channel_accounts
      where workspace_id = ${workspaceId} and provider = 'messenger'
        and provider_account_id = any (${granted.map((page) => page.id)})
      order by provider_account_id, status = 'disconnected', updated_at desc`;
    const statusOf = new Map(existing.map((row) => [row.provider_account_id, row.status]));
    return ok({
      attemptId,
      workspaceId,
      usableUntil,
      pages: granted.map((page) => ({ ...page, connection: statusOf.get(page.id) ?? "new" })),
    });
  });
}

/** Step 3: connect the picked Pages, each subscribed on its own, plus each Page's Instagram account. */
export async function connectPages(
  claims: UserClaims,
  input: { attemptId: string; pageIds: string[] },
  log: Logger,
): Promise<Result<{ workspaceId: string; channels: ChannelConnectOutcome[] }>> {
  const loaded = await userTransaction(claims, log, "channels.connect_pages", async (tx) => {
    const attempt = await usableAttempt(tx, input.attemptId);
    if (!attempt.success) return attempt;
    const [sealed] = await tx<{ ciphertext: string | null; key_id: string | null }[]>`
      select ciphertext, key_id from app.sealed_token_for_admin('attempt', ${input.attemptId})`;
    return ok({ workspaceId: attempt.data.workspace_id, sealed });
  });
  if (!loaded.success) return loaded;
  const { workspaceId, sealed } = loaded.data;
  const userToken =
    sealed?.ciphertext && sealed.key_id
      ? await decryptToken(await tokenKeyring(), sealed.ciphertext, sealed.key_id, attemptAad(input.attemptId))
      : null;
  if (!userToken) return fail("FORBIDDEN", "This Facebook login can no longer be used. Connect with Facebook again.");

  const granted = await listGrantedPages(userToken);
  if (!granted.ok) return graphFailure(log, "list_pages", granted.failure);
  const picked = input.pageIds.map((id) => granted.value.find((page) => page.id === id));
  if (picked.some((page) => !page)) {
    return fail("VALIDATION", "Some of these Pages were not granted in the Facebook dialog.", {
      details: { fieldErrors: { pageIds: ["Pick only Pages you granted to Frontdesk."] } },
    });
  }

  const channels: ChannelConnectOutcome[] = [];
  for (const page of picked as GrantedPage[]) {
    const pageOutcome = await connectChannel(claims, log, workspaceId, {
      provider: "messenger",
      accountId: page.id,
      name: page.name,
      handle: null,
      token: page.accessToken,
      subscribe: () => subscribePage(page.id, page.accessToken),
    });
    if (!pageOutcome.success) return pageOutcome;
    channels.push(pageOutcome.data);
    if (pageOutcome.data.outcome !== "connected") continue;
    const instagram = await linkedInstagramAccount(page.id, page.accessToken);
    if (!instagram.ok || !instagram.value) continue;
    const account = instagram.value;
    const igOutcome = await connectChannel(claims, log, workspaceId, {
      provider: "instagram",
      accountId: account.id,
      name: account.name ?? account.username ?? page.name,
      handle: account.username ? `@${account.username}` : null,
      token: page.accessToken,
      linkedPageId: page.id,
    });
    if (!igOutcome.success) return igOutcome;
    channels.push(igOutcome.data);
  }
  log.info("channels.pages_connected", {
    workspaceId,
    outcomes: channels.map((channel) => `${channel.provider}:${channel.outcome}`).join(","),
  });
  // Nothing connected because every Page is someone else's: that is the answer, not a partial success.
  if (channels.every((channel) => channel.outcome === "conflict")) {
    return fail("CONFLICT", channels.map((channel) => channel.message).join(" "));
  }
  return ok({ workspaceId, channels });
}

export interface WhatsAppInput {
  workspaceId: string;
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
}

/** A WhatsApp number by its ids and a permanent token, saved only after Meta confirms them. */
export async function connectWhatsApp(
  claims: UserClaims,
  input: WhatsAppInput,
  log: Logger,
): Promise<Result<ChannelConnectOutcome>> {
  const admin = await userTransaction(claims, log, "channels.connect_whatsapp", (tx) => requireAdmin(tx, input.workspaceId));
  if (!admin.success) return admin;
  // Everything is checked with Meta before anything is saved: the number, that it belongs to the account, and
  // the account's webhook subscription. An account Meta has not confirmed is never stored.
  const number = await whatsappNumber(input.phoneNumberId, input.accessToken);
  if (!number.ok) {
    return whatsappRefused(
      log,
      "whatsapp_number",
      number.failure,
      "phoneNumberId",
      "Meta knows no WhatsApp number with this id for this token.",
    );
  }
  const accountNumbers = await whatsappAccountNumbers(input.wabaId, input.accessToken);
  if (!accountNumbers.ok) {
    return whatsappRefused(
      log,
      "whatsapp_account",
      accountNumbers.failure,
      "wabaId",
      "Meta knows no WhatsApp Business Account with this id for this token.",
    );
  }
  if (!accountNumbers.value.includes(input.phoneNumberId)) {
    return fail("VALIDATION", "This number is not in that WhatsApp Business Account.", {
      details: { fieldErrors: { wabaId: ["This WhatsApp Business Account does not have that phone number."] } },
    });
  }
  const subscribed = await subscribeWhatsAppAccount(input.wabaId, input.accessToken);
  if (!subscribed.ok) {
    return whatsappRefused(
      log,
      "whatsapp_subscribe",
      subscribed.failure,
      "wabaId",
      "Meta did not subscribe Frontdesk to this account's messages.",
    );
  }
  const connected = await connectChannel(claims, log, input.workspaceId, {
    provider: "whatsapp",
    accountId: input.phoneNumberId,
    name: number.value.verifiedName || number.value.displayPhoneNumber,
    handle: number.value.displayPhoneNumber,
    token: input.accessToken,
    wabaId: input.wabaId,
  });
  if (connected.success && connected.data.outcome === "conflict") return fail("CONFLICT", connected.data.message);
  return connected;
}

/**
 * Disconnects a channel: Meta stops sending its webhooks (a Page's subscription is removed), the
 * token is wiped, the history stays. A Page takes its linked Instagram account with it.
 */
export function disconnectChannel(claims: UserClaims, channelId: string, log: Logger): Promise<Result<{ disconnected: number }>> {
  return userTransaction(claims, log, "channels.disconnect", async (tx) => {
    const [channel] = await tx<
      { workspace_id: string; provider: ChannelProvider; provider_account_id: string; status: ChannelStatus }[]
    >`
      select workspace_id, provider, provider_account_id, status from public.channel_accounts where id = ${channelId}`;
    if (!channel) return fail("NOT_FOUND", "Channel not found.");
    const admin = await requireAdmin(tx, channel.workspace_id);
    if (!admin.success) return admin;
    if (channel.status === "disconnected") return ok({ disconnected: 0 });

    if (channel.provider === "messenger") {
      const [sealed] = await tx<{ ciphertext: string | null; key_id: string | null }[]>`
        select ciphertext, key_id from app.sealed_token_for_admin('channel', ${channelId})`;
      const token =
        sealed?.ciphertext && sealed.key_id
          ? await decryptToken(await tokenKeyring(), sealed.ciphertext, sealed.key_id, channelId)
          : null;
      const removed = token ? await unsubscribePage(channel.provider_account_id, token) : null;
      // Disconnecting must work even when Meta refuses (an expired token): ingest ignores disconnected channels.
      if (removed && !removed.ok) log.warn("channels.unsubscribe_failed", { channelId, graphCode: removed.failure.code });
    }
    const rows = await tx<{ id: string }[]>`
      update public.channel_accounts
      set status = 'disconnected', access_token_ciphertext = null, access_token_key_id = null, subscribed_fields = '{}',
          subscribed_at = null, status_reason = null, disconnected_at = now(), updated_at = now()
      where status <> 'disconnected' and workspace_id = ${channel.workspace_id}
        and (id = ${channelId}
             or (${channel.provider === "messenger"} and provider = 'instagram' and linked_page_id = ${channel.provider_account_id}))
      returning id`;
    for (const row of rows) {
      await recordAudit(tx, {
        workspaceId: channel.workspace_id,
        actorUserId: claims.sub,
        entity: "channel_account",
        entityId: row.id,
        action: "channel.disconnected",
        metadata: { provider: row.id === channelId ? channel.provider : "instagram" },
      });
    }
    return ok({ disconnected: rows.length });
  });
}

/** Deletes a disconnected channel with its conversations (app.remove_channel); a live one is disconnected first. */
export function removeChannel(claims: UserClaims, channelId: string, log: Logger): Promise<Result<{ conversations: number }>> {
  return userTransaction(claims, log, "channels.remove", async (tx) => {
    const [channel] = await tx<{ workspace_id: string; status: ChannelStatus }[]>`
      select workspace_id, status from public.channel_accounts where id = ${channelId}`;
    if (!channel) return fail("NOT_FOUND", "Channel not found.");
    const admin = await requireAdmin(tx, channel.workspace_id);
    if (!admin.success) return admin;
    if (channel.status !== "disconnected") return fail("CONFLICT", "Disconnect this channel before removing it.");
    const [removed] = await tx<{ conversations: number | null }[]>`select app.remove_channel(${channelId}) as conversations`;
    return removed?.conversations == null
      ? fail("NOT_FOUND", "Channel not found.")
      : ok({ conversations: removed.conversations });
  });
}

interface ChannelToSave {
  provider: ChannelProvider;
  accountId: string;
  name: string;
  handle: string | null;
  token: string;
  linkedPageId?: string;
  wabaId?: string;
  /** The Graph subscription for its webhooks, made only once the row is ours (no conflict). */
  subscribe?: () => Promise<{ ok: true } | { ok: false; failure: GraphFailure }>;
}

/**
 * Claims the channel row for this workspace (a unique index refuses one that is live in another
 * workspace), subscribes it, and stores its token sealed to the row's id, in one transaction.
 * Reconnecting reuses the workspace's row, so its conversations stay attached. Callers have checked
 * the admin role already; the row policies enforce it again.
 */
function connectChannel(
  claims: UserClaims,
  log: Logger,
  workspaceId: string,
  channel: ChannelToSave,
): Promise<Result<ChannelConnectOutcome>> {
  const described = { provider: channel.provider, accountId: channel.accountId, name: channel.name };
  return userTransaction<ChannelConnectOutcome>(claims, log, "channels.connect", async (tx) => {
    const [existing] = await tx<{ id: string }[]>`
      select id from public.channel_accounts
      where workspace_id = ${workspaceId} and provider = ${channel.provider} and provider_account_id = ${channel.accountId}
      order by status = 'disconnected', updated_at desc limit 1`;
    const channelId = existing?.id ?? randomUUID();
    try {
      await tx.savepoint(async (sp) => {
        if (existing) {
          await sp`update public.channel_accounts set status = 'needs_reconnect', updated_at = now()
                   where id = ${channelId} and status = 'disconnected'`;
        } else {
          await sp`insert into public.channel_accounts (id, workspace_id, provider, provider_account_id, display_name, status)
                   values (${channelId}, ${workspaceId}, ${channel.provider}, ${channel.accountId}, ${channel.name}, 'needs_reconnect')`;
        }
      });
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      log.info("channels.connect_conflict", { provider: channel.provider });
      return ok({
        ...described,
        outcome: "conflict" as const,
        message: `${channel.name} is already connected to another Frontdesk workspace. Disconnect it there first.`,
      });
    }

    const subscription = channel.subscribe ? await channel.subscribe() : ({ ok: true } as const);
    if (!subscription.ok) log.warn("channels.subscribe_failed", { channelId, graphCode: subscription.failure.code });
    const reason = subscription.ok
      ? null
      : subscription.failure.tokenInvalid
        ? "Meta no longer accepts this channel's token. Reconnect it."
        : "Meta did not confirm the webhook subscription. Reconnect to try again.";
    const sealed = await encryptToken(await tokenKeyring(), channel.token, channelId);
    const subscribedFields = subscription.ok && channel.provider === "messenger" ? PAGE_SUBSCRIBED_FIELDS : [];
    await tx`
      update public.channel_accounts
      set display_name = ${channel.name}, display_handle = ${channel.handle},
          access_token_ciphertext = ${sealed.ciphertext}, access_token_key_id = ${sealed.keyId},
          status = ${subscription.ok ? "active" : "needs_reconnect"}, status_reason = ${reason},
          subscribed_fields = ${subscribedFields}, subscribed_at = ${subscription.ok ? new Date() : null},
          linked_page_id = ${channel.linkedPageId ?? null}, waba_id = ${channel.wabaId ?? null},
          connected_by = ${claims.sub}, connected_at = now(), disconnected_at = null, updated_at = now()
      where id = ${channelId}`;
    // Replies Meta refused for the old token can go now: their Retry comes back.
    if (subscription.ok) await tx`select app.reopen_sends_after_reconnect(${channelId})`;
    await recordAudit(tx, {
      workspaceId,
      actorUserId: claims.sub,
      entity: "channel_account",
      entityId: channelId,
      action: existing ? "channel.reconnected" : "channel.connected",
      metadata: { provider: channel.provider, subscribed: subscription.ok },
    });
    return ok({
      ...described,
      outcome: subscription.ok ? ("connected" as const) : ("needs_reconnect" as const),
      message: reason ?? `${channel.name} is connected.`,
    });
  });
}

interface UsableAttempt {
  workspace_id: string;
  granted_pages: { id: string; name: string }[];
  usable_until: Date;
}

async function usableAttempt(tx: Tx, attemptId: string): Promise<Result<UsableAttempt>> {
  const [attempt] = await tx<(UsableAttempt & { usable: boolean })[]>`
    select workspace_id, granted_pages, callback_at + make_interval(mins => ${PICK_WINDOW_MINUTES}) as usable_until,
           callback_at is not null and callback_at + make_interval(mins => ${PICK_WINDOW_MINUTES}) > now() as usable
    from public.channel_connect_attempts where id = ${attemptId}`;
  if (!attempt) return fail("NOT_FOUND", "This Facebook login was not found.");
  if (!attempt.usable) return fail("FORBIDDEN", "This Facebook login has expired. Connect with Facebook again.");
  return ok(attempt);
}

/** Meta refused a WhatsApp check: the field it is about, or the token, named; no answer is a provider error. */
function whatsappRefused(
  log: Logger,
  step: string,
  failure: GraphFailure,
  field: "phoneNumberId" | "wabaId",
  message: string,
): Result<never> {
  if (failure.code === null) return graphFailure(log, step, failure);
  log.info("channels.whatsapp_refused", { step, graphCode: failure.code });
  const [key, text] = failure.tokenInvalid ? (["accessToken", "Meta did not accept this token."] as const) : [field, message];
  return fail("VALIDATION", "Meta could not confirm this WhatsApp number.", { details: { fieldErrors: { [key]: [text] } } });
}

/** Associated data sealing an attempt's user token to that attempt. */
export const attemptAad = (attemptId: string) => `connect-attempt:${attemptId}`;

function graphFailure(log: Logger, step: string, failure: GraphFailure): Result<never> {
  log.warn("channels.graph_failed", { step, graphCode: failure.code });
  if (failure.code === null) return fail("PROVIDER_ERROR", "Meta did not answer. Try again.", { retryable: true });
  return fail("PROVIDER_ERROR", `${failure.message} Start again from Settings → Channels.`);
}
