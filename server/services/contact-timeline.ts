import type { ChannelProvider } from "../../supabase/functions/_shared/channel-providers";
import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import type { ConversationStatus } from "./conversation-shape";
import { userTransaction } from "./user-transaction";

export interface ContactConversation {
  id: string;
  channel: { id: string; provider: ChannelProvider; displayName: string };
  status: ConversationStatus;
  lastMessagePreview: string | null;
  lastMessageAt: Date;
  createdAt: Date;
}

export interface TimelineEntry {
  id: string;
  kind: "stage_changed" | "tagged" | "untagged" | "merged" | "imported" | "conversation_started";
  /** In words, without message text: "Enquiry → Trial", "vip", "Dana (Instagram)". */
  summary: string;
  actor: string | null;
  at: Date;
}

/** A contact's conversations on every channel and what happened to it, newest first (its last 100 events). */
export function contactTimeline(
  claims: UserClaims,
  contactId: string,
  log: Logger,
): Promise<Result<{ conversations: ContactConversation[]; timeline: TimelineEntry[] }>> {
  return userTransaction(claims, log, "contacts.timeline", async (tx) => {
    const [contact] = await tx<{ workspaceId: string }[]>`
      select workspace_id as "workspaceId" from public.contacts where id = ${contactId}`;
    if (!contact) return fail("NOT_FOUND", "Contact not found.");
    const conversations = await tx<ContactConversation[]>`
      select c.id, jsonb_build_object('id', ca.id, 'provider', ca.provider, 'displayName', ca.display_name) as channel,
             c.status, c.last_message_preview as "lastMessagePreview", c.last_message_at as "lastMessageAt",
             c.created_at as "createdAt"
      from public.conversations c join public.channel_accounts ca on ca.id = c.channel_account_id
      where c.contact_id = ${contactId} order by c.last_message_at desc`;
    const timeline = await tx<TimelineEntry[]>`
      with team as (select * from app.team_members(${contact.workspaceId}))
      (select e.id::text, e.kind,
              case e.kind
                when 'stage_changed' then concat_ws(' → ', coalesce(e.detail ->> 'fromName', 'No stage'),
                                                           coalesce(e.detail ->> 'toName', 'No stage'))
                when 'merged' then coalesce(e.detail ->> 'name', 'A contact without a name')
                else coalesce(e.detail ->> 'tag', '')
              end as summary,
              (select coalesce(p.full_name, p.email) from team p where p.user_id = e.actor_user_id) as actor,
              e.created_at as at
       from public.contact_events e where e.contact_id = ${contactId}
       order by e.created_at desc limit 100)
      union all
      select c.id::text, 'conversation_started', ca.display_name, null, c.created_at
      from public.conversations c join public.channel_accounts ca on ca.id = c.channel_account_id
      where c.contact_id = ${contactId}
      order by at desc`;
    return ok({ conversations: [...conversations], timeline: [...timeline] });
  });
}
