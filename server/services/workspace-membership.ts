import type { Tx } from "../db/client";
import type { WorkspaceRole } from "./account";

export interface Membership {
  role: WorkspaceRole;
  humanAgentEnabled: boolean;
}

/** The caller's membership of a workspace, or null: callers answer NOT_FOUND, never revealing that it exists. */
export async function membershipIn(tx: Tx, workspaceId: string): Promise<Membership | null> {
  const [row] = await tx<Membership[]>`
    select m.role, w.human_agent_enabled as "humanAgentEnabled"
    from public.memberships m
    join public.workspaces w on w.id = m.workspace_id
    where m.workspace_id = ${workspaceId} and m.user_id = (select auth.uid())`;
  return row ?? null;
}
