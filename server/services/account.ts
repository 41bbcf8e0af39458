import { type UserClaims, withUser } from "../db/client";
import { describeError, type Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";

export type WorkspaceRole = "admin" | "manager" | "agent";

export interface Me {
  user: { id: string; email: string | null };
  workspaces: { id: string; name: string; role: WorkspaceRole }[];
}

/** The signed-in user and the workspaces they belong to, as RLS lets them see. */
export async function getMe(claims: UserClaims, log: Logger): Promise<Result<Me>> {
  try {
    const workspaces = await withUser(
      claims,
      (tx) => tx<Me["workspaces"]>`
        select w.id, w.name, m.role
        from public.memberships m
        join public.workspaces w on w.id = m.workspace_id
        where m.user_id = ${claims.sub}
        order by w.name, w.id`,
    );
    return ok({
      user: { id: claims.sub, email: typeof claims.email === "string" ? claims.email : null },
      workspaces: [...workspaces],
    });
  } catch (error) {
    log.error("account.me_failed", describeError(error));
    return fail("DB_ERROR", "Could not load your workspaces. Try again.", { retryable: true });
  }
}
