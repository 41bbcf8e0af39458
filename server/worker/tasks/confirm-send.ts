import type { Task } from "graphile-worker";
import { z } from "zod";
import { asService } from "../../db/client";
import type { Logger } from "../../lib/logger";

const payloadSchema = z.object({ messageId: z.uuid() });

/**
 * Due a minute after a reply was queued (or retried): if it is still pending — its answer lost, or Meta never
 * answered — it becomes failed as "may have been delivered", so Retry asks first. Idempotent: a reply that is
 * settled already is left alone (app.settle_unconfirmed_send).
 */
export function confirmSendTask(log: Logger): Task {
  return async (rawPayload) => {
    const { messageId } = payloadSchema.parse(rawPayload);
    const [row] = await asService((tx) => tx<{ outcome: string }[]>`select app.settle_unconfirmed_send(${messageId}) as outcome`);
    if (row?.outcome === "failed") log.warn("messages.unconfirmed", { messageId });
  };
}

/** Hourly, for replies whose confirm-send job is gone (a database restored from a backup): the same settling. */
export function sweepUnconfirmedSendsTask(log: Logger): Task {
  return async () => {
    const settled = await asService(
      (tx) => tx<{ outcome: string }[]>`
        select app.settle_unconfirmed_send(m.id) as outcome from public.messages m
        where m.status = 'pending' and m.direction = 'outbound'
          and m.inserted_at < now() - app.send_confirmation_delay() - interval '10 minutes'
        limit 1000`,
    );
    const failed = settled.filter((row) => row.outcome === "failed").length;
    if (failed > 0) log.warn("messages.unconfirmed_swept", { messages: failed });
  };
}
