import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { deliverWebhook, messengerText, newMid } from "../../../dev/meta/webhooks";
import { freePort } from "../../../dev/stack/local-stack";
import { startFunctions } from "../../../dev/supabase/functions";
import { channelForWebhooks, sendWebhook, superuserSql } from "../../../dev/test/fixtures";
import { LOCAL_DEFAULTS } from "../../../server/lib/config";

/** The raw row Meta's webhook left, found by a mid that only it carries. */
const storedWebhook = async (mid: string) =>
  (
    await superuserSql()<{ outcome: string; error: string | null; payload: unknown }[]>`
      select outcome, error, payload from public.webhook_events where payload::text like ${`%${mid}%`}`
  )[0];

describe("nothing Meta signed is lost", () => {
  it("a long text whose emoji straddles the preview cut is stored whole, its preview keeping the emoji whole", async () => {
    const { channelId, providerAccountId } = await channelForWebhooks("messenger");
    // 💪 takes UTF-16 units 119 and 120 (1-based): a cut by units keeps half of it.
    const text = `${"a".repeat(118)}💪${"b".repeat(1880)}`;
    const response = await sendWebhook(messengerText({ pageId: providerAccountId, psid: randomUUID(), text }));
    expect(response.status).toBe(200);
    const [row] = await superuserSql()<{ text: string; preview: string }[]>`
      select m.text, c.last_message_preview as preview
      from public.messages m join public.conversations c on c.id = m.conversation_id
      where m.channel_account_id = ${channelId}`;
    expect(row?.text).toBe(text);
    expect(row?.preview).toBe(`${"a".repeat(118)}…`);
  });

  it("a payload Postgres will not take (a number past numeric's range) is kept as failed, answered 200", async () => {
    const { channelId, providerAccountId } = await channelForWebhooks("messenger");
    const mid = newMid();
    const payload = messengerText({ pageId: providerAccountId, psid: randomUUID(), text: "still mine", mid });
    const rawBody = JSON.stringify(payload).replace(/"time":\d+/, '"time":1e999999');
    expect((await sendWebhook(payload, { rawBody })).status).toBe(200);
    // Kept as the raw body itself (a JSON string), for whoever fixes and replays it.
    expect(await storedWebhook(mid)).toEqual({ outcome: "failed", error: expect.stringMatching(/^22003: /), payload: rawBody });
    const [messages] =
      await superuserSql()`select count(*)::int as n from public.messages where channel_account_id = ${channelId}`;
    expect(messages?.n).toBe(0);
  });

  it("with the database unreachable the answer is 503, so that Meta delivers it again", async () => {
    const unreachable = `postgresql://postgres:postgres@127.0.0.1:${await freePort()}/postgres`;
    const functions = await startFunctions({
      env: {
        SUPABASE_DB_URL: unreachable,
        META_APP_ID: LOCAL_DEFAULTS.META_APP_ID,
        META_APP_SECRET: LOCAL_DEFAULTS.META_APP_SECRET,
        META_VERIFY_TOKEN: LOCAL_DEFAULTS.META_VERIFY_TOKEN,
        TOKEN_ENCRYPTION_KEYS: LOCAL_DEFAULTS.TOKEN_ENCRYPTION_KEYS,
        SUPABASE_SERVICE_ROLE_KEY: inject("stack").env.SUPABASE_SERVICE_ROLE_KEY ?? "",
      },
    });
    try {
      const payload = messengerText({ pageId: "105550000000001", psid: randomUUID(), text: "hello?" });
      const response = await deliverWebhook(`${functions.url}/meta-webhook`, payload, {
        appSecret: LOCAL_DEFAULTS.META_APP_SECRET,
      });
      expect(response.status).toBe(503);
    } finally {
      await functions.stop();
    }
  });
});
