import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import type { WorkspaceRole } from "./account";
import { userTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

export interface TeamMember {
  userId: string;
  email: string | null;
  name: string | null;
  role: WorkspaceRole;
}

/** The team as the inbox names it (assignees, senders). */
export function listTeam(claims: UserClaims, workspaceId: string, log: Logger): Promise<Result<TeamMember[]>> {
  return userTransaction(claims, log, "team.list", async (tx) => {
    if (!(await membershipIn(tx, workspaceId))) return fail("NOT_FOUND", "Workspace not found.");
    const rows = await tx<TeamMember[]>`
      select user_id as "userId", email, full_name as name, role from app.team_members(${workspaceId})`;
    return ok([...rows]);
  });
}

export interface TeamRoster {
  members: (TeamMember & { joinedAt: Date; lastSignInAt: Date | null })[];
  /** Invitations not accepted, revoked or expired yet. */
  invites: { id: string; email: string; role: WorkspaceRole; sentAt: Date; expiresAt: Date }[];
  /** Whether the caller may invite, change roles and remove (admins); everyone else sees the list read-only. */
  canManage: boolean;
}

/** Settings → Team: who is on the team, who is invited, and whether the caller may change it. */
export function teamRoster(claims: UserClaims, workspaceId: string, log: Logger): Promise<Result<TeamRoster>> {
  return userTransaction(claims, log, "team.roster", async (tx) => {
    const membership = await membershipIn(tx, workspaceId);
    if (!membership) return fail("NOT_FOUND", "Workspace not found.");
    const members = await tx<TeamRoster["members"]>`
      select user_id as "userId", email, full_name as name, role, joined_at as "joinedAt", last_sign_in_at as "lastSignInAt"
      from app.team_members(${workspaceId})`;
    const invites = await tx<TeamRoster["invites"]>`
      select id, email, role, sent_at as "sentAt", sent_at + app.invite_valid_for() as "expiresAt"
      from public.workspace_invites
      where workspace_id = ${workspaceId} and accepted_at is null and revoked_at is null
        and sent_at > now() - app.invite_valid_for()
      order by sent_at desc`;
    return ok({ members: [...members], invites: [...invites], canManage: membership.role === "admin" });
  });
}
