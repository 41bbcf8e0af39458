import { createClient, type RealtimeChannel, type SupabaseClient } from "@supabase/supabase-js";
import { importJWK, type JWK, SignJWT } from "jose";
import { afterEach, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { eventually } from "../test/eventually";
import { addMessage, callerFor, createConversation, memberOfNewWorkspace, superuserSql } from "../test/fixtures";

interface Broadcast {
  event: string;
  payload: Record<string, unknown>;
}

const clients: SupabaseClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.removeAllChannels()));
});

/**
 * The real supabase-js client as the browser builds it: the signed-in user's token comes from a
 * callback (realtime-js asks it on connect and on every heartbeat); `useToken` swaps it, `refresh`
 * pushes the new one at once.
 */
async function realtimeClient(accessToken: string, options: { vsn?: "1.0.0" | "2.0.0" } = {}) {
  const { supabaseUrl, env } = inject("stack");
  let token = accessToken;
  const client = createClient(supabaseUrl, env.SUPABASE_ANON_KEY ?? "", {
    accessToken: async () => token,
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket, ...(options.vsn ? { vsn: options.vsn } : {}) },
  });
  clients.push(client);
  // Join only once the token is in hand, or the join would carry the anon key (realtime-js races otherwise).
  await client.realtime.setAuth();
  return {
    client,
    refresh: async (next: string) => {
      token = next;
      await client.realtime.setAuth();
    },
  };
}

/** Subscribes to a private topic; resolves with how the join ended and what arrives afterwards. */
function join({ client }: { client: SupabaseClient }, topic: string) {
  const received: Broadcast[] = [];
  const statuses: string[] = [];
  const channel: RealtimeChannel = client.channel(topic, { config: { private: true } });
  channel.on("broadcast", { event: "*" }, (message) => received.push({ event: message.event, payload: message.payload }));
  const joined = new Promise<{ status: string; error?: string }>((resolve) => {
    channel.subscribe((status, error) => {
      statuses.push(status);
      if (status !== "CLOSED") resolve({ status, error: error?.message });
    });
  });
  return { channel, joined, received, statuses };
}

/** The first value `read` finds within the time, or a failure naming what never came. */
async function until<T>(read: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const value = await eventually(read, (found) => found !== undefined, { timeoutMs, intervalMs: 20 });
  if (value === undefined) throw new Error(`timed out waiting for ${what}`);
  return value;
}

/** A token signed with the stack's key, carrying a chosen expiry. */
async function tokenExpiringAt(accessToken: string, expSeconds: number) {
  const jwk = inject("stack").signingJwk as JWK;
  const claims = JSON.parse(Buffer.from(accessToken.split(".")[1] ?? "", "base64url").toString());
  return new SignJWT({ ...claims, exp: expSeconds })
    .setProtectedHeader({ alg: "ES256", kid: String(jwk.kid), typ: "JWT" })
    .sign(await importJWK(jwk, "ES256"));
}

describe("Realtime stand-in, through the real supabase-js client", () => {
  it("delivers a workspace's conversation changes and a thread's messages to its members", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace("agent");
    const { conversationId } = await createConversation(workspaceId, { contactName: "Maya Lopez" });
    const client = await realtimeClient(session.access_token);
    const list = join(client, `workspace:${workspaceId}`);
    const thread = join(client, `conversation:${conversationId}`);
    expect(await list.joined).toEqual({ status: "SUBSCRIBED", error: undefined });
    expect(await thread.joined).toEqual({ status: "SUBSCRIBED", error: undefined });

    // A change made by a user under RLS still broadcasts (the trigger is security definer).
    const caller = await callerFor(session.access_token);
    expect(await caller.conversations.setStatus({ conversationId, status: "pending" })).toMatchObject({ success: true });
    const changed = await until(
      () => list.received.find((m) => JSON.stringify(m.payload).includes('"status":"pending"')),
      "conversation event",
    );
    expect(changed).toMatchObject({
      event: "conversations",
      payload: { conversations: [{ id: conversationId, workspaceId, status: "pending" }] },
    });

    // Only what the list shows is news: an update that touches nothing else than updated_at is not sent.
    const listBefore = list.received.length;
    await superuserSql()`update public.conversations set updated_at = now() where id = ${conversationId}`;
    expect(await caller.conversations.setStatus({ conversationId, status: "open" })).toMatchObject({ success: true });
    // Looked for among what came after: the conversation's creation (also open) may arrive late, after the join.
    await until(
      () => list.received.slice(listBefore).find((m) => JSON.stringify(m.payload).includes('"status":"open"')),
      "reopened",
    );
    expect(list.received.length).toBe(listBefore + 1);

    const messageId = await addMessage(conversationId, { text: "Is the pool open on Sunday?" });
    const message = await until(() => thread.received.find((m) => m.payload.id === messageId), "message event");
    expect(message).toMatchObject({
      event: "message",
      payload: { conversationId, direction: "inbound", text: "Is the pool open on Sunday?", status: "delivered" },
    });

    // Receipts move ticks: an update broadcasts the new status; an update that changes nothing does not.
    await superuserSql()`update public.messages set status = 'read', read_at = now() where id = ${messageId}`;
    await until(() => thread.received.find((m) => m.payload.id === messageId && m.payload.status === "read"), "read tick");
    const before = thread.received.length;
    await superuserSql()`update public.messages set status = status where id = ${messageId}`;
    await addMessage(conversationId, { text: "marker" });
    await until(() => thread.received.find((m) => m.payload.text === "marker"), "marker");
    expect(thread.received.length).toBe(before + 1);
  });

  it("refuses to join another workspace's topics, and topics that are not ours at all", async () => {
    const mine = await memberOfNewWorkspace("admin");
    const theirs = await memberOfNewWorkspace("admin");
    const { conversationId } = await createConversation(theirs.workspaceId);
    const client = await realtimeClient(mine.session.access_token);

    for (const topic of [
      `workspace:${theirs.workspaceId}`,
      `conversation:${conversationId}`,
      "workspace:not-a-uuid",
      "anything",
    ]) {
      const attempt = join(client, topic);
      const result = await attempt.joined;
      expect(result.status, topic).toBe("CHANNEL_ERROR");
      expect(result.error, topic).toMatch(/Unauthorized/);
    }

    // And nothing leaks to a refused subscriber.
    const refused = join(await realtimeClient(mine.session.access_token), `workspace:${theirs.workspaceId}`);
    await refused.joined;
    await (await callerFor(theirs.session.access_token)).conversations.setStatus({ conversationId, status: "resolved" });
    const watcher = join(await realtimeClient(theirs.session.access_token), `conversation:${conversationId}`);
    expect((await watcher.joined).status).toBe("SUBSCRIBED");
    await addMessage(conversationId, { text: "only for them" });
    await until(() => watcher.received.at(0), "the owner's copy");
    expect(refused.received).toEqual([]);
  });

  it("refuses an expired token and accepts the refreshed one", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace("agent");
    const expired = await tokenExpiringAt(session.access_token, Math.floor(Date.now() / 1000) - 60);

    const stale = join(await realtimeClient(expired), `workspace:${workspaceId}`);
    const refusal = await stale.joined;
    expect(refusal.status).toBe("CHANNEL_ERROR");
    expect(refusal.error).toMatch(/expired/i);

    const fresh = join(await realtimeClient(session.access_token), `workspace:${workspaceId}`);
    expect((await fresh.joined).status).toBe("SUBSCRIBED");
  });

  it("keeps a channel whose token is refreshed before expiry, and shuts one whose token runs out", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace("agent");
    const { conversationId } = await createConversation(workspaceId);
    const soon = Math.floor(Date.now() / 1000) + 2;

    const refreshedClient = await realtimeClient(await tokenExpiringAt(session.access_token, soon));
    const refreshed = join(refreshedClient, `conversation:${conversationId}`);
    const lapsed = join(
      await realtimeClient(await tokenExpiringAt(session.access_token, soon)),
      `conversation:${conversationId}`,
    );
    expect((await refreshed.joined).status).toBe("SUBSCRIBED");
    expect((await lapsed.joined).status).toBe("SUBSCRIBED");
    await refreshedClient.refresh(session.access_token);

    await until(() => (lapsed.statuses.includes("CLOSED") ? true : undefined), "the lapsed channel to close", 6_000);
    const messageId = await addMessage(conversationId, { text: "after expiry" });
    await until(() => refreshed.received.find((m) => m.payload.id === messageId), "the refreshed channel's copy");
    expect(lapsed.received).toEqual([]);
  });

  it("speaks Phoenix vsn 1.0.0 as well as the default 2.0.0", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace("agent");
    const { conversationId } = await createConversation(workspaceId);
    const thread = join(await realtimeClient(session.access_token, { vsn: "1.0.0" }), `conversation:${conversationId}`);
    expect((await thread.joined).status).toBe("SUBSCRIBED");
    const messageId = await addMessage(conversationId, { text: "old protocol" });
    expect(await until(() => thread.received.find((m) => m.payload.id === messageId), "message")).toMatchObject({
      payload: { text: "old protocol" },
    });
  });

  it("refuses a websocket without a valid API key", async () => {
    const { supabaseUrl } = inject("stack");
    const socket = new WebSocket(`${supabaseUrl.replace("http", "ws")}/realtime/v1/websocket?apikey=forged&vsn=2.0.0`);
    const outcome = await new Promise<string>((resolve) => {
      socket.on("open", () => resolve("open"));
      socket.on("unexpected-response", (_req, res) => resolve(`http ${res.statusCode}`));
      socket.on("error", () => resolve("error"));
    });
    socket.terminate();
    expect(outcome).toBe("http 401");
  });
});

describe("Realtime stand-in: presence and typing on a conversation's team topic", () => {
  /** Joins with presence under the user's id, as the inbox does; `present` is who else it sees. */
  function joinTeam({ client }: { client: SupabaseClient }, conversationId: string, key: string) {
    const channel = client.channel(`team:conversation:${conversationId}`, {
      config: { private: true, presence: { key } },
    });
    const typing: Record<string, unknown>[] = [];
    const present = () => Object.keys(channel.presenceState()).sort();
    channel.on("presence", { event: "sync" }, () => {});
    channel.on("broadcast", { event: "typing" }, (message) => typing.push(message.payload));
    const joined = new Promise<string>((resolve) => channel.subscribe((status) => status !== "CLOSED" && resolve(status)));
    return { channel, typing, present, joined };
  }

  it("teammates see each other arrive and leave, and each other's typing; an outsider cannot join", async () => {
    const gym = await memberOfNewWorkspace("agent");
    const colleague = await memberOfNewWorkspace("agent");
    await superuserSql()`insert into public.memberships (workspace_id, user_id, role) values (${gym.workspaceId}, ${colleague.user.id}, 'agent')`;
    const { conversationId } = await createConversation(gym.workspaceId);

    const first = await realtimeClient(gym.session.access_token);
    const a = joinTeam(first, conversationId, gym.user.id);
    expect(await a.joined).toBe("SUBSCRIBED");
    expect(await a.channel.track({ name: "Alex" })).toBe("ok");
    const second = await realtimeClient(colleague.session.access_token);
    const b = joinTeam(second, conversationId, colleague.user.id);
    expect(await b.joined).toBe("SUBSCRIBED");
    await b.channel.track({ name: "Casey" });
    await until(() => (a.present().length === 2 ? true : undefined), "both present for A");
    expect(b.present()).toEqual([colleague.user.id, gym.user.id].sort());

    await b.channel.send({ type: "broadcast", event: "typing", payload: { userId: colleague.user.id } });
    expect(await until(() => a.typing[0], "A hears B typing")).toEqual({ userId: colleague.user.id });
    expect(b.typing).toEqual([]);

    await second.client.removeAllChannels();
    await until(() => (a.present().length === 1 ? true : undefined), "B's leave");
    expect(a.present()).toEqual([gym.user.id]);

    const stranger = await memberOfNewWorkspace("admin");
    const outsider = joinTeam(await realtimeClient(stranger.session.access_token), conversationId, stranger.user.id);
    expect(await outsider.joined).toBe("CHANNEL_ERROR");
  });

  it("nobody can broadcast on a conversation's own topic, where Frontdesk's events are", async () => {
    const gym = await memberOfNewWorkspace("agent");
    const { conversationId } = await createConversation(gym.workspaceId);
    const listener = join(await realtimeClient(gym.session.access_token), `conversation:${conversationId}`);
    const speaker = await realtimeClient(gym.session.access_token);
    const channel = speaker.client.channel(`conversation:${conversationId}`, {
      config: { private: true, broadcast: { ack: true } },
    });
    await new Promise((resolve) => channel.subscribe((status) => status === "SUBSCRIBED" && resolve(status)));
    expect(await listener.joined).toMatchObject({ status: "SUBSCRIBED" });
    expect(await channel.send({ type: "broadcast", event: "message", payload: { id: "forged" } })).not.toBe("ok");
    await addMessage(conversationId, { text: "real" });
    const real = await until(() => listener.received.find((m) => m.event === "message"), "the real message");
    expect(real.payload).toMatchObject({ text: "real" });
    expect(listener.received.some((m) => m.payload.id === "forged")).toBe(false);
  });
});
