import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import type { WorkspaceRole } from "./account";
import { userTransaction } from "./user-transaction";

type Outcome = "changed" | "unchanged" | "last_admin" | "forbidden" | "not_found";

function asResult(outcome: Outcome | undefined, forbidden: string): Result<{ changed: boolean }> {
  switch (outcome) {
    case "changed":
      return ok({ changed: true });
    case "unchanged":
      return ok({ changed: false });
    case "last_admin":
      return fail("CONFLICT", "A gym needs at least one admin. Make someone else an admin first.");
    case "forbidden":
      return fail("FORBIDDEN", forbidden);
    default:
      return fail("NOT_FOUND", "This person is not on the team.");
  }
}

/** An admin changes a member's role (app.change_member_role: admins only, never the last admin). Audited. */
export function changeMemberRole(
  claims: UserClaims,
  input: { workspaceId: string; userId: string; role: WorkspaceRole },
  log: Logger,
): Promise<Result<{ changed: boolean }>> {
  return userTransaction(claims, log, "team.change_role", async (tx) => {
    const [row] = await tx<{ outcome: Outcome }[]>`
      select app.change_member_role(${input.workspaceId}, ${input.userId}, ${input.role}) as outcome`;
    return asResult(row?.outcome, "Only admins can change roles.");
  });
}

/**
 * An admin removes a member (app.remove_member): their conversations become unassigned, and their very next request
 * finds no workspace (RLS reads memberships on every statement). Audited with how many conversations were released.
 */
export function removeMember(
  claims: UserClaims,
  input: { workspaceId: string; userId: string },
  log: Logger,
): Promise<Result<{ changed: boolean }>> {
  return userTransaction(claims, log, "team.remove", async (tx) => {
    const [row] = await tx<{ outcome: Outcome }[]>`select app.remove_member(${input.workspaceId}, ${input.userId}) as outcome`;
    return asResult(row?.outcome, "Only admins can remove people.");
  });
}
