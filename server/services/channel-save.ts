import type { ChannelProvider } from "../../supabase/functions/_shared/channel-providers";
import { encryptToken } from "../../supabase/functions/_shared/token-crypto";
import type { Tx, UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { tokenKeyring } from "../lib/token-keyring";
import { PAGE_SUBSCRIBED_FIELDS } from "../meta/graph-accounts";
import type { GraphFailure } from "../meta/graph-http";
import { verifiedTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

/** What connecting one channel came to, as the admin is told. */
export interface ChannelConnectOutcome {
  provider: ChannelProvider;
  accountId: string;
  name: string;
  outcome: "connected" | "needs_reconnect" | "conflict";
  message: string;
}

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
 * Connects one channel Meta has confirmed, in two short transactions with the Graph subscription between
 * them (no transaction waits on Meta): app.claim_channel takes this workspace's row for the account (a
 * unique index refuses one live in another workspace; reconnecting reuses the row, so its conversations
 * stay attached), then app.activate_channel stores the token sealed to the row's id and audits. Both are
 * service-role functions run on the admin's behalf: a user's token cannot create a channel row.
 */
export async function connectChannel(
  claims: UserClaims,
  log: Logger,
  workspaceId: string,
  channel: ChannelToSave,
): Promise<Result<ChannelConnectOutcome>> {
  const described = { provider: channel.provider, accountId: channel.accountId, name: channel.name };
  const claimed = await verifiedTransaction(claims, log, "channels.claim", async (tx) => {
    const [row] = await tx<{ channel: string | null; outcome: "claimed" | "reclaimed" | "conflict" | "forbidden" }[]>`
      select channel, outcome from app.claim_channel(${workspaceId}, ${channel.provider}, ${channel.accountId}, ${channel.name})`;
    if (!row || row.outcome === "forbidden") return fail("FORBIDDEN", "Only admins can connect or disconnect channels.");
    return ok(row);
  });
  if (!claimed.success) return claimed;
  const { channel: channelId, outcome } = claimed.data;
  if (outcome === "conflict" || !channelId) {
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
  return verifiedTransaction(claims, log, "channels.activate", async (tx) => {
    await tx`
      select app.activate_channel(${channelId}, ${channel.name}, ${channel.handle}, ${sealed.ciphertext}, ${sealed.keyId},
                                  ${subscription.ok}, ${reason}, ${subscribedFields}::text[], ${channel.linkedPageId ?? null},
                                  ${channel.wabaId ?? null}, ${outcome === "reclaimed"})`;
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
