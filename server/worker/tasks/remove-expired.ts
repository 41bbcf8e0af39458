import type { Task } from "graphile-worker";
import { asService } from "../../db/client";
import { config } from "../../lib/config";
import type { Logger } from "../../lib/logger";

const BATCH = 5_000;

/**
 * Hourly retention: processed and unroutable raw webhooks after WEBHOOK_RETENTION_DAYS (30), receipts parked for a
 * message that never came after RECEIPT_RETENTION_DAYS (7), finished connect attempts after
 * CONNECT_ATTEMPT_RETENTION_DAYS (1). In batches, so no transaction holds many rows; each run logs what went.
 */
export function removeExpiredTask(log: Logger): Task {
  return async () => {
    const removed = { webhooks: 0, receipts: 0, attempts: 0 };
    for (;;) {
      const [batch] = await asService(
        (tx) => tx<{ webhooks: number; receipts: number; attempts: number }[]>`
          select * from app.remove_expired(${config().WEBHOOK_RETENTION_DAYS}, ${config().RECEIPT_RETENTION_DAYS},
                                           ${config().CONNECT_ATTEMPT_RETENTION_DAYS}, ${BATCH})`,
      );
      if (!batch) break;
      removed.webhooks += batch.webhooks;
      removed.receipts += batch.receipts;
      removed.attempts += batch.attempts;
      if (batch.webhooks < BATCH && batch.receipts < BATCH && batch.attempts < BATCH) break;
    }
    log.info("retention.removed", removed);
  };
}
