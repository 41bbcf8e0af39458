import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { whatsappWebhook } from "../../dev/meta/webhooks";
import { callerFor, createConversation, memberOfNewWorkspace, sendWebhook, superuserSql } from "../../dev/test/fixtures";

/** Buttons under a text reply, sent to the Meta simulator; the member's tap comes back through the edge function. */
const { metaUrl } = inject("stack");
type Call = { path: string; body: Record<string, unknown> };
const callsTo = async (part: string) =>
  ((await (await fetch(`${metaUrl}/__calls`)).json()) as Call[]).filter((call) => call.path.includes(part));

async function conversationOn(provider: "whatsapp" | "messenger") {
  const agent = await memberOfNewWorkspace("agent");
  const conversation = await createConversation(agent.workspaceId, { provider });
  const [row] = await superuserSql()<{ accountId: string; memberId: string }[]>`
    select ca.provider_account_id as "accountId", ci.provider_user_id as "memberId"
    from public.conversations c join public.channel_accounts ca on ca.id = c.channel_account_id
    join public.contact_identities ci on ci.id = c.contact_identity_id where c.id = ${conversation.conversationId}`;
  const caller = await callerFor(agent.session.access_token);
  const send = (text: string, buttons: string[]) =>
    caller.messages.send({ conversationId: conversation.conversationId, clientMessageId: randomUUID(), text, buttons });
  return { ...conversation, accountId: row?.accountId ?? "", memberId: row?.memberId ?? "", send };
}

describe("reply buttons and quick replies", () => {
  it("go to WhatsApp as an interactive message, show in the thread, and the member's tap comes back as a tap", async () => {
    const chat = await conversationOn("whatsapp");
    const sent = await chat.send("Shall we book you a trial on Saturday?", ["Yes, book it", "Another day"]);
    expect(sent).toMatchObject({ success: true, data: { status: "sent", buttons: ["Yes, book it", "Another day"] } });
    const [call] = await callsTo(`/${chat.accountId}/messages`);
    expect(call?.body).toMatchObject({
      type: "interactive",
      interactive: {
        type: "button",
        body: { text: "Shall we book you a trial on Saturday?" },
        action: {
          buttons: [
            { type: "reply", reply: { id: "Yes, book it", title: "Yes, book it" } },
            { type: "reply", reply: { id: "Another day", title: "Another day" } },
          ],
        },
      },
    });

    const tap = whatsappWebhook(chat.accountId, {
      contacts: [{ profile: { name: "Sam" }, wa_id: chat.memberId }],
      messages: [
        {
          from: chat.memberId,
          id: `wamid.${randomUUID()}`,
          timestamp: String(Math.floor(Date.now() / 1000)),
          type: "interactive",
          interactive: { type: "button_reply", button_reply: { id: "Yes, book it", title: "Yes, book it" } },
        },
      ],
    });
    expect((await sendWebhook(tap)).status).toBe(200);
    const [stored] = await superuserSql()<{ kind: string; text: string; payload: string }[]>`
      select kind, text, metadata ->> 'postbackPayload' as payload from public.messages
      where conversation_id = ${chat.conversationId} and direction = 'inbound'`;
    expect(stored).toEqual({ kind: "postback", text: "Yes, book it", payload: "Yes, book it" });
  });

  it("go to Messenger as quick replies, and more than a channel takes is refused before Meta is called", async () => {
    const chat = await conversationOn("messenger");
    expect(await chat.send("Which class?", ["Spin", "Yoga", "Boxing"])).toMatchObject({
      success: true,
      data: { status: "sent" },
    });
    const [call] = await callsTo(`/${chat.accountId}/messages`);
    expect(call?.body).toMatchObject({
      message: {
        text: "Which class?",
        quick_replies: [
          { content_type: "text", title: "Spin", payload: "Spin" },
          { content_type: "text", title: "Yoga", payload: "Yoga" },
          { content_type: "text", title: "Boxing", payload: "Boxing" },
        ],
      },
    });

    const whatsapp = await conversationOn("whatsapp");
    expect(await whatsapp.send("Pick one", ["A", "B", "C", "D"])).toMatchObject({
      success: false,
      error: { code: "VALIDATION", details: { fieldErrors: { buttons: ["At most 3 reply buttons on this channel."] } } },
    });
    expect(await whatsapp.send("Pick one", ["Same", "same"])).toMatchObject({
      success: false,
      error: { code: "VALIDATION", details: { fieldErrors: { buttons: ["Two buttons have the same title."] } } },
    });
    expect(await callsTo(`/${whatsapp.accountId}/messages`)).toHaveLength(0);
  });
});
