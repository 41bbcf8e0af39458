import type { ChannelStatus } from "../../supabase/functions/_shared/channel-providers";
import { encryptToken } from "../../supabase/functions/_shared/token-crypto";
import type { Tx, UserClaims } from "../db/client";
import { config } from "../lib/config";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { signState, verifyState } from "../lib/signed-state";
import { tokenKeyring } from "../lib/token-keyring";
import {
  exchangeCodeForLongLivedToken,
  type GrantedPage,
  linkedInstagramAccount,
  listGrantedPages,
  oauthDialogUrl,
  subscribePage,
} from "../meta/graph-accounts";
import { type ChannelConnectOutcome, connectChannel, graphFailure, requireAdmin } from "./channel-save";
import { openSealedToken } from "./sealed-tokens";
import { userTransaction } from "./user-transaction";

/** Connecting Facebook Pages (and their Instagram accounts) through Meta's OAuth dialog, in three steps (ADR 008). */

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

const callbackUrl = () => `${config().APP_URL}/settings/channels/callback`;

/** Step 1: a single-use attempt, and Meta's dialog URL carrying its signed, expiring state. */
export function beginFacebookConnect(
  claims: UserClaims,
  workspaceId: string,
  log: Logger,
): Promise<Result<{ dialogUrl: string }>> {
  return userTransaction(claims, log, "channels.begin_connect", async (tx) => {
    const admin = await requireAdmin(tx, workspaceId);
    if (!admin.success) return admin;
    const [attempt] = await tx<{ id: string | null; expires_at: Date | null }[]>`
      select attempt as id, expires_at from app.begin_channel_connect(${workspaceId})`;
    if (!attempt?.id || !attempt.expires_at) return fail("FORBIDDEN", "Only admins can connect or disconnect channels.");
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
    const [attempt] = await tx<{ workspace_id: string | null }[]>`
      select app.claim_connect_callback(${state.attemptId}) as workspace_id`;
    return attempt?.workspace_id
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
      select app.store_connect_grant(${state.attemptId}, ${sealed.ciphertext}, ${sealed.keyId},
                                     ${tx.json(pages.value.map(({ id, name }) => ({ id, name })))})`;
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
    return attempt.success ? ok(attempt.data.workspace_id) : attempt;
  });
  if (!loaded.success) return loaded;
  const workspaceId = loaded.data;
  const userToken = await openSealedToken(claims, log, "attempt", input.attemptId, attemptAad(input.attemptId));
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
  // The user token has done its work: it is wiped now rather than kept for the rest of its 60 days.
  const finished = await userTransaction(claims, log, "channels.connect_pages", async (tx) => {
    await tx`select app.finish_connect_attempt(${input.attemptId})`;
    return ok(true);
  });
  if (!finished.success) log.warn("channels.user_token_not_wiped", { attemptId: input.attemptId });
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

interface UsableAttempt {
  workspace_id: string;
  granted_pages: { id: string; name: string }[];
  usable_until: Date;
}

async function usableAttempt(tx: Tx, attemptId: string): Promise<Result<UsableAttempt>> {
  const [attempt] = await tx<(UsableAttempt & { usable: boolean })[]>`
    select workspace_id, granted_pages, callback_at + app.connect_pick_window() as usable_until,
           callback_at is not null and callback_at + app.connect_pick_window() > now() as usable
    from public.channel_connect_attempts where id = ${attemptId}`;
  if (!attempt) return fail("NOT_FOUND", "This Facebook login was not found.");
  if (!attempt.usable) return fail("FORBIDDEN", "This Facebook login has expired. Connect with Facebook again.");
  return ok(attempt);
}

/** Associated data sealing an attempt's user token to that attempt. */
export const attemptAad = (attemptId: string) => `connect-attempt:${attemptId}`;
