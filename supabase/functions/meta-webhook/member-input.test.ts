import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { messagingWebhook, messengerText, newMid } from "../../../dev/meta/webhooks";
import { channelForWebhooks, sendWebhook, superuserSql } from "../../../dev/test/fixtures";

/** What a member sends is theirs: an unsent message is erased, links are https only, raw payloads stay with their gym. */

const storedMessage = async (channelId: string, mid: string) =>
  (
    await superuserSql()<{ text: string | null; preview: string | null; attachments: unknown[]; deleted: boolean }[]>`
      select text, preview, attachments, deleted_at is not null as deleted from public.messages
      where channel_account_id = ${channelId} and provider_message_id = ${mid}`
  )[0];

/** Every stored raw webhook that mentions the text anywhere. */
const rawPayloadsContaining = async (text: string) =>
  (
    await superuserSql()<
      { n: number }[]
    >`select count(*)::int as n from public.webhook_events where payload::text like ${`%${text}%`}`
  )[0]?.n;

describe("a message the member unsent", () => {
  it("keeps that it existed and when, but not its text, its edits or its attachments, also in the raw webhooks", async () => {
    const { channelId, providerAccountId: pageId } = await channelForWebhooks("messenger");
    const psid = randomUUID();
    const mid = newMid();
    const secret = `my card number ${randomUUID()}`;
    const edited = `my new card number ${randomUUID()}`;
    await sendWebhook(messengerText({ pageId, psid, mid, text: secret }));
    await sendWebhook(messagingWebhook({ pageId, psid, event: { message_edit: { mid, text: edited } } }));
    expect(await rawPayloadsContaining(secret)).toBe(1);
    expect(await rawPayloadsContaining(edited)).toBe(1);

    await sendWebhook(messagingWebhook({ pageId, psid, event: { message: { mid, is_deleted: true } } }));
    expect(await storedMessage(channelId, mid)).toEqual({ text: null, preview: null, attachments: [], deleted: true });
    expect(await rawPayloadsContaining(secret)).toBe(0);
    expect(await rawPayloadsContaining(edited)).toBe(0);
    // The stored webhook still says a message came, and a replay of it applies as the unsend it became.
    const [original] = await superuserSql()<{ message: unknown }[]>`
      select payload -> 'entry' -> 0 -> 'messaging' -> 0 -> 'message' as message from public.webhook_events
      where payload @> ${superuserSql().json({ entry: [{ messaging: [{ message: { mid, is_deleted: true } }] }] })}
      order by id limit 1`;
    expect(original?.message).toEqual({ mid, is_deleted: true });

    // An edit Meta delivers late cannot bring the text back.
    await sendWebhook(messagingWebhook({ pageId, psid, event: { message_edit: { mid, text: edited } } }));
    expect((await storedMessage(channelId, mid))?.text).toBeNull();
  });

  it("is erased from a webhook that carried it together with its unsend", async () => {
    const { channelId, providerAccountId: pageId } = await channelForWebhooks("messenger");
    const psid = randomUUID();
    const mid = newMid();
    const secret = `sent and unsent at once ${randomUUID()}`;
    const timestamp = Date.now();
    const both = {
      object: "page",
      entry: [
        {
          id: pageId,
          time: timestamp,
          messaging: [
            { sender: { id: psid }, recipient: { id: pageId }, timestamp, message: { mid, text: secret } },
            { sender: { id: psid }, recipient: { id: pageId }, timestamp: timestamp + 1, message: { mid, is_deleted: true } },
          ],
        },
      ],
    };
    expect((await sendWebhook(both)).status).toBe(200);
    expect(await storedMessage(channelId, mid)).toMatchObject({ text: null, deleted: true });
    expect(await rawPayloadsContaining(secret)).toBe(0);
  });
});

describe("links in a member's attachments", () => {
  it("are kept only when https; others stay as attachments without a link", async () => {
    const { channelId, providerAccountId: pageId } = await channelForWebhooks("messenger");
    const psid = randomUUID();
    const mid = newMid();
    const attachment = (url: string) => ({ type: "file", payload: { url } });
    await sendWebhook(
      messagingWebhook({
        pageId,
        psid,
        event: {
          message: {
            mid,
            attachments: [
              attachment("https://cdn.fbsbx.com/v/t59/plan.pdf"),
              attachment("http://cdn.example/plan.pdf"),
              attachment("javascript:alert(document.cookie)"),
              attachment("not a url"),
            ],
          },
        },
      }),
    );
    const stored = await storedMessage(channelId, mid);
    expect(stored?.attachments.map((a) => (a as { url: string | null }).url)).toEqual([
      "https://cdn.fbsbx.com/v/t59/plan.pdf",
      null,
      null,
      null,
    ]);
  });
});

describe("a raw webhook that names an account no channel claims", () => {
  it("is applied for the routed Page but not shown to that workspace's admins", async () => {
    const { workspaceId, channelId, providerAccountId: pageId } = await channelForWebhooks("messenger");
    const mid = newMid();
    const routed = messengerText({ pageId, psid: randomUUID(), mid, text: "Hello" });
    const stranger = messengerText({ pageId: `9${Date.now()}`, psid: randomUUID(), text: "Another business's member" });
    const mixed = { object: "page", entry: [...routed.entry, ...stranger.entry] };
    expect((await sendWebhook(mixed)).status).toBe(200);
    expect(await storedMessage(channelId, mid)).toMatchObject({ text: "Hello" });
    const [row] = await superuserSql()<{ workspace_id: string | null; outcome: string }[]>`
      select workspace_id, outcome from public.webhook_events
      where payload @> ${superuserSql().json({ entry: [{ messaging: [{ message: { mid } }] }] })}`;
    expect(row).toEqual({ workspace_id: null, outcome: "processed" });

    const alone = newMid();
    await sendWebhook(messengerText({ pageId, psid: randomUUID(), mid: alone, text: "Just us" }));
    const [own] = await superuserSql()<{ workspace_id: string | null }[]>`
      select workspace_id from public.webhook_events
      where payload @> ${superuserSql().json({ entry: [{ messaging: [{ message: { mid: alone } }] }] })}`;
    expect(own?.workspace_id).toBe(workspaceId);
  });
});
