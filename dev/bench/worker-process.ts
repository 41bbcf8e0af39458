// The worker the worker benchmark runs and kills: server/worker/worker.ts (our pool, heartbeats and stale-worker
// recovery) with two bench tasks instead of the product's, against the bench's own database.
import { DEFAULT_WORKER_CONCURRENCY } from "../../server/lib/config";
import { createLogger } from "../../server/lib/logger";
import { startWorker } from "../../server/worker/worker";

const connectionString = process.env.DATABASE_URL ?? "";
const log = createLogger({ component: "bench-worker" }, "warn");
const worker = await startWorker({
  connectionString,
  concurrency: Number(process.env.WORKER_CONCURRENCY ?? DEFAULT_WORKER_CONCURRENCY),
  heartbeatMs: 300,
  staleAfterMs: 2_000,
  crontab: "",
  log,
  tasks: {
    // Pickup latency: how long after it was enqueued (clock of this machine) the job started.
    "bench-pickup": async (payload, helpers) => {
      const { n, enqueuedAt } = payload as { n: number; enqueuedAt: number };
      await helpers.query("insert into bench.pickups (n, ms) values ($1, $2) on conflict do nothing", [
        n,
        Date.now() - enqueuedAt,
      ]);
    },
    // An effect that must happen once per job however often the job runs, made idempotent the way our tasks are (look
    // first, then act) and not by a constraint, so a job run twice at once would show as a duplicate. Every run is
    // counted too, so the bench can say how many ran again after a kill.
    "bench-effect": async (payload, helpers) => {
      const { n } = payload as { n: number };
      await helpers.query("insert into bench.runs (n) values ($1)", [n]);
      await new Promise((resolve) => setTimeout(resolve, 2));
      await helpers.query("insert into bench.effects (n) select $1 where not exists (select 1 from bench.effects where n = $1)", [
        n,
      ]);
    },
  },
});
process.stdout.write('{"event":"worker.started"}\n');
process.once("SIGTERM", async () => {
  await worker.stop();
  process.exit(0);
});
await worker.done;
