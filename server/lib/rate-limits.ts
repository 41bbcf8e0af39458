import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { hashedKey, RATE_LIMIT_TABLE, rateLimitStore } from "../../supabase/functions/_shared/rate-limit-store";
import { serviceSql } from "../db/client";
import { describeError, type Logger } from "./logger";

/**
 * The app's rate limits (ADR 016), counted in Postgres so every server process shares them. Sign-in limits are
 * ours as well as Auth's: Auth sees every sign-in come from this server unless told the client's IP.
 */
export const RATE_LIMITS = {
  /** Wrong passwords for one account: the 21st attempt in a minute waits. */
  signInPerAccount: { points: 20, duration: 60 },
  /** Sign-ins from one address: a front desk's staff share one, an attacker trying many accounts does too. */
  signInPerIp: { points: 200, duration: 600 },
  /** Sign-ups and "send it again" from one address: a gym signs up once; a script making accounts does not get far. */
  signUpPerIp: { points: 10, duration: 3600 },
  /** Invitations an admin sends: a gym's whole staff in one sitting, not a mailing list. */
  invitesPerUser: { points: 50, duration: 3600 },
  /** Password-reset requests from one address, whatever account they name: each sends an email. */
  passwordResetsPerIp: { points: 10, duration: 3600 },
  /** API calls per signed-in user: far above what the inbox makes, well below a script. */
  apiPerUser: { points: 1200, duration: 60 },
} as const;

export type RateLimitName = keyof typeof RATE_LIMITS;
export type LimitOutcome = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const limiters = new Map<RateLimitName, RateLimiterPostgres>();
function limiterFor(name: RateLimitName): RateLimiterPostgres {
  let limiter = limiters.get(name);
  if (!limiter) {
    limiter = new RateLimiterPostgres({
      storeClient: rateLimitStore(serviceSql()),
      storeType: "pool",
      ...RATE_LIMIT_TABLE,
      keyPrefix: name,
      ...RATE_LIMITS[name],
    });
    limiters.set(name, limiter);
  }
  return limiter;
}

/**
 * Counts one attempt against the limit for `subject` (an account, an address, a user id). When the database
 * cannot count, the attempt is allowed: a limit is a brake, and Auth and Postgres keep their own.
 */
export async function spend(name: RateLimitName, subject: string, log: Logger): Promise<LimitOutcome> {
  try {
    await limiterFor(name).consume(await hashedKey(subject));
    return { allowed: true };
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) {
      log.warn("rate_limit.refused", { limit: name });
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
    }
    log.error("rate_limit.unavailable", { limit: name, ...describeError(refusal) });
    return { allowed: true };
  }
}

/** Clears the count for `subject`: a correct password ends the run of wrong ones. */
export async function forgive(name: RateLimitName, subject: string): Promise<void> {
  await limiterFor(name)
    .delete(await hashedKey(subject))
    .catch(() => {});
}

export const tooManyAttemptsMessage = (seconds: number) => `Too many attempts — try again in ${seconds} s.`;
