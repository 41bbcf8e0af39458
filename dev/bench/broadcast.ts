// `npm run bench:broadcast`: 10,000 recipients over 4 WhatsApp numbers, one broadcast per number sent at once by the
// worker; the simulator holds each number to a rate (130429 above it) and reports sent and delivered statuses back as
// webhooks; the worker is killed (SIGKILL) once mid-run and its supervisor starts another. What the simulator admitted
// is compared with the recipients: nobody twice, nobody missing, at the configured pace.
import { startThrowawayStack } from "../stack/throwaway-stack";
import { testData } from "../test/test-data";
import { processTree, sumStatus } from "./process-memory";

const RECIPIENTS = Number(process.env.BENCH_BROADCAST_RECIPIENTS ?? 10_000);
const NUMBERS = Number(process.env.BENCH_BROADCAST_NUMBERS ?? 4);
const PER_SECOND = Number(process.env.BENCH_BROADCAST_RATE ?? 50);
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface NumberCounts {
  admitted: number;
  members: number;
  repeated: number;
  throttled: number;
  firstAt: number | null;
  lastAt: number | null;
}

const run = await startThrowawayStack({ seedDemo: false });
const data = testData({
  supabaseUrl: run.stack.supabaseUrl,
  superuserUrl: run.stack.superuserUrl,
  anonKey: run.stack.env.SUPABASE_ANON_KEY ?? "",
  serviceRoleKey: run.stack.env.SUPABASE_SERVICE_ROLE_KEY ?? "",
});
const numbersApi = (phoneNumberId: string, body?: unknown) =>
  fetch(`${run.metaUrl}/__numbers/${phoneNumberId}`, {
    method: body ? "POST" : "GET",
    headers: { "content-type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  }).then((response) => response.json() as Promise<NumberCounts>);

try {
  const gym = await data.memberOfNewWorkspace("manager");
  const sql = data.sql();
  // Production's confirmation delay, not the test stack's 3 s: a send Meta took while the worker died is settled by
  // its status, which may lag behind a busy run by more than 3 s.
  await sql.unsafe("alter database postgres set frontdesk.send_confirm_after = '60 seconds'");
  const numbers = [];
  for (let i = 0; i < NUMBERS; i++) numbers.push(await data.connectWhatsAppOfSimulator(run.metaUrl, gym.workspaceId));
  for (let waited = 0; waited < 60; waited++) {
    const [row] = await sql<
      { n: number }[]
    >`select count(*)::int as n from public.whatsapp_templates where workspace_id = ${gym.workspaceId}`;
    if ((row?.n ?? 0) >= 6 * NUMBERS) break;
    await sleep(500);
  }
  // Members spread over the numbers, each with a conversation there, as ingest leaves them.
  await sql`
    with members as (
      select g, ${sql.array(numbers.map((n) => n.channelAccountId))}::uuid[] as channels, gen_random_uuid() as contact_id,
             gen_random_uuid() as identity_id
      from generate_series(1, ${RECIPIENTS}) g
    ), contacts as (
      insert into public.contacts (id, workspace_id, display_name)
      select contact_id, ${gym.workspaceId}, 'Member ' || g from members returning id
    ), identities as (
      insert into public.contact_identities (id, workspace_id, contact_id, channel_account_id, provider_user_id)
      select m.identity_id, ${gym.workspaceId}, m.contact_id, m.channels[1 + g % ${NUMBERS}], (447700000000 + g)::text
      from members m join contacts c on c.id = m.contact_id returning id, contact_id, channel_account_id
    )
    insert into public.conversations (workspace_id, channel_account_id, contact_id, contact_identity_id, last_message_at,
                                      last_inbound_at)
    select ${gym.workspaceId}, channel_account_id, contact_id, id, now() - interval '3 days', now() - interval '3 days'
    from identities`;
  for (const number of numbers) {
    await numbersApi(number.phoneNumberId, { perSecond: PER_SECOND, statuses: ["sent", "delivered"], statusGapMs: 200 });
    await sql`insert into public.channel_send_pacing (channel_account_id, workspace_id, per_second)
              values (${number.channelAccountId}, ${gym.workspaceId}, ${PER_SECOND})
              on conflict (channel_account_id) do update set per_second = excluded.per_second`;
  }
  const broadcastIds: string[] = [];
  const asManager = async <T>(fn: (tx: typeof sql) => Promise<T>) =>
    sql.begin(async (tx) => {
      await tx`select set_config('role', 'authenticated', true),
                      set_config('request.jwt.claims', ${JSON.stringify({ sub: gym.user.id, role: "authenticated" })}, true)`;
      return fn(tx as unknown as typeof sql);
    });
  for (const number of numbers) {
    const [saved] = await asManager(
      (tx) => tx<{ broadcast_id: string }[]>`
        select broadcast_id from app.save_broadcast(${gym.workspaceId}, null, ${tx.json({
          name: `Holiday hours ${number.phoneNumberId}`,
          channelId: number.channelAccountId,
          templateId: null,
        })})`,
    );
    const [template] = await sql<{ id: string }[]>`
      select id from public.whatsapp_templates where workspace_id = ${gym.workspaceId} and waba_id = ${number.wabaId} and name = 'follow_up'`;
    await asManager(
      (tx) =>
        tx`select app.save_broadcast(${gym.workspaceId}, ${saved?.broadcast_id ?? ""}, ${tx.json({
          templateId: template?.id ?? "",
          templateValues: { "body.1": "{{contact.first_name}}" },
          fallbacks: { "contact.first_name": "there" },
        })})`,
    );
    broadcastIds.push(saved?.broadcast_id ?? "");
  }
  const idleRss = await sumStatus(await processTree(run.workerPid()), "VmRSS");
  say(
    `${RECIPIENTS} members over ${NUMBERS} numbers, each number held to ${PER_SECOND}/s; the worker idle at ${Math.round(idleRss / 1024 / 1024)} MB; sending…`,
  );
  const started = Date.now();
  await Promise.all(broadcastIds.map((id) => asManager((tx) => tx`select app.start_broadcast(${id}, null)`)));

  // The worker's memory through the run, and one SIGKILL once a third of the members have been sent to.
  let peakRss = 0;
  let killed = false;
  let killedAt = 0;
  for (;;) {
    const pids = await processTree(run.workerPid());
    peakRss = Math.max(peakRss, await sumStatus(pids, "VmRSS"));
    const [progress] = await sql<{ sent: number; open: number; unfinished: number }[]>`
      select count(*) filter (where r.status in ('sent', 'delivered', 'read', 'replied'))::int as sent,
             count(*) filter (where r.status in ('queued', 'sending'))::int as open,
             (select count(*)::int from public.broadcasts b where b.id = any (${broadcastIds}::uuid[]) and b.status <> 'done') as unfinished
      from public.broadcast_recipients r where r.broadcast_id = any (${broadcastIds}::uuid[])`;
    if (!killed && (progress?.sent ?? 0) >= RECIPIENTS / 3) {
      for (const pid of pids) process.kill(pid, "SIGKILL");
      killed = true;
      killedAt = Date.now();
      say(`killed the worker (SIGKILL) after ${progress?.sent} sends, ${((killedAt - started) / 1000).toFixed(1)} s in`);
    }
    if (progress && progress.unfinished === 0) break;
    if (Date.now() - started > 600_000) throw new Error(`not done after 10 minutes: ${JSON.stringify(progress)}`);
    await sleep(250);
  }
  const doneMs = Date.now() - started;

  const counts = await Promise.all(numbers.map((number) => numbersApi(number.phoneNumberId)));
  const admittedMembers = counts.reduce((sum, c) => sum + c.members, 0);
  const duplicates = counts.reduce((sum, c) => sum + c.repeated, 0);
  const throttled = counts.reduce((sum, c) => sum + c.throttled, 0);
  const firstAt = Math.min(...counts.map((c) => c.firstAt ?? Number.POSITIVE_INFINITY));
  const lastAt = Math.max(...counts.map((c) => c.lastAt ?? 0));
  const seconds = Math.max(0.001, (lastAt - firstAt) / 1000);
  const rateRatio = admittedMembers / seconds / (PER_SECOND * NUMBERS);
  const rows = await sql<{ status: string; reason: string | null; n: number }[]>`
    select status, reason, count(*)::int as n from public.broadcast_recipients
    where broadcast_id = any (${broadcastIds}::uuid[]) group by 1, 2 order by 1, 2`;
  const reached = rows.filter((r) => ["sent", "delivered", "read", "replied"].includes(r.status)).reduce((s, r) => s + r.n, 0);
  // Lost: a member the app says was sent who never reached Meta, or one who was neither sent nor told apart as failed.
  const accounted = rows.filter((r) => r.status === "failed" || r.status === "skipped").reduce((s, r) => s + r.n, 0);
  const lost = Math.max(0, RECIPIENTS - admittedMembers - accounted) + Math.max(0, reached - admittedMembers);
  // Sends the worker died in the middle of: shown as failed "may have been delivered", never sent again unasked.
  const unconfirmed = rows.filter((r) => r.reason === "unconfirmed").reduce((s, r) => s + r.n, 0);
  say(`done in ${(doneMs / 1000).toFixed(1)} s; Meta admitted ${admittedMembers} members in ${seconds.toFixed(1)} s`);
  say(`recipients by status: ${rows.map((r) => `${r.status}${r.reason ? `(${r.reason})` : ""}=${r.n}`).join(" ")}`);
  say(`per number: ${counts.map((c) => `${c.members} members, ${c.throttled} throttled`).join("; ")}`);
  say("targets: duplicates=0 lost=0 rate_ratio>=0.9, the worker under 250 MB");
  say(
    `recipients=${RECIPIENTS} sent=${admittedMembers} duplicates=${duplicates} lost=${lost} rate_ratio=${rateRatio.toFixed(2)} ` +
      `throttled=${throttled} unconfirmed=${unconfirmed} worker_rss_mb=${Math.round(peakRss / 1024 / 1024)}`,
  );
} finally {
  await data.close();
  await run.stop();
}
