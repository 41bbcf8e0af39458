import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { whatsappStatus, whatsappText } from "../../dev/meta/webhooks";
import { eventually } from "../../dev/test/eventually";
import { callerFor, createConversation, memberOfNewWorkspace, sendWebhook, superuserSql } from "../../dev/test/fixtures";
import { TEST_PAGE_TOKEN } from "../../dev/test/test-data";

const meta = (pathname: string, init?: RequestInit) => fetch(`${inject("stack").metaUrl}${pathname}`, init);
const injectFailure = (failure: object) =>
  meta("/__failures", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(failure) });
type Call = { method: string; path: string; body: Record<string, unknown>; hadAccessToken: boolean };
const callsTo = async (accountPath: string) =>
  ((await (await meta("/__calls")).json()) as Call[]).filter((call) => call.path.includes(accountPath));

async function setup(options: Parameters<typeof createConversation>[1] = {}) {
  const member = await memberOfNewWorkspace("agent");
  const conversation = await createConversation(member.workspaceId, options);
  const [account] = await superuserSql()<{ provider_account_id: string }[]>`
    select provider_account_id from public.channel_accounts where id = ${conversation.channelAccountId}`;
  const [identity] = await superuserSql()<{ provider_user_id: string }[]>`
    select provider_user_id from public.contact_identities where id = ${conversation.identityId}`;
  return {
    ...member,
    ...conversation,
    accountId: account?.provider_account_id ?? "",
    recipient: identity?.provider_user_id ?? "",
    caller: await callerFor(member.session.access_token),
  };
}

describe("messages.send", () => {
  it("stores, sends through the Graph API with the page token, and marks the message sent", async () => {
    const s = await setup();
    const result = await s.caller.messages.send({
      conversationId: s.conversationId,
      clientMessageId: randomUUID(),
      text: "See you at 6!",
    });
    expect(result).toMatchObject({
      success: true,
      data: { status: "sent", text: "See you at 6!", sender: "staff", direction: "outbound" },
    });
    const calls = await callsTo(`/${s.accountId}/messages`);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: "POST",
      hadAccessToken: true,
      body: {
        recipient: { id: s.recipient },
        messaging_type: "RESPONSE",
        // Our id rides along, so the echo can find this row even if the answer below were lost.
        message: { text: "See you at 6!", metadata: result.success ? result.data.id : "" },
      },
    });
    expect(JSON.stringify(result)).not.toContain(TEST_PAGE_TOKEN);
    const [conversation] =
      await superuserSql()`select last_message_preview, unread_count from public.conversations where id = ${s.conversationId}`;
    expect(conversation).toEqual({ last_message_preview: "See you at 6!", unread_count: 0 });
    const audit = await superuserSql()`select action from public.audit_logs where workspace_id = ${s.workspaceId}`;
    expect(audit).toEqual([{ action: "message.queued" }]);
  });

  it("sends WhatsApp replies to the member's number", async () => {
    const s = await setup({ provider: "whatsapp" });
    const sent = await s.caller.messages.send({
      conversationId: s.conversationId,
      clientMessageId: randomUUID(),
      text: "Freeze confirmed",
    });
    expect((await callsTo(`/${s.accountId}/messages`))[0]?.body).toMatchObject({
      messaging_product: "whatsapp",
      to: s.recipient,
      type: "text",
      text: { body: "Freeze confirmed" },
      biz_opaque_callback_data: sent.success ? sent.data.id : "",
    });
  });

  it("a double submit with the same clientMessageId sends once", async () => {
    const s = await setup();
    const clientMessageId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 3 }, () =>
        s.caller.messages.send({ conversationId: s.conversationId, clientMessageId, text: "Once" }),
      ),
    );
    expect(new Set(results.map((r) => (r.success ? r.data.id : r.error.code))).size).toBe(1);
    expect(await callsTo(`/${s.accountId}/messages`)).toHaveLength(1);
  });

  it("a single momentary 5xx is tried again once, at once, and the reply goes", async () => {
    const s = await setup();
    await injectFailure({ pathIncludes: `/${s.accountId}/messages`, status: 503 });
    const sent = await s.caller.messages.send({ conversationId: s.conversationId, clientMessageId: randomUUID(), text: "Hi" });
    expect(sent).toMatchObject({ success: true, data: { status: "sent" } });
    expect(await callsTo(`/${s.accountId}/messages`)).toHaveLength(2);
  });

  it("a 5xx that persists leaves a failed, retryable message; retry sends it once", async () => {
    const s = await setup();
    await injectFailure({ pathIncludes: `/${s.accountId}/messages`, status: 500, times: 2 });
    const sent = await s.caller.messages.send({
      conversationId: s.conversationId,
      clientMessageId: randomUUID(),
      text: "Try me",
    });
    expect(sent).toMatchObject({ success: true, data: { status: "failed", error: { code: "PROVIDER_ERROR", retryable: true } } });
    if (!sent.success) return;
    // The list marks the conversation while a reply has failed.
    const failedSends = async () => {
      const got = await s.caller.conversations.get({ conversationId: s.conversationId });
      return got.success ? got.data.failedSends : null;
    };
    expect(await failedSends()).toBe(1);
    const [first, second] = await Promise.all([
      s.caller.messages.retry({ messageId: sent.data.id }),
      s.caller.messages.retry({ messageId: sent.data.id }),
    ]);
    expect([first, second].filter((r) => r.success && r.data.status === "sent")).toHaveLength(1);
    expect([first, second].filter((r) => !r.success)).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ code: "CONFLICT" }) }),
    ]);
    expect(await callsTo(`/${s.accountId}/messages`)).toHaveLength(3);
    expect(await failedSends()).toBe(0);
  });

  it("code 190 fails the message and flags the channel for reconnection", async () => {
    const s = await setup();
    await injectFailure({ pathIncludes: `/${s.accountId}/messages`, code: 190 });
    const sent = await s.caller.messages.send({
      conversationId: s.conversationId,
      clientMessageId: randomUUID(),
      text: "hello?",
    });
    expect(sent).toMatchObject({ success: true, data: { status: "failed", error: { code: "TOKEN_EXPIRED", retryable: false } } });
    const [channel] = await superuserSql()`
      select status, status_reason from public.channel_accounts where id = ${s.channelAccountId}`;
    expect(channel).toEqual({ status: "needs_reconnect", status_reason: expect.stringMatching(/while sending a reply/) });
    const next = await s.caller.messages.send({ conversationId: s.conversationId, clientMessageId: randomUUID(), text: "again" });
    expect(next).toMatchObject({ success: false, error: { code: "PROVIDER_ERROR" } });
  });

  it("rate limits are retryable; window errors from Meta are not", async () => {
    const s = await setup();
    await injectFailure({ pathIncludes: `/${s.accountId}/messages`, code: 613 });
    await injectFailure({ pathIncludes: `/${s.accountId}/messages`, code: 10, subcode: 2018278 });
    const limited = await s.caller.messages.send({ conversationId: s.conversationId, clientMessageId: randomUUID(), text: "a" });
    const closed = await s.caller.messages.send({ conversationId: s.conversationId, clientMessageId: randomUUID(), text: "b" });
    expect(limited).toMatchObject({ data: { error: { code: "RATE_LIMITED", retryable: true, providerCode: 613 } } });
    expect(closed).toMatchObject({ data: { error: { code: "WINDOW_CLOSED", retryable: false, providerCode: 2018278 } } });
  });

  it("refuses outside the messaging window without storing or calling Meta, and tags human-agent replies", async () => {
    const s = await setup({ lastInboundAt: new Date(Date.now() - 30 * 3_600_000) });
    const refused = await s.caller.messages.send({
      conversationId: s.conversationId,
      clientMessageId: randomUUID(),
      text: "late",
    });
    expect(refused).toMatchObject({ success: false, error: { code: "WINDOW_CLOSED" } });
    expect(await callsTo(`/${s.accountId}/messages`)).toHaveLength(0);

    await superuserSql()`update public.workspaces set human_agent_enabled = true where id = ${s.workspaceId}`;
    const tagged = await s.caller.messages.send({
      conversationId: s.conversationId,
      clientMessageId: randomUUID(),
      text: "late but human",
    });
    expect(tagged).toMatchObject({ success: true, data: { status: "sent" } });
    expect((await callsTo(`/${s.accountId}/messages`))[0]?.body).toMatchObject({
      messaging_type: "MESSAGE_TAG",
      tag: "HUMAN_AGENT",
    });
  });

  it("answers VALIDATION for empty, oversized or double content, and NOT_FOUND for other workspaces", async () => {
    const s = await setup();
    const other = await setup();
    for (const input of [
      { text: "   " },
      { text: "x".repeat(2001) },
      { text: "a", file: { storedPath: `${s.workspaceId}/outbound/${s.conversationId}/x-a.png` } },
      { file: { storedPath: "" } },
      {},
    ]) {
      const result = await s.caller.messages.send({ conversationId: s.conversationId, clientMessageId: randomUUID(), ...input });
      expect(result).toMatchObject({ success: false, error: { code: "VALIDATION" } });
    }
    const foreign = await s.caller.messages.send({
      conversationId: other.conversationId,
      clientMessageId: randomUUID(),
      text: "hi",
    });
    expect(foreign).toMatchObject({ success: false, error: { code: "NOT_FOUND" } });
    expect(await callsTo(`/${other.accountId}/messages`)).toHaveLength(0);
  });

  it("Meta's refusal for the window (131047) closes it until the member writes again, without another Graph call", async () => {
    const s = await setup({ provider: "whatsapp" });
    await injectFailure({ pathIncludes: `/${s.accountId}/messages`, code: 131047 });
    const refused = await s.caller.messages.send({ conversationId: s.conversationId, clientMessageId: randomUUID(), text: "hi" });
    expect(refused).toMatchObject({
      success: true,
      data: { status: "failed", error: { code: "WINDOW_CLOSED", providerCode: 131047 } },
    });
    expect(await s.caller.conversations.get({ conversationId: s.conversationId })).toMatchObject({
      success: true,
      data: { window: { state: "closed", reason: "reengagement_required" } },
    });
    const again = await s.caller.messages.send({ conversationId: s.conversationId, clientMessageId: randomUUID(), text: "hi?" });
    expect(again).toMatchObject({ success: false, error: { code: "WINDOW_CLOSED" } });
    expect(await callsTo(`/${s.accountId}/messages`)).toHaveLength(1);

    // The member writes (WhatsApp stamps whole seconds): the usual 24 hours from their message.
    const later = Date.now() + 1000;
    await sendWebhook(whatsappText({ phoneNumberId: s.accountId, waId: s.recipient, text: "hello again", timestamp: later }));
    expect(await s.caller.conversations.get({ conversationId: s.conversationId })).toMatchObject({
      success: true,
      data: { window: { state: "open" } },
    });
  });

  it("a WhatsApp status that fails with 131047 after the send closes the window too", async () => {
    // The status webhook is stamped in whole seconds; the member last wrote before it.
    const s = await setup({ provider: "whatsapp", lastInboundAt: new Date(Date.now() - 60_000) });
    const sent = await s.caller.messages.send({ conversationId: s.conversationId, clientMessageId: randomUUID(), text: "hi" });
    if (!sent.success || !sent.data.providerMessageId) throw new Error("expected a sent message");
    const status = whatsappStatus({
      phoneNumberId: s.accountId,
      waId: s.recipient,
      id: sent.data.providerMessageId,
      status: "failed",
      errorCode: 131047,
    });
    expect((await sendWebhook(status)).status).toBe(200);
    expect(await s.caller.conversations.get({ conversationId: s.conversationId })).toMatchObject({
      success: true,
      data: { window: { state: "closed", reason: "reengagement_required" } },
    });
  });

  it("a send Meta never answers stays 'not confirmed yet', is settled by the worker, and goes again only once confirmed", async () => {
    const s = await setup();
    await injectFailure({ pathIncludes: `/${s.accountId}/messages`, hang: true });
    const sent = await s.caller.messages.send({ conversationId: s.conversationId, clientMessageId: randomUUID(), text: "6am?" });
    // Not a failure yet: no Retry that could send it twice.
    expect(sent).toMatchObject({
      success: true,
      data: { status: "pending", error: { code: "NOT_CONFIRMED", retryable: false } },
    });
    if (!sent.success) return;
    expect(await s.caller.messages.retry({ messageId: sent.data.id, confirmed: true })).toMatchObject({
      success: false,
      error: { code: "CONFLICT" },
    });
    // Its confirm-send job (due after 3 s in tests, a minute in production) reports it as maybe delivered.
    const settled = await eventually(
      () => s.caller.messages.list({ conversationId: s.conversationId }),
      (page) => page.success && page.data.items.some((m) => m.id === sent.data.id && m.status === "failed"),
    );
    expect(settled.success && settled.data.items.find((m) => m.id === sent.data.id)).toMatchObject({
      status: "failed",
      error: { mayHaveBeenDelivered: true, retryable: true, message: expect.stringMatching(/may have been delivered/) },
    });
    const unconfirmed = await s.caller.messages.retry({ messageId: sent.data.id });
    expect(unconfirmed).toMatchObject({ success: false, error: { code: "CONFLICT" } });
    expect(await callsTo(`/${s.accountId}/messages`)).toHaveLength(1);
    const confirmed = await s.caller.messages.retry({ messageId: sent.data.id, confirmed: true });
    expect(confirmed).toMatchObject({ success: true, data: { status: "sent" } });
    expect(await callsTo(`/${s.accountId}/messages`)).toHaveLength(2);
  });
});
