import { describe, expect, it } from "vitest";
import { type ArrivedWebhook, ingestTogether } from "./ingest-together";
import type { MetaEvent } from "./meta-events";
import type { IngestResult } from "./meta-webhook";

const eventsOf = (count: number) =>
  Array.from(
    { length: count },
    () => ({ type: "unsend", provider: "messenger", accountId: "p", userId: "u", occurredAt: 0, mid: "m" }) as MetaEvent,
  );
const resultFor = (webhook: ArrivedWebhook): IngestResult => ({
  eventId: Number(webhook.rawJson),
  outcome: "processed",
  inserted: webhook.events.length,
  duplicates: 0,
  newIdentities: [],
  error: null,
});

/** A database stand-in whose calls the test finishes one at a time. */
function heldCalls(options: { lanes: number; maxEvents: number; refuse?: (webhooks: ArrivedWebhook[]) => boolean }) {
  const calls: { webhooks: ArrivedWebhook[]; finish(): void }[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const ingest = ingestTogether({
    lanes: options.lanes,
    maxEvents: options.maxEvents,
    apply: (webhooks) =>
      new Promise((resolve, reject) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        calls.push({
          webhooks,
          finish() {
            inFlight -= 1;
            if (options.refuse?.(webhooks)) reject(new Error("22P02: invalid input"));
            else resolve(webhooks.map(resultFor));
          },
        });
      }),
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    ingest,
    calls,
    mostInFlight: () => mostInFlight,
    /** Finishes the oldest call in flight and lets what it frees start. */
    async finishOldest() {
      calls.shift()?.finish();
      await settle();
    },
    async finishAll() {
      while (calls.length > 0) await this.finishOldest();
    },
  };
}

describe("ingestTogether", () => {
  it("applies a webhook at once when a lane is free, and what waited meanwhile together in the next call", async () => {
    const db = heldCalls({ lanes: 1, maxEvents: 1000 });
    const answers = ["1", "2", "3"].map((id) => db.ingest("page", id, eventsOf(Number(id))));
    expect(db.calls.map((call) => call.webhooks.map((w) => w.rawJson))).toEqual([["1"]]);
    await db.finishOldest();
    expect(db.calls.map((call) => call.webhooks.map((w) => w.rawJson))).toEqual([["2", "3"]]);
    await db.finishAll();
    // Each caller gets its own webhook's result, not its neighbour's.
    expect((await Promise.all(answers)).map((r) => [r.eventId, r.inserted])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  it("never has more calls in flight than lanes, nor more events in a call than maxEvents (a larger webhook goes alone)", async () => {
    const db = heldCalls({ lanes: 2, maxEvents: 10 });
    const sizes = [4, 4, 4, 4, 4, 25, 4, 0, 0];
    const answers = sizes.map((size, i) => db.ingest("page", String(i), eventsOf(size)));
    const carried: number[][] = [];
    while (db.calls.length > 0) {
      carried.push(db.calls[0]?.webhooks.map((w) => w.events.length) ?? []);
      await db.finishOldest();
    }
    await Promise.all(answers);
    expect(db.mostInFlight()).toBe(2);
    expect(carried.flat()).toEqual(sizes);
    for (const call of carried) {
      if (call.length > 1) expect(call.reduce((sum, n) => sum + Math.max(n, 1), 0)).toBeLessThanOrEqual(10);
    }
    expect(carried).toContainEqual([25]);
  });

  it("when a call for several fails, applies each on its own: only the one that cannot be stored fails", async () => {
    const db = heldCalls({ lanes: 1, maxEvents: 1000, refuse: (webhooks) => webhooks.some((w) => w.rawJson === "bad") });
    const answers = ["1", "2", "bad", "4"].map((id) => resultOrError(db.ingest("page", id, eventsOf(1))));
    await db.finishAll();
    expect(await Promise.all(answers)).toEqual([1, 2, "22P02: invalid input", 4]);
  });
});

const resultOrError = (promise: Promise<IngestResult>) =>
  promise.then(
    (result) => result.eventId,
    (error: Error) => error.message,
  );
