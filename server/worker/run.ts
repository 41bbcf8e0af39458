// `npm run worker`: one worker process (any number may run, on any Node host with a direct database connection).
import { closeDatabase } from "../db/client";
import { config, workerDatabaseUrl } from "../lib/config";
import { logger } from "../lib/logger";
import { installQueueSchema } from "./queue-schema";
import { FRONTDESK_CRONTAB, frontdeskTasks } from "./task-list";
import { startWorker } from "./worker";

const log = logger.child({ component: "worker" });

if (process.argv.includes("--migrate-only")) {
  await installQueueSchema(workerDatabaseUrl(config()), log);
  log.info("worker.queue_schema_installed", {});
  process.exit(0);
}

const worker = await startWorker({
  connectionString: workerDatabaseUrl(config()),
  concurrency: config().WORKER_CONCURRENCY,
  heartbeatMs: config().WORKER_HEARTBEAT_MS,
  staleAfterMs: config().WORKER_STALE_AFTER_MS,
  tasks: frontdeskTasks(log),
  crontab: FRONTDESK_CRONTAB,
  log,
});

// SIGTERM (a deploy): the jobs in hand finish, then the process exits; a job cut off by SIGKILL runs again elsewhere.
let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, async () => {
    stopping = true;
    log.info("worker.stopping", { signal });
    await worker.stop();
    await closeDatabase();
    process.exit(0);
  });
}
await worker.done;
// Stopped without being asked (the database gone for good): exit non-zero so the supervisor starts another.
if (!stopping) {
  await closeDatabase();
  process.exit(1);
}
