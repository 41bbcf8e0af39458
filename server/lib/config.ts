import { existsSync } from "node:fs";
import { z } from "zod";

/** Jobs a worker process runs at once unless WORKER_CONCURRENCY says otherwise (bench:worker measures with it). */
export const DEFAULT_WORKER_CONCURRENCY = 4;

/** Meta's Graph API; locally the simulator (LOCAL_DEFAULTS.META_GRAPH_URL), which the local stack names itself. */
export const META_GRAPH_API_URL = "https://graph.facebook.com";

/** The local stack's values (see .env.example). Production refuses to start while any of them is in use. */
export const LOCAL_DEFAULTS = {
  SUPABASE_URL: "http://127.0.0.1:54321",
  DATABASE_URL: "postgresql://postgres:postgres@127.0.0.1:54322/postgres",
  DATABASE_API_URL: "postgresql://frontdesk_api:frontdesk-api-local@127.0.0.1:54322/postgres",
  META_APP_ID: "1517776481860111",
  META_APP_SECRET: "test-app-secret",
  META_VERIFY_TOKEN: "frontdesk-local-verify-token",
  META_GRAPH_URL: "http://127.0.0.1:54330",
  META_GRAPH_VERSION: "v25.0",
  TOKEN_ENCRYPTION_KEYS: "local1:ZnJvbnRkZXNrLWxvY2FsLWRldi1rZXktMzItYnl0ZXM=",
  DEMO_PASSWORD: "frontdesk-demo",
  APP_URL: "http://127.0.0.1:3000",
} as const;

/** Where `npm start` writes the local stack's settings, so `npm run doctor` on the same machine can check it. */
export const LOCAL_STACK_ENV_FILE = ".local/stack.env";

/** What production may not run with: the local stack's value of each, or (URLs) this machine's address. */
const LOCAL_ONLY = [
  "DATABASE_URL",
  "DATABASE_API_URL",
  "META_APP_ID",
  "META_APP_SECRET",
  "META_VERIFY_TOKEN",
  "TOKEN_ENCRYPTION_KEYS",
  "APP_URL",
  "SUPABASE_URL",
  "META_GRAPH_URL",
] as const;
const PUBLIC_URLS = ["APP_URL", "SUPABASE_URL", "META_GRAPH_URL"] as const;
const LOOPBACK = /^(localhost|127(\.\d+){3}|\[::1\]|0\.0\.0\.0)$/;

/** Whether a URL's host is this machine (what production URLs must not be, and TLS is not needed for). */
export const isLoopbackHost = (hostname: string) => LOOPBACK.test(hostname);

const configSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /** Set by `npm start` and the tests: the local stack's default secrets are expected there. Never in a deploy. */
  FRONTDESK_LOCAL_STACK: z.literal("1").optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /**
   * Which proxies' X-Forwarded-For to believe for the client's IP (Express's `trust proxy`): unset or "false" when
   * browsers reach the app directly, a hop count ("1") behind one load balancer, or addresses/subnets
   * ("loopback, 10.0.0.0/8"). Believing a header no proxy of ours wrote would let anyone pick their IP.
   */
  TRUST_PROXY: z
    .string()
    .default("false")
    .transform((value): boolean | number | string =>
      value === "false" ? false : value === "true" ? true : /^\d+$/.test(value) ? Number(value) : value,
    ),
  /**
   * Whether people may sign up and found a gym here ("open"), or only join one they are invited to ("invite-only").
   * Turn Auth's own sign-ups off too for invite-only (`npm run doctor` checks the two agree).
   */
  SIGNUP: z.enum(["open", "invite-only"]).default("open"),
  /** Where browsers reach this app: Meta's OAuth dialog sends admins back to `${APP_URL}/settings/channels/callback`. */
  APP_URL: z.url().default(LOCAL_DEFAULTS.APP_URL),
  SUPABASE_URL: z.url().default(LOCAL_DEFAULTS.SUPABASE_URL),
  SUPABASE_ANON_KEY: z.string().min(1, "SUPABASE_ANON_KEY is required (npm start provides a local one)"),
  /** Server-side only, for operator commands that create Auth users (`npm run workspace:create`). */
  SUPABASE_SERVICE_ROLE_KEY: z.preprocess((value) => (value === "" ? undefined : value), z.string().min(1).optional()),
  /** HS256 projects; when absent, access tokens are verified against the project's JWKS. */
  SUPABASE_JWT_SECRET: z.string().min(32).optional(),
  DATABASE_URL: z.string().min(1).default(LOCAL_DEFAULTS.DATABASE_URL),
  /** Login role for user requests: it can only become `authenticated` (see the first migration). */
  DATABASE_API_URL: z.string().min(1).default(LOCAL_DEFAULTS.DATABASE_API_URL),
  /**
   * The worker's queue connection, which LISTENs for new jobs: a session connection (direct, or the session pooler),
   * never the transaction pooler. Unset, DATABASE_URL (which may then be the transaction pooler for everything else).
   */
  WORKER_DATABASE_URL: z.string().min(1).optional(),
  /** Connections per pool (a process has two: DATABASE_URL's and DATABASE_API_URL's); mind the plan's limit. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  META_APP_ID: z.string().min(1).default(LOCAL_DEFAULTS.META_APP_ID),
  META_APP_SECRET: z.string().min(1).default(LOCAL_DEFAULTS.META_APP_SECRET),
  META_VERIFY_TOKEN: z.string().min(1).default(LOCAL_DEFAULTS.META_VERIFY_TOKEN),
  META_GRAPH_URL: z.url().default(META_GRAPH_API_URL),
  /** Meta's OAuth dialog host: www.facebook.com beside graph.facebook.com; the simulator serves both locally. */
  META_OAUTH_DIALOG_URL: z.url().optional(),
  /** How long a Graph API call may take before it counts as unanswered. */
  META_GRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  META_GRAPH_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default(LOCAL_DEFAULTS.META_GRAPH_VERSION),
  /** Jobs one worker process runs at once (`npm run worker`); run more processes for more. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(DEFAULT_WORKER_CONCURRENCY),
  /** How often a worker says it is alive, and after how long without a word its jobs go back to the queue. */
  WORKER_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  WORKER_STALE_AFTER_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  /** Retention (the remove-expired job, hourly): processed raw webhooks, parked receipts, finished connect attempts. */
  WEBHOOK_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  RECEIPT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
  CONNECT_ATTEMPT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(1),
  /** Staff uploads no reply was sent with are removed after this long. */
  OUTBOUND_UPLOAD_RETENTION_HOURS: z.coerce.number().int().min(1).max(87_600).default(24),
  TOKEN_ENCRYPTION_KEYS: z
    .string()
    .regex(/^[\w-]+:[A-Za-z0-9+/]{43}=(,[\w-]+:[A-Za-z0-9+/]{43}=)*$/, "keyId:base64(32 bytes), comma-separated")
    .default(LOCAL_DEFAULTS.TOKEN_ENCRYPTION_KEYS),
});

export type Config = z.infer<typeof configSchema>;

export function parseConfig(env: Record<string, string | undefined>): Config {
  const { config, invalid, unfitForProduction } = checkConfig(env);
  if (!config) throw new Error(`Invalid configuration:\n  ${invalid.join("\n  ")}`);
  if (config.NODE_ENV === "production" && !config.FRONTDESK_LOCAL_STACK && unfitForProduction.length > 0) {
    throw new Error(`Refusing to start in production:\n  ${unfitForProduction.join("\n  ")}`);
  }
  return config;
}

/**
 * The settings parsed, or what is invalid, one line per setting; and what would be wrong in production (the local
 * stack's values, this machine's URLs) whatever NODE_ENV says: `npm run doctor` reports both.
 */
export function checkConfig(env: Record<string, string | undefined>): {
  config?: Config;
  invalid: string[];
  unfitForProduction: string[];
} {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    return { invalid: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`), unfitForProduction: [] };
  }
  return { config: parsed.data, invalid: [], unfitForProduction: productionProblems(parsed.data) };
}

/** One line per setting that only the local stack may use, naming it and saying why. */
function productionProblems(config: Config): string[] {
  const problems = LOCAL_ONLY.filter((name) => config[name] === LOCAL_DEFAULTS[name]).map(
    (name) => `${name} has the local stack's value; set this deployment's own`,
  );
  for (const name of PUBLIC_URLS) {
    if (config[name] !== LOCAL_DEFAULTS[name] && LOOPBACK.test(new URL(config[name]).hostname)) {
      problems.push(`${name} points at this machine (${new URL(config[name]).host}); browsers and Meta cannot reach it`);
    }
  }
  return problems;
}

/** The worker's queue connection: WORKER_DATABASE_URL, else DATABASE_URL. */
export const workerDatabaseUrl = (config: Config): string => config.WORKER_DATABASE_URL ?? config.DATABASE_URL;

let cached: Config | undefined;

/**
 * Settings from `.env` in the working directory, beneath the environment's: a variable set in both keeps the
 * environment's value. The local stack's processes skip it (FRONTDESK_LOCAL_STACK): their settings are the stack's.
 */
export function loadEnvFile(file = ".env"): void {
  if (process.env.FRONTDESK_LOCAL_STACK || !existsSync(file)) return;
  process.loadEnvFile(file);
}

/** The process configuration (the environment, then `.env`), parsed once on first use. */
export function config(): Config {
  if (!cached) {
    loadEnvFile();
    cached = parseConfig(process.env);
  }
  return cached;
}
