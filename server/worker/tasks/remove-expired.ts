import type { Task } from "graphile-worker";
import { asService } from "../../db/client";
import { config } from "../../lib/config";
import type { Logger } from "../../lib/logger";
import { removeAttachments } from "../../services/attachment-storage";

const BATCH = 5_000;
/** Storage removes up to 1,000 objects per call. */
const UPLOAD_BATCH = 1_000;

/**
 * Hourly retention: processed and unroutable raw webhooks after WEBHOOK_RETENTION_DAYS (30), receipts parked for a
 * message that never came after RECEIPT_RETENTION_DAYS (7), finished connect attempts after
 * CONNECT_ATTEMPT_RETENTION_DAYS (1), staff uploads no reply was sent with after OUTBOUND_UPLOAD_RETENTION_HOURS (24),
 * through the Storage API. In batches, so no transaction holds many rows; each run logs what went.
 */
export function removeExpiredTask(log: Logger): Task {
  return async () => {
    const removed = { webhooks: 0, receipts: 0, attempts: 0, uploads: 0 };
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
    for (;;) {
      const abandoned = await asService(
        (tx) => tx<{ name: string }[]>`
          select app.abandoned_outbound_uploads(make_interval(hours => ${config().OUTBOUND_UPLOAD_RETENTION_HOURS}),
                                                ${UPLOAD_BATCH}) as name`,
      );
      if (abandoned.length > 0) await removeAttachments(abandoned.map((row) => row.name));
      removed.uploads += abandoned.length;
      if (abandoned.length < UPLOAD_BATCH) break;
    }
    log.info("retention.removed", removed);
  };
}
