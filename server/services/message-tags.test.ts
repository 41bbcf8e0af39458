import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { callerFor, createConversation, memberOfNewWorkspace, superuserSql } from "../../dev/test/fixtures";

/** Messenger and Instagram replies after the 24-hour window, with the tag the sender chose, to the Meta simulator. */
const { metaUrl } = inject("stack");
type Call = { path: string; body: Record<string, unknown> };
const callsTo = async (part: string) =>
  ((await (await fetch(`${metaUrl}/__calls`)).json()) as Call[]).filter((call) => call.path.includes(part));

describe("message tags", () => {
  it("send a Messenger reply after the window only with a tag the sender chose, and audit it", async () => {
    const agent = await memberOfNewWorkspace("agent");
    const conversation = await createConversation(agent.workspaceId, {
      provider: "messenger",
      lastInboundAt: new Date(Date.now() - 3 * 86_400_000),
    });
    const [channel] = await superuserSql()<{ pageId: string }[]>`
      select provider_account_id as "pageId" from public.channel_accounts where id = ${conversation.channelAccountId}`;
    const caller = await callerFor(agent.session.access_token);
    const send = (tag?: "ACCOUNT_UPDATE") =>
      caller.messages.send({
        conversationId: conversation.conversationId,
        clientMessageId: randomUUID(),
        text: "Your card was declined: update it at the desk to keep your membership.",
        tag,
      });

    expect(await send()).toMatchObject({ success: false, error: { code: "WINDOW_CLOSED" } });
    const tagged = await send("ACCOUNT_UPDATE");
    expect(tagged).toMatchObject({ success: true, data: { status: "sent" } });
    const [call] = await callsTo(`/${channel?.pageId}/messages`);
    expect(call?.body).toMatchObject({ messaging_type: "MESSAGE_TAG", tag: "ACCOUNT_UPDATE" });
    const audit = await superuserSql()<{ action: string; tag: string }[]>`
      select action, metadata ->> 'tag' as tag from public.audit_logs
      where workspace_id = ${agent.workspaceId} and action = 'message.tagged'`;
    expect(audit).toEqual([{ action: "message.tagged", tag: "ACCOUNT_UPDATE" }]);
  });

  it("are refused on WhatsApp, which takes templates instead", async () => {
    const agent = await memberOfNewWorkspace("agent");
    const conversation = await createConversation(agent.workspaceId, { provider: "whatsapp" });
    const caller = await callerFor(agent.session.access_token);
    expect(
      await caller.messages.send({
        conversationId: conversation.conversationId,
        clientMessageId: randomUUID(),
        text: "Hi",
        tag: "ACCOUNT_UPDATE",
      }),
    ).toMatchObject({
      success: false,
      error: { code: "VALIDATION", details: { fieldErrors: { tag: [expect.stringContaining("template")] } } },
    });
  });
});
