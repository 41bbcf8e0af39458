import { z } from "zod";
import { config } from "../../server/lib/config";
import { logger } from "../../server/lib/logger";
import { spend } from "../../server/lib/rate-limits";
import { supabaseForRequest } from "./session.server";
import { tooManyAttempts } from "./too-many-attempts.server";

const log = logger.child({ component: "password-reset" });

export const resetRequestSchema = z.object({
  email: z.email("Enter a valid email address.").transform((email) => email.toLowerCase()),
});

export type ResetOutcome = { ok: true } | { ok: false; status: 429 | 503; message: string; headers?: Headers };

/**
 * Asks Auth to email a reset link (its recovery template, linking to /auth/confirm). Auth answers an unknown address
 * like a known one, and so does this: the page never tells whether an account exists. Within our limit per address.
 */
export async function requestPasswordReset(request: Request, clientIp: string, email: string): Promise<ResetOutcome> {
  const limit = await spend("passwordResetsPerIp", clientIp, log);
  if (!limit.allowed) return tooManyAttempts(limit.retryAfterSeconds);
  const { supabase } = supabaseForRequest(request, clientIp);
  const { error } = await supabase.auth.resetPasswordForEmail(email, { redirectTo: `${config().APP_URL}/auth/confirm` });
  // Auth's own once-a-minute limit per address says only that this address has an account: answered as a success.
  if (!error || error.code === "over_email_send_rate_limit") return { ok: true };
  log.info("password_reset.refused", { code: error.code ?? null, status: error.status ?? null });
  return { ok: false, status: 503, message: "We could not send a reset link right now. Try again in a moment." };
}

export const newPasswordSchema = z.string().min(12, "At least 12 characters.").max(72, "At most 72 characters.");
