// `npm run bench:ingest`: signed webhooks posted concurrently to the real edge function (gateway → Deno →
// one SQL call), compared on the same database with (a) the naive find-then-create design and (b) the
// least durable work a webhook needs: one single-row INSERT per message in its own transaction.
import http from "node:http";
import type { AddressInfo } from "node:net";
import postgres from "postgres";
import { LOCAL_DEFAULTS } from "../../server/lib/config";
import { normalizeWebhook } from "../../supabase/functions/_shared/meta-events";
import { messengerText, metaSignature } from "../meta/webhooks";
import { startBenchStack } from "./bench-stack";
import { fmt, summarize } from "./latency";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 12_000);
/** Messages per webhook. Under load Meta batches many updates into one POST (up to 1000). */
const BATCH = Number(process.env.BENCH_BATCH ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
/** Rounds of ours / naive / raw, taken in turn. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1_500);
const PACED_RATE = 500;
const PACED_SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 8);
const say = (line: string) => process.stdout.write(`${line}\n`);

/** Runs `task(i)` for i < count with `concurrency` in flight; returns wall time in ms. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return performance.now() - started;
}

const stack = await startBenchStack("ingest");
const sql = postgres(stack.superuserUrl, { max: CONCURRENCY + 2, onnotice: () => {} });
// Straight to the function: the local gateway is a dev stand-in, hosted Supabase has its own in front.
const webhookUrl = process.env.BENCH_VIA_GATEWAY
  ? `${stack.supabaseUrl}/functions/v1/meta-webhook`
  : `${stack.functionsUrl}/meta-webhook`;

async function newPage(label: string) {
  const [workspace] = await sql<{ id: string }[]>`insert into public.workspaces (name) values (${label}) returning id`;
  const pageId = String(Date.now()) + String(Math.floor(Math.random() * 1e6));
  const [channel] = await sql<{ id: string }[]>`
    insert into public.channel_accounts (workspace_id, provider, provider_account_id, display_name)
    values (${workspace?.id ?? ""}, 'messenger', ${pageId}, ${label}) returning id`;
  return { workspaceId: workspace?.id ?? "", channelId: channel?.id ?? "", pageId };
}

/** The design this replaces: look everything up, create what is missing, each query on its own. */
async function naiveIngest(db: postgres.Sql, pageId: string, psid: string, mid: string, text: string | null) {
  const [channel] = await db<{ id: string; workspace_id: string }[]>`
    select id, workspace_id from public.channel_accounts where provider = 'messenger' and provider_account_id = ${pageId}`;
  if (!channel) return;
  let [identity] = await db<{ id: string; contact_id: string }[]>`
    select id, contact_id from public.contact_identities where channel_account_id = ${channel.id} and provider_user_id = ${psid}`;
  if (!identity) {
    const [contact] = await db<
      { id: string }[]
    >`insert into public.contacts (workspace_id) values (${channel.workspace_id}) returning id`;
    [identity] = await db<{ id: string; contact_id: string }[]>`
      insert into public.contact_identities (workspace_id, contact_id, channel_account_id, provider_user_id)
      values (${channel.workspace_id}, ${contact?.id ?? ""}, ${channel.id}, ${psid})
      on conflict (channel_account_id, provider_user_id) do update set provider_user_id = excluded.provider_user_id
      returning id, contact_id`;
  }
  if (!identity) return;
  let [conversation] = await db<{ id: string }[]>`select id from public.conversations where contact_identity_id = ${identity.id}`;
  if (!conversation) {
    [conversation] = await db<{ id: string }[]>`
      insert into public.conversations (workspace_id, channel_account_id, contact_id, contact_identity_id)
      values (${channel.workspace_id}, ${channel.id}, ${identity.contact_id}, ${identity.id})
      on conflict (contact_identity_id) do update set updated_at = now() returning id`;
  }
  const [existing] =
    await db`select 1 from public.messages where channel_account_id = ${channel.id} and provider_message_id = ${mid}`;
  if (existing || !conversation) return;
  await db`
    insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, sender, text, provider_message_id, status)
    values (${channel.workspace_id}, ${conversation.id}, ${channel.id}, 'inbound', 'member', ${text}, ${mid}, 'delivered')
    on conflict do nothing`;
  await db`update public.conversations set unread_count = unread_count + 1, last_message_at = now() where id = ${conversation.id}`;
}

const messageFor = (pageId: string, i: number) =>
  messengerText({ pageId, psid: `psid-${i % MEMBERS}`, text: `Can I book the 6am class? #${i}`, mid: `m_bench_${pageId}_${i}` });

/** Webhook number `w` of size `size`: messages w*size … w*size+size-1, as Meta batches them into entries. */
function webhookFor(pageId: string, w: number, size: number) {
  const entries = Array.from({ length: size }, (_, k) => messageFor(pageId, w * size + k).entry).flat();
  return { object: "page", entry: entries };
}

interface SignedWebhook {
  body: string;
  signature: string;
}

/** Built and signed before the clock starts, so the load generator's CPU is not what gets measured. */
function signedWebhooks(pageId: string, numbers: number[], size: number): SignedWebhook[] {
  return numbers.map((w) => {
    const body = JSON.stringify(webhookFor(pageId, w, size));
    return { body, signature: metaSignature(body, LOCAL_DEFAULTS.META_APP_SECRET) };
  });
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

// node:http with kept-alive sockets: a fraction of fetch's CPU, which shares these two cores with what is measured.
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/**
 * A kept-alive socket the server closed while idle (between phases) can fail the next request with
 * ECONNRESET, which once ended a run. Webhooks are idempotent, so that one is sent again on a fresh socket.
 */
function postSigned(url: string, webhook: SignedWebhook): Promise<number> {
  return postOnce(url, webhook).catch((error: NodeJS.ErrnoException & { reusedSocket?: boolean }) => {
    if (error.reusedSocket && error.code === "ECONNRESET") return postOnce(url, webhook);
    throw error;
  });
}

function postOnce(url: string, webhook: SignedWebhook): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(webhook.body),
          "x-hub-signature-256": webhook.signature,
        },
      },
      (response) => {
        response.resume();
        response.once("end", () => resolve(response.statusCode ?? 0));
      },
    );
    request.once("error", (error) => reject(Object.assign(error, { reusedSocket: request.reusedSocket })));
    request.end(webhook.body);
  });
}

try {
  // ── the edge function, closed loop ────────────────────────────────────────
  const ours = await newPage("Ingest bench");
  const acks: number[] = [];
  let failedAcks = 0;
  const post = async (webhook: SignedWebhook | undefined) => {
    if (!webhook) return;
    const started = performance.now();
    const status = await postSigned(webhookUrl, webhook);
    acks.push(performance.now() - started);
    if (status !== 200) failedAcks += 1;
  };
  // ── the naive design: an HTTP handler that verifies, parses and normalizes with the same code as ours,
  // then finds-then-creates one query at a time per message, so the only difference measured is the ingest design.
  const naiveSql = postgres(stack.superuserUrl, { max: 16, onnotice: () => {} });
  const naiveServer = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    if (req.headers["x-hub-signature-256"] !== metaSignature(raw, LOCAL_DEFAULTS.META_APP_SECRET)) {
      res.writeHead(401).end();
      return;
    }
    for (const event of normalizeWebhook(JSON.parse(raw.toString("utf8")), LOCAL_DEFAULTS.META_APP_ID)) {
      if (event.type === "message") await naiveIngest(naiveSql, event.accountId, event.userId, event.mid, event.text);
    }
    res.writeHead(200).end("EVENT_RECEIVED");
  });
  await new Promise<void>((resolve) => naiveServer.listen(0, "127.0.0.1", resolve));
  const naiveUrl = `http://127.0.0.1:${(naiveServer.address() as AddressInfo).port}`;

  // The first page carries the latency phases. Its warm-up writes once as every member (JIT, pools, plans,
  // contacts), so the paced phase measures steady traffic, not first contacts and their profile lookups.
  const singles = 4_000;
  const pacedCount = PACED_RATE * PACED_SECONDS;
  const warmup = signedWebhooks(ours.pageId, range(0, MEMBERS), 1);
  await pool(warmup.length, CONCURRENCY, (i) => post(warmup[i]));

  // ── the edge function, paced at 500 msg/s ────────────────────────────────
  // First, on a warm system: a steady 500 msg/s, before the bursts below leave the disk checkpointing.
  acks.length = 0;
  const paced: Promise<void>[] = [];
  const pacedWebhooks = signedWebhooks(ours.pageId, range(MEMBERS, pacedCount), 1);
  const pacedStart = performance.now();
  for (let i = 0; i < pacedCount; i++) {
    const due = pacedStart + (i * 1000) / PACED_RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    paced.push(post(pacedWebhooks[i]));
  }
  await Promise.all(paced);
  const pacedLatency = summarize(acks);

  // ── ours, (a) naive and (b) raw, interleaved round by round ──────────────
  // This machine's disk has slow spells lasting tens of seconds; taking turns lets them fall on all three.
  // Each round gives every design a fresh page: the same members' first contacts for all three. The order
  // rotates each round, so the vacuum and checkpoint work one design leaves behind does not always land
  // on the same next one.
  acks.length = 0;
  const oursPages = [ours];
  const elapsed = { ours: 0, naive: 0, raw: 0 };
  let firstBatched: SignedWebhook[] = [];
  const designs: { name: keyof typeof elapsed; run(round: number): Promise<number> }[] = [
    {
      name: "ours",
      async run(round) {
        const page = await newPage(`Ingest bench ${round}`);
        oursPages.push(page);
        const batched = signedWebhooks(page.pageId, range(0, MESSAGES / BATCH), BATCH);
        if (round === 0) firstBatched = batched;
        return await pool(batched.length, CONCURRENCY, (w) => post(batched[w]));
      },
    },
    {
      name: "naive",
      async run(round) {
        const naive = await newPage(`Naive bench ${round}`);
        const naiveBatches = signedWebhooks(naive.pageId, range(0, MESSAGES / BATCH), BATCH);
        return await pool(naiveBatches.length, CONCURRENCY, async (w) => {
          const webhook = naiveBatches[w];
          if (webhook) await postSigned(naiveUrl, webhook);
        });
      },
    },
    {
      name: "raw",
      async run(round) {
        const raw = await newPage(`Raw bench ${round}`);
        const [rawConversation] = await sql<{ id: string }[]>`
          with contact as (insert into public.contacts (workspace_id) values (${raw.workspaceId}) returning id),
               identity as (insert into public.contact_identities (workspace_id, contact_id, channel_account_id, provider_user_id)
                            select ${raw.workspaceId}, id, ${raw.channelId}, 'raw' from contact returning id, contact_id)
          insert into public.conversations (workspace_id, channel_account_id, contact_id, contact_identity_id)
          select ${raw.workspaceId}, ${raw.channelId}, contact_id, id from identity returning id`;
        return await pool(MESSAGES, CONCURRENCY, async (i) => {
          await sql`
            insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, sender, text, provider_message_id, status)
            values (${raw.workspaceId}, ${rawConversation?.id ?? ""}, ${raw.channelId}, 'inbound', 'member', ${`raw #${i}`}, ${`m_raw_${i}`}, 'delivered')`;
        });
      },
    },
  ];
  for (let round = 0; round < ROUNDS; round++) {
    for (let turn = 0; turn < designs.length; turn++) {
      const design = designs[(round + turn) % designs.length];
      if (design) elapsed[design.name] += await design.run(round);
    }
  }
  naiveServer.close();
  await naiveSql.end();
  const rateOf = (ms: number) => ((ROUNDS * MESSAGES) / ms) * 1000;
  const oursRate = rateOf(elapsed.ours);
  const naiveRate = rateOf(elapsed.naive);
  const rawRate = rateOf(elapsed.raw);
  const closedLoop = summarize(acks);
  // Meta redelivers: send 5% of the first round's batches again, which must change nothing.
  await pool(Math.floor(firstBatched.length / 20), CONCURRENCY, (w) => post(firstBatched[w * 20]));

  // ── single-message webhooks, closed loop ─────────────────────────────────
  acks.length = 0;
  const single = signedWebhooks(ours.pageId, range(MEMBERS + pacedCount, singles), 1);
  const singlesMs = await pool(single.length, CONCURRENCY, (i) => post(single[i]));
  const singlesRate = (singles / singlesMs) * 1000;
  const singlesLatency = summarize(acks);

  // ── nothing lost, nothing twice ───────────────────────────────────────────
  const expected = MEMBERS + pacedCount + singles + ROUNDS * MESSAGES;
  const oursChannels = oursPages.map((page) => page.channelId);
  const [counts] = await sql<{ rows: number; distinct_ids: number; unread: number; conversations: number }[]>`
    select count(*)::int as rows, count(distinct (channel_account_id, provider_message_id))::int as distinct_ids,
           (select sum(unread_count)::int from public.conversations where channel_account_id = any (${oursChannels})) as unread,
           (select count(*)::int from public.conversations where channel_account_id = any (${oursChannels})) as conversations
    from public.messages where channel_account_id = any (${oursChannels})`;
  const lost = expected - (counts?.distinct_ids ?? 0);
  const duplicated = (counts?.rows ?? 0) - (counts?.distinct_ids ?? 0);

  say(`cores: 2 · ${MEMBERS} members · ${CONCURRENCY} webhooks in flight · durable commits (synchronous_commit on)`);
  say(
    `edge function:  ${fmt(oursRate)} msg/s in ${ROUNDS} × ${MESSAGES / BATCH} webhooks of ${BATCH}, ` +
      `ack p50 ${fmt(closedLoop.p50)} ms p95 ${fmt(closedLoop.p95)} ms p99 ${fmt(closedLoop.p99)} ms`,
  );
  say(
    `  one per POST: ${fmt(singlesRate)} msg/s in ${singles} webhooks of 1, ` +
      `ack p50 ${fmt(singlesLatency.p50)} ms p95 ${fmt(singlesLatency.p95)} ms p99 ${fmt(singlesLatency.p99)} ms`,
  );
  say(
    `paced 500/s:    ${pacedCount} webhooks, ack p50 ${fmt(pacedLatency.p50)} ms p95 ${fmt(pacedLatency.p95)} ms p99 ${fmt(pacedLatency.p99)} ms`,
  );
  say(
    `(a) naive:      ${fmt(naiveRate)} msg/s (same webhooks, find-then-create per message, rounds taken in turn with ours) → ours is ${(oursRate / naiveRate).toFixed(2)}×`,
  );
  say(`(b) raw insert: ${fmt(rawRate)} msg/s  → ours is ${(oursRate / rawRate).toFixed(2)}×`);
  say(
    `rows: ${counts?.rows} messages for ${expected} distinct messages (+${Math.floor(MESSAGES / 20)} redelivered), ` +
      `${counts?.conversations} conversations, unread total ${counts?.unread}, non-200 acks ${failedAcks}`,
  );
  say("targets: ≥ 1500 msg/s, p99 < 100 ms at 500 msg/s, ≥ 5× naive, ≥ 0.5× raw, 0 lost, 0 duplicated");
  say(
    `msgs_per_s=${fmt(oursRate)} p99_ms_at_500=${fmt(pacedLatency.p99)} vs_naive=${(oursRate / naiveRate).toFixed(2)} ` +
      `vs_raw=${(oursRate / rawRate).toFixed(2)} lost=${lost} duplicated=${duplicated}`,
  );
} finally {
  agent.destroy();
  await sql.end();
  await stack.stop();
}
