import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { decodeCursor, encodeCursor } from "./keyset-cursor";
import { userTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

export interface AuditEntry {
  id: string;
  at: Date;
  /** Null for what Frontdesk did itself, or a person since deleted. */
  actor: { id: string; name: string | null; email: string | null } | null;
  action: string;
  entity: string;
  entityId: string | null;
  metadata: Record<string, unknown>;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

export interface AuditFilters {
  workspaceId: string;
  actorId?: string;
  action?: string;
  /** Inclusive, from the start of this moment. */
  from?: Date;
  /** Exclusive. */
  until?: Date;
  cursor?: string;
  limit: number;
}

/**
 * Settings → Audit log, for admins (the audit_logs policy shows them, and only them, their workspace's rows): who did
 * what and when, newest first, filtered by person, action and time, a keyset page at a time
 * (`audit_logs_workspace_idx`, `audit_logs_actor_idx`). Actors are named by app.audit_actors, which knows people
 * since removed from the team too.
 */
export function listAuditLog(claims: UserClaims, input: AuditFilters, log: Logger): Promise<Result<AuditPage>> {
  return userTransaction(claims, log, "audit.list", async (tx) => {
    const membership = await membershipIn(tx, input.workspaceId);
    if (!membership) return fail("NOT_FOUND", "Workspace not found.");
    if (membership.role !== "admin") return fail("FORBIDDEN", "Only admins can read the audit log.");
    const cursor = input.cursor ? decodeCursor(input.cursor, "bigint") : null;
    if (input.cursor && !cursor) {
      return fail("VALIDATION", "This list is out of date. Reload it.", {
        details: { fieldErrors: { cursor: ["Invalid cursor"] } },
      });
    }
    const rows = await tx<(Omit<AuditEntry, "actor"> & { cursorAt: string; actorId: string | null })[]>`
      select a.id::text, a.created_at as at, a.created_at::text as "cursorAt", a.action, a.entity, a.entity_id as "entityId",
             a.metadata, a.actor_user_id as "actorId"
      from public.audit_logs a
      where a.workspace_id = ${input.workspaceId}
        ${input.actorId ? tx`and a.actor_user_id = ${input.actorId}` : tx``}
        ${input.action ? tx`and a.action = ${input.action}` : tx``}
        ${input.from ? tx`and a.created_at >= ${input.from}` : tx``}
        ${input.until ? tx`and a.created_at < ${input.until}` : tx``}
        ${cursor ? tx`and (a.created_at, a.id) < (${cursor.at}::timestamptz, ${cursor.id}::bigint)` : tx``}
      order by a.created_at desc, a.id desc
      limit ${input.limit + 1}`;
    const actorIds = [...new Set(rows.flatMap((row) => (row.actorId ? [row.actorId] : [])))];
    const actors = new Map(
      (
        await tx<{ userId: string; email: string | null; name: string | null }[]>`
          select user_id as "userId", email, full_name as name from app.audit_actors(${input.workspaceId}, ${actorIds}::uuid[])`
      ).map((actor) => [actor.userId, actor]),
    );
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return ok({
      items: page.map(({ cursorAt: _cursorAt, actorId, ...entry }) => {
        const actor = actorId ? actors.get(actorId) : undefined;
        return { ...entry, actor: actorId ? { id: actorId, name: actor?.name ?? null, email: actor?.email ?? null } : null };
      }),
      nextCursor: rows.length > input.limit && last ? encodeCursor({ at: last.cursorAt, id: last.id }) : null,
    });
  });
}
