// `npm start`: the whole product on this machine — Postgres, the Supabase stand-in (Auth, Edge Functions under Deno),
// the worker, the app — or, when SUPABASE_URL names another project (environment, then `.env`), the app and a worker
// against it, on the given HOST, PORT and APP_URL, checked like production would check them.
import { spawn } from "node:child_process";
import { readdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { LOCAL_DEFAULTS, LOCAL_STACK_ENV_FILE, loadEnvFile, parseConfig } from "../server/lib/config";
import { DEMO_FACEBOOK_USER } from "./meta/accounts";
import { startDemoMembers } from "./meta/demo-members";
import { type SimulatedSend, startMetaSimulator } from "./meta/simulator";
import { pipeLines } from "./stack/child-processes";
import { type LocalStack, ROOT, startApp, startLocalStack, startWorkerProcess } from "./stack/local-stack";

const startedAt = Date.now();
const COLORS = { postgres: 34, supabase: 32, functions: 35, app: 36, worker: 94, build: 33, meta: 31, start: 1 } as const;
const quietPostgres =
  /^(\s*$|.*(LOG:\s+(checkpoint|database system|listening|redirecting|starting|received|aborting|background|shutting)))/;

function log(source: string, line: string) {
  if (source === "postgres" && quietPostgres.test(line)) return;
  const color = COLORS[source as keyof typeof COLORS] ?? 0;
  process.stdout.write(`\x1b[${color}m${source.padEnd(9)}\x1b[0m│ ${line}\n`);
}

async function newestMtime(target: string): Promise<number> {
  const info = await stat(target).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(target);
  const times = await Promise.all(entries.map((entry) => newestMtime(path.join(target, entry))));
  return Math.max(info.mtimeMs, ...times);
}

/** Builds the app only when sources changed since the last build, so restarts stay fast. */
async function buildAppIfStale(): Promise<void> {
  const sources = ["app", "server", "remix.config.js", "tailwind.config.ts", "package.json"];
  const newestSource = Math.max(...(await Promise.all(sources.map((source) => newestMtime(path.join(ROOT, source))))));
  if (newestSource < (await newestMtime(path.join(ROOT, "build/index.js")))) return;
  log("build", "building the app (remix build)…");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "build"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [child.stdout, child.stderr]) pipeLines(stream, (line) => log("build", line));
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`remix build failed with code ${code}`))));
  });
}

let stack: LocalStack | undefined;
let app: Awaited<ReturnType<typeof startApp>> | undefined;
let worker: Awaited<ReturnType<typeof startWorkerProcess>> | undefined;
let meta: Awaited<ReturnType<typeof startMetaSimulator>> | undefined;
let stopDemo: (() => void) | undefined;
/** Where the simulator reports a reply Meta accepted: the demo members, once they exist. */
let replyReached: (send: SimulatedSend) => void = () => {};

async function shutdown(reason: string, exitCode: number) {
  log("start", `${reason}: stopping…`);
  stopDemo?.();
  await meta?.stop();
  await app?.stop();
  await worker?.stop();
  await stack?.stop();
  process.exit(exitCode);
}

async function main() {
  loadEnvFile();
  const hosted = Boolean(process.env.SUPABASE_URL) && process.env.SUPABASE_URL !== LOCAL_DEFAULTS.SUPABASE_URL;
  // Hosted settings are checked before anything starts, so a wrong one is one clear message, not a crash loop.
  const settings = hosted ? parseConfig({ ...process.env, NODE_ENV: process.env.NODE_ENV ?? "production" }) : undefined;
  const port = settings?.PORT ?? Number(process.env.PORT ?? 3000);
  // Hosted, the app listens on every interface unless HOST says otherwise; locally only on loopback (startApp).
  const hostedHost = process.env.HOST ?? "0.0.0.0";
  const demoPassword = process.env.DEMO_PASSWORD || "frontdesk-demo";
  process.once("SIGINT", () => void shutdown("SIGINT", 0));
  process.once("SIGTERM", () => void shutdown("SIGTERM", 0));

  const build = buildAppIfStale();
  if (!hosted) {
    stack = await startLocalStack({
      stateDir: path.join(ROOT, ".local"),
      persistent: true,
      postgresPort: 54322,
      gatewayPort: 54321,
      // Where the Supabase CLI's local stack has its mail catcher (Inbucket/Mailpit): web 54324, SMTP 54325.
      mailPorts: { web: 54324, smtp: 54325 },
      appUrl: `http://127.0.0.1:${port}`,
      seedDemo: true,
      demoPassword,
      log,
    });
    for (const file of stack.database.migrationsApplied) log("postgres", `applied migration ${file}`);
    if (stack.database.seeded) log("postgres", "seeded the demo workspaces");
    const stackEnv = Object.entries(stack.env).map(([name, value]) => `${name}=${value}`);
    await writeFile(path.join(ROOT, LOCAL_STACK_ENV_FILE), `${stackEnv.join("\n")}\n`, { mode: 0o600 });
    meta = await startMetaSimulator({
      port: Number(new URL(LOCAL_DEFAULTS.META_GRAPH_URL).port),
      onSend: (send) => replyReached(send),
      webhooks: { url: `${stack.supabaseUrl}/functions/v1/meta-webhook`, appSecret: LOCAL_DEFAULTS.META_APP_SECRET },
    });
  }
  worker = await startWorkerProcess({
    // Locally a killed worker's jobs go back to the queue within 10 s, and it trusts the simulator's https CDN.
    env: stack
      ? { ...stack.env, WORKER_STALE_AFTER_MS: "10000", ...(meta ? { NODE_EXTRA_CA_CERTS: meta.cdnCaFile } : {}) }
      : { NODE_ENV: settings?.NODE_ENV ?? "production" },
    log,
  });
  await build;
  app = settings
    ? await startApp({
        port,
        host: hostedHost,
        url: settings.APP_URL,
        env: { NODE_ENV: settings.NODE_ENV },
        log,
      })
    : await startApp({ port, env: stack?.env ?? {}, log });

  if (stack && meta && process.env.DEMO_TRAFFIC !== "off") {
    const members = startDemoMembers({
      webhookUrl: `${stack.supabaseUrl}/functions/v1/meta-webhook`,
      metaUrl: meta.url,
      appSecret: LOCAL_DEFAULTS.META_APP_SECRET,
      everyMs: 6_000,
      onLog: (line) => log("meta", line),
    });
    replyReached = members.received;
    stopDemo = members.stop;
  }

  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  const lines = [
    "",
    `Frontdesk is ready in ${seconds} s → ${app.url}`,
    ...(stack
      ? [
          `  Sign in:   admin@irontemple.test / ${demoPassword}   (admin, Iron Temple Gym)`,
          `             coach@irontemple.test / ${demoPassword}   (agent, Iron Temple Gym)`,
          `             admin@harboryoga.test / ${demoPassword}   (admin, Harbor Yoga Studio)`,
          `  Sign up:   ${app.url}/signup   (its confirmation email arrives in the mail catcher)`,
          `  Mail:      ${stack.mailUrl}   (every email Auth sends: sign-up confirmations)`,
          "  Doctor:    npm run doctor   (checks this stack end to end, as it would a deployment)",
          `  Supabase:  ${stack.supabaseUrl}   (Auth, Realtime, Edge Functions)`,
          `  Webhook:   ${stack.supabaseUrl}/functions/v1/meta-webhook`,
          `  Postgres:  ${stack.superuserUrl}`,
          "  Worker:    running (npm run worker); its queue and heartbeat: Settings → Health",
          `  Meta:      ${meta?.url} (Graph API simulator; simulated members write every 6 s, DEMO_TRAFFIC=off stops them)`,
          `  Channels:  Settings → Channels: "Connect with Facebook" logs in as ${DEMO_FACEBOOK_USER.name} (README → Connecting channels)`,
        ]
      : [
          `  Listening: ${hostedHost}:${port}   (NODE_ENV=${settings?.NODE_ENV})`,
          `  Supabase:  ${settings?.SUPABASE_URL}`,
          "  Worker:    running (npm run worker); its queue and heartbeat: Settings → Health",
        ]),
    "  Ctrl-C stops everything.",
    "",
  ];
  for (const line of lines) log("start", line);
}

main().catch((error: unknown) => shutdown(`failed: ${error instanceof Error ? error.message : String(error)}`, 1));
