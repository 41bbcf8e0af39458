/**
 * Structured JSON logs, one object per line. Callers pass identifiers and outcomes only:
 * never message text, tokens or personal data.
 */
type Level = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(base: LogFields = {}, minLevel?: Level): Logger {
  const write = (level: Level, event: string, fields?: LogFields) => {
    if (LEVELS[level] < LEVELS[minLevel ?? readLevel()]) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...base, ...fields });
    (level === "error" || level === "warn" ? process.stderr : process.stdout).write(`${line}\n`);
  };
  return {
    debug: (event, fields) => write("debug", event, fields),
    info: (event, fields) => write("info", event, fields),
    warn: (event, fields) => write("warn", event, fields),
    error: (event, fields) => write("error", event, fields),
    child: (fields) => createLogger({ ...base, ...fields }, minLevel),
  };
}

function readLevel(): Level {
  const level = process.env.LOG_LEVEL;
  return level === "debug" || level === "info" || level === "warn" || level === "error" ? level : "info";
}

/** Error class and Postgres error code only: messages can quote user data. */
export function describeError(error: unknown): LogFields {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { errorName: error.name, errorCode: typeof code === "string" ? code : undefined };
  }
  return { errorName: typeof error };
}

export const logger = createLogger({ service: "frontdesk" });
