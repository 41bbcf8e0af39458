import type { ChannelProvider, ChannelStatus } from "../../supabase/functions/_shared/channel-providers";
import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { unsubscribeApp } from "../meta/graph-accounts";
import { requireAdmin } from "./channel-save";
import { openSealedToken } from "./sealed-tokens";
import { userTransaction } from "./user-transaction";

/**
 * Disconnects a channel: Meta stops sending its webhooks (a Page's subscription is removed; a WhatsApp Business
 * Account's once no other live number of this workspace uses it), the token is wiped, the history stays. A Page
 * takes its linked Instagram account with it. Graph calls happen between transactions; app.disconnect_channel
 * checks the admin role and audits.
 */
export async function disconnectChannel(
  claims: UserClaims,
  channelId: string,
  log: Logger,
): Promise<Result<{ disconnected: number }>> {
  const found = await userTransaction(claims, log, "channels.disconnect", async (tx) => {
    const [channel] = await tx<
      {
        workspace_id: string;
        provider: ChannelProvider;
        provider_account_id: string;
        status: ChannelStatus;
        waba_id: string | null;
      }[]
    >`
      select workspace_id, provider, provider_account_id, status, waba_id from public.channel_accounts where id = ${channelId}`;
    if (!channel) return fail("NOT_FOUND", "Channel not found.");
    const admin = await requireAdmin(tx, channel.workspace_id);
    return admin.success ? ok(channel) : admin;
  });
  if (!found.success) return found;
  const channel = found.data;
  if (channel.status === "disconnected") return ok({ disconnected: 0 });
  // Read before the row's token is wiped.
  const token = channel.provider === "instagram" ? null : await openSealedToken(claims, log, "channel", channelId, channelId);

  if (channel.provider === "messenger" && token) {
    const removed = await unsubscribeApp(channel.provider_account_id, token);
    // Disconnecting must work even when Meta refuses (an expired token): ingest ignores disconnected channels.
    if (!removed.ok) log.warn("channels.unsubscribe_failed", { channelId, graphCode: removed.failure.code });
  }
  const disconnected = await userTransaction(claims, log, "channels.disconnect", async (tx) => {
    const rows = await tx<{ id: string }[]>`select id from app.disconnect_channel(${channelId}) as gone (id)`;
    const [sharing] = channel.waba_id
      ? await tx<{ numbers: number }[]>`
          select count(*)::int as numbers from public.channel_accounts
          where workspace_id = ${channel.workspace_id} and provider = 'whatsapp' and waba_id = ${channel.waba_id}
            and status <> 'disconnected'`
      : [];
    return ok({ disconnected: rows.length, wabaStillUsed: (sharing?.numbers ?? 0) > 0 });
  });
  if (!disconnected.success) return disconnected;
  if (channel.provider === "whatsapp" && channel.waba_id && token && !disconnected.data.wabaStillUsed) {
    // Otherwise members' messages keep arriving for nobody (stored as unroutable).
    const removed = await unsubscribeApp(channel.waba_id, token);
    if (!removed.ok) log.warn("channels.unsubscribe_failed", { channelId, graphCode: removed.failure.code });
  }
  return ok({ disconnected: disconnected.data.disconnected });
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
