import type { ChannelProvider, ChannelStatus } from "../../supabase/functions/_shared/channel-providers";
import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { unsubscribePage } from "../meta/graph-accounts";
import { requireAdmin } from "./channel-save";
import { openSealedToken } from "./sealed-tokens";
import { userTransaction } from "./user-transaction";

/**
 * Disconnects a channel: Meta stops sending its webhooks (a Page's subscription is removed), the
 * token is wiped, the history stays. A Page takes its linked Instagram account with it. The Graph
 * call happens between two transactions; app.disconnect_channel checks the admin role and audits.
 */
export async function disconnectChannel(
  claims: UserClaims,
  channelId: string,
  log: Logger,
): Promise<Result<{ disconnected: number }>> {
  const found = await userTransaction(claims, log, "channels.disconnect", async (tx) => {
    const [channel] = await tx<
      { workspace_id: string; provider: ChannelProvider; provider_account_id: string; status: ChannelStatus }[]
    >`
      select workspace_id, provider, provider_account_id, status from public.channel_accounts where id = ${channelId}`;
    if (!channel) return fail("NOT_FOUND", "Channel not found.");
    const admin = await requireAdmin(tx, channel.workspace_id);
    return admin.success ? ok(channel) : admin;
  });
  if (!found.success) return found;
  const channel = found.data;
  if (channel.status === "disconnected") return ok({ disconnected: 0 });

  if (channel.provider === "messenger") {
    const token = await openSealedToken(claims, log, "channel", channelId, channelId);
    const removed = token ? await unsubscribePage(channel.provider_account_id, token) : null;
    // Disconnecting must work even when Meta refuses (an expired token): ingest ignores disconnected channels.
    if (removed && !removed.ok) log.warn("channels.unsubscribe_failed", { channelId, graphCode: removed.failure.code });
  }
  return userTransaction(claims, log, "channels.disconnect", async (tx) => {
    const rows = await tx<{ id: string }[]>`select id from app.disconnect_channel(${channelId}) as gone (id)`;
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
