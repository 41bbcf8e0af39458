import { logger } from "../../server/lib/logger";
import { forgive, spend } from "../../server/lib/rate-limits";
import { supabaseForRequest } from "./session.server";
import { tooManyAttempts } from "./too-many-attempts.server";

export type SignInOutcome =
  | { ok: true; headers: Headers }
  | { ok: false; status: 400 | 429 | 503; message: string; headers: Headers };

const log = logger.child({ component: "sign-in" });

/**
 * Signs in with a password, within our limits per account and per address: a refused attempt never reaches Auth.
 * A correct password clears its account's count. Auth is told the client's address (session.server.ts).
 */
export async function signInWithPassword(
  request: Request,
  clientIp: string,
  credentials: { email: string; password: string },
): Promise<SignInOutcome> {
  const account = credentials.email.toLowerCase();
  const [perAccount, perIp] = [await spend("signInPerAccount", account, log), await spend("signInPerIp", clientIp, log)];
  const refused = [perAccount, perIp].flatMap((outcome) => (outcome.allowed ? [] : [outcome.retryAfterSeconds]));
  if (refused.length > 0) return tooManyAttempts(Math.max(...refused));
  const { supabase, headers } = supabaseForRequest(request, clientIp);
  const { error } = await supabase.auth.signInWithPassword(credentials);
  if (!error) {
    await forgive("signInPerAccount", account);
    return { ok: true, headers };
  }
  if (error.status === 429) return tooManyAttempts(60);
  if (error.code === "email_not_confirmed") {
    const message = "Confirm your email first: follow the link we sent you. Signing up again with it sends a new one.";
    return { ok: false, status: 400, message, headers };
  }
  const wrongCredentials = error.code === "invalid_credentials";
  return wrongCredentials
    ? { ok: false, status: 400, message: "That email and password do not match. Check them and try again.", headers }
    : { ok: false, status: 503, message: "We could not sign you in right now. Try again in a moment.", headers };
}
