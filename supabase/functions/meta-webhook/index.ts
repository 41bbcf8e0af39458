// The endpoint Meta calls. Deployed with `supabase functions deploy meta-webhook --no-verify-jwt`.
import postgres from "npm:postgres@3.4.9";
import { RateLimiterPostgres, RateLimiterRes } from "npm:rate-limiter-flexible@11.4.0";
import { databaseConnection } from "../_shared/database-url.ts";
import { eventsOfCall, INGEST_LANES, ingestTogether } from "../_shared/ingest-together.ts";
import { handleMetaWebhook, type IngestResult } from "../_shared/meta-webhook.ts";
import { operatorKeys } from "../_shared/operator-keys.ts";
import { hashedKey, RATE_LIMIT_TABLE, rateLimitStore } from "../_shared/rate-limit-store.ts";

const env = (name: string) => Deno.env.get(name) ?? "";
// Hosted, SUPABASE_DB_URL is the direct connection; INGEST_DATABASE_URL (a secret we set: names starting with
// SUPABASE_ are reserved) is meant for the transaction pooler, so that many instances share few connections.
const database = databaseConnection(env("INGEST_DATABASE_URL") || env("SUPABASE_DB_URL"));
// Connections per function instance: 16 measured best locally (8: 3.3k msg/s, 16: 4.0k, 32: 4.1k); on a small plan
// INGEST_DB_POOL should be a few (README → Database connections).
const sql = postgres(database.url, {
  max: Number(env("INGEST_DB_POOL")) || 16,
  prepare: database.prepare,
  onnotice: () => {},
});
const log = (event: string, fields: Record<string, string | number | boolean | null>) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), event, ...fields }));
// Requests that are not Meta's, per address: 30 a minute, then 429 until the minute is over (ADR 017).
const refusals = new RateLimiterPostgres({
  storeClient: rateLimitStore(sql),
  storeType: "pool",
  ...RATE_LIMIT_TABLE,
  keyPrefix: "webhookRefusalsPerIp",
  points: 30,
  duration: 60,
});

// What waits for a lane rides along with the next call (ADR 012). The pool's other connections serve replays.
const ingest = ingestTogether({
  lanes: Number(env("INGEST_LANES")) || INGEST_LANES,
  maxEvents: 1000,
  async apply(webhooks) {
    // Typed as text so Postgres parses them: a parameter typed jsonb gets JSON-encoded again (a string).
    const [row] = await sql<{ results: IngestResult[] }[]>`
      select app.ingest_meta_webhooks(${webhooks.map((webhook) => webhook.object)}::text[],
                                      ${webhooks.map((webhook) => webhook.rawJson)}::text[]::jsonb[],
                                      ${sql.json(eventsOfCall(webhooks) as never)}) as results`;
    if (!row) throw new Error("ingest returned nothing");
    return row.results;
  },
});

Deno.serve((request: Request) =>
  handleMetaWebhook(request, {
    appId: env("META_APP_ID"),
    appSecret: env("META_APP_SECRET"),
    verifyToken: env("META_VERIFY_TOKEN"),
    operatorKeys: operatorKeys(env("SUPABASE_SERVICE_ROLE_KEY"), env("SUPABASE_SECRET_KEYS")),
    maxBodyBytes: 4 * 1024 * 1024,
    ingest,
    async keepUnapplied(object, rawJson, failure) {
      const [row] = await sql<{ id: number }[]>`select app.keep_unapplied_webhook(${object}, ${rawJson}, ${failure})::int as id`;
      if (!row) throw new Error("keep_unapplied_webhook returned nothing");
      return row.id;
    },
    async failedWebhooks(limit) {
      return await sql<{ id: number; object: string; payload: unknown }[]>`
        select id::int, object, payload from public.webhook_events where outcome = 'failed' order by id limit ${limit}`;
    },
    async reapply(id, object, payload, events) {
      const [row] = await sql<{ result: IngestResult }[]>`
        select app.ingest_meta_webhook(${object}, ${sql.json(payload as never)}, ${sql.json(events as never)}, ${id}) as result`;
      if (!row) throw new Error("replay returned nothing");
      return row.result;
    },
    async countRefusal(clientAddress) {
      try {
        await refusals.consume(await hashedKey(clientAddress));
        return null;
      } catch (refusal) {
        if (refusal instanceof RateLimiterRes) return Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
        throw refusal;
      }
    },
    log,
  }),
);
