import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { eventually } from "../../dev/test/eventually";
import {
  callerFor,
  connectSimulatedWhatsApp,
  createConversation,
  memberOfNewWorkspace,
  superuserSql,
} from "../../dev/test/fixtures";

/** Broadcasts end to end against the Meta simulator: the test stack's worker sends them, its statuses come back. */
const { metaUrl } = inject("stack");

const meta = (pathname: string, body?: unknown, method = "POST") =>
  fetch(`${metaUrl}${pathname}`, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
type Call = { method: string; path: string; body: { to?: string; type?: string; template?: { components?: unknown[] } } };
const sendsFrom = async (phoneNumberId: string) =>
  ((await (await fetch(`${metaUrl}/__calls`)).json()) as Call[]).filter(
    (call) => call.method === "POST" && call.path.endsWith(`/${phoneNumberId}/messages`),
  );

/** A manager's gym with a simulator WhatsApp number (its templates synced) and members on it, some tagged "vip". */
async function gymWithMembers(names: string[], options: { vip: number } = { vip: names.length }) {
  const manager = await memberOfNewWorkspace("manager");
  const number = await connectSimulatedWhatsApp(manager.workspaceId);
  const templates = await eventually(
    () => superuserSql()<{ id: string; name: string }[]>`
      select id, name from public.whatsapp_templates where workspace_id = ${manager.workspaceId}`,
    (rows) => rows.length === 6,
  );
  const caller = await callerFor(manager.session.access_token);
  const members = [];
  for (const name of names) {
    members.push(await createConversation(manager.workspaceId, { channelAccountId: number.channelAccountId, contactName: name }));
  }
  await caller.contacts.tag({
    workspaceId: manager.workspaceId,
    contactIds: members.slice(0, options.vip).map((m) => m.contactId),
    name: "vip",
  });
  const tags = await caller.tags.list({ workspaceId: manager.workspaceId });
  const vip = tags.success ? (tags.data.tags[0]?.id ?? "") : "";
  const addresses = await superuserSql()<{ contact_id: string; provider_user_id: string }[]>`
    select contact_id, provider_user_id from public.contact_identities where channel_account_id = ${number.channelAccountId}`;
  const addressOf = (contactId: string) => addresses.find((a) => a.contact_id === contactId)?.provider_user_id ?? "";
  const templateId = (name: string) => templates.find((t) => t.name === name)?.id ?? "";
  const draft = async (overrides: Record<string, unknown> = {}) => {
    const saved = await caller.broadcasts.save({
      workspaceId: manager.workspaceId,
      name: "Holiday hours",
      channelId: number.channelAccountId,
      audience: { tagIds: [vip], stageIds: [], lastInboundWithinDays: null, fields: [] },
      templateId: templateId("follow_up"),
      templateValues: { "body.1": "{{contact.first_name}}" },
      fallbacks: { "contact.first_name": "there" },
      ...overrides,
    });
    if (!saved.success) throw new Error(JSON.stringify(saved.error));
    return saved.data;
  };
  const recipients = (broadcastId: string) =>
    superuserSql()<{ contact_id: string; status: string; reason: string | null; message_id: string | null }[]>`
      select contact_id, status, reason, message_id from public.broadcast_recipients where broadcast_id = ${broadcastId} order by id`;
  const statusOf = async (broadcastId: string) =>
    (
      await superuserSql()<{ status: string; paused_reason: string | null }[]>`
      select status, paused_reason from public.broadcasts where id = ${broadcastId}`
    )[0];
  return { ...manager, ...number, caller, members, vip, addressOf, templateId, draft, recipients, statusOf };
}

describe("broadcasts", () => {
  it("sends a template to a tag's members once each, with their names, skips the opted-out and follows Meta's statuses", async () => {
    const gym = await gymWithMembers(["Dana Reyes", "Sam Okafor", "Lee Park", "Ana Silva", "Not Tagged"], { vip: 4 });
    const [dana, sam, lee, ana] = gym.members;
    if (!dana || !sam || !lee || !ana) throw new Error("members missing");
    await superuserSql()`update public.contacts set marketing_opted_out_at = now() where id = ${ana.contactId}`;
    await superuserSql()`update public.contacts set display_name = null where id = ${lee.contactId}`;
    await meta(`/__numbers/${gym.phoneNumberId}`, { statuses: ["sent", "delivered", "read"], statusGapMs: 20 });

    const broadcast = await gym.draft();
    // A UTILITY template: the opted-out member still gets it; as MARKETING they would not.
    const utility = await gym.caller.broadcasts.reach({
      workspaceId: gym.workspaceId,
      channelId: gym.channelAccountId,
      audience: broadcast.audience,
      templateId: broadcast.templateId,
    });
    expect(utility).toMatchObject({ success: true, data: { reachable: 4, skipped: [] } });
    await superuserSql()`update public.whatsapp_templates set category = 'MARKETING' where id = ${gym.templateId("follow_up")}`;
    const marketing = await gym.caller.broadcasts.reach({
      workspaceId: gym.workspaceId,
      channelId: gym.channelAccountId,
      audience: broadcast.audience,
      templateId: broadcast.templateId,
    });
    expect(marketing).toMatchObject({
      success: true,
      data: { reachable: 3, skipped: [{ reason: "opted_out", label: "Opted out of marketing", contacts: 1 }] },
    });

    const [first, second] = await Promise.all([
      gym.caller.broadcasts.start({ broadcastId: broadcast.id }),
      gym.caller.broadcasts.start({ broadcastId: broadcast.id }),
    ]);
    expect([first.success, second.success].sort()).toEqual([false, true]);
    expect([first, second].find((r) => !r.success)).toMatchObject({ error: { code: "CONFLICT" } });

    await eventually(
      () => gym.statusOf(broadcast.id),
      (row) => row?.status === "done",
      { timeoutMs: 15_000 },
    );
    const rows = await eventually(
      () => gym.recipients(broadcast.id),
      (all) => all.filter((r) => r.status === "read").length === 3,
      { timeoutMs: 15_000 },
    );
    const outcome = (contactId: string) => rows.find((r) => r.contact_id === contactId);
    expect(rows).toHaveLength(4);
    for (const member of [dana, sam, lee]) expect(outcome(member.contactId)).toMatchObject({ status: "read", reason: null });
    expect(outcome(ana.contactId)).toMatchObject({ status: "skipped", reason: "opted_out" });
    const sends = await sendsFrom(gym.phoneNumberId);
    expect(sends.map((s) => s.body.to).sort()).toEqual([dana, sam, lee].map((m) => gym.addressOf(m.contactId)).sort());
    const nameSentTo = (contactId: string) =>
      JSON.stringify(sends.find((s) => s.body.to === gym.addressOf(contactId))?.body.template?.components);
    expect(nameSentTo(dana.contactId)).toContain('"text":"Dana"');
    expect(nameSentTo(lee.contactId)).toContain('"text":"there"');
    const [thread] = await superuserSql()<{ text: string; kind: string; sender: string; status: string }[]>`
      select text, kind, sender, status from public.messages where conversation_id = ${dana.conversationId} and direction = 'outbound'`;
    expect(thread).toMatchObject({ kind: "template", sender: "staff", status: "read" });
    expect(thread?.text).toMatch(/^Hi Dana, thanks for getting in touch/);

    // Dana answers: her recipient row says so.
    const replied = await superuserSql()<{ id: string }[]>`
      insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, sender, text, provider_message_id, status)
      select workspace_id, id, channel_account_id, 'inbound', 'member', 'Thanks!', ${`wamid.${randomUUID()}`}, 'delivered'
      from public.conversations where id = ${dana.conversationId} returning id`;
    expect(replied).toHaveLength(1);
    const after = await gym.recipients(broadcast.id);
    expect(after.find((r) => r.contact_id === dana.contactId)).toMatchObject({ status: "replied" });
    expect(after.find((r) => r.contact_id === sam.contactId)).toMatchObject({ status: "read" });
  });

  it("pauses on a dead token and, resumed after reconnecting, finishes without sending anyone twice", async () => {
    const gym = await gymWithMembers(["A One", "B Two", "C Three"]);
    await meta("/__failures", { pathIncludes: `/${gym.phoneNumberId}/messages`, code: 190, times: 1 });
    const broadcast = await gym.draft();
    expect(await gym.caller.broadcasts.start({ broadcastId: broadcast.id })).toMatchObject({ success: true });
    const paused = await eventually(
      () => gym.statusOf(broadcast.id),
      (row) => row?.status === "paused",
    );
    expect(paused?.paused_reason).toBe("channel_needs_reconnect");
    const [channel] = await superuserSql()<{ status: string }[]>`
      select status from public.channel_accounts where id = ${gym.channelAccountId}`;
    expect(channel?.status).not.toBe("active");
    expect(await gym.caller.broadcasts.change({ broadcastId: broadcast.id, action: "resume" })).toMatchObject({
      error: { code: "PROVIDER_ERROR" },
    });

    await superuserSql()`update public.channel_accounts set status = 'active', status_reason = null where id = ${gym.channelAccountId}`;
    expect(await gym.caller.broadcasts.change({ broadcastId: broadcast.id, action: "resume" })).toMatchObject({ success: true });
    await eventually(
      () => gym.statusOf(broadcast.id),
      (row) => row?.status === "done",
      { timeoutMs: 15_000 },
    );
    const rows = await gym.recipients(broadcast.id);
    expect(rows.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
    // Every member reached once: the refused send was retried with the same message, the others never repeated.
    const sends = await sendsFrom(gym.phoneNumberId);
    const accepted = new Map<string, number>();
    for (const send of sends.slice(1)) accepted.set(send.body.to ?? "", (accepted.get(send.body.to ?? "") ?? 0) + 1);
    expect([...accepted.values()]).toEqual([1, 1, 1]);
    expect(new Set(rows.map((r) => r.message_id)).size).toBe(3);
  });

  it("a send Meta never answers is not sent again: it settles as 'may have been delivered' and the broadcast finishes", async () => {
    const gym = await gymWithMembers(["Hang One", "Fine Two"]);
    const [hung] = gym.members;
    if (!hung) throw new Error("member missing");
    await meta("/__failures", {
      pathIncludes: `/${gym.phoneNumberId}/messages`,
      recipientId: gym.addressOf(hung.contactId),
      hang: true,
    });
    const broadcast = await gym.draft();
    await gym.caller.broadcasts.start({ broadcastId: broadcast.id });
    await eventually(
      () => gym.statusOf(broadcast.id),
      (row) => row?.status === "done",
      { timeoutMs: 20_000 },
    );
    const rows = await gym.recipients(broadcast.id);
    expect(rows.find((r) => r.contact_id === hung.contactId)).toMatchObject({ status: "failed", reason: "unconfirmed" });
    expect(rows.filter((r) => r.status === "sent")).toHaveLength(1);
    const toHung = (await sendsFrom(gym.phoneNumberId)).filter((s) => s.body.to === gym.addressOf(hung.contactId));
    expect(toHung).toHaveLength(1);
    // Retrying it asks first: without confirming, nothing is sent again.
    expect(await gym.caller.broadcasts.retryFailed({ broadcastId: broadcast.id })).toMatchObject({ data: { retried: 0 } });
  });

  it("stops sending within a second of Cancel; the rest are skipped as cancelled", async () => {
    const gym = await gymWithMembers(Array.from({ length: 30 }, (_, i) => `Member ${i}`));
    await superuserSql()`
      insert into public.channel_send_pacing (channel_account_id, workspace_id, per_second)
      values (${gym.channelAccountId}, ${gym.workspaceId}, 4)`;
    const broadcast = await gym.draft();
    await gym.caller.broadcasts.start({ broadcastId: broadcast.id });
    await eventually(
      () => sendsFrom(gym.phoneNumberId),
      (sends) => sends.length >= 4,
    );
    expect(await gym.caller.broadcasts.change({ broadcastId: broadcast.id, action: "cancel" })).toMatchObject({
      success: true,
      data: { status: "cancelled" },
    });
    const atCancel = (await sendsFrom(gym.phoneNumberId)).length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const after = (await sendsFrom(gym.phoneNumberId)).length;
    // At most the batch already on its way when Cancel landed.
    expect(after - atCancel).toBeLessThanOrEqual(4);
    const rows = await gym.recipients(broadcast.id);
    expect(rows.filter((r) => r.status === "skipped" && r.reason === "cancelled").length).toBe(30 - after);
    expect(rows.filter((r) => r.status === "sent").length).toBe(after);
  });

  it("refuses a broadcast that cannot go, with the reason, and agents may not build one", async () => {
    const gym = await gymWithMembers(["Only One"]);
    const rejected = await gym.draft({ templateId: gym.templateId("trial_offer") });
    expect(await gym.caller.broadcasts.start({ broadcastId: rejected.id })).toMatchObject({
      error: { code: "VALIDATION", details: { fieldErrors: { templateId: [expect.stringMatching(/not approved/)] } } },
    });
    const noFallback = await gym.draft({ fallbacks: {} });
    expect(await gym.caller.broadcasts.start({ broadcastId: noFallback.id })).toMatchObject({
      error: { code: "VALIDATION", details: { fieldErrors: { "fallbacks.contact.first_name": [expect.any(String)] } } },
    });
    const nobody = await gym.draft({ audience: { tagIds: [], stageIds: ["none"], lastInboundWithinDays: 1, fields: [] } });
    await superuserSql()`update public.conversations set last_inbound_at = now() - interval '3 days' where channel_account_id = ${gym.channelAccountId}`;
    expect(await gym.caller.broadcasts.start({ broadcastId: nobody.id })).toMatchObject({
      error: { code: "VALIDATION", details: { fieldErrors: { audience: [expect.any(String)] } } },
    });
    const later = await gym.draft();
    expect(await gym.caller.broadcasts.start({ broadcastId: later.id, sendAt: new Date(Date.now() - 3_600_000) })).toMatchObject({
      error: { code: "VALIDATION", details: { fieldErrors: { sendAt: [expect.any(String)] } } },
    });

    const agent = await memberOfNewWorkspace("agent");
    await superuserSql()`insert into public.memberships (workspace_id, user_id, role) values (${gym.workspaceId}, ${agent.user.id}, 'agent')`;
    const asAgent = await callerFor(agent.session.access_token);
    expect(
      await asAgent.broadcasts.save({ workspaceId: gym.workspaceId, name: "Mine", channelId: gym.channelAccountId }),
    ).toMatchObject({ error: { code: "FORBIDDEN" } });
    expect(await asAgent.broadcasts.start({ broadcastId: later.id })).toMatchObject({ error: { code: "FORBIDDEN" } });
    expect(await asAgent.broadcasts.list({ workspaceId: gym.workspaceId })).toMatchObject({
      success: true,
      data: { canEdit: false },
    });
  });

  it("on Messenger reaches only members inside their 24-hour window, and counts the daily limit on WhatsApp", async () => {
    const manager = await memberOfNewWorkspace("manager");
    const caller = await callerFor(manager.session.access_token);
    const recent = await createConversation(manager.workspaceId, { provider: "messenger", contactName: "Wrote Today" });
    await createConversation(manager.workspaceId, {
      channelAccountId: recent.channelAccountId,
      contactName: "Wrote Last Week",
      lastInboundAt: new Date(Date.now() - 7 * 86_400_000),
    });
    const audience = { tagIds: [], stageIds: [], lastInboundWithinDays: null, fields: [] };
    expect(
      await caller.broadcasts.reach({
        workspaceId: manager.workspaceId,
        channelId: recent.channelAccountId,
        audience,
        templateId: null,
      }),
    ).toMatchObject({
      success: true,
      data: { reachable: 1, skipped: [{ reason: "window_closed", label: "Outside the 24-hour window", contacts: 1 }] },
    });

    const gym = await gymWithMembers(["First", "Second", "Third"]);
    await superuserSql()`
      insert into public.channel_send_pacing (channel_account_id, workspace_id, daily_limit)
      values (${gym.channelAccountId}, ${gym.workspaceId}, 2)`;
    expect(
      await gym.caller.broadcasts.reach({
        workspaceId: gym.workspaceId,
        channelId: gym.channelAccountId,
        audience,
        templateId: null,
      }),
    ).toMatchObject({ success: true, data: { reachable: 2, skipped: [{ reason: "over_daily_limit", contacts: 1 }] } });
  });

  it("opts a member out on STOP (confirmed by the bot) and back in on START, on their timeline", async () => {
    const gym = await gymWithMembers(["Stop Me"]);
    const [member] = gym.members;
    if (!member) throw new Error("member missing");
    const write = (text: string) => superuserSql()`
      insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, sender, text, provider_message_id, status)
      select workspace_id, id, channel_account_id, 'inbound', 'member', ${text}, ${`wamid.${randomUUID()}`}, 'delivered'
      from public.conversations where id = ${member.conversationId}`;
    const consent = async () =>
      (
        await superuserSql()<{ out: boolean }[]>`
        select marketing_opted_out_at is not null as out from public.contacts where id = ${member.contactId}`
      )[0]?.out;
    await write("Stop.");
    expect(await consent()).toBe(true);
    const confirmation = await eventually(
      () => superuserSql()<{ text: string; sender: string; status: string }[]>`
        select text, sender, status from public.messages where conversation_id = ${member.conversationId} and direction = 'outbound'`,
      (rows) => rows.some((row) => row.status === "sent"),
    );
    expect(confirmation[0]).toMatchObject({ sender: "bot", text: expect.stringMatching(/Reply START/) });
    await write("stop");
    const events = () => superuserSql()<{ kind: string }[]>`
      select kind from public.contact_events where contact_id = ${member.contactId} and kind like 'opted%' order by id`;
    expect((await events()).map((e) => e.kind)).toEqual(["opted_out"]);
    await write("Start");
    expect(await consent()).toBe(false);
    expect((await events()).map((e) => e.kind)).toEqual(["opted_out", "opted_in"]);
    await write("please stop the 6am class");
    expect(await consent()).toBe(false);
  });
});
