// `npm run bench:realtime`: time from a signed webhook POST (through the local Supabase gateway to the
// edge function, durable commit) to the broadcast reaching subscribed supabase-js clients over the
// Realtime websocket. Part 1: one client, webhooks one after another. Part 2: 200 clients (each its own
// socket, like 200 open browsers) on one workspace topic. Targets locally: p95 < 300 ms, every client served.
import { randomUUID } from "node:crypto";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import WebSocket from "ws";
import { LOCAL_DEFAULTS } from "../../server/lib/config";
import { deliverWebhook, messengerText, newMid } from "../meta/webhooks";
import { testData } from "../test/test-data";
import { startBenchStack } from "./bench-stack";
import { fmt, summarize } from "./latency";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200);
const FANOUT_CLIENTS = Number(process.env.BENCH_FANOUT_CLIENTS ?? 200);
const FANOUT_EVENTS = Number(process.env.BENCH_FANOUT_EVENTS ?? 40);
const GAP_MS = 25;
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const stack = await startBenchStack("realtime");
const data = testData({
  supabaseUrl: stack.supabaseUrl,
  superuserUrl: stack.superuserUrl,
  anonKey: stack.env.SUPABASE_ANON_KEY ?? "",
  serviceRoleKey: stack.env.SUPABASE_SERVICE_ROLE_KEY ?? "",
});
const clients: SupabaseClient[] = [];

try {
  const { workspaceId, session } = await data.memberOfNewWorkspace("agent", "Bench Gym");
  const channelId = await data.createChannel(workspaceId, "messenger");
  const [channel] = await data.sql()<{ provider_account_id: string }[]>`
    select provider_account_id from public.channel_accounts where id = ${channelId}`;
  const pageId = channel?.provider_account_id ?? "";
  const webhookUrl = `${stack.supabaseUrl}/functions/v1/meta-webhook`;
  const psid = `bench-${randomUUID()}`;
  const post = async (text: string) => {
    const response = await deliverWebhook(webhookUrl, messengerText({ pageId, psid, text, mid: newMid() }), {
      appSecret: LOCAL_DEFAULTS.META_APP_SECRET,
    });
    if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
  };

  /** Marker text → when each client saw the conversation event carrying it as its preview. */
  const seen = new Map<string, number[]>();
  async function subscribedClient(): Promise<boolean> {
    const client = createClient(stack.supabaseUrl, stack.env.SUPABASE_ANON_KEY ?? "", {
      accessToken: async () => session.access_token,
      realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
    });
    clients.push(client);
    await client.realtime.setAuth();
    return new Promise((resolve) => {
      client
        .channel(`workspace:${workspaceId}`, { config: { private: true } })
        .on("broadcast", { event: "conversations" }, ({ payload }) => {
          for (const conversation of payload.conversations ?? []) {
            seen.get(String(conversation.preview ?? ""))?.push(performance.now());
          }
        })
        .subscribe((status) => {
          if (status === "SUBSCRIBED") resolve(true);
          else if (status !== "CLOSED") resolve(false);
        });
    });
  }

  /** Posts `count` webhooks one after another and returns each delivery's latency. */
  async function run(count: number, expectedPerEvent: number) {
    const samples: number[] = [];
    let missed = 0;
    for (let i = 0; i < count; i++) {
      const marker = `bench ${randomUUID().slice(0, 8)}`;
      seen.set(marker, []);
      const started = performance.now();
      await post(marker);
      const deadline = performance.now() + 5_000;
      while ((seen.get(marker)?.length ?? 0) < expectedPerEvent && performance.now() < deadline) await sleep(2);
      const arrivals = seen.get(marker) ?? [];
      for (const at of arrivals) samples.push(at - started);
      missed += expectedPerEvent - arrivals.length;
      seen.delete(marker);
      await sleep(GAP_MS);
    }
    return { ...summarize(samples), missed };
  }

  if (!(await subscribedClient())) throw new Error("the first client could not subscribe");
  await post("warm-up (creates the conversation)");
  await run(10, 1);
  const single = await run(EVENTS, 1);
  say(
    `one client, ${EVENTS} webhooks: p50 ${fmt(single.p50)} ms · p95 ${fmt(single.p95)} ms · p99 ${fmt(single.p99)} ms · missed ${single.missed}`,
  );

  const joined = await Promise.all(Array.from({ length: FANOUT_CLIENTS - 1 }, () => subscribedClient()));
  const subscribed = 1 + joined.filter(Boolean).length;
  const fanout = await run(FANOUT_EVENTS, FANOUT_CLIENTS);
  say(
    `${subscribed}/${FANOUT_CLIENTS} clients subscribed, ${FANOUT_EVENTS} webhooks: delivery p50 ${fmt(fanout.p50)} ms · ` +
      `p95 ${fmt(fanout.p95)} ms · p99 ${fmt(fanout.p99)} ms · missed ${fanout.missed} of ${FANOUT_EVENTS * FANOUT_CLIENTS}`,
  );
  const missed = single.missed + fanout.missed;
  say(
    `p50_ms=${fmt(single.p50)} p95_ms=${fmt(single.p95)} fanout_clients=${subscribed} fanout_p95_ms=${fmt(fanout.p95)} missed=${missed}`,
  );
} finally {
  await Promise.all(clients.map((client) => client.removeAllChannels()));
  await data.close();
  await stack.stop();
}
