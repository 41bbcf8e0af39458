import type { Task } from "graphile-worker";
import { z } from "zod";
import type { Logger } from "../../lib/logger";
import { syncTemplates } from "../../services/template-sync";

const payloadSchema = z.object({ workspaceId: z.uuid(), wabaId: z.string().min(1) });

/**
 * Syncs one WhatsApp Business Account's templates for a workspace: enqueued when a number is connected and when a
 * template webhook names one we do not know (…_whatsapp_templates.sql). Meta not answering is retried by the queue;
 * no usable token is not (the channel shows it needs reconnecting, and reconnecting enqueues a sync).
 */
export function syncTemplatesTask(log: Logger): Task {
  return async (rawPayload) => {
    const { workspaceId, wabaId } = payloadSchema.parse(rawPayload);
    const outcome = await syncTemplates(workspaceId, wabaId, log);
    if (!outcome.ok && outcome.reason === "meta") throw new Error("Meta did not list the templates");
  };
}
