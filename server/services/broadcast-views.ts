import type { ChannelProvider } from "../../supabase/functions/_shared/channel-providers";
import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { broadcastNotFound } from "./broadcast-drafts";
import { type Broadcast, broadcastColumns, broadcastFrom, loadBroadcast, type RecipientStatus } from "./broadcast-shape";
import { userTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

/** The workspace's broadcasts, newest first, with their counts; `canEdit` for managers and admins. */
export function listBroadcasts(
  claims: UserClaims,
  workspaceId: string,
  log: Logger,
): Promise<Result<{ broadcasts: Broadcast[]; canEdit: boolean }>> {
  return userTransaction(claims, log, "broadcasts.list", async (tx) => {
    const membership = await membershipIn(tx, workspaceId);
    if (!membership) return fail("NOT_FOUND", "Workspace not found.");
    const rows = await tx<Broadcast[]>`
      select ${broadcastColumns(tx)} from ${broadcastFrom(tx)}
      where b.workspace_id = ${workspaceId} order by b.created_at desc, b.id desc limit 200`;
    return ok({ broadcasts: [...rows], canEdit: membership.role !== "agent" });
  });
}

export function getBroadcast(
  claims: UserClaims,
  broadcastId: string,
  log: Logger,
): Promise<Result<{ broadcast: Broadcast; canEdit: boolean }>> {
  return userTransaction(claims, log, "broadcasts.get", async (tx) => {
    const broadcast = await loadBroadcast(tx, broadcastId);
    if (!broadcast) return broadcastNotFound();
    const membership = await membershipIn(tx, broadcast.workspaceId);
    return ok({ broadcast, canEdit: membership?.role !== "agent" });
  });
}

export interface BroadcastRecipient {
  id: string;
  contactId: string;
  name: string | null;
  /** The member's id on the channel (a WhatsApp number, a Page-scoped id). */
  address: string | null;
  provider: ChannelProvider;
  status: RecipientStatus;
  reason: string | null;
  detail: string | null;
  conversationId: string | null;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  repliedAt: Date | null;
}

/** What every query for recipients `r` (with their broadcast `b`) selects. */
const recipientColumns = `
  r.id::text, r.contact_id as "contactId", ct.display_name as name, ci.provider_user_id as address, ca.provider,
  r.status, r.reason, r.detail, r.conversation_id as "conversationId", r.sent_at as "sentAt",
  r.delivered_at as "deliveredAt", r.read_at as "readAt", r.replied_at as "repliedAt"`;

/** A page of a broadcast's recipients in the order they were added, optionally of one status; keyset by id. */
export function listRecipients(
  claims: UserClaims,
  input: { broadcastId: string; status?: RecipientStatus; after?: string; limit: number },
  log: Logger,
): Promise<Result<{ items: BroadcastRecipient[]; nextCursor: string | null }>> {
  return userTransaction(claims, log, "broadcasts.recipients", async (tx) => {
    const [visible] = await tx`select 1 from public.broadcasts where id = ${input.broadcastId}`;
    if (!visible) return broadcastNotFound();
    const rows = await tx<BroadcastRecipient[]>`
      select ${tx.unsafe(recipientColumns)}
      from public.broadcast_recipients r
      join public.broadcasts b on b.id = r.broadcast_id
      join public.channel_accounts ca on ca.id = b.channel_account_id
      join public.contacts ct on ct.id = r.contact_id
      left join public.contact_identities ci on ci.id = r.contact_identity_id
      where r.broadcast_id = ${input.broadcastId}
        ${input.status ? tx`and r.status = ${input.status}` : tx``}
        ${input.after ? tx`and r.id > ${input.after}::bigint` : tx``}
      order by r.id
      limit ${input.limit + 1}`;
    const items = rows.slice(0, input.limit);
    return ok({ items, nextCursor: rows.length > input.limit ? (items.at(-1)?.id ?? null) : null });
  });
}

/** Every recipient of a broadcast, a page at a time, for its CSV export (RLS applies to each page). */
export async function* allRecipients(claims: UserClaims, broadcastId: string, log: Logger): AsyncGenerator<BroadcastRecipient[]> {
  let after: string | undefined;
  for (;;) {
    const page = await listRecipients(claims, { broadcastId, after, limit: 1_000 }, log);
    if (!page.success) throw new Error(page.error.message);
    if (page.data.items.length > 0) yield page.data.items;
    if (!page.data.nextCursor) return;
    after = page.data.nextCursor;
  }
}
