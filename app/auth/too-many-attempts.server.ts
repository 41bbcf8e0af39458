import { tooManyAttemptsMessage } from "../../server/lib/rate-limits";

/** How an auth form answers a spent limit: 429, when to try again, and the Retry-After header that says so too. */
export const tooManyAttempts = (seconds: number) => ({
  ok: false as const,
  status: 429 as const,
  message: tooManyAttemptsMessage(seconds),
  headers: new Headers({ "Retry-After": String(seconds) }),
});
