import type { Config } from "../lib/config";

/** What one check found: fine (with what it saw), or the problem and how to fix it. */
export type Finding = { ok: true; detail: string } | { ok: false; problem: string; fix: string };

export interface DoctorContext {
  config: Config;
  /** Settings the app's config does not parse: the edge function's and the worker's own. */
  env: Record<string, string | undefined>;
  /** supabase/migrations, to compare with what the database has applied. */
  migrationsDir: string;
}

export interface Check {
  name: string;
  run(context: DoctorContext): Promise<Finding>;
}

export const fine = (detail: string): Finding => ({ ok: true, detail });
export const wrong = (problem: string, fix: string): Finding => ({ ok: false, problem, fix });

/** A connection or HTTP error as one short phrase: its code and first line, never a URL's password. */
export function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: { code?: unknown } }).cause?.code;
  const message = error.message.split("\n")[0]?.replace(/\/\/[^@/\s]*@/g, "//…@") ?? "";
  return [typeof code === "string" ? code : typeof cause === "string" ? cause : null, message].filter(Boolean).join(": ");
}
