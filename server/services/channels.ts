import type { ChannelProvider, ChannelStatus } from "../../supabase/functions/_shared/channel-providers";
import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { userTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

/** A connected Page, Instagram account or WhatsApp number, as the account selector shows it. Never its token. */
export interface ChannelAccount {
  id: string;
  provider: ChannelProvider;
  providerAccountId: string;
  displayName: string;
  displayHandle: string | null;
  status: ChannelStatus;
  /** Why it needs reconnecting, when it does. */
  statusReason: string | null;
  /** For an Instagram account: the Facebook Page it is reached through. */
  linkedPageId: string | null;
  /** For a WhatsApp number: its WhatsApp Business Account. */
  wabaId: string | null;
  connectedAt: Date | null;
  disconnectedAt: Date | null;
  /** For a disconnected channel: the conversations removing it would delete. */
  conversations: number;
}

export function listChannels(claims: UserClaims, workspaceId: string, log: Logger): Promise<Result<ChannelAccount[]>> {
  return userTransaction(claims, log, "channels.list", async (tx) => {
    if (!(await membershipIn(tx, workspaceId))) return fail("NOT_FOUND", "Workspace not found.");
    const rows = await tx<ChannelAccount[]>`
      select id, provider, provider_account_id as "providerAccountId", display_name as "displayName",
             display_handle as "displayHandle", status, status_reason as "statusReason",
             linked_page_id as "linkedPageId", waba_id as "wabaId", connected_at as "connectedAt", disconnected_at as "disconnectedAt",
             case when status = 'disconnected'
                  then (select count(*)::int from public.conversations c where c.channel_account_id = ca.id) else 0
             end as conversations
      from public.channel_accounts ca
      where workspace_id = ${workspaceId}
      order by status = 'disconnected', provider, display_name, id`;
    return ok([...rows]);
  });
}
