import type { Task } from "graphile-worker";
import { z } from "zod";
import type { Logger } from "../../lib/logger";
import { runBroadcastSlice } from "../../services/broadcast-sending";

const payloadSchema = z.object({ broadcastId: z.uuid() });

/**
 * Sends a broadcast for one slice of time (app.start_broadcast enqueues it; it queues itself again while recipients
 * remain). Safe to run twice at once or again after a crash: a recipient is claimed once, with its message stored.
 */
export function sendBroadcastTask(log: Logger): Task {
  return async (rawPayload) => {
    const { broadcastId } = payloadSchema.parse(rawPayload);
    await runBroadcastSlice(broadcastId, log);
  };
}
