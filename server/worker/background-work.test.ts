import { randomUUID } from "node:crypto";
import { parseCrontab } from "graphile-worker";
import { describe, expect, inject, it } from "vitest";
import { messengerEcho, messengerText, newMid } from "../../dev/meta/webhooks";
import { eventually } from "../../dev/test/eventually";
import { channelForWebhooks, sendWebhook, superuserSql } from "../../dev/test/fixtures";
import { encryptToken, parseKeyring } from "../../supabase/functions/_shared/token-crypto";
import { LOCAL_DEFAULTS } from "../lib/config";
import { FRONTDESK_CRONTAB } from "./task-list";

/** The worker the test stack runs (server/worker/run.ts under its supervisor), seen through the database. */

/** A staff reply Meta took but whose answer was never written (the app died): pending, no provider id. */
async function lostReply(channelId: string) {
  const [row] = await superuserSql()<{ id: string }[]>`
    insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, sender, text, status, client_message_id)
    select workspace_id, id, channel_account_id, 'outbound', 'staff', 'See you there', 'pending', ${randomUUID()}
    from public.conversations where channel_account_id = ${channelId} returning id`;
  return row?.id ?? "";
}
const stateOf = async (id: string) =>
  (
    await superuserSql()<{ status: string; error: { mayHaveBeenDelivered?: boolean } | null; failed_sends: number }[]>`
      select m.status, m.error, c.failed_sends from public.messages m join public.conversations c on c.id = m.conversation_id
      where m.id = ${id}`
  )[0];

describe("a reply whose answer was lost", () => {
  it("is marked sent by its echo, and the worker's confirmation leaves it so", async () => {
    const { channelId, providerAccountId: pageId } = await channelForWebhooks("messenger");
    const psid = randomUUID();
    await sendWebhook(messengerText({ pageId, psid, text: "hello" }));
    const lost = await lostReply(channelId);
    const echo = { pageId, psid, mid: newMid(), text: "See you there", appId: LOCAL_DEFAULTS.META_APP_ID, metadata: lost };
    await sendWebhook(messengerEcho(echo));
    expect((await stateOf(lost))?.status).toBe("sent");
    // Its confirm-send job (3 s in tests) has run and found nothing to do.
    await eventually(
      async () => (await superuserSql()`select 1 from graphile_worker.jobs where key = ${`confirm-send:${lost}`}`).length,
      (left) => left === 0,
    );
    expect(await stateOf(lost)).toMatchObject({ status: "sent", error: null });
  });

  it("without an echo (Instagram carries no reference) is reported as maybe delivered; a late receipt still marks it sent", async () => {
    const { channelId, providerAccountId: pageId } = await channelForWebhooks("instagram");
    const psid = randomUUID();
    await sendWebhook(messengerText({ pageId, psid, text: "hello", object: "instagram" }));
    const lost = await lostReply(channelId);
    const failed = await eventually(
      () => stateOf(lost),
      (state) => state?.status === "failed",
    );
    expect(failed).toMatchObject({ status: "failed", error: { mayHaveBeenDelivered: true }, failed_sends: 1 });

    // Meta's echo turns up after all (here by its provider id, as a receipt would name it).
    const mid = newMid();
    await superuserSql()`update public.messages set provider_message_id = ${mid} where id = ${lost}`;
    await sendWebhook(
      messengerEcho({ pageId, psid, mid, text: "See you there", appId: LOCAL_DEFAULTS.META_APP_ID, object: "instagram" }),
    );
    expect(await stateOf(lost)).toMatchObject({ status: "sent", error: null, failed_sends: 0 });
  });
});

describe("webhooks that failed to apply", () => {
  it("are looked for every minute", () => {
    const heal = parseCrontab(FRONTDESK_CRONTAB).find((item) => item.task === "heal-webhooks");
    expect(heal?.match.toString()).toBeTruthy();
    expect(FRONTDESK_CRONTAB).toMatch(/^\* \* \* \* \* heal-webhooks /m);
  });

  it("are applied again by the worker, with nobody calling replay", async () => {
    const { channelId, providerAccountId: pageId } = await channelForWebhooks("messenger");
    const mid = newMid();
    const payload = messengerText({ pageId, psid: randomUUID(), mid, text: "Are you open on Sunday?" });
    // As the edge function keeps one whose apply failed while the database was down (app.keep_unapplied_webhook).
    const [kept] = await superuserSql()<{ id: number }[]>`
      select app.keep_unapplied_webhook('page', ${JSON.stringify(payload)}, '57P01: terminating connection')::int as id`;
    // What the minute's tick does (the schedule above), without waiting for it.
    await superuserSql()`select graphile_worker.add_job('heal-webhooks', '{}', job_key := 'heal-webhooks')`;
    const healed = await eventually(
      async () =>
        (
          await superuserSql()<{ outcome: string; attempts: number }[]>`
          select outcome, attempts from public.webhook_events where id = ${kept?.id ?? 0}`
        )[0],
      (row) => row?.outcome === "processed",
    );
    expect(healed).toEqual({ outcome: "processed", attempts: 2 });
    const [message] = await superuserSql()`
      select text from public.messages where channel_account_id = ${channelId} and provider_message_id = ${mid}`;
    expect(message?.text).toBe("Are you open on Sunday?");
  });
});

describe("retention", () => {
  it("removes exactly what is past its age", async () => {
    const { workspaceId, channelId } = await channelForWebhooks("messenger");
    const sql = superuserSql();
    const tag = randomUUID();
    const webhooks = await sql<{ id: number; label: string }[]>`
      insert into public.webhook_events (workspace_id, object, payload, outcome, received_at)
      values (${workspaceId}, 'page', ${sql.json({ tag, label: "old processed" })}, 'processed', now() - interval '31 days'),
             (${workspaceId}, 'page', ${sql.json({ tag, label: "old unroutable" })}, 'unroutable', now() - interval '31 days'),
             (${workspaceId}, 'page', ${sql.json({ tag, label: "old failed" })}, 'failed', now() - interval '31 days'),
             (${workspaceId}, 'page', ${sql.json({ tag, label: "recent" })}, 'processed', now() - interval '29 days')
      returning id::int, payload ->> 'label' as label`;
    await sql`
      insert into public.pending_receipts (workspace_id, channel_account_id, provider_message_id, status, occurred_at, received_at)
      values (${workspaceId}, ${channelId}, ${`old-${tag}`}, 'delivered', now(), now() - interval '8 days'),
             (${workspaceId}, ${channelId}, ${`new-${tag}`}, 'delivered', now(), now() - interval '6 days')`;
    const [owner] = await sql<{ user_id: string }[]>`select user_id from public.memberships where workspace_id = ${workspaceId}`;
    await sql`
      insert into public.channel_connect_attempts (workspace_id, user_id, expires_at, callback_at)
      values (${workspaceId}, ${owner?.user_id ?? ""}, now() - interval '3 days', now() - interval '3 days'),
             (${workspaceId}, ${owner?.user_id ?? ""}, now() - interval '1 hour', now() - interval '2 hours')`;

    await sql`select graphile_worker.add_job('remove-expired', '{}', job_key := 'remove-expired')`;
    await eventually(
      async () => (await sql`select 1 from graphile_worker.jobs where key = 'remove-expired'`).length,
      (left) => left === 0,
    );
    const kept = await sql<{ label: string }[]>`
      select payload ->> 'label' as label from public.webhook_events where payload ->> 'tag' = ${tag} order by 1`;
    expect(kept.map((row) => row.label)).toEqual(["old failed", "recent"]);
    const receipts = await sql<{ provider_message_id: string }[]>`
      select provider_message_id from public.pending_receipts where provider_message_id like ${`%${tag}`}`;
    expect(receipts.map((row) => row.provider_message_id)).toEqual([`new-${tag}`]);
    const [attempts] = await sql<{ n: number }[]>`
      select count(*)::int as n from public.channel_connect_attempts where workspace_id = ${workspaceId}`;
    expect(attempts?.n).toBe(1);
    expect(webhooks).toHaveLength(4);
  });
});

describe("a worker killed in the middle of a job", () => {
  it("loses nothing: the job goes back to the queue, runs again, and its effect happens once", async () => {
    const { channelId, providerAccountId: pageId } = await channelForWebhooks("messenger");
    const sql = superuserSql();
    const sealed = await encryptToken(await parseKeyring(LOCAL_DEFAULTS.TOKEN_ENCRYPTION_KEYS), "EAAG-page-token", channelId);
    await sql`update public.channel_accounts set access_token_ciphertext = ${sealed.ciphertext}, access_token_key_id = ${sealed.keyId}
              where id = ${channelId}`;
    const { metaUrl } = inject("stack");
    const psid = `psid${Date.now()}`;
    // The profile lookup hangs in Meta long enough to kill the worker running it.
    await fetch(`${metaUrl}/__failures`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pathIncludes: psid, latencyMs: 4_000, times: 1 }),
    });
    await sendWebhook(messengerText({ pageId, psid, text: "hi" }));
    const running = await eventually(
      async () =>
        (
          await sql<{ pid: number }[]>`
          select h.pid from graphile_worker.jobs j join app.worker_heartbeats h on h.worker_id = j.locked_by
          where j.key = (select 'lookup-profile:' || id from public.contact_identities where provider_user_id = ${psid})`
        )[0],
      Boolean,
    );
    expect(running?.pid).toBeGreaterThan(0);
    process.kill(running?.pid ?? 0, "SIGKILL");

    // The supervisor starts a new worker; the dead one's heartbeat goes stale and its job is unlocked and run again.
    const named = await eventually(
      async () =>
        (
          await sql<{ profile_name: string | null; fetched: boolean }[]>`
          select profile_name, profile_fetched_at is not null as fetched from public.contact_identities
          where provider_user_id = ${psid}`
        )[0],
      (row) => Boolean(row?.fetched),
      { timeoutMs: 30_000 },
    );
    expect(named?.profile_name).toBe(`Member ${psid.slice(-4)}`);
    const calls = (await (await fetch(`${metaUrl}/__calls`)).json()) as { path: string }[];
    expect(calls.filter((call) => call.path.endsWith(`/${psid}`))).toHaveLength(2);
    const [jobs] = await sql<{ n: number }[]>`
      select count(*)::int as n from graphile_worker.jobs where task_identifier = 'lookup-profile' and locked_by is not null
        and locked_by not in (select worker_id from app.worker_heartbeats)`;
    expect(jobs?.n).toBe(0);
  }, 45_000);
});
