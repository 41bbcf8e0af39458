import { z } from "zod";
import type { UserClaims } from "../db/client";
import { config } from "../lib/config";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { foundGym, gymNameSchema } from "./gym-founding";
import { verifiedTransaction } from "./user-transaction";

export const newGymSchema = z.object({ name: gymNameSchema });

export const INVITE_ONLY_MESSAGE = "This Frontdesk is invite-only. Ask your gym's admin to invite you.";

/**
 * A person who signed up founds their gym and becomes its admin. Only where the deployment takes sign-ups
 * (SIGNUP), and only for an account on no team yet: one gym per new account.
 */
export function createMyGym(
  claims: UserClaims,
  input: z.infer<typeof newGymSchema>,
  log: Logger,
): Promise<Result<{ workspaceId: string }>> {
  if (config().SIGNUP === "invite-only") return Promise.resolve(fail("FORBIDDEN", INVITE_ONLY_MESSAGE));
  return verifiedTransaction(claims, log, "gym.create", async (tx) => {
    const { outcome, workspaceId } = await foundGym(tx, input.name, claims.sub);
    if (outcome === "created" && workspaceId) {
      log.info("workspace.created", { workspaceId, by: "signup" });
      return ok({ workspaceId });
    }
    if (outcome === "already_member") {
      return fail("CONFLICT", "You are already on a gym's team. Ask its admin to invite others instead.");
    }
    if (outcome === "invalid") {
      return fail("VALIDATION", "Name the gym.", { details: { fieldErrors: { name: ["Name the gym."] } } });
    }
    return fail("UNAUTHORIZED", "Confirm your email address first, then try again.");
  });
}
