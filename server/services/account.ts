import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { ok, type Result } from "../lib/result";
import { userTransaction } from "./user-transaction";

export type WorkspaceRole = "admin" | "manager" | "agent";

export interface Me {
  user: { id: string; email: string | null };
  workspaces: { id: string; name: string; role: WorkspaceRole }[];
}

/**
 * The signed-in user and the workspaces they belong to, as RLS lets them see. First they join any workspace that
 * invited their address (app.accept_invites): an invitee, or someone with an account already, is on the team from
 * the first page they open after signing in.
 */
export function getMe(claims: UserClaims, log: Logger): Promise<Result<Me>> {
  return userTransaction(claims, log, "account.me", async (tx) => {
    await tx`select app.accept_invites()`;
    const workspaces = await tx<Me["workspaces"]>`
      select w.id, w.name, m.role
      from public.memberships m
      join public.workspaces w on w.id = m.workspace_id
      where m.user_id = ${claims.sub}
      order by w.name, w.id`;
    return ok({
      user: { id: claims.sub, email: typeof claims.email === "string" ? claims.email : null },
      workspaces: [...workspaces],
    });
  });
}
