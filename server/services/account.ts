import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { ok, type Result } from "../lib/result";
import { userTransaction } from "./user-transaction";

export type WorkspaceRole = "admin" | "manager" | "agent";

export interface Me {
  user: { id: string; email: string | null };
  workspaces: { id: string; name: string; role: WorkspaceRole }[];
}

/** The signed-in user and the workspaces they belong to, as RLS lets them see. */
export function getMe(claims: UserClaims, log: Logger): Promise<Result<Me>> {
  return userTransaction(claims, log, "account.me", async (tx) => {
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
