import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { messengerText, newMid } from "../../../dev/meta/webhooks";
import { channelForWebhooks, sendWebhook, superuserSql } from "../../../dev/test/fixtures";

/** An address of its own per run (Cloudflare's header names the sender on hosted Supabase). */
const address = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
const forged = { signature: `sha256=${"0".repeat(64)}` };

it("an address that keeps sending unsigned webhooks gets 429 after 30 a minute; its signed webhooks still land", async () => {
  const { channelId, providerAccountId: pageId } = await channelForWebhooks("messenger");
  const sender = { "cf-connecting-ip": address() };
  const statuses: number[] = [];
  for (let n = 0; n < 31; n += 1) {
    statuses.push(
      (await sendWebhook(messengerText({ pageId, psid: "1", text: "forged" }), { ...forged, headers: sender })).status,
    );
  }
  expect(statuses.slice(0, 30).every((status) => status === 401)).toBe(true);
  const limited = await sendWebhook(messengerText({ pageId, psid: "1", text: "forged" }), { ...forged, headers: sender });
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);

  // Meta's own delivery from that address is never refused by our limit.
  const mid = newMid();
  const signed = await sendWebhook(messengerText({ pageId, psid: randomUUID(), mid, text: "real member" }), { headers: sender });
  expect(signed.status).toBe(200);
  const [stored] =
    await superuserSql()`select text from public.messages where channel_account_id = ${channelId} and provider_message_id = ${mid}`;
  expect(stored?.text).toBe("real member");

  // Another address is not affected.
  const other = await sendWebhook(messengerText({ pageId, psid: "1", text: "forged" }), {
    ...forged,
    headers: { "cf-connecting-ip": "203.0.113.9" },
  });
  expect(other.status).toBe(401);
});
