// `npm run bench:inbox`: one workspace with 100k conversations and 1M messages among 50 others (its 100k contacts
// tagged, staged and with a custom field), then the inbox's and the contacts page's service calls, each run as a
// member under RLS exactly as a request runs them.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { startCluster } from "../postgres/cluster";
import { apiRoleUrl, prepareDatabase } from "../postgres/prepare";
import { freePort } from "../stack/local-stack";
import { fmt, type LatencySummary, measure } from "./latency";

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 100_000);
const MESSAGES_PER_CONVERSATION = Number(process.env.BENCH_MESSAGES_PER_CONVERSATION ?? 10);
const OTHER_WORKSPACES = Number(process.env.BENCH_OTHER_WORKSPACES ?? 50);
const OTHER_CONVERSATIONS = Number(process.env.BENCH_OTHER_CONVERSATIONS ?? 1_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 300);

const say = (line: string) => process.stdout.write(`${line}\n`);
const planLines: string[] = [];
let capturingPlan = false;

const stateDir = await mkdtemp(path.join(tmpdir(), "frontdesk-bench-"));
const cluster = await startCluster({
  dataDir: path.join(stateDir, "postgres"),
  port: await freePort(),
  persistent: false,
  fast: true,
  settings: {
    shared_buffers: "512MB",
    work_mem: "16MB",
    maintenance_work_mem: "512MB",
    max_wal_size: "4GB",
    session_preload_libraries: "auto_explain",
    "auto_explain.log_min_duration": "-1",
    "auto_explain.log_analyze": "on",
    "auto_explain.log_buffers": "on",
    "auto_explain.log_timing": "on",
    "auto_explain.log_nested_statements": "on",
  },
  onLog: (line) => {
    if (capturingPlan) planLines.push(line);
  },
});

try {
  await prepareDatabase(cluster.url, { seedDemo: false });
  const owner = postgres(cluster.url, { max: 2, onnotice: () => {} });
  const started = performance.now();

  // Staff: five per workspace; the measured member is an agent of the big one.
  const [target] = await owner<{ id: string }[]>`insert into public.workspaces (name) values ('Big Gym Chain') returning id`;
  if (!target) throw new Error("no workspace");
  await owner`insert into public.workspaces (name) select 'Other gym ' || g from generate_series(1, ${OTHER_WORKSPACES}) g`;
  await owner`
    with staff as (
      select w.id as workspace_id, g, gen_random_uuid() as user_id from public.workspaces w cross join generate_series(1, 5) g
    ), users as (
      insert into auth.users (instance_id, id, aud, role, email, raw_user_meta_data, created_at, updated_at)
      select '00000000-0000-0000-0000-000000000000', user_id, 'authenticated', 'authenticated',
             'staff' || g || '-' || workspace_id || '@bench.test', jsonb_build_object('full_name', 'Staff ' || g), now(), now()
      from staff returning id
    )
    insert into public.memberships (workspace_id, user_id, role)
    select workspace_id, user_id, case when g = 1 then 'admin' else 'agent' end::public.workspace_role from staff`;
  const [member] = await owner<{ user_id: string }[]>`
    select user_id from public.memberships where workspace_id = ${target.id} and role = 'agent' order by user_id limit 1`;
  if (!member) throw new Error("no member");

  // Bulk-load without the big secondary indexes, then build them once, as a restore would.
  const indexes = await owner<{ name: string; definition: string }[]>`
    select indexname as name, indexdef as definition from pg_indexes
    where schemaname = 'public' and tablename in ('messages', 'conversations', 'contacts', 'contact_identities', 'contact_tags')
      and indexdef not like '%UNIQUE%'`;
  for (const index of indexes) await owner.unsafe(`drop index public.${index.name}`);
  await owner.begin(async (tx) => {
    await tx`select set_config('bench.workspace', ${target.id}, true), set_config('bench.conversations', ${String(CONVERSATIONS)}, true),
                    set_config('bench.messages_per_conversation', ${String(MESSAGES_PER_CONVERSATION)}, true),
                    set_config('bench.other_conversations', ${String(OTHER_CONVERSATIONS)}, true)`;
    await tx.unsafe(await readFile(path.join(import.meta.dirname, "inbox-seed.sql"), "utf8")).simple();
  });
  say(`seeded rows in ${((performance.now() - started) / 1000).toFixed(1)} s; building ${indexes.length} indexes…`);
  for (const index of indexes) await owner.unsafe(index.definition);
  await owner`vacuum analyze`.simple();
  const counts = await owner<{ conversations: number; messages: number; all_messages: number; workspaces: number }[]>`
    select (select count(*)::int from public.conversations where workspace_id = ${target.id}) as conversations,
           (select count(*)::int from public.messages where workspace_id = ${target.id}) as messages,
           (select count(*)::int from public.messages) as all_messages,
           (select count(*)::int from public.workspaces) as workspaces`;
  say(`ready in ${((performance.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(counts[0])}`);

  Object.assign(process.env, {
    FRONTDESK_LOCAL_STACK: "1",
    SUPABASE_ANON_KEY: "bench",
    DATABASE_URL: cluster.url,
    DATABASE_API_URL: apiRoleUrl(cluster.url),
    LOG_LEVEL: "warn",
  });
  const { listConversations } = await import("../../server/services/conversations");
  const { listMessages } = await import("../../server/services/messages");
  const { listContacts } = await import("../../server/services/contact-list");
  const { closeDatabase } = await import("../../server/db/client");
  const { createLogger } = await import("../../server/lib/logger");
  const log = createLogger({ service: "bench" });
  const claims = { sub: member.user_id, role: "authenticated" as const };
  const base = { workspaceId: target.id, archived: false, assignee: { kind: "anyone" as const }, unreadOnly: false, limit: 30 };

  const list = async (input: Partial<Parameters<typeof listConversations>[1]>) => {
    const result = await listConversations(claims, { ...base, ...input }, log);
    if (!result.success) throw new Error(`list failed: ${result.error.code}`);
    return result.data;
  };

  // A cursor 50 pages deep, to measure a later page.
  let deepCursor: string | undefined;
  for (let page = 0; page < 50; page++) deepCursor = (await list({ cursor: deepCursor })).nextCursor ?? undefined;
  const conversationIds = (
    await owner<
      { id: string }[]
    >`select id from public.conversations where workspace_id = ${target.id} order by random() limit 500`
  ).map((row) => row.id);
  const searches = ["sheena", "nelson", "5550", "member_1234", "freeze my", "knee injury", "rossi"];
  const contacts = async (input: Partial<Parameters<typeof listContacts>[1]>) => {
    const result = await listContacts(claims, { workspaceId: target.id, sort: "recent", limit: 50, ...input }, log);
    if (!result.success) throw new Error(`contacts failed: ${result.error.code}`);
    return result.data;
  };
  const crm = await owner<{ kind: string; id: string }[]>`
    select 'tag' as kind, id from public.tags where workspace_id = ${target.id}
    union all select 'stage', id from public.pipeline_stages where workspace_id = ${target.id}
    union all select 'field', id from public.contact_fields where workspace_id = ${target.id}`;
  const tagIds = crm.filter((row) => row.kind === "tag").map((row) => row.id);
  const stageIds = crm.filter((row) => row.kind === "stage").map((row) => row.id);
  const planField = crm.find((row) => row.kind === "field")?.id ?? "";
  const contactSearches = ["sheena", "nelson rossi", "5550", "member_1234", "rossi12", "rossi"];
  // What staff filter by: a tag; a stage and a channel; a field's value; no contact for 30 days; in a name order.
  const contactFilters: Partial<Parameters<typeof listContacts>[1]>[] = [
    { tagId: tagIds[3] },
    { stageId: stageIds[1], provider: "whatsapp" },
    { field: { fieldId: planField, value: "Gold" } },
    { lastContact: { within: false, days: 30 }, tagId: tagIds[7] },
    { sort: "name", stageId: stageIds[2] },
  ];
  const options = { runs: RUNS, warmup: 30 };

  const results: Record<string, LatencySummary> = {
    list: await measure(() => list({}), options),
    page: await measure(() => list({ cursor: deepCursor }), options),
    filtered: await measure(() => list({ status: "open", assignee: { kind: "me" }, unreadOnly: true }), options),
    search: await measure((run) => list({ search: searches[run % searches.length] }), options),
    messages: await measure(async (run) => {
      const result = await listMessages(
        claims,
        { conversationId: conversationIds[run % conversationIds.length] ?? "", limit: 50 },
        log,
      );
      if (!result.success) throw new Error(`messages failed: ${result.error.code}`);
    }, options),
  };

  results.contacts_search = await measure((run) => contacts({ search: contactSearches[run % contactSearches.length] }), options);
  results.contacts_list = await measure((run) => contacts(contactFilters[run % contactFilters.length] ?? {}), options);
  results.board = await measure((run) => contacts({ stageId: stageIds[run % stageIds.length], limit: 20 }), options);

  const searchByTerm: Record<string, LatencySummary> = {};
  for (const term of searches) searchByTerm[term] = await measure(() => list({ search: term }), { runs: 20, warmup: 3 });
  const contactsBy: Record<string, LatencySummary> = {};
  for (const term of contactSearches)
    contactsBy[`"${term}"`] = await measure(() => contacts({ search: term }), { runs: 20, warmup: 3 });
  for (const [index, filters] of contactFilters.entries())
    contactsBy[`filter ${index + 1}`] = await measure(() => contacts(filters), { runs: 20, warmup: 3 });

  // The real plan of the list query as the member runs it, via auto_explain on fresh connections.
  await closeDatabase();
  await owner`alter role frontdesk_api set auto_explain.log_min_duration = 0`.simple();
  capturingPlan = true;
  await list({});
  if (process.env.BENCH_EXPLAIN_SEARCH) for (const search of searches) await list({ search });
  if (process.env.BENCH_EXPLAIN_CONTACTS) await contacts({ search: contactSearches[0] });
  capturingPlan = false;
  await owner`alter role frontdesk_api reset auto_explain.log_min_duration`.simple();
  await closeDatabase();
  await owner.end();

  const plan = planLines.join("\n");
  const listPlanStart = plan.lastIndexOf("Query Text:", plan.indexOf("with page as materialized"));
  say("\nEXPLAIN (ANALYZE, BUFFERS) of the first list page, as the member under RLS:");
  say(
    plan
      .slice(listPlanStart, plan.indexOf("LOG:", listPlanStart + 1) > 0 ? plan.indexOf("LOG:", listPlanStart + 1) : undefined)
      .trim(),
  );
  if (process.env.BENCH_EXPLAIN_SEARCH)
    say(`\nEvery statement of the search runs:\n${plan.slice(plan.indexOf("LOG:", listPlanStart + 1))}`);
  if (process.env.BENCH_EXPLAIN_CONTACTS)
    say(
      `\nThe contacts search, as the member runs it:\n${plan.slice(plan.lastIndexOf("Query Text:", plan.indexOf("matches as materialized")))}`,
    );

  say(`\n${"query".padEnd(16)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"p99 ms".padStart(8)}  runs`);
  for (const [name, summary] of Object.entries(results)) {
    say(
      `${name.padEnd(16)} ${fmt(summary.p50).padStart(8)} ${fmt(summary.p95).padStart(8)} ${fmt(summary.p99).padStart(8)}  ${summary.runs}`,
    );
  }
  say(
    `search p50 by term: ${Object.entries(searchByTerm)
      .map(([term, summary]) => `"${term}" ${fmt(summary.p50)}`)
      .join(", ")}`,
  );
  say(
    `contacts p50 by search and filter: ${Object.entries(contactsBy)
      .map(([name, summary]) => `${name} ${fmt(summary.p50)}`)
      .join(", ")}`,
  );
  say(
    "targets: list p95 < 15 ms, search p95 < 50 ms, messages p95 < 10 ms; contacts search ≤ 50 ms, contacts list and board ≤ 15 ms",
  );
  say(
    `list_p95_ms=${fmt(results.list?.p95 ?? Number.NaN)} page_p95_ms=${fmt(results.page?.p95 ?? Number.NaN)} ` +
      `filtered_p95_ms=${fmt(results.filtered?.p95 ?? Number.NaN)} search_p95_ms=${fmt(results.search?.p95 ?? Number.NaN)} ` +
      `messages_p95_ms=${fmt(results.messages?.p95 ?? Number.NaN)} contacts_search_p95_ms=${fmt(results.contacts_search?.p95 ?? Number.NaN)} ` +
      `contacts_list_p95_ms=${fmt(results.contacts_list?.p95 ?? Number.NaN)} board_p95_ms=${fmt(results.board?.p95 ?? Number.NaN)}`,
  );
} finally {
  await cluster.stop();
  await rm(stateDir, { recursive: true, force: true });
}
