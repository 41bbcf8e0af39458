import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { userTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

export type NotificationKind = "assigned" | "mentioned" | "new_message";

export interface NotificationItem {
  id: string;
  kind: NotificationKind;
  at: Date;
  read: boolean;
  conversationId: string;
  /** Who the conversation is with. */
  contactName: string | null;
  /** Who assigned or mentioned (null for a member's message). */
  actorName: string | null;
}

export interface NotificationList {
  items: NotificationItem[];
  unread: number;
}

export interface NotificationPreferences {
  assigned: boolean;
  mentioned: boolean;
  newMessage: boolean;
  desktop: boolean;
  sound: boolean;
}

/** The caller's newest notifications in a workspace (RLS: their own only), and how many are unread. */
export function listNotifications(
  claims: UserClaims,
  input: { workspaceId: string; limit: number },
  log: Logger,
): Promise<Result<NotificationList>> {
  return userTransaction(claims, log, "notifications.list", async (tx) => {
    if (!(await membershipIn(tx, input.workspaceId))) return fail("NOT_FOUND", "Workspace not found.");
    const items = await tx<NotificationItem[]>`
      select n.id::text, n.kind, n.created_at as at, n.read_at is not null as read, n.conversation_id as "conversationId",
             coalesce(ct.display_name, ci.profile_name, ci.handle) as "contactName",
             coalesce(t.full_name, t.email) as "actorName"
      from public.notifications n
      join public.conversations c on c.id = n.conversation_id
      join public.contacts ct on ct.id = c.contact_id
      join public.contact_identities ci on ci.id = c.contact_identity_id
      left join app.team_members(${input.workspaceId}) t on t.user_id = n.actor_user_id
      where n.workspace_id = ${input.workspaceId}
      order by n.created_at desc, n.id desc
      limit ${input.limit}`;
    const [count] = await tx<{ unread: number }[]>`
      select count(*)::int as unread from public.notifications
      where workspace_id = ${input.workspaceId} and read_at is null`;
    return ok({ items: [...items], unread: count?.unread ?? 0 });
  });
}

/** Marks the caller's notifications read: these, or (no ids) all of them. */
export function markNotificationsRead(
  claims: UserClaims,
  ids: string[] | null,
  log: Logger,
): Promise<Result<{ marked: number }>> {
  return userTransaction(claims, log, "notifications.mark_read", async (tx) => {
    const [row] = await tx<{ marked: number }[]>`
      select app.mark_notifications_read(${ids ? tx`${ids}::bigint[]` : tx`null`}) as marked`;
    return ok({ marked: row?.marked ?? 0 });
  });
}

const DEFAULTS: NotificationPreferences = { assigned: true, mentioned: true, newMessage: true, desktop: false, sound: false };

export function notificationPreferences(claims: UserClaims, log: Logger): Promise<Result<NotificationPreferences>> {
  return userTransaction(claims, log, "notifications.preferences", async (tx) => {
    const [row] = await tx<NotificationPreferences[]>`
      select assigned, mentioned, new_message as "newMessage", desktop, sound
      from public.notification_preferences where user_id = (select auth.uid())`;
    return ok(row ?? DEFAULTS);
  });
}

export function saveNotificationPreferences(
  claims: UserClaims,
  input: NotificationPreferences,
  log: Logger,
): Promise<Result<NotificationPreferences>> {
  return userTransaction(claims, log, "notifications.save_preferences", async (tx) => {
    await tx`select app.save_notification_preferences(${input.assigned}, ${input.mentioned}, ${input.newMessage},
                                                      ${input.desktop}, ${input.sound})`;
    return ok(input);
  });
}
