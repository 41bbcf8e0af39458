import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import { parseCrontab, type Runner, run, type TaskList, type WorkerEvents } from "graphile-worker";
import postgres from "postgres";
import { describeError, type Logger } from "../lib/logger";
import { queueLogger } from "./queue-logger";

export interface WorkerSettings {
  /** A direct (session) connection: the queue listens for new jobs (LISTEN/NOTIFY). */
  connectionString: string;
  concurrency: number;
  heartbeatMs: number;
  staleAfterMs: number;
  tasks: TaskList;
  crontab: string;
  log: Logger;
}

export interface RunningWorker {
  /** Waits for the jobs in hand to finish, then stops. */
  stop(): Promise<void>;
  /** Resolves when the worker stops on its own (its connection lost for good). */
  done: Promise<void>;
}

/**
 * One worker process: graphile-worker's pool with our tasks and schedule, plus what the queue does not do itself.
 * Each worker in the pool writes a heartbeat; any worker that finds another's heartbeat stale (its process killed,
 * its machine gone) returns that worker's locked jobs to the queue at once, instead of after graphile-worker's
 * four-hour lock timeout. A job may therefore run twice: every task is idempotent.
 */
export async function startWorker(settings: WorkerSettings): Promise<RunningWorker> {
  const { log } = settings;
  const sql = postgres(settings.connectionString, {
    max: 2,
    onnotice: () => {},
    connection: { application_name: "frontdesk-worker" },
  });
  // What jobs are locked by: the pool's id (it fetches for its workers) and, for some paths, a worker's own.
  const workerIds = new Set<string>();
  const events: WorkerEvents = new EventEmitter();
  events.on("pool:create", ({ workerPool }) => workerIds.add(workerPool.id));
  events.on("worker:create", ({ worker }) => workerIds.add(worker.workerId));
  events.on("worker:release", ({ worker }) => workerIds.delete(worker.workerId));
  events.on("pool:listen:error", ({ error }) => log.warn("worker.listen_failed", describeError(error)));

  const beat = async () => {
    const ids = [...workerIds];
    if (ids.length > 0) {
      await sql`insert into app.worker_heartbeats (worker_id, host, pid) select unnest(${ids}::text[]), ${hostname()}, ${process.pid}
                on conflict (worker_id) do update set beat_at = now()`;
    }
    const stale = await sql<{ worker_id: string }[]>`
      delete from app.worker_heartbeats
      where beat_at < now() - make_interval(secs => ${settings.staleAfterMs / 1000}) and worker_id <> all (${ids}::text[])
      returning worker_id`;
    if (stale.length > 0) {
      await sql`select graphile_worker.force_unlock_workers(${stale.map((row) => row.worker_id)}::text[])`;
      log.warn("worker.unlocked_stale_workers", { workers: stale.length });
    }
  };
  let beating: Promise<void> = Promise.resolve();
  const heartbeat = setInterval(() => {
    beating = beat().catch((error: unknown) => log.warn("worker.heartbeat_failed", describeError(error)));
  }, settings.heartbeatMs);

  let runner: Runner;
  try {
    runner = await run({
      connectionString: settings.connectionString,
      concurrency: settings.concurrency,
      taskList: settings.tasks,
      parsedCronItems: parseCrontab(settings.crontab),
      noHandleSignals: true,
      pollInterval: 1_000,
      // The pool fetches a batch (one job ahead of its workers) instead of each worker asking on every new-job
      // notice: at hundreds of jobs a second that halves the queries and keeps pickup p95 in single-digit ms
      // (bench:worker). The batch is locked by the pool's id, which the heartbeat sweep unlocks if the pool dies.
      preset: { worker: { localQueue: { size: settings.concurrency + 1 } } },
      events,
      logger: queueLogger(log),
    });
  } catch (error) {
    clearInterval(heartbeat);
    await sql.end();
    throw error;
  }
  await beat();
  log.info("worker.started", { workers: workerIds.size, concurrency: settings.concurrency });

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      clearInterval(heartbeat);
      await beating;
      await runner.stop();
      await sql`delete from app.worker_heartbeats where worker_id = any (${[...workerIds]}::text[])`.catch(() => {});
      await sql.end();
      log.info("worker.stopped", {});
    })();
    return stopped;
  };
  const done = runner.promise.then(
    () => undefined,
    (error: unknown) => log.error("worker.failed", describeError(error)),
  );
  return { stop, done };
}
