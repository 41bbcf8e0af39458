import { randomUUID } from "node:crypto";
import type { ChannelProvider } from "../../supabase/functions/_shared/channel-providers";
import { encryptToken } from "../../supabase/functions/_shared/token-crypto";
import type { Tx, UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { tokenKeyring } from "../lib/token-keyring";
import { type GraphFailure, PAGE_SUBSCRIBED_FIELDS } from "../meta/graph-accounts";
import { recordAudit } from "./audit";
import { userTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

/** What connecting one channel came to, as the admin is told. */
export interface ChannelConnectOutcome {
  provider: ChannelProvider;
  accountId: string;
  name: string;
  outcome: "connected" | "needs_reconnect" | "conflict";
  message: string;
}

const UNIQUE_VIOLATION = "23505";

export async function requireAdmin(tx: Tx, workspaceId: string): Promise<Result<true>> {
  const membership = await membershipIn(tx, workspaceId);
  if (!membership) return fail("NOT_FOUND", "Workspace not found.");
  if (membership.role !== "admin") return fail("FORBIDDEN", "Only admins can connect or disconnect channels.");
  return ok(true);
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
export function connectChannel(
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

export function graphFailure(log: Logger, step: string, failure: GraphFailure): Result<never> {
  log.warn("channels.graph_failed", { step, graphCode: failure.code });
  if (failure.code === null) return fail("PROVIDER_ERROR", "Meta did not answer. Try again.", { retryable: true });
  return fail("PROVIDER_ERROR", `${failure.message} Start again from Settings → Channels.`);
}
