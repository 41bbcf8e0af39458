import { readFileSync } from "node:fs";
import path from "node:path";
import { asService, databaseStatus } from "../db/client";

/** How long after its last heartbeat a worker still counts as running (it beats every WORKER_HEARTBEAT_MS). */
const WORKER_SILENT_AFTER_SECONDS = 60;
const startedAt = Date.now();
const version = (() => {
  try {
    return (JSON.parse(readFileSync(path.resolve("package.json"), "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
})();

export interface SystemHealth {
  status: "ok" | "degraded" | "down";
  database: Awaited<ReturnType<typeof databaseStatus>>;
  /** "ok": a worker beat within the last minute; "silent": none did (jobs wait); "unknown": the database is down. */
  worker: { status: "ok" | "silent" | "unknown"; lastBeatAt: Date | null };
  version: string;
  uptimeSeconds: number;
}

/** For /healthz: down without the database, degraded without a worker (the inbox works, background work waits). */
export async function systemHealth(): Promise<SystemHealth> {
  const database = await databaseStatus();
  let worker: SystemHealth["worker"] = { status: "unknown", lastBeatAt: null };
  if (database.reachable) {
    const [row] = await asService(
      (tx) => tx<{ beat_at: Date | null; recent: boolean | null }[]>`
        select max(beat_at) as beat_at, max(beat_at) > now() - make_interval(secs => ${WORKER_SILENT_AFTER_SECONDS}) as recent
        from app.worker_heartbeats`,
    ).catch(() => [undefined]);
    worker = { status: row?.recent ? "ok" : "silent", lastBeatAt: row?.beat_at ?? null };
  }
  return {
    status: !database.reachable ? "down" : worker.status === "ok" ? "ok" : "degraded",
    database,
    worker,
    version,
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
  };
}
