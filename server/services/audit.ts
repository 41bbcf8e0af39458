import type { Tx } from "../db/client";

export interface AuditEntry {
  workspaceId: string;
  actorUserId: string;
  entity: "conversation" | "contact" | "message" | "channel_account";
  entityId: string;
  action: string;
  /** Identifiers and field names only: never message text or contact details. */
  metadata?: Record<string, string | number | boolean | null | string[]>;
}

/** Appends to the audit log inside the caller's transaction, so the change and its record commit together. */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx`
    insert into public.audit_logs (workspace_id, actor_user_id, entity, entity_id, action, metadata)
    values (${entry.workspaceId}, ${entry.actorUserId}, ${entry.entity}, ${entry.entityId}, ${entry.action},
            ${tx.json(entry.metadata ?? {})})`;
}
