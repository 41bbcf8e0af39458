import type { ChannelProvider, ChannelStatus } from "../../supabase/functions/_shared/channel-providers";
import { decryptToken } from "../../supabase/functions/_shared/token-crypto";
import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { tokenKeyring } from "../lib/token-keyring";
import { unsubscribePage } from "../meta/graph-accounts";
import { recordAudit } from "./audit";
import { requireAdmin } from "./channel-save";
import { userTransaction } from "./user-transaction";

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
