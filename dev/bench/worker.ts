// `npm run bench:worker`: the job queue under load. (1) Pickup: jobs enqueued at 500/s, how long until each starts.
// (2) Exactly once: 10,000 jobs, each with a counted side effect, while the worker is SIGKILLed twice and restarted;
// every job's effect must exist exactly once. Durable commits, one worker process with the product's settings (WORKER_CONCURRENCY, default 4).
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { startCluster } from "../postgres/cluster";
import { prepareDatabase } from "../postgres/prepare";
import { pipeLines, spawnTypeScript, stopChild } from "../stack/child-processes";
import { freePort, ROOT } from "../stack/local-stack";
import { fmt, summarize } from "./latency";

const PICKUP_RATE = 500;
const PICKUP_SECONDS = Number(process.env.BENCH_PICKUP_SECONDS ?? 10);
const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);
const say = (line: string) => process.stdout.write(`${line}\n`);

const temp = await mkdtemp(path.join(tmpdir(), "frontdesk-bench-worker-"));
const cluster = await startCluster({ dataDir: path.join(temp, "postgres"), port: await freePort(), persistent: false });
await prepareDatabase(cluster.url, { seedDemo: false });
const sql = postgres(cluster.url, { max: 8, onnotice: () => {} });
await sql`create schema bench`;
await sql`create table bench.pickups (n integer primary key, ms integer not null)`;
// No unique key on purpose: a job whose effect happened twice shows as a duplicate.
await sql`create table bench.effects (n integer not null)`;
await sql`create index on bench.effects (n)`;
await sql`create table bench.runs (n integer not null)`;

function startBenchWorker(): Promise<ChildProcess> {
  const child = spawnTypeScript(ROOT, "dev/bench/worker-process.ts", {
    env: { ...process.env, DATABASE_URL: cluster.url },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    pipeLines(child.stdout, (line) => line.includes("worker.started") && resolve(child));
    pipeLines(child.stderr, (line) => process.stderr.write(`[worker] ${line}\n`));
    child.once("exit", (code) => reject(new Error(`bench worker exited with ${code}`)));
  });
}

const waitFor = async (check: () => Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
};

let worker = await startBenchWorker();
try {
  // (1) Pickup latency at 500 jobs/s, each job enqueued on its own as a transaction would. The first second warms
  // the connections and the code paths and is not counted (its p95 alone is ~100-150 ms, a cold start).
  const warmup = PICKUP_RATE;
  const pickups = warmup + PICKUP_RATE * PICKUP_SECONDS;
  const started = Date.now();
  const enqueues: Promise<unknown>[] = [];
  for (let n = 0; n < pickups; n++) {
    const due = started + (n * 1000) / PICKUP_RATE;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // execute(): a postgres.js query is sent when first awaited; this one must go now, not when Promise.all asks.
    enqueues.push(
      sql`select graphile_worker.add_job('bench-pickup', ${sql.json({ n, enqueuedAt: Date.now() })}::json)`.execute(),
    );
  }
  await Promise.all(enqueues);
  await waitFor(async () => (await sql<{ c: number }[]>`select count(*)::int as c from bench.pickups`)[0]?.c === pickups, 60_000);
  const latencies = (await sql<{ ms: number }[]>`select ms from bench.pickups where n >= ${warmup}`).map((row) => row.ms);
  const pickup = summarize(latencies);
  say(
    `pickup at ${PICKUP_RATE}/s: ${pickup.runs} jobs after a second's warm-up, p50 ${fmt(pickup.p50)} ms p95 ${fmt(pickup.p95)} ms p99 ${fmt(pickup.p99)} ms`,
  );

  // (2) 10,000 jobs, two SIGKILLs mid-run.
  for (let from = 0; from < JOBS; from += 1000) {
    const specs = Array.from({ length: Math.min(1000, JOBS - from) }, (_, i) => ({
      identifier: "bench-effect",
      payload: { n: from + i },
    }));
    await sql`select graphile_worker.add_jobs(array(
                select row(s ->> 'identifier', s -> 'payload', null, null, 25, null, null, null)::graphile_worker.job_spec
                from jsonb_array_elements(${sql.json(specs)}) s))`;
  }
  const effectsSoFar = async () => (await sql<{ c: number }[]>`select count(distinct n)::int as c from bench.effects`)[0]?.c ?? 0;
  const killStarted = Date.now();
  for (const share of [0.3, 0.6]) {
    await waitFor(async () => (await effectsSoFar()) >= JOBS * share, 120_000);
    worker.kill("SIGKILL");
    await new Promise((resolve) => worker.once("exit", resolve));
    say(`killed the worker (SIGKILL) at ${await effectsSoFar()} effects; restarting it`);
    worker = await startBenchWorker();
  }
  const finished = await waitFor(
    async () =>
      (await effectsSoFar()) === JOBS &&
      (await sql<{ c: number }[]>`select count(*)::int as c from graphile_worker.jobs where task_identifier = 'bench-effect'`)[0]
        ?.c === 0,
    180_000,
  );
  const [counts] = await sql<{ effects: number; duplicated: number; reruns: number }[]>`
    select (select count(distinct n) from bench.effects)::int as effects,
           (select count(*) - count(distinct n) from bench.effects)::int as duplicated,
           (select count(*) - count(distinct n) from bench.runs)::int as reruns`;
  const effects = counts?.effects ?? 0;
  say(
    `exactly once: ${JOBS} jobs, ${effects} effects in ${((Date.now() - killStarted) / 1000).toFixed(1)} s with 2 kills; ` +
      `${counts?.reruns ?? 0} runs were repeats after a kill${finished ? "" : "; DID NOT FINISH"}`,
  );
  say("targets: pickup p95 ≤ 50 ms, every job's effect exactly once");
  say(
    `pickup_p50_ms=${fmt(pickup.p50)} pickup_p95_ms=${fmt(pickup.p95)} jobs=${JOBS} effects=${effects} ` +
      `duplicates=${counts?.duplicated ?? 0} lost=${JOBS - effects}`,
  );
} finally {
  await stopChild(worker);
  await sql.end();
  await cluster.stop();
  await rm(temp, { recursive: true, force: true });
}
