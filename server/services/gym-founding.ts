import { z } from "zod";
import type { Tx } from "../db/client";

/** A gym's name as its admin types it, wherever a gym is made (sign-up, the operator's command). */
export const gymNameSchema = z.string().trim().min(1, "Name the gym.").max(100, "At most 100 characters.");

export type FoundingOutcome = "created" | "invalid" | "not_found" | "already_member";

/** `app.create_gym`: the workspace, the admin's membership and the audit row, or why not. */
export async function foundGym(
  tx: Tx,
  name: string,
  adminUserId: string,
): Promise<{ outcome: FoundingOutcome; workspaceId: string | null }> {
  const [row] = await tx<{ outcome: FoundingOutcome; workspaceId: string | null }[]>`
    select outcome, workspace_id as "workspaceId" from app.create_gym(${name}, ${adminUserId})`;
  if (!row) throw new Error("app.create_gym returned nothing");
  return row;
}
