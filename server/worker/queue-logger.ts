import { Logger as GraphileLogger, type LogFunctionFactory } from "graphile-worker";
import type { Logger } from "../lib/logger";

/**
 * graphile-worker's log lines as ours (JSON, one per line). Its messages name jobs by id and task and quote our
 * tasks' errors, which say what failed and never whose data (server/worker/tasks).
 */
export function queueLogger(log: Logger): GraphileLogger {
  const factory: LogFunctionFactory = (scope) => (level, message) => {
    const fields = { label: scope.label, workerId: scope.workerId, task: scope.taskIdentifier, jobId: scope.jobId };
    if (level === "error") log.error("worker.queue", { ...fields, message });
    else if (level === "warning") log.warn("worker.queue", { ...fields, message });
    else if (level === "info") log.info("worker.queue", { ...fields, message });
    else log.debug("worker.queue", { ...fields, message });
  };
  return new GraphileLogger(factory);
}
