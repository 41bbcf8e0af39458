import type { Task } from "graphile-worker";
import { z } from "zod";
import type { Logger } from "../../lib/logger";
import { runContactImport } from "../../services/contact-import-run";

const payloadSchema = z.object({ importId: z.uuid() });

/** Imports an uploaded CSV of contacts (enqueued by app.start_contact_import), resuming after its last committed batch. */
export function importContactsTask(log: Logger): Task {
  return async (rawPayload, helpers) => {
    const { importId } = payloadSchema.parse(rawPayload);
    await runContactImport(
      importId,
      { number: helpers.job.attempts, last: helpers.job.attempts >= helpers.job.max_attempts },
      log,
    );
  };
}
