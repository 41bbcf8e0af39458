import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { answerSimulatorDialog, type SimulatedUser } from "../../../dev/meta/accounts";
import { deliverWebhook, messengerText, newMid } from "../../../dev/meta/webhooks";
import {
  callerFor,
  createConversation,
  createUser,
  createWorkspace,
  memberOfNewWorkspace,
  signIn,
  superuserSql,
} from "../../../dev/test/fixtures";
import { decryptToken, encryptToken, parseKeyring } from "../../../supabase/functions/_shared/token-crypto";
import { verifyAccessToken } from "../../lib/access-tokens";
import { LOCAL_DEFAULTS } from "../../lib/config";
import { logger } from "../../lib/logger";
import { signState } from "../../lib/signed-state";
import { completeFacebookConnect } from "../../services/facebook-connect";
import { rotateTokenKeys } from "../../services/token-rotation";

const { metaUrl, supabaseUrl } = inject("stack");
const run = promisify(execFile);
const log = logger.child({ test: "channels" });

async function simulatorUser(request: object): Promise<SimulatedUser> {
  const response = await fetch(`${metaUrl}/__test-users`, { method: "POST", body: JSON.stringify(request) });
  return (await response.json()) as SimulatedUser;
}
const subscriptions = async () =>
  (await (await fetch(`${metaUrl}/__subscriptions`)).json()) as { pages: Record<string, string[]>; wabas: string[] };
const issuedTokens = async () => (await (await fetch(`${metaUrl}/__issued-tokens`)).json()) as string[];
const injectFailure = (failure: object) =>
  fetch(`${metaUrl}/__failures`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(failure),
  });

async function adminOfNewGym() {
  const admin = await memberOfNewWorkspace("admin");
  const caller = await callerFor(admin.session.access_token);
  const check = await verifyAccessToken(admin.session.access_token);
  if (!check.valid) throw new Error("test token did not verify");
  return { ...admin, caller, claims: check.claims };
}

type Gym = Awaited<ReturnType<typeof adminOfNewGym>>;

/** Connect with Facebook → the dialog → the callback → pick Pages, as an admin's browser would. */
async function connectThroughDialog(gym: Gym, fbUser: SimulatedUser, pageIds: string[]) {
  const begun = await gym.caller.channels.beginConnect({ workspaceId: gym.workspaceId });
  if (!begun.success) throw new Error(begun.error.message);
  const callback = await answerSimulatorDialog(begun.data.dialogUrl, { userId: fbUser.id, pageIds });
  const input = { state: callback.searchParams.get("state") ?? "", code: callback.searchParams.get("code") ?? "" };
  const completed = await completeFacebookConnect(gym.claims, input, log);
  if (!completed.success) throw new Error(completed.error.message);
  const connected = await gym.caller.channels.connectPages({ attemptId: completed.data.attemptId, pageIds });
  return { begun: begun.data, callback, input, attemptId: completed.data.attemptId, connected };
}

/** The gym's open inbox, as its first page shows it. */
const inboxOf = (gym: Gym) =>
  gym.caller.conversations.list({
    workspaceId: gym.workspaceId,
    archived: false,
    assignee: "anyone",
    unreadOnly: false,
    limit: 10,
  });

async function channelsOf(gym: Gym) {
  const list = await gym.caller.channels.list({ workspaceId: gym.workspaceId });
  if (!list.success) throw new Error(list.error.message);
  return list.data;
}

describe("connecting Facebook Pages", () => {
  it("exchanges the login with the app secret and tokens in POST bodies, and wipes the user token once it is used", async () => {
    const gym = await adminOfNewGym();
    const fb = await simulatorUser({ name: "Owner", pages: [{ name: "Riverside" }] });
    const [page] = fb.pages;
    if (!page) throw new Error("simulator made no pages");
    const { attemptId, connected } = await connectThroughDialog(gym, fb, [page.id]);
    expect(connected.success).toBe(true);

    const calls = (await (await fetch(`${metaUrl}/__calls`)).json()) as {
      method: string;
      path: string;
      credentialsInUrl: boolean;
    }[];
    const exchanges = calls.filter((call) => call.path.endsWith("/oauth/access_token"));
    expect(exchanges.length).toBeGreaterThanOrEqual(2);
    expect(exchanges.every((call) => call.method === "POST")).toBe(true);
    // Not one Graph call of any test put a token, the app secret or a code in its URL.
    expect(calls.filter((call) => call.credentialsInUrl)).toEqual([]);

    const [attempt] = await superuserSql()`
      select user_token_ciphertext is null as wiped from public.channel_connect_attempts where id = ${attemptId}`;
    expect(attempt?.wiped).toBe(true);
    const again = await gym.caller.channels.connectPages({ attemptId, pageIds: [page.id] });
    expect(again).toMatchObject({ success: false, error: { code: "FORBIDDEN" } });
  });

  it("holds no transaction open while Meta is slow to answer", async () => {
    const gym = await adminOfNewGym();
    const fb = await simulatorUser({ name: "Owner", pages: [{ name: "Lakeside" }] });
    const [page] = fb.pages;
    if (!page) throw new Error("simulator made no pages");
    await injectFailure({ pathIncludes: `${page.id}/subscribed_apps`, latencyMs: 1500 });
    const connecting = connectThroughDialog(gym, fb, [page.id]);
    // While the subscription call waits, no connection of ours sits in a transaction for more than a moment.
    const held: unknown[] = [];
    for (let sample = 0; sample < 6; sample += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      held.push(
        ...(await superuserSql()`
          select pid from pg_stat_activity
          where application_name = 'frontdesk' and state like 'idle in transaction%' and xact_start < now() - interval '500 ms'`),
      );
    }
    expect((await connecting).connected.success).toBe(true);
    expect(held).toEqual([]);
  });

  it("wipes the user token of an attempt whose pick window has passed", async () => {
    const gym = await adminOfNewGym();
    const fb = await simulatorUser({ name: "Owner", pages: [{ name: "Hillside" }] });
    const begun = await gym.caller.channels.beginConnect({ workspaceId: gym.workspaceId });
    if (!begun.success) throw new Error(begun.error.message);
    const callback = await answerSimulatorDialog(begun.data.dialogUrl, { userId: fb.id, pageIds: [] });
    const completed = await completeFacebookConnect(
      gym.claims,
      { state: callback.searchParams.get("state") ?? "", code: callback.searchParams.get("code") ?? "" },
      log,
    );
    if (!completed.success) throw new Error(completed.error.message);
    await superuserSql()`update public.channel_connect_attempts set callback_at = now() - interval '31 minutes'
                         where id = ${completed.data.attemptId}`;
    await gym.caller.channels.beginConnect({ workspaceId: gym.workspaceId });
    const [attempt] = await superuserSql()`
      select user_token_ciphertext is null as wiped from public.channel_connect_attempts where id = ${completed.data.attemptId}`;
    expect(attempt?.wiped).toBe(true);
  });

  it("sends the admin to Meta's dialog with a signed state, our callback and the messaging scopes", async () => {
    const gym = await adminOfNewGym();
    const begun = await gym.caller.channels.beginConnect({ workspaceId: gym.workspaceId });
    expect(begun.success).toBe(true);
    const url = new URL(begun.success ? begun.data.dialogUrl : "");
    expect(`${url.origin}${url.pathname}`).toBe(`${metaUrl}/v25.0/dialog/oauth`);
    expect(url.searchParams.get("redirect_uri")).toMatch(/\/settings\/channels\/callback$/);
    expect(url.searchParams.get("scope")).toContain("pages_messaging");
    expect(url.searchParams.get("scope")).toContain("instagram_manage_messages");
    expect(url.searchParams.get("state")).toMatch(/^[0-9a-f-]{36}\.\d+\.[\w-]{43}$/);
  });

  it("connects two Pages one after the other, each subscribed on its own, with the linked Instagram account", async () => {
    const gym = await adminOfNewGym();
    const fb = await simulatorUser({ name: "Owner", pages: [{ name: "Downtown", instagram: true }, { name: "Harbour" }] });
    const [downtown, harbour] = fb.pages;
    if (!downtown || !harbour) throw new Error("simulator made no pages");

    const first = await connectThroughDialog(gym, fb, [downtown.id]);
    expect(first.connected).toMatchObject({
      success: true,
      data: {
        channels: [
          { provider: "messenger", accountId: downtown.id, outcome: "connected" },
          { provider: "instagram", accountId: downtown.instagram?.id, outcome: "connected" },
        ],
      },
    });
    expect((await subscriptions()).pages[downtown.id]).toEqual([
      "messages",
      "messaging_postbacks",
      "message_deliveries",
      "message_reads",
      "message_echoes",
      "message_reactions",
    ]);

    await connectThroughDialog(gym, fb, [harbour.id]);
    const subscribed = await subscriptions();
    expect(Object.keys(subscribed.pages)).toEqual(expect.arrayContaining([downtown.id, harbour.id]));
    expect(subscribed.pages[downtown.id]).toHaveLength(6);

    const channels = await channelsOf(gym);
    expect(channels.map((c) => [c.provider, c.providerAccountId, c.status])).toEqual(
      expect.arrayContaining([
        ["messenger", downtown.id, "active"],
        ["messenger", harbour.id, "active"],
        ["instagram", downtown.instagram?.id, "active"],
      ]),
    );
    const instagram = channels.find((c) => c.provider === "instagram");
    expect(instagram).toMatchObject({ displayHandle: `@${downtown.instagram?.username}`, linkedPageId: downtown.id });

    // A member writing to the new Page lands in this workspace under that channel.
    const response = await deliverWebhook(
      `${supabaseUrl}/functions/v1/meta-webhook`,
      messengerText({ pageId: harbour.id, psid: `psid-${randomUUID()}`, text: "Do you have parking?", mid: newMid() }),
      { appSecret: LOCAL_DEFAULTS.META_APP_SECRET },
    );
    expect(response.status).toBe(200);
    const list = await inboxOf(gym);
    expect(list.success && list.data.items.map((item) => [item.preview, item.channel.displayName])).toEqual([
      ["Do you have parking?", "Harbour"],
    ]);
  });

  it("refuses a reused, forged or expired state, and a cancelled dialog, storing nothing", async () => {
    const gym = await adminOfNewGym();
    const fb = await simulatorUser({ pages: [{ name: "Studio" }] });
    const pageId = fb.pages[0]?.id ?? "";
    const first = await connectThroughDialog(gym, fb, [pageId]);

    const reused = await completeFacebookConnect(gym.claims, first.input, log);
    expect(reused).toMatchObject({
      success: false,
      error: { code: "FORBIDDEN", message: expect.stringMatching(/already used/) },
    });

    const [attemptId, expiry] = first.input.state.split(".");
    const forged = await completeFacebookConnect(
      gym.claims,
      { ...first.input, state: `${attemptId}.${expiry}.${"A".repeat(43)}` },
      log,
    );
    expect(forged).toMatchObject({ success: false, error: { code: "FORBIDDEN" } });
    const expired = signState(randomUUID(), new Date(Date.now() - 1_000));
    expect(await completeFacebookConnect(gym.claims, { state: expired, code: "x" }, log)).toMatchObject({
      success: false,
      error: { message: expect.stringMatching(/took too long/) },
    });

    // Another admin's browser cannot finish this admin's login.
    const other = await adminOfNewGym();
    const begun = await gym.caller.channels.beginConnect({ workspaceId: gym.workspaceId });
    const callback = await answerSimulatorDialog(begun.success ? begun.data.dialogUrl : "", { userId: fb.id, pageIds: [pageId] });
    const stolen = await completeFacebookConnect(
      other.claims,
      { state: callback.searchParams.get("state") ?? "", code: callback.searchParams.get("code") ?? "" },
      log,
    );
    expect(stolen).toMatchObject({ success: false, error: { code: "FORBIDDEN" } });

    const again = await gym.caller.channels.beginConnect({ workspaceId: gym.workspaceId });
    const denied = await answerSimulatorDialog(again.success ? again.data.dialogUrl : "", {
      userId: fb.id,
      pageIds: [],
      decision: "deny",
    });
    expect(denied.searchParams.get("error")).toBe("access_denied");
    expect(
      await completeFacebookConnect(gym.claims, { state: denied.searchParams.get("state") ?? "", error: "access_denied" }, log),
    ).toMatchObject({ success: false, error: { message: expect.stringMatching(/cancelled/) } });
    expect(await channelsOf(gym)).toHaveLength(1);
  });

  it("answers CONFLICT for a Page another workspace has connected, without taking it over", async () => {
    const fb = await simulatorUser({ pages: [{ name: "Shared Page" }, { name: "Second Page" }] });
    const pageId = fb.pages[0]?.id ?? "";
    const owner = await adminOfNewGym();
    await connectThroughDialog(owner, fb, [pageId]);
    const rival = await adminOfNewGym();
    const attempt = await connectThroughDialog(rival, fb, [pageId]);
    expect(attempt.connected).toMatchObject({
      success: false,
      error: { code: "CONFLICT", message: expect.stringMatching(/already connected to another Frontdesk workspace/) },
    });
    expect(await channelsOf(rival)).toEqual([]);
    expect((await channelsOf(owner))[0]).toMatchObject({ providerAccountId: pageId, status: "active" });

    // Picked together with a Page of its own, the rest still connects and the answer names the conflict.
    const ownPageId = fb.pages[1]?.id ?? "";
    const mixed = await connectThroughDialog(rival, fb, [pageId, ownPageId]);
    expect(mixed.connected).toMatchObject({
      success: true,
      data: {
        channels: [
          { accountId: pageId, outcome: "conflict" },
          { accountId: ownPageId, outcome: "connected" },
        ],
      },
    });
  });

  it("lets only admins connect and disconnect; agents see the channels read-only", async () => {
    const admin = await createUser("admin");
    const agent = await createUser("agent");
    const workspaceId = await createWorkspace("Roles Gym", [
      { user: admin, role: "admin" },
      { user: agent, role: "agent" },
    ]);
    const caller = await callerFor((await signIn(agent)).access_token);
    expect(await caller.channels.beginConnect({ workspaceId })).toMatchObject({ success: false, error: { code: "FORBIDDEN" } });
    const [channel] = await superuserSql()<{ id: string }[]>`
      insert into public.channel_accounts (workspace_id, provider, provider_account_id, display_name)
      values (${workspaceId}, 'messenger', ${`p-${randomUUID()}`}, 'Roles Page') returning id`;
    expect(await caller.channels.disconnect({ channelId: channel?.id ?? "" })).toMatchObject({
      success: false,
      error: { code: "FORBIDDEN" },
    });
    expect(await caller.channels.list({ workspaceId })).toMatchObject({ success: true, data: [{ status: "active" }] });
    expect(await caller.channels.connectPages({ attemptId: randomUUID(), pageIds: [] })).toMatchObject({
      success: false,
      error: { code: "VALIDATION", details: { fieldErrors: { pageIds: ["Pick at least one Page"] } } },
    });
  });
});

describe("disconnecting and token health", () => {
  it("disconnecting a WhatsApp number unsubscribes its business account once no other number of the gym uses it", async () => {
    const gym = await adminOfNewGym();
    const fb = await simulatorUser({ name: "Two Numbers Gym", pages: [], whatsapp: 2 });
    const [first, second] = fb.whatsapp;
    if (!first || !second) throw new Error("simulator made no numbers");
    for (const number of [first, second]) {
      const connected = await gym.caller.channels.connectWhatsApp({
        workspaceId: gym.workspaceId,
        phoneNumberId: number.phoneNumberId,
        wabaId: number.wabaId,
        accessToken: number.token,
      });
      expect(connected).toMatchObject({ success: true });
    }
    expect((await subscriptions()).wabas).toContain(first.wabaId);
    const idOf = async (phoneNumberId: string) =>
      (await channelsOf(gym)).find((channel) => channel.providerAccountId === phoneNumberId)?.id ?? "";

    await gym.caller.channels.disconnect({ channelId: await idOf(first.phoneNumberId) });
    // The other number still receives through it.
    expect((await subscriptions()).wabas).toContain(first.wabaId);
    await gym.caller.channels.disconnect({ channelId: await idOf(second.phoneNumberId) });
    expect((await subscriptions()).wabas).not.toContain(first.wabaId);
  });

  it("disconnects a Page: unsubscribed, token wiped, webhooks no longer routed, history kept", async () => {
    const gym = await adminOfNewGym();
    const fb = await simulatorUser({ pages: [{ name: "Leaving", instagram: true }, { name: "Staying" }] });
    const [leaving, staying] = fb.pages;
    await connectThroughDialog(gym, fb, [leaving?.id ?? "", staying?.id ?? ""]);
    const webhookUrl = `${supabaseUrl}/functions/v1/meta-webhook`;
    const write = (pageId: string, text: string) =>
      deliverWebhook(webhookUrl, messengerText({ pageId, psid: "psid-history", text, mid: newMid() }), {
        appSecret: LOCAL_DEFAULTS.META_APP_SECRET,
      });
    await write(leaving?.id ?? "", "before disconnecting");

    const channel = (await channelsOf(gym)).find((c) => c.providerAccountId === leaving?.id);
    expect(await gym.caller.channels.disconnect({ channelId: channel?.id ?? "" })).toEqual({
      success: true,
      data: { disconnected: 2 },
    });
    expect((await subscriptions()).pages[leaving?.id ?? ""]).toBeUndefined();
    expect((await subscriptions()).pages[staying?.id ?? ""]).toHaveLength(6);
    const [row] = await superuserSql()`
      select status, access_token_ciphertext, access_token_key_id, disconnected_at from public.channel_accounts where id = ${channel?.id ?? ""}`;
    expect(row).toMatchObject({ status: "disconnected", access_token_ciphertext: null, access_token_key_id: null });
    expect(
      (await channelsOf(gym))
        .filter((c) => c.status === "disconnected")
        .map((c) => c.provider)
        .sort(),
    ).toEqual(["instagram", "messenger"]);

    await write(leaving?.id ?? "", "after disconnecting");
    const [event] = await superuserSql()<{ outcome: string }[]>`
      select outcome from public.webhook_events where payload::text like '%after disconnecting%'`;
    expect(event?.outcome).toBe("unroutable");
    const list = await inboxOf(gym);
    expect(list.success && list.data.items.map((item) => [item.preview, item.channel.status])).toEqual([
      ["before disconnecting", "disconnected"],
    ]);
    expect(await gym.caller.channels.disconnect({ channelId: channel?.id ?? "" })).toEqual({
      success: true,
      data: { disconnected: 0 },
    });
  });

  it("a 190 while subscribing leaves the channel needing reconnection with the reason; reconnecting restores it", async () => {
    const gym = await adminOfNewGym();
    const fb = await simulatorUser({ pages: [{ name: "Flaky" }] });
    const pageId = fb.pages[0]?.id ?? "";
    await injectFailure({ pathIncludes: `/${pageId}/subscribed_apps`, code: 190 });
    const first = await connectThroughDialog(gym, fb, [pageId]);
    expect(first.connected).toMatchObject({ success: true, data: { channels: [{ outcome: "needs_reconnect" }] } });
    expect((await channelsOf(gym))[0]).toMatchObject({
      status: "needs_reconnect",
      statusReason: expect.stringMatching(/no longer accepts/),
    });

    const again = await connectThroughDialog(gym, fb, [pageId]);
    expect(again.connected).toMatchObject({ success: true, data: { channels: [{ outcome: "connected" }] } });
    const channels = await channelsOf(gym);
    expect(channels).toHaveLength(1);
    expect(channels[0]).toMatchObject({ status: "active", statusReason: null });
    const [audit] = await superuserSql()<{ actions: string[] }[]>`
      select array_agg(action order by id) as actions from public.audit_logs where entity_id = ${channels[0]?.id ?? ""}`;
    expect(audit?.actions).toEqual(["channel.connected", "channel.reconnected"]);
  });
});

describe("after reconnecting, and removing", () => {
  it("a reply Meta refused for the channel's token can be retried once an admin has reconnected it", async () => {
    const gym = await adminOfNewGym();
    const fb = await simulatorUser({ pages: [{ name: "Expiring" }] });
    const pageId = fb.pages[0]?.id ?? "";
    await connectThroughDialog(gym, fb, [pageId]);
    await deliverWebhook(`${supabaseUrl}/functions/v1/meta-webhook`, messengerText({ pageId, psid: randomUUID(), text: "hi" }), {
      appSecret: LOCAL_DEFAULTS.META_APP_SECRET,
    });
    const list = await inboxOf(gym);
    const conversationId = list.success ? (list.data.items[0]?.id ?? "") : "";
    await injectFailure({ pathIncludes: `/${pageId}/messages`, code: 190 });
    const refused = await gym.caller.messages.send({ conversationId, clientMessageId: randomUUID(), text: "Yes, we are open" });
    expect(refused).toMatchObject({
      success: true,
      data: { status: "failed", error: { code: "TOKEN_EXPIRED", retryable: false } },
    });
    if (!refused.success) return;
    expect(await gym.caller.messages.retry({ messageId: refused.data.id })).toMatchObject({ success: false });

    await connectThroughDialog(gym, fb, [pageId]);
    const page = await gym.caller.messages.list({ conversationId });
    expect(page.success && page.data.items[0]?.error).toMatchObject({ code: "TOKEN_EXPIRED", retryable: true });
    expect(await gym.caller.messages.retry({ messageId: refused.data.id })).toMatchObject({
      success: true,
      data: { status: "sent" },
    });
  });

  it("an admin removes a disconnected channel with its conversations; a live one must be disconnected first", async () => {
    const gym = await adminOfNewGym();
    const fb = await simulatorUser({ pages: [{ name: "Closing down" }] });
    const pageId = fb.pages[0]?.id ?? "";
    await connectThroughDialog(gym, fb, [pageId]);
    for (const text of ["one", "two"]) {
      await deliverWebhook(`${supabaseUrl}/functions/v1/meta-webhook`, messengerText({ pageId, psid: randomUUID(), text }), {
        appSecret: LOCAL_DEFAULTS.META_APP_SECRET,
      });
    }
    const [channel] = await channelsOf(gym);
    const channelId = channel?.id ?? "";
    expect(await gym.caller.channels.remove({ channelId })).toMatchObject({ success: false, error: { code: "CONFLICT" } });
    await gym.caller.channels.disconnect({ channelId });
    expect((await channelsOf(gym))[0]).toMatchObject({
      status: "disconnected",
      conversations: 2,
      disconnectedAt: expect.any(Date),
    });

    const agent = await createUser("agent");
    await superuserSql()`insert into public.memberships (workspace_id, user_id, role) values (${gym.workspaceId}, ${agent.id}, 'agent')`;
    const agentCaller = await callerFor((await signIn(agent)).access_token);
    expect(await agentCaller.channels.remove({ channelId })).toMatchObject({ success: false, error: { code: "FORBIDDEN" } });

    expect(await gym.caller.channels.remove({ channelId })).toEqual({ success: true, data: { conversations: 2 } });
    expect(await channelsOf(gym)).toEqual([]);
    const [left] = await superuserSql()<{ conversations: number; contacts: number }[]>`
      select (select count(*)::int from public.conversations where workspace_id = ${gym.workspaceId}) as conversations,
             (select count(*)::int from public.contacts where workspace_id = ${gym.workspaceId}) as contacts`;
    expect(left).toEqual({ conversations: 0, contacts: 0 });
    const [audit] =
      await superuserSql()`select action, metadata from public.audit_logs where entity_id = ${channelId} order by id desc limit 1`;
    expect(audit).toEqual({ action: "channel.removed", metadata: { provider: "messenger", conversations: 2 } });
  });
});

describe("connecting a WhatsApp number", () => {
  it("saves it only after Meta confirms the number and the token", async () => {
    const gym = await adminOfNewGym();
    const fb = await simulatorUser({ name: "Iron Temple WA", pages: [], whatsapp: 1 });
    const number = fb.whatsapp[0];
    if (!number) throw new Error("simulator made no number");
    const input = { workspaceId: gym.workspaceId, phoneNumberId: number.phoneNumberId, wabaId: number.wabaId };

    expect(await gym.caller.channels.connectWhatsApp({ ...input, accessToken: "EAAG-not-the-right-token-at-all" })).toMatchObject(
      {
        success: false,
        error: { code: "VALIDATION", details: { fieldErrors: { accessToken: ["Meta did not accept this token."] } } },
      },
    );
    expect(
      await gym.caller.channels.connectWhatsApp({ ...input, phoneNumberId: "12345678", accessToken: number.token }),
    ).toMatchObject({
      success: false,
      error: { code: "VALIDATION" },
    });
    expect(
      await gym.caller.channels.connectWhatsApp({ ...input, phoneNumberId: "+1 555", accessToken: number.token }),
    ).toMatchObject({
      success: false,
      error: {
        code: "VALIDATION",
        details: { fieldErrors: { phoneNumberId: ["The phone number id is digits only, as Meta shows it."] } },
      },
    });
    expect(await gym.caller.channels.connectWhatsApp({ ...input, wabaId: "", accessToken: number.token })).toMatchObject({
      success: false,
      error: { code: "VALIDATION", details: { fieldErrors: { wabaId: ["Enter the WhatsApp Business Account id."] } } },
    });
    // The right number and token with a wrong account id: refused, and nothing is saved.
    expect(
      await gym.caller.channels.connectWhatsApp({ ...input, wabaId: "102290129349999", accessToken: number.token }),
    ).toMatchObject({
      success: false,
      error: { code: "VALIDATION", details: { fieldErrors: { wabaId: [expect.stringMatching(/WhatsApp Business Account/)] } } },
    });
    expect(await channelsOf(gym)).toEqual([]);

    // Ids pasted with the spaces around them still connect.
    const pasted = { ...input, phoneNumberId: ` ${number.phoneNumberId} `, wabaId: `${number.wabaId}\n` };
    expect(await gym.caller.channels.connectWhatsApp({ ...pasted, accessToken: number.token })).toMatchObject({
      success: true,
      data: { provider: "whatsapp", outcome: "connected" },
    });
    expect(await channelsOf(gym)).toMatchObject([
      { provider: "whatsapp", displayName: "Iron Temple WA", displayHandle: number.displayPhoneNumber, status: "active" },
    ]);
    expect((await subscriptions()).wabas).toContain(number.wabaId);

    const rival = await adminOfNewGym();
    expect(
      await rival.caller.channels.connectWhatsApp({ ...input, workspaceId: rival.workspaceId, accessToken: number.token }),
    ).toMatchObject({
      success: false,
      error: { code: "CONFLICT", message: expect.stringMatching(/another Frontdesk workspace/) },
    });
  });
});

describe("tokens at rest", () => {
  it("never appear in plaintext in any table, log line or response", async () => {
    const output: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      output.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof process.stdout.write;
    const responses: unknown[] = [];
    try {
      const gym = await adminOfNewGym();
      const fb = await simulatorUser({ pages: [{ name: "Secretive", instagram: true }], whatsapp: 1 });
      const flow = await connectThroughDialog(gym, fb, [fb.pages[0]?.id ?? ""]);
      responses.push(flow.connected, flow.begun);
      const number = fb.whatsapp[0];
      responses.push(
        await gym.caller.channels.connectWhatsApp({
          workspaceId: gym.workspaceId,
          phoneNumberId: number?.phoneNumberId ?? "",
          wabaId: number?.wabaId ?? "",
          accessToken: number?.token ?? "",
        }),
      );
      responses.push(await gym.caller.channels.list({ workspaceId: gym.workspaceId }));
      responses.push(await gym.caller.channels.connectAttempt({ attemptId: flow.attemptId }));
    } finally {
      process.stdout.write = write;
    }

    const tokens = await issuedTokens();
    expect(tokens.length).toBeGreaterThan(3);
    const tables = await superuserSql()<{ name: string }[]>`
      select format('%I.%I', table_schema, table_name) as name from information_schema.tables
      where table_schema in ('public', 'auth', 'realtime') and table_type = 'BASE TABLE'`;
    for (const { name } of tables) {
      const [hit] = await superuserSql()<{ count: number }[]>`
        select count(*)::int as count from ${superuserSql().unsafe(name)} t
        where exists (select 1 from unnest(${tokens}::text[]) token where strpos(t::text, token) > 0)`;
      expect(hit?.count, name).toBe(0);
    }
    const logged = output.join("");
    const answered = JSON.stringify(responses);
    for (const token of tokens) {
      expect(logged.includes(token)).toBe(false);
      expect(answered.includes(token)).toBe(false);
    }
  });

  it("rotating the key re-encrypts every token and every channel keeps working", async () => {
    const oldKey = `old${randomUUID().slice(0, 6)}:${Buffer.alloc(32, 9).toString("base64")}`;
    const oldKeyring = await parseKeyring(oldKey);
    const gym = await adminOfNewGym();
    const [channel] = await superuserSql()<{ id: string }[]>`
      insert into public.channel_accounts (workspace_id, provider, provider_account_id, display_name)
      values (${gym.workspaceId}, 'messenger', ${`p-${randomUUID()}`}, 'Old Key Page') returning id`;
    const channelId = channel?.id ?? "";
    const sealed = await encryptToken(oldKeyring, "EAAG-token-under-the-old-key", channelId);
    await superuserSql()`update public.channel_accounts set access_token_ciphertext = ${sealed.ciphertext},
                         access_token_key_id = ${sealed.keyId} where id = ${channelId}`;

    // Deployed keyring: the new key first, the old one after it.
    const keyring = await parseKeyring(`${LOCAL_DEFAULTS.TOKEN_ENCRYPTION_KEYS},${oldKey}`);
    const report = await rotateTokenKeys(keyring, log);
    expect(report.unreadable).toEqual([]);
    expect(report.rotated).toBeGreaterThanOrEqual(1);
    const [row] = await superuserSql()<{ ciphertext: string; key_id: string }[]>`
      select access_token_ciphertext as ciphertext, access_token_key_id as key_id from public.channel_accounts where id = ${channelId}`;
    expect(row?.key_id).toBe(keyring.current);
    // Only the new key is needed from now on: the app's own keyring (which lacks the old key) reads it.
    const current = await parseKeyring(LOCAL_DEFAULTS.TOKEN_ENCRYPTION_KEYS);
    expect(await decryptToken(current, row?.ciphertext ?? "", row?.key_id ?? "", channelId)).toBe("EAAG-token-under-the-old-key");
    const [left] = await superuserSql()<{ count: number }[]>`
      select count(*)::int as count from public.channel_accounts
      where access_token_key_id is not null and access_token_key_id <> ${keyring.current}`;
    expect(left?.count).toBe(0);
    expect((await rotateTokenKeys(keyring, log)).rotated).toBe(0);

    // The command operators run does the same, reading the keyring from the environment.
    const again = await encryptToken(oldKeyring, "EAAG-token-under-the-old-key", channelId);
    await superuserSql()`update public.channel_accounts set access_token_ciphertext = ${again.ciphertext},
                         access_token_key_id = ${again.keyId} where id = ${channelId}`;
    const command = await run(process.execPath, ["--import", "tsx", "server/commands/rotate-token-keys.ts"], {
      env: { ...process.env, TOKEN_ENCRYPTION_KEYS: `${LOCAL_DEFAULTS.TOKEN_ENCRYPTION_KEYS},${oldKey}`, LOG_LEVEL: "warn" },
    });
    expect(command.stdout).toMatch(/^rotated=\d+ unreadable=0$/m);
    const [after] = await superuserSql()<{ key_id: string }[]>`
      select access_token_key_id as key_id from public.channel_accounts where id = ${channelId}`;
    expect(after?.key_id).toBe(keyring.current);

    // And a reply through it goes out with the token it had.
    const { conversationId } = await createConversation(gym.workspaceId, { channelAccountId: channelId });
    const sent = await gym.caller.messages.send({ conversationId, clientMessageId: randomUUID(), text: "Still here" });
    expect(sent).toMatchObject({ success: true, data: { status: "sent" } });
  });
});

describe("connect attempts under RLS", () => {
  it("another user or workspace can neither read nor write them", async () => {
    const gym = await adminOfNewGym();
    await gym.caller.channels.beginConnect({ workspaceId: gym.workspaceId });
    const outsider = await adminOfNewGym();
    const [seen] = await superuserSql().begin(async (tx) => {
      await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${JSON.stringify({ sub: outsider.user.id, role: "authenticated" })}, true)`;
      const rows = await tx<{ count: number }[]>`select count(*)::int as count from public.channel_connect_attempts`;
      const inserted = await tx
        .savepoint(
          (sp) => sp`
          insert into public.channel_connect_attempts (workspace_id, user_id) values (${gym.workspaceId}, ${outsider.user.id})
          returning id`,
        )
        .catch((error: { code?: string }) => error.code);
      return [{ ...rows[0], inserted }];
    });
    expect(seen).toEqual({ count: 0, inserted: "42501" });
  });
});
