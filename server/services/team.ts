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

export function listTeam(claims: UserClaims, workspaceId: string, log: Logger): Promise<Result<TeamMember[]>> {
  return userTransaction(claims, log, "team.list", async (tx) => {
    if (!(await membershipIn(tx, workspaceId))) return fail("NOT_FOUND", "Workspace not found.");
    const rows = await tx<TeamMember[]>`
      select user_id as "userId", email, full_name as name, role from app.team_members(${workspaceId})`;
    return ok([...rows]);
  });
}
