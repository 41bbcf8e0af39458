import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import {
  messagingWebhook,
  messengerEcho,
  messengerText,
  newMid,
  newWamid,
  whatsappStatus,
  whatsappText,
} from "../../../dev/meta/webhooks";
import { eventually } from "../../../dev/test/eventually";
import { channelForWebhooks, sendWebhook, superuserSql } from "../../../dev/test/fixtures";
import { LOCAL_DEFAULTS } from "../../../server/lib/config";
import { eventsOfCall, INGEST_LANES } from "../_shared/ingest-together";
import { normalizeWebhook } from "../_shared/meta-events";
import type { IngestResult } from "../_shared/meta-webhook";
import { encryptToken, parseKeyring } from "../_shared/token-crypto";

const send = sendWebhook;
const endpoint = () => `${inject("stack").supabaseUrl}/functions/v1/meta-webhook`;
const newChannel = channelForWebhooks;
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(import.meta.dirname, "../_shared/fixtures", `${name}.json`), "utf8"));

/** Messages stored on a channel, and the unread count of its (one) conversation. */
const messagesAndUnread = async (channelId: string) =>
  (
    await superuserSql()<{ messages: number; unread: number }[]>`
      select (select count(*)::int from public.messages where channel_account_id = ${channelId}) as messages,
             (select unread_count from public.conversations where channel_account_id = ${channelId}) as unread`
  )[0];

const eventCount = async () =>
  (await superuserSql()<{ n: number }[]>`select count(*)::int as n from public.webhook_events`)[0]?.n;

describe("the reference payloads", () => {
  let page: Awaited<ReturnType<typeof newChannel>>;
  let instagram: Awaited<ReturnType<typeof newChannel>>;
  let whatsapp: Awaited<ReturnType<typeof newChannel>>;
  beforeAll(async () => {
    page = await newChannel("messenger", "105550000000001");
    instagram = await newChannel("instagram", "17841400000000001");
    whatsapp = await newChannel("whatsapp", "106540352242922");
    for (const name of [
      "messenger-text",
      "messenger-quick-reply",
      "messenger-attachments",
      "messenger-echo",
      "messenger-delivery",
      "messenger-read",
      "messenger-postback",
      "messenger-reaction",
      "instagram-text",
      "instagram-story-mention",
      "instagram-unsend",
      "whatsapp-text",
      "whatsapp-image",
      "whatsapp-interactive",
      "whatsapp-status-delivered",
      "whatsapp-status-failed",
    ]) {
      expect((await send(fixture(name))).status, name).toBe(200);
    }
  });

  it("land as messages in one conversation per member and channel", async () => {
    const rows = await superuserSql()<{ channel: string; kind: string; text: string | null; deleted: boolean }[]>`
      select m.channel_account_id as channel, m.kind, m.text, m.deleted_at is not null as deleted
      from public.messages m where m.channel_account_id in (${page.channelId}, ${instagram.channelId}, ${whatsapp.channelId})
      order by m.created_at`;
    expect(rows).toEqual([
      { channel: page.channelId, kind: "text", text: "Hi! Is the 6am spin class still on tomorrow?", deleted: false },
      { channel: page.channelId, kind: "text", text: "Yes, book me", deleted: false },
      { channel: page.channelId, kind: "image", text: null, deleted: false },
      { channel: page.channelId, kind: "postback", text: "Get Started", deleted: false },
      { channel: instagram.channelId, kind: "text", text: null, deleted: true },
      { channel: instagram.channelId, kind: "story_mention", text: null, deleted: false },
      { channel: whatsapp.channelId, kind: "text", text: "Can I freeze my membership for March?", deleted: false },
      { channel: whatsapp.channelId, kind: "image", text: "my injury note", deleted: false },
      { channel: whatsapp.channelId, kind: "postback", text: "Confirm", deleted: false },
    ]);
    const conversations = await superuserSql()<{ channel: string; unread: number; preview: string; name: string | null }[]>`
      select c.channel_account_id as channel, c.unread_count as unread, c.last_message_preview as preview, ci.profile_name as name
      from public.conversations c join public.contact_identities ci on ci.id = c.contact_identity_id
      where c.channel_account_id in (${page.channelId}, ${instagram.channelId}, ${whatsapp.channelId})
      order by c.last_message_at`;
    expect(conversations).toEqual([
      { channel: page.channelId, unread: 3, preview: "[Photo]", name: null },
      { channel: page.channelId, unread: 1, preview: "Get Started", name: null },
      { channel: instagram.channelId, unread: 2, preview: "[Mentioned you in their story]", name: null },
      { channel: whatsapp.channelId, unread: 3, preview: "Confirm", name: "Sheena Nelson" },
    ]);
  });

  it("keep receipts for messages not sent through us yet, and record every webhook", async () => {
    const receipts = await superuserSql()<{ mid: string; status: string }[]>`
      select provider_message_id as mid, status from public.pending_receipts
      where channel_account_id in (${page.channelId}, ${whatsapp.channelId}) order by id`;
    expect(receipts.map((r) => r.status)).toEqual(["sent", "delivered", "delivered", "failed"]);
    const [outcomes] = await superuserSql()<{ processed: number }[]>`
      select count(*)::int as processed from public.webhook_events
      where workspace_id in (${page.workspaceId}, ${instagram.workspaceId}, ${whatsapp.workspaceId}) and outcome = 'processed'`;
    expect(outcomes?.processed).toBe(16);
  });
});

describe("idempotent, race-free ingest", () => {
  it("the same webhook delivered three times stores one message", async () => {
    const { channelId, providerAccountId } = await newChannel("messenger");
    const payload = messengerText({ pageId: providerAccountId, psid: randomUUID(), text: "Is the pool open?" });
    for (let i = 0; i < 3; i++) expect((await send(payload)).status).toBe(200);
    const row = await messagesAndUnread(channelId);
    expect(row).toEqual({ messages: 1, unread: 1 });
  });

  it("a message Meta put twice into one webhook is stored once and counted once", async () => {
    const { channelId, providerAccountId } = await newChannel("messenger");
    const single = messengerText({ pageId: providerAccountId, psid: randomUUID(), text: "Twice?" });
    expect((await send({ ...single, entry: [...single.entry, ...single.entry] })).status).toBe(200);
    const row = await messagesAndUnread(channelId);
    expect(row).toEqual({ messages: 1, unread: 1 });
  });

  it("a message with characters Postgres cannot store (U+0000, a lone surrogate) lands with U+FFFD in their place", async () => {
    const { channelId, providerAccountId } = await newChannel("messenger");
    const payload = messengerText({ pageId: providerAccountId, psid: randomUUID(), text: "6am\u0000 class \ud83d 💪" });
    // Meta escapes what is not ASCII: the emoji arrives as an escaped surrogate pair, which is kept.
    const rawBody = JSON.stringify(payload).replace("💪", "\\ud83d\\udcaa");
    expect((await send(payload, { rawBody })).status).toBe(200);
    const [row] = await superuserSql()<{ text: string; stored: string }[]>`
      select m.text, e.payload -> 'entry' -> 0 -> 'messaging' -> 0 -> 'message' ->> 'text' as stored
      from public.messages m, public.webhook_events e
      where m.channel_account_id = ${channelId} and e.payload -> 'entry' -> 0 ->> 'id' = ${providerAccountId}`;
    expect(row).toEqual({ text: "6am\ufffd class \ufffd 💪", stored: "6am\ufffd class \ufffd 💪" });
  });

  it("50 concurrent webhooks from one new sender make one contact, one conversation and 50 messages", async () => {
    const { channelId, providerAccountId } = await newChannel("whatsapp");
    const waId = String(Date.now());
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        send(whatsappText({ phoneNumberId: providerAccountId, waId, name: "Burst", text: `#${i}` })),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    const [row] = await superuserSql()`
      select (select count(*)::int from public.contact_identities where channel_account_id = ${channelId}) as identities,
             (select count(distinct contact_id)::int from public.conversations where channel_account_id = ${channelId}) as contacts,
             (select count(*)::int from public.conversations where channel_account_id = ${channelId}) as conversations,
             (select count(*)::int from public.messages where channel_account_id = ${channelId}) as messages,
             (select unread_count from public.conversations where channel_account_id = ${channelId}) as unread`;
    expect(row).toEqual({ identities: 1, contacts: 1, conversations: 1, messages: 50, unread: 50 });
  });

  it("an echo that beats the Send API response still ends as one sent message", async () => {
    const { workspaceId, channelId, providerAccountId } = await newChannel("messenger");
    const psid = randomUUID();
    await send(messengerText({ pageId: providerAccountId, psid, text: "hello" }));
    // What messages.send leaves before Meta answers: a pending row without a provider id.
    const [pending] = await superuserSql()<{ id: string }[]>`
      insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, sender, text, status, client_message_id)
      select workspace_id, id, channel_account_id, 'outbound', 'staff', 'See you there', 'pending', ${randomUUID()}
      from public.conversations where channel_account_id = ${channelId} returning id`;
    const mid = newMid();
    const echo = messengerEcho({
      pageId: providerAccountId,
      psid,
      mid,
      text: "See you there",
      appId: LOCAL_DEFAULTS.META_APP_ID,
    });
    expect((await send(echo)).status).toBe(200);
    await superuserSql()`update public.messages set provider_message_id = ${mid} where id = ${pending?.id ?? ""}`;
    const rows = await superuserSql()`
      select status, sent_at is not null as sent from public.messages where channel_account_id = ${channelId} and direction = 'outbound'`;
    expect(rows).toEqual([{ status: "sent", sent: true }]);
    expect(await superuserSql()`select 1 from public.pending_receipts where workspace_id = ${workspaceId}`).toHaveLength(0);
  });

  it("a send whose answer was never recorded is found by the id it carried: Messenger echo, WhatsApp status", async () => {
    const messenger = await newChannel("messenger");
    const psid = randomUUID();
    await send(messengerText({ pageId: messenger.providerAccountId, psid, text: "hello" }));
    // Meta accepted these, but the process died before writing its answer: pending, no provider id.
    const pendingRow = async (channelId: string) => {
      const [row] = await superuserSql()<{ id: string }[]>`
        insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, sender, text, status, client_message_id)
        select workspace_id, id, channel_account_id, 'outbound', 'staff', 'See you there', 'pending', ${randomUUID()}
        from public.conversations where channel_account_id = ${channelId} returning id`;
      return row?.id ?? "";
    };
    const lostMessenger = await pendingRow(messenger.channelId);
    const mid = newMid();
    const echo = { pageId: messenger.providerAccountId, psid, mid, text: "See you there", appId: LOCAL_DEFAULTS.META_APP_ID };
    expect((await send(messengerEcho({ ...echo, metadata: lostMessenger }))).status).toBe(200);
    const stateOf = (id: string) => superuserSql()`select status, provider_message_id from public.messages where id = ${id}`;
    expect(await stateOf(lostMessenger)).toEqual([{ status: "sent", provider_message_id: mid }]);

    const whatsapp = await newChannel("whatsapp");
    const waId = String(Date.now());
    await send(whatsappText({ phoneNumberId: whatsapp.providerAccountId, waId, text: "hi" }));
    const lostWhatsApp = await pendingRow(whatsapp.channelId);
    const wamid = newWamid();
    const status = { phoneNumberId: whatsapp.providerAccountId, waId, id: wamid, callbackData: lostWhatsApp };
    expect((await send(whatsappStatus({ ...status, status: "delivered" }))).status).toBe(200);
    expect(await stateOf(lostWhatsApp)).toEqual([{ status: "delivered", provider_message_id: wamid }]);

    // Another channel's echo naming this row changes nothing; neither does a reference that is not an id.
    const other = await newChannel("messenger");
    const stray = await pendingRow(messenger.channelId);
    await send(messengerEcho({ ...echo, pageId: other.providerAccountId, mid: newMid(), metadata: stray }));
    await send(messengerEcho({ ...echo, mid: newMid(), metadata: "not-a-uuid" }));
    expect(await stateOf(stray)).toEqual([{ status: "pending", provider_message_id: null }]);
  });

  it("statuses only move forward: read then delivered stays read; failed carries its error", async () => {
    const { channelId, providerAccountId } = await newChannel("whatsapp");
    const waId = String(Date.now());
    await send(whatsappText({ phoneNumberId: providerAccountId, waId, text: "hi" }));
    const readId = newWamid();
    const failedId = newWamid();
    await superuserSql()`
      insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, sender, text, status, provider_message_id)
      select c.workspace_id, c.id, c.channel_account_id, 'outbound', 'staff', x.text, 'sent', x.mid
      from public.conversations c, (values (${readId}, 'one'), (${failedId}, 'two')) as x (mid, text)
      where c.channel_account_id = ${channelId}`;
    await send(whatsappStatus({ phoneNumberId: providerAccountId, waId, id: readId, status: "read" }));
    await send(whatsappStatus({ phoneNumberId: providerAccountId, waId, id: readId, status: "delivered" }));
    await send(whatsappStatus({ phoneNumberId: providerAccountId, waId, id: failedId, status: "failed", errorCode: 131047 }));
    const rows = await superuserSql()<{ status: string; read: boolean; delivered: boolean; error: { code: string } | null }[]>`
      select status, read_at is not null as read, delivered_at is not null as delivered, error
      from public.messages where channel_account_id = ${channelId} and direction = 'outbound' order by text`;
    expect(rows).toEqual([
      { status: "read", read: true, delivered: true, error: null },
      { status: "failed", read: false, delivered: false, error: expect.objectContaining({ code: "WINDOW_CLOSED" }) },
    ]);
  });

  it("a member's reaction, its removal and an edit change the message they name", async () => {
    const { channelId, providerAccountId: pageId } = await newChannel("messenger");
    const psid = randomUUID();
    const mid = newMid();
    await send(messengerText({ pageId, psid, text: "Can I bring a friend?", mid }));
    const message = async () =>
      (
        await superuserSql()<{ text: string; edited: boolean; reactions: unknown }[]>`
          select text, edited_at is not null as edited, reactions from public.messages
          where channel_account_id = ${channelId} and provider_message_id = ${mid}`
      )[0];

    await send(messagingWebhook({ pageId, psid, event: { reaction: { mid, action: "react", emoji: "👍", reaction: "like" } } }));
    expect(await message()).toMatchObject({ reactions: [{ emoji: "👍", reaction: "like", by: "member" }] });
    await send(messagingWebhook({ pageId, psid, event: { message_edit: { mid, text: "Can I bring two friends?" } } }));
    await send(messagingWebhook({ pageId, psid, event: { reaction: { mid, action: "unreact" } } }));
    expect(await message()).toEqual({ text: "Can I bring two friends?", edited: true, reactions: [] });
  });

  it("Messenger standby events (another app holds the thread) are stored like messaging ones, marked standby", async () => {
    const { channelId, providerAccountId: pageId } = await newChannel("messenger");
    const psid = randomUUID();
    const timestamp = Date.now();
    const [memberMid, inboxMid] = [newMid(), newMid()];
    const standby = {
      object: "page",
      entry: [
        {
          id: pageId,
          time: timestamp,
          standby: [
            { sender: { id: psid }, recipient: { id: pageId }, timestamp, message: { mid: memberMid, text: "Anyone there?" } },
            {
              sender: { id: pageId },
              recipient: { id: psid },
              timestamp: timestamp + 1,
              message: { mid: inboxMid, text: "Yes, from the Page inbox", is_echo: true, app_id: 263902037430900 },
            },
          ],
        },
      ],
    };
    expect((await send(standby)).status).toBe(200);
    const rows = await superuserSql()`
      select sender, direction, text, metadata from public.messages where channel_account_id = ${channelId} order by created_at`;
    expect(rows).toEqual([
      { sender: "member", direction: "inbound", text: "Anyone there?", metadata: { standby: true } },
      { sender: "page", direction: "outbound", text: "Yes, from the Page inbox", metadata: { standby: true } },
    ]);
  });

  it("a new message reopens a resolved conversation and un-archives it", async () => {
    const { channelId, providerAccountId } = await newChannel("messenger");
    const psid = randomUUID();
    await send(messengerText({ pageId: providerAccountId, psid, text: "first" }));
    await superuserSql()`update public.conversations set status = 'resolved', archived_at = now(), unread_count = 0 where channel_account_id = ${channelId}`;
    await send(messengerText({ pageId: providerAccountId, psid, text: "one more thing" }));
    const [row] = await superuserSql()`
      select status, archived_at, unread_count, last_message_preview from public.conversations where channel_account_id = ${channelId}`;
    expect(row).toEqual({ status: "open", archived_at: null, unread_count: 1, last_message_preview: "one more thing" });
  });

  it("keeps webhooks for unknown pages as unroutable and still answers 200", async () => {
    const before = await superuserSql()`select count(*)::int as n from public.webhook_events where outcome = 'unroutable'`;
    expect((await send(messengerText({ pageId: "999000999", psid: "1", text: "anyone?" }))).status).toBe(200);
    const after = await superuserSql()`select count(*)::int as n from public.webhook_events where outcome = 'unroutable'`;
    expect(after[0]?.n).toBe((before[0]?.n ?? 0) + 1);
  });
});

describe("webhooks that arrive together", () => {
  /** What app.ingest_meta_webhooks is given for these webhooks, as the edge function builds it. */
  const together = (payloads: { object: string }[]) => {
    const webhooks = payloads.map((p) => ({
      object: p.object,
      rawJson: JSON.stringify(p),
      events: normalizeWebhook(p, LOCAL_DEFAULTS.META_APP_ID),
    }));
    return superuserSql()<{ results: (IngestResult & { unroutable: number })[] }[]>`
      select app.ingest_meta_webhooks(
        ${webhooks.map((w) => w.object)}::text[], ${webhooks.map((w) => w.rawJson)}::text[]::jsonb[],
        ${JSON.stringify(eventsOfCall(webhooks))}::text::jsonb
      ) as results`.then((rows) => rows[0]?.results ?? []);
  };

  it("are applied in one call yet each keeps its own row, outcome and counts", async () => {
    const { workspaceId, channelId, providerAccountId } = await newChannel("messenger");
    const psid = randomUUID();
    const first = messengerText({ pageId: providerAccountId, psid, text: "Hi" });
    const again = messengerText({ pageId: providerAccountId, psid, text: "Hi" });
    const second = messengerText({ pageId: providerAccountId, psid, text: "Class at 6?" });
    // The second webhook repeats the first's message (a redelivery) and brings a new one.
    const redelivery = { ...again, entry: [...first.entry, ...second.entry] };
    const elsewhere = messengerText({ pageId: `unknown-${randomUUID()}`, psid, text: "Hello?" });

    const results = await together([first, redelivery, elsewhere]);
    expect(
      results.map(({ outcome, inserted, duplicates, unroutable }) => ({ outcome, inserted, duplicates, unroutable })),
    ).toEqual([
      { outcome: "processed", inserted: 1, duplicates: 0, unroutable: 0 },
      { outcome: "processed", inserted: 1, duplicates: 1, unroutable: 0 },
      { outcome: "unroutable", inserted: 0, duplicates: 0, unroutable: 1 },
    ]);
    expect(results[0]?.newIdentities).toHaveLength(1);
    const rows = await superuserSql()<{ id: number; workspace_id: string | null; outcome: string; page: string }[]>`
      select id::int, workspace_id, outcome, payload -> 'entry' -> 0 ->> 'id' as page
      from public.webhook_events where id = any (${results.map((r) => r.eventId)}) order by id`;
    expect(rows).toEqual([
      { id: results[0]?.eventId, workspace_id: workspaceId, outcome: "processed", page: providerAccountId },
      { id: results[1]?.eventId, workspace_id: workspaceId, outcome: "processed", page: providerAccountId },
      { id: results[2]?.eventId, workspace_id: null, outcome: "unroutable", page: elsewhere.entry[0]?.id },
    ]);
    const counts = await messagesAndUnread(channelId);
    expect(counts).toEqual({ messages: 2, unread: 2 });
  });

  it("store nothing when one of them cannot be applied, so each can be applied on its own", async () => {
    const { channelId, providerAccountId } = await newChannel("messenger");
    const good = messengerText({ pageId: providerAccountId, psid: randomUUID(), text: "Fine" });
    // A timestamp no Postgres timestamp can hold: applying it fails.
    const bad = messengerText({ pageId: providerAccountId, psid: randomUUID(), text: "Broken", timestamp: 9e18 });
    const before = await eventCount();
    await expect(together([good, bad])).rejects.toThrow(/out of range/);
    expect(await eventCount()).toBe(before);

    const [alone] = await together([bad]);
    expect(alone).toMatchObject({ outcome: "failed", inserted: 0, error: expect.stringMatching(/^22008: /) });
    const [stored] = await superuserSql()`select outcome from public.webhook_events where id = ${alone?.eventId ?? 0}`;
    expect(stored).toEqual({ outcome: "failed" });
    const [counts] = await superuserSql()`
      select count(*)::int as messages from public.messages where channel_account_id = ${channelId}`;
    expect(counts).toEqual({ messages: 0 });
  });

  /**
   * Keeps every lane of the edge function busy: INGEST_LANES webhooks from one member wait on that
   * member's lock, held here, while `sendQueued` runs; what it sends queues behind them. Then lets go.
   */
  async function withLanesBusy(providerAccountId: string, sendQueued: () => Promise<Response[]>) {
    const psid = randomUUID();
    const key = `messenger:${providerAccountId}:${psid}`;
    return await superuserSql()
      .begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
        const fillers = Array.from({ length: INGEST_LANES }, (_, i) =>
          send(messengerText({ pageId: providerAccountId, psid, text: `filler ${i}` })),
        );
        const waiting = await eventually(
          async () =>
            (
              await tx<{ n: number }[]>`
              select count(*)::int as n from pg_locks
              where locktype = 'advisory' and not granted
                and ((classid::bigint << 32) | objid::bigint) = hashtextextended(${key}, 0)`
            )[0]?.n ?? 0,
          (n) => n >= INGEST_LANES,
        );
        expect(waiting).toBe(INGEST_LANES);
        const queued = sendQueued();
        // Until they have reached the function and queued (the lock above is still held).
        await new Promise((resolve) => setTimeout(resolve, 300));
        return { fillers, queued };
      })
      .then(async ({ fillers, queued }) => {
        expect((await Promise.all(fillers)).map((r) => r.status)).toEqual(Array(INGEST_LANES).fill(200));
        return await queued;
      });
  }

  const storedFor = async (providerAccountId: string, channelId: string) =>
    (
      await superuserSql()<{ processed: number; failed: number; transactions: number; messages: number }[]>`
        select count(*) filter (where outcome = 'processed')::int as processed,
               count(*) filter (where outcome = 'failed')::int as failed,
               count(distinct received_at)::int as transactions,
               (select count(*)::int from public.messages where channel_account_id = ${channelId}) as messages
        from public.webhook_events
        where payload -> 'entry' -> 0 ->> 'id' = ${providerAccountId}
          and payload -> 'entry' -> 0 -> 'messaging' -> 0 -> 'message' ->> 'text' not like 'filler %'`
    )[0];

  it("over HTTP: webhooks waiting for a lane are applied in one transaction, each answered once it commits", async () => {
    const { channelId, providerAccountId } = await newChannel("messenger");
    const responses = await withLanesBusy(providerAccountId, () =>
      Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          send(messengerText({ pageId: providerAccountId, psid: `member-${i}`, text: `#${i}` })),
        ),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    // now() is the transaction's start: webhooks applied together share their received_at.
    const stored = await storedFor(providerAccountId, channelId);
    expect(stored).toMatchObject({ processed: 20, failed: 0, messages: 20 + INGEST_LANES });
    expect(stored?.transactions).toBeLessThan(20);
  });

  it("over HTTP: one that cannot be applied is kept as failed, and those that came with it land", async () => {
    const { channelId, providerAccountId } = await newChannel("messenger");
    const responses = await withLanesBusy(providerAccountId, () =>
      Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          send(
            messengerText({
              pageId: providerAccountId,
              psid: `member-${i}`,
              text: `#${i}`,
              timestamp: i === 2 ? 9e18 : undefined,
            }),
          ),
        ),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(5).fill(200));
    expect(await storedFor(providerAccountId, channelId)).toMatchObject({ processed: 4, failed: 1, messages: 4 + INGEST_LANES });
  });
});

describe("a webhook's cost does not grow with the inbox", () => {
  it("finds its members and conversations by key, never by reading every gym's", async () => {
    const sql = superuserSql();
    const { providerAccountId } = await newChannel("whatsapp");
    const other = await newChannel("messenger");
    // Another gym's 5,000 members, analyzed, so the planner knows these tables are not small.
    await sql`
      with contacts as (
        insert into public.contacts (workspace_id) select ${other.workspaceId}::uuid from generate_series(1, 5000) returning id
      ), identities as (
        insert into public.contact_identities (workspace_id, contact_id, channel_account_id, provider_user_id)
        select ${other.workspaceId}, id, ${other.channelId}, id::text from contacts returning id, contact_id
      )
      insert into public.conversations (workspace_id, channel_account_id, contact_id, contact_identity_id)
      select ${other.workspaceId}, ${other.channelId}, contact_id, id from identities`;
    await sql`analyze public.contact_identities, public.conversations`;
    const known = String(Date.now());
    const first = whatsappText({ phoneNumberId: providerAccountId, waId: known, name: "Ana", text: "first" });
    expect((await send(first)).status).toBe(200);

    // A known member who renamed herself, and a member writing for the first time: every statement of
    // the ingest runs. pg_stat_xact_user_tables also holds this session's earlier, unflushed scans, so
    // what counts is how far it moves within this one transaction.
    const [before, after] = await sql.begin(async (tx) => {
      const seqScans = async () =>
        (
          await tx<{ identities: number; conversations: number }[]>`
            select coalesce(sum(seq_scan) filter (where relname = 'contact_identities'), 0)::int as identities,
                   coalesce(sum(seq_scan) filter (where relname = 'conversations'), 0)::int as conversations
            from pg_stat_xact_user_tables where schemaname = 'public'`
        )[0];
      const counted = await seqScans();
      for (const payload of [
        whatsappText({ phoneNumberId: providerAccountId, waId: known, name: "Ana María", text: "again" }),
        whatsappText({ phoneNumberId: providerAccountId, waId: `${known}1`, name: "Leo", text: "hello" }),
      ]) {
        const events = normalizeWebhook(payload, LOCAL_DEFAULTS.META_APP_ID);
        await tx`select app.ingest_meta_webhook('whatsapp_business_account', ${JSON.stringify(payload)}::text::jsonb,
                                                ${JSON.stringify(events)}::text::jsonb)`;
      }
      return [counted, await seqScans()];
    });
    expect(after).toEqual(before);
    const names = await sql`
      select ci.profile_name, c.unread_count from public.contact_identities ci
      join public.conversations c on c.contact_identity_id = ci.id
      where ci.provider_user_id in (${known}, ${`${known}1`}) order by ci.provider_user_id`;
    expect(names).toEqual([
      { profile_name: "Ana María", unread_count: 2 },
      { profile_name: "Leo", unread_count: 1 },
    ]);
  });
});

describe("what is not Meta's is refused and nothing is stored", () => {
  it.each([
    ["a forged signature", 401, { signature: `sha256=${"0".repeat(64)}` }],
    ["no signature", 401, { signature: "" }],
    ["malformed JSON", 400, { rawBody: '{"object": "page", ' }],
    ["an oversized body", 413, { rawBody: JSON.stringify({ object: "page", padding: "x".repeat(5 * 1024 * 1024) }) }],
  ])("%s → %i", async (_name, status, options) => {
    const before = await eventCount();
    const response = await send(messengerText({ pageId: "1", psid: "2", text: "x" }), options);
    expect(response.status).toBe(status);
    expect(await eventCount()).toBe(before);
  });
});

describe("replaying failed webhooks", () => {
  it("stores the raw payload as the JSON object Meta sent, so a replay can read it", async () => {
    const { providerAccountId } = await newChannel("messenger");
    const text = `stored as sent ${randomUUID()}`;
    await send(messengerText({ pageId: providerAccountId, psid: randomUUID(), text }));
    const [stored] = await superuserSql()<{ type: string; object: string }[]>`
      select jsonb_typeof(payload) as type, payload ->> 'object' as object from public.webhook_events
      where payload::text like ${`%${text}%`}`;
    expect(stored).toEqual({ type: "object", object: "page" });
  });

  it("applies a failed webhook again from its stored payload, only for the service role", async () => {
    const { channelId, providerAccountId } = await newChannel("messenger");
    const payload = messengerText({ pageId: providerAccountId, psid: randomUUID(), text: "lost in a deploy" });
    const [stored] = await superuserSql()<{ id: string }[]>`
      insert into public.webhook_events (object, payload, outcome, error, attempts)
      values ('page', ${superuserSql().json(payload)}, 'failed', '57014: canceling statement due to statement timeout', 1)
      returning id`;
    const replay = (key: string) =>
      fetch(`${endpoint()}/replay`, { method: "POST", headers: { authorization: `Bearer ${key}` } });

    expect((await replay(inject("stack").env.SUPABASE_ANON_KEY ?? "")).status).toBe(401);
    expect((await replay("sb_secret_not-this-projects")).status).toBe(401);
    const response = await replay(inject("stack").env.SUPABASE_SERVICE_ROLE_KEY ?? "");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      outcomes: expect.arrayContaining([{ id: Number(stored?.id), outcome: "processed" }]),
    });
    const [row] = await superuserSql()`
      select e.outcome, e.attempts, e.error, (select count(*)::int from public.messages where channel_account_id = ${channelId}) as messages
      from public.webhook_events e where e.id = ${stored?.id ?? 0}`;
    expect(row).toEqual({ outcome: "processed", attempts: 2, error: null, messages: 1 });
  });

  it("takes the project's new-style secret key (sb_secret_…) as well as the legacy service role key", async () => {
    const response = await fetch(`${endpoint()}/replay?limit=1`, {
      method: "POST",
      headers: { authorization: `Bearer ${inject("stack").env.SUPABASE_SECRET_KEY ?? ""}` },
    });
    expect(response.status).toBe(200);
  });
});

describe("profile lookups, enqueued with the new member and run by the worker", () => {
  const meta = (pathname: string, init?: RequestInit) => fetch(`${inject("stack").metaUrl}${pathname}`, init);
  const inject190 = (body: object) =>
    meta("/__failures", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  async function channelWithToken() {
    const channel = await newChannel("messenger");
    const keyring = await parseKeyring(LOCAL_DEFAULTS.TOKEN_ENCRYPTION_KEYS);
    const sealed = await encryptToken(keyring, "EAAG-secret-page-token", channel.channelId);
    await superuserSql()`
      update public.channel_accounts set access_token_ciphertext = ${sealed.ciphertext}, access_token_key_id = ${sealed.keyId}
      where id = ${channel.channelId}`;
    return channel;
  }

  it("names a new member from the Graph API, retrying a 5xx, with the token only in a header", async () => {
    const { channelId, providerAccountId } = await channelWithToken();
    const psid = `psid${Date.now()}`;
    await inject190({ pathIncludes: psid, status: 503, times: 1 });
    expect((await send(messengerText({ pageId: providerAccountId, psid, text: "hi" }))).status).toBe(200);
    const contact = await eventually(
      async () =>
        (
          await superuserSql()<{ display_name: string | null }[]>`
        select ct.display_name from public.contacts ct join public.contact_identities ci on ci.contact_id = ct.id
        where ci.channel_account_id = ${channelId}`
        )[0],
      (row) => Boolean(row?.display_name),
      // The retry waits out the queue's backoff behind every other test's jobs in one shared worker.
      { timeoutMs: 30_000 },
    );
    expect(contact?.display_name).toBe(`Member ${psid.slice(-4)}`);
    const calls = (await (await meta("/__calls")).json()) as { path: string; hadAccessToken: boolean; query: object }[];
    const lookups = calls.filter((call) => call.path.endsWith(`/${psid}`));
    expect(lookups).toHaveLength(2);
    expect(lookups.every((call) => call.hadAccessToken)).toBe(true);
    expect(JSON.stringify(calls)).not.toContain("EAAG-secret-page-token");
  }, 40_000);

  it("marks the channel for reconnection on code 190 and still stores the message", async () => {
    const { channelId, providerAccountId } = await channelWithToken();
    const psid = `psid${Date.now()}`;
    await inject190({ pathIncludes: psid, code: 190, times: 1 });
    expect((await send(messengerText({ pageId: providerAccountId, psid, text: "still here" }))).status).toBe(200);
    const channel = await eventually(
      async () =>
        (await superuserSql()<{ status: string }[]>`select status from public.channel_accounts where id = ${channelId}`)[0],
      (row) => row?.status === "needs_reconnect",
    );
    expect(channel?.status).toBe("needs_reconnect");
    await send(messengerText({ pageId: providerAccountId, psid, text: "and again" }));
    const [row] = await superuserSql()`select count(*)::int as n from public.messages where channel_account_id = ${channelId}`;
    expect(row?.n).toBe(2);
  });
});
