import { z } from "zod";

/** The closed set of ways a service or procedure can fail; the UI switches on these. */
const FAILURE_CODES = [
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "VALIDATION",
  "CONFLICT",
  "DB_ERROR",
  "PROVIDER_ERROR",
  "RATE_LIMITED",
  "WINDOW_CLOSED",
  "UNKNOWN",
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

export interface FailureDetails {
  /** Field path (dot-separated) → messages, for `VALIDATION`. */
  fieldErrors?: Record<string, string[]>;
  requestId?: string;
  /** `RATE_LIMITED`: when to try again. */
  retryAfterSeconds?: number;
}

export interface AppFailure {
  code: FailureCode;
  message: string;
  details?: FailureDetails;
  retryable?: boolean;
}

export type Result<T> = { success: true; data: T } | { success: false; error: AppFailure };

export function ok<T>(data: T): Result<T> {
  return { success: true, data };
}

export function fail(code: FailureCode, message: string, extra?: Omit<AppFailure, "code" | "message">): Result<never> {
  return { success: false, error: { code, message, ...extra } };
}

/** A VALIDATION failure naming the one field it is about. */
export function fieldFailure(field: string, message: string): Result<never> {
  return fail("VALIDATION", message, { details: { fieldErrors: { [field]: [message] } } });
}

/** Thrown inside the tRPC layer only, where a middleware must stop a call; the router boundary turns it back into a Result. */
export class AppFailureError extends Error {
  constructor(readonly failure: AppFailure) {
    super(failure.message);
    this.name = "AppFailureError";
  }
}

const appFailureSchema = z.object({
  code: z.enum(FAILURE_CODES),
  message: z.string(),
  details: z
    .object({
      fieldErrors: z.record(z.string(), z.array(z.string())).optional(),
      requestId: z.string().optional(),
      retryAfterSeconds: z.number().int().positive().optional(),
    })
    .optional(),
  retryable: z.boolean().optional(),
});

/** Output schema for a procedure whose data has the given shape. */
export function resultOf<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion("success", [
    z.object({ success: z.literal(true), data }),
    z.object({ success: z.literal(false), error: appFailureSchema }),
  ]);
}

/** Field errors keyed by dot path, from Zod or any Standard Schema issue list. */
export function fieldErrorsFrom(
  issues: ReadonlyArray<{ path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>; message: string }>,
): Record<string, string[]> {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of issues) {
    const key =
      (issue.path ?? []).map((segment) => String(typeof segment === "object" ? segment.key : segment)).join(".") || "_root";
    fieldErrors[key] ??= [];
    fieldErrors[key].push(issue.message);
  }
  return fieldErrors;
}
