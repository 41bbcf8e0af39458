import type { WebhookEvent } from "./meta-events.ts";
import type { IngestResult } from "./meta-webhook.ts";

/**
 * Ingest calls the edge function has in flight at once, unless INGEST_LANES says otherwise: about one per
 * core of the database. Measured on 2 cores, interleaved on one stack (ADR 012): 2 lanes took 4,030 msg/s
 * at 344 µs of Postgres CPU per message, 4 lanes 3,540 at 409, 8 lanes 3,480 at 436, 1 lane 3,190.
 */
export const INGEST_LANES = 2;

export interface ArrivedWebhook {
  object: string;
  rawJson: string;
  events: WebhookEvent[];
}

export interface IngestTogetherOptions {
  /** Calls in flight at once; webhooks arriving while all are busy wait for the next one free. */
  lanes: number;
  /** A call takes waiting webhooks, oldest first, up to this many events (a larger webhook goes alone). */
  maxEvents: number;
  /** One SQL call and one transaction for all of them; one result per webhook, in order. */
  apply(webhooks: ArrivedWebhook[]): Promise<IngestResult[]>;
}

/** A call's events: every webhook's, each tagged with its webhook's number from 1, as app.ingest_meta_webhooks reads them. */
export function eventsOfCall(webhooks: ArrivedWebhook[]) {
  return webhooks.flatMap((webhook, i) => webhook.events.map((event) => ({ ...event, webhook: i + 1 })));
}

interface Waiting {
  webhook: ArrivedWebhook;
  resolve(result: IngestResult): void;
  reject(error: unknown): void;
}

/**
 * Webhooks that arrive while every lane is busy are applied together by the next call (ADR 012). Under
 * load one transaction carries many webhooks; at rest each is applied the moment it arrives, so nothing
 * waits on a timer. Each caller gets its own webhook's result once the call that carried it has committed.
 * If a call for several fails, each of them is applied again on its own: only a webhook that cannot be
 * stored gets an error (and its caller asks Meta to deliver it again).
 */
export function ingestTogether(options: IngestTogetherOptions) {
  const waiting: Waiting[] = [];
  let inFlight = 0;

  function startCalls() {
    while (inFlight < options.lanes && waiting.length > 0) {
      let taken = 0;
      let events = 0;
      for (const next of waiting) {
        // A webhook without events still weighs one, so a call's size stays bounded.
        const size = Math.max(next.webhook.events.length, 1);
        if (taken > 0 && events + size > options.maxEvents) break;
        taken += 1;
        events += size;
      }
      inFlight += 1;
      applyInOrder(waiting.splice(0, taken)).finally(() => {
        inFlight -= 1;
        startCalls();
      });
    }
  }

  async function applyInOrder(batch: Waiting[]): Promise<void> {
    let results: IngestResult[];
    try {
      results = await options.apply(batch.map((entry) => entry.webhook));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      // Nothing of the call was stored. One by one, a webhook that cannot be stored fails alone.
      for (const entry of batch) await applyInOrder([entry]);
      return;
    }
    for (const [i, entry] of batch.entries()) {
      const result = results[i];
      if (result) entry.resolve(result);
      else entry.reject(new Error(`no result for webhook ${i + 1} of ${batch.length}`));
    }
  }

  return (object: string, rawJson: string, events: WebhookEvent[]): Promise<IngestResult> =>
    new Promise((resolve, reject) => {
      waiting.push({ webhook: { object, rawJson, events }, resolve, reject });
      startCalls();
    });
}
