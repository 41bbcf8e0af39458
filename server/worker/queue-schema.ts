import { runMigrations } from "graphile-worker";
import type { Logger } from "../lib/logger";
import { queueLogger } from "./queue-logger";

/**
 * Installs or updates graphile-worker's schema (`graphile_worker`). Our migrations' triggers enqueue into it, so it
 * is installed before them: by dev/postgres/prepare.ts locally, by `npm run worker:migrate` (or any worker's
 * start) on a host.
 */
export async function installQueueSchema(connectionString: string, log: Logger): Promise<void> {
  await runMigrations({ connectionString, logger: queueLogger(log) });
}
