// The endpoint Meta calls. Deployed with `supabase functions deploy meta-webhook --no-verify-jwt`.
import postgres from "npm:postgres@3.4.9";
import { handleMetaWebhook, type IngestResult } from "../_shared/meta-webhook.ts";

const env = (name: string) => Deno.env.get(name) ?? "";
const sql = postgres(env("SUPABASE_DB_URL"), { max: 8, prepare: !env("SUPABASE_DB_URL").includes(":6543/"), onnotice: () => {} });

Deno.serve((request: Request) =>
  handleMetaWebhook(request, {
    appId: env("META_APP_ID"),
    appSecret: env("META_APP_SECRET"),
    verifyToken: env("META_VERIFY_TOKEN"),
    maxBodyBytes: 4 * 1024 * 1024,
    async ingest(object, rawJson, events) {
      const [row] = await sql<{ result: IngestResult }[]>`
        select app.ingest_meta_webhook(${object}, ${rawJson}::jsonb, ${sql.json(events as never)}) as result`;
      if (!row) throw new Error("ingest returned nothing");
      return row.result;
    },
    serviceRoleKey: env("SUPABASE_SERVICE_ROLE_KEY"),
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
    log: (event, fields) => console.log(JSON.stringify({ time: new Date().toISOString(), event, ...fields })),
  }),
);
