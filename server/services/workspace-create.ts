import { randomBytes } from "node:crypto";
import { z } from "zod";
import { asService } from "../db/client";
import { config } from "../lib/config";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { supabaseClient } from "../lib/supabase-client";
import { foundGym, gymNameSchema } from "./gym-founding";

export const newWorkspaceSchema = z.object({
  name: gymNameSchema,
  adminEmail: z.email("An email address, e.g. owner@yourgym.com.").transform((email) => email.toLowerCase()),
  /** The admin's first password; one is generated when none is given. */
  password: z.string().min(12, "At least 12 characters.").optional(),
});

export interface CreatedWorkspace {
  workspaceId: string;
  adminUserId: string;
  /** Only when it was generated here: shown once to the operator, never stored or logged. */
  generatedPassword?: string;
}

/**
 * A new gym and its first admin, for an operator (invite-only deployments): the Auth user (email confirmed) first,
 * then the workspace and the membership in one call (`app.create_gym`), audited. An email that already has an account is
 * refused rather than given a gym it did not ask for.
 */
export async function createWorkspaceWithAdmin(input: unknown, log: Logger): Promise<Result<CreatedWorkspace>> {
  const parsed = newWorkspaceSchema.safeParse(input);
  if (!parsed.success) {
    const { fieldErrors } = z.flattenError(parsed.error);
    return fail("VALIDATION", "Check the fields named.", { details: { fieldErrors } });
  }
  const { name, adminEmail } = parsed.data;
  const serviceKey = config().SUPABASE_SERVICE_ROLE_KEY;
  if (!serviceKey) return fail("VALIDATION", "SUPABASE_SERVICE_ROLE_KEY is needed to create the admin's account.");
  const generatedPassword = parsed.data.password ? undefined : randomBytes(18).toString("base64url");
  const auth = supabaseClient(serviceKey);
  const created = await auth.auth.admin.createUser({
    email: adminEmail,
    password: parsed.data.password ?? generatedPassword,
    email_confirm: true,
  });
  if (created.error?.code === "email_exists") {
    return fail("CONFLICT", "That email already has an account; this command only creates new ones.", {
      details: { fieldErrors: { adminEmail: ["Already has an account."] } },
    });
  }
  if (created.error || !created.data.user) {
    log.error("workspace.admin_not_created", { errorCode: created.error?.code ?? null });
    return fail("PROVIDER_ERROR", "Supabase Auth did not create the account. Try again.", { retryable: true });
  }
  const adminUserId = created.data.user.id;
  const founded = await asService((tx) => foundGym(tx, name, adminUserId));
  if (founded.outcome !== "created" || !founded.workspaceId) throw new Error(`app.create_gym: ${founded.outcome}`);
  const { workspaceId } = founded;
  log.info("workspace.created", { workspaceId, adminUserId });
  return ok({ workspaceId, adminUserId, ...(generatedPassword ? { generatedPassword } : {}) });
}
