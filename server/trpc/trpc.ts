import { initTRPC, type TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { UserClaims } from "../db/client";
import { verifyAccessToken } from "../lib/access-tokens";
import { describeError, type Logger, logger } from "../lib/logger";
import { spend, tooManyAttemptsMessage } from "../lib/rate-limits";
import { type AppFailure, AppFailureError, fieldErrorsFrom } from "../lib/result";

// ── context ────────────────────────────────────────────────────────────────────
export interface Context {
  requestId: string;
  claims: UserClaims | null;
  /** The verified token itself, for the one call that acts as the user outside Postgres (the live-updates probe). */
  accessToken: string | null;
  log: Logger;
  /** Set when a call was refused by the per-user limit: the HTTP answer becomes 429 with Retry-After. */
  refusedFor: { retryAfterSeconds: number | null };
}

/** `accessToken` comes from the Supabase session cookie or an `Authorization: Bearer` header. */
export async function createContext(input: { accessToken: string | null; requestId: string }): Promise<Context> {
  const log = logger.child({ requestId: input.requestId });
  const refusedFor = { retryAfterSeconds: null };
  if (!input.accessToken) return { requestId: input.requestId, claims: null, accessToken: null, log, refusedFor };
  const check = await verifyAccessToken(input.accessToken);
  if (!check.valid) log.info("auth.token_rejected", { reason: check.reason });
  return check.valid
    ? { requestId: input.requestId, claims: check.claims, accessToken: input.accessToken, log, refusedFor }
    : { requestId: input.requestId, claims: null, accessToken: null, log, refusedFor };
}

/** The most calls one HTTP request may batch; the browser's link is typed to the same number (app/trpc.ts). */
export const TRPC_MAX_BATCH_SIZE = 10;

// ── init ───────────────────────────────────────────────────────────────────────
const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Failures travel as Results; anything that still escapes is reduced to its code, never a stack.
  errorFormatter: ({ shape }) => ({ code: shape.code, message: shape.message, data: { code: shape.data.code } }),
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

// ── procedures ─────────────────────────────────────────────────────────────────
/**
 * Turns whatever stops a call — invalid input, a failed guard, an unexpected exception — into a
 * `{ success: false, error }` Result, so every procedure answers with the same contract.
 */
const resultBoundary = t.middleware(async ({ ctx, path, next }) => {
  const result = await next();
  if (result.ok) return result;
  const failure = toFailure(result.error, ctx, path);
  return { ok: true as const, data: { success: false as const, error: failure }, marker: result.marker };
});

function toFailure(error: TRPCError, ctx: Context, path: string): AppFailure {
  if (error.cause instanceof AppFailureError) return error.cause.failure;
  const issues = (error.cause as { issues?: unknown } | undefined)?.issues;
  if (error.code === "BAD_REQUEST" && Array.isArray(issues)) {
    const fieldErrors = fieldErrorsFrom(issues);
    // The message names the first problem, so a form without a place for a field's error still says what is wrong.
    const first = Object.values(fieldErrors)[0]?.[0];
    return { code: "VALIDATION", message: first ?? "Some fields are not valid.", details: { fieldErrors } };
  }
  ctx.log.error("trpc.unexpected_error", { path, trpcCode: error.code, ...describeError(error.cause ?? error) });
  return { code: "UNKNOWN", message: "Something went wrong. Try again.", details: { requestId: ctx.requestId } };
}

const publicProcedure = t.procedure.use(resultBoundary);

export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  if (!ctx.claims) {
    throw new AppFailureError({ code: "UNAUTHORIZED", message: "Your session has ended. Sign in again." });
  }
  const limit = await spend("apiPerUser", ctx.claims.sub, ctx.log);
  if (!limit.allowed) {
    ctx.refusedFor.retryAfterSeconds = limit.retryAfterSeconds;
    throw new AppFailureError({
      code: "RATE_LIMITED",
      message: tooManyAttemptsMessage(limit.retryAfterSeconds),
      retryable: true,
      details: { retryAfterSeconds: limit.retryAfterSeconds },
    });
  }
  return next({ ctx: { ...ctx, claims: ctx.claims, accessToken: ctx.accessToken ?? "" } });
});
