import { z } from "zod";
import { config } from "../../server/lib/config";
import { logger } from "../../server/lib/logger";
import { spend } from "../../server/lib/rate-limits";
import { INVITE_ONLY_MESSAGE } from "../../server/services/gym-signup";
import { supabaseForRequest } from "./session.server";
import { tooManyAttempts } from "./too-many-attempts.server";

const log = logger.child({ component: "sign-up" });

export const signUpSchema = z.object({
  email: z.email("Enter a valid email address.").transform((email) => email.toLowerCase()),
  password: z.string().min(12, "At least 12 characters.").max(72, "At most 72 characters."),
});

export type SignUpOutcome =
  | { ok: true }
  | { ok: false; status: 400 | 403 | 429 | 503; message: string; field?: "email" | "password"; headers?: Headers };

export const signupIsOpen = () => config().SIGNUP === "open";

/**
 * Asks Auth for an account and its confirmation email (or, `resend`, for that email again). Auth answers an address
 * that already has an account like a new one, so the page says the same either way. Within our limit per address.
 */
export async function signUp(
  request: Request,
  clientIp: string,
  input: z.infer<typeof signUpSchema> | { email: string; resend: true },
): Promise<SignUpOutcome> {
  if (!signupIsOpen()) return { ok: false, status: 403, message: INVITE_ONLY_MESSAGE };
  const limit = await spend("signUpPerIp", clientIp, log);
  if (!limit.allowed) return tooManyAttempts(limit.retryAfterSeconds);
  const { supabase } = supabaseForRequest(request, clientIp);
  const emailRedirectTo = `${config().APP_URL}/auth/confirm`;
  const { error } =
    "resend" in input
      ? await supabase.auth.resend({ type: "signup", email: input.email, options: { emailRedirectTo } })
      : await supabase.auth.signUp({ email: input.email, password: input.password, options: { emailRedirectTo } });
  if (!error) return { ok: true };
  log.info("sign_up.refused", { code: error.code ?? null, status: error.status ?? null });
  switch (error.code) {
    case "signup_disabled":
      return { ok: false, status: 403, message: INVITE_ONLY_MESSAGE };
    case "over_email_send_rate_limit":
      return { ok: false, status: 429, message: "An email was sent a moment ago. Wait a minute, then ask for another." };
    case "weak_password":
      return { ok: false, status: 400, field: "password", message: "Choose a longer, less common password." };
    case "email_address_invalid":
    case "validation_failed":
      return { ok: false, status: 400, field: "email", message: "Enter a valid email address." };
    default:
      return { ok: false, status: 503, message: "We could not create your account right now. Try again in a moment." };
  }
}
