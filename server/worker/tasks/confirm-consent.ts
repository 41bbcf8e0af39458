import type { Task } from "graphile-worker";
import { z } from "zod";
import type { Logger } from "../../lib/logger";
import { confirmConsentChange } from "../../services/marketing-consent";

const payloadSchema = z.object({ messageId: z.uuid(), change: z.enum(["opted_out", "opted_in"]) });

/** Tells a member who replied STOP or START what changed (enqueued by app.note_member_replies). */
export function confirmConsentTask(log: Logger): Task {
  return async (rawPayload) => {
    const { messageId, change } = payloadSchema.parse(rawPayload);
    await confirmConsentChange(messageId, change, log);
  };
}
