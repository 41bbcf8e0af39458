import type { Task } from "graphile-worker";
import { normalizeWebhook } from "../../../supabase/functions/_shared/meta-events";
import type { IngestResult } from "../../../supabase/functions/_shared/meta-webhook";
import { asService } from "../../db/client";
import { config } from "../../lib/config";
import { describeError, type Logger } from "../../lib/logger";

/**
 * Every minute: webhooks stored as failed (the database blinked, a bug since fixed) are applied again from their
 * stored payload, each when its backoff has passed (1, 2, 4, 8, 16 minutes). Idempotent like ingest itself. The
 * manual replay endpoint stays for operators.
 */
export function healWebhooksTask(log: Logger): Task {
  return async () => {
    // Claimed by moving their next attempt on, so two workers never take the same one.
    const due = await asService(
      (tx) => tx<{ id: number; object: string; payload: unknown; attempts: number; limit: number }[]>`
        update public.webhook_events w
        set next_attempt_at = now() + make_interval(mins => power(2, least(w.attempts, 10))::integer)
        where w.id in (
          select e.id from public.webhook_events e
          where e.outcome = 'failed' and e.attempts < app.webhook_heal_attempts() and e.next_attempt_at <= now()
            and jsonb_typeof(e.payload) = 'object'
          order by e.next_attempt_at
          limit 50
          for update skip locked
        )
        returning w.id::int, w.object, w.payload, w.attempts, app.webhook_heal_attempts() as limit`,
    );
    for (const webhook of due) {
      let outcome: IngestResult["outcome"] | "unappliable";
      try {
        const events = normalizeWebhook(webhook.payload, config().META_APP_ID);
        const [row] = await asService(
          (tx) => tx<{ result: IngestResult }[]>`
            select app.ingest_meta_webhook(${webhook.object}, ${tx.json(webhook.payload as never)}, ${tx.json(events as never)},
                                           ${webhook.id}) as result`,
        );
        outcome = row?.result.outcome ?? "failed";
      } catch (error) {
        // Not even storable as an attempt (normalizing threw): counted here so it cannot retry for ever.
        await asService((tx) => tx`update public.webhook_events set attempts = attempts + 1 where id = ${webhook.id}`);
        log.warn("webhook.heal_failed", { eventId: webhook.id, ...describeError(error) });
        outcome = "unappliable";
      }
      log.info("webhook.healed", { eventId: webhook.id, outcome, attempts: webhook.attempts + 1 });
      if (outcome !== "processed" && outcome !== "unroutable" && webhook.attempts + 1 >= webhook.limit) {
        // An operator's alert: admins see it in Settings → Health.
        log.error("webhook.gave_up", { eventId: webhook.id, attempts: webhook.attempts + 1 });
      }
    }
  };
}
