import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { messagingWebhook, newMid } from "../../../dev/meta/webhooks";
import {
  addMessage,
  callerFor,
  channelForWebhooks,
  createChannel,
  createConversation,
  createUser,
  createWorkspace,
  memberOfNewWorkspace,
  sendWebhook,
  signIn,
  superuserSql,
} from "../../../dev/test/fixtures";

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

async function unwrap<T>(result: Promise<{ success: true; data: T } | { success: false; error: { code: string } }>): Promise<T> {
  const settled = await result;
  if (!settled.success) throw new Error(`expected success, got ${settled.error.code}`);
  return settled.data;
}

async function auditActions(entityId: string): Promise<string[]> {
  const rows = await superuserSql()<
    { action: string }[]
  >`select action from public.audit_logs where entity_id = ${entityId} order by id`;
  return rows.map((row) => row.action);
}

describe("conversations.list", () => {
  it("lists newest first with contact, channel, preview, unread count, assignee and window", async () => {
    const { workspaceId, session, user } = await memberOfNewWorkspace("admin");
    const older = await createConversation(workspaceId, { lastMessageAt: minutesAgo(10), contactName: "Older" });
    const newer = await createConversation(workspaceId, {
      provider: "whatsapp",
      lastMessageAt: minutesAgo(1),
      lastInboundAt: minutesAgo(1),
      contactName: "Newer",
      handle: "+1 555 0100",
      unreadCount: 3,
      assigneeId: user.id,
    });
    await superuserSql()`update public.conversations set last_message_preview = 'See you at 6' where id = ${newer.conversationId}`;

    const page = await unwrap((await callerFor(session.access_token)).conversations.list({ workspaceId }));
    expect(page.items.map((item) => item.id)).toEqual([newer.conversationId, older.conversationId]);
    expect(page.nextCursor).toBeNull();
    const [first] = page.items;
    expect(first).toMatchObject({
      unreadCount: 3,
      preview: "See you at 6",
      status: "open",
      contact: { displayName: "Newer", handle: "+1 555 0100" },
      channel: { provider: "whatsapp", status: "active" },
      assignee: { id: user.id, email: user.email },
      window: { state: "open" },
    });
  });

  it("filters by status, archive, channel, assignee and unread", async () => {
    const { workspaceId, session, user } = await memberOfNewWorkspace("manager");
    const colleague = await createUser("coach");
    await superuserSql()`insert into public.memberships (workspace_id, user_id, role) values (${workspaceId}, ${colleague.id}, 'agent')`;
    const whatsapp = await createChannel(workspaceId, "whatsapp");
    const mine = await createConversation(workspaceId, { assigneeId: user.id, unreadCount: 1 });
    const theirs = await createConversation(workspaceId, { assigneeId: colleague.id, status: "pending" });
    const free = await createConversation(workspaceId, { channelAccountId: whatsapp, status: "resolved" });
    const archived = await createConversation(workspaceId, { archived: true });
    const list = async (filters: Record<string, unknown>) =>
      (await unwrap((await callerFor(session.access_token)).conversations.list({ workspaceId, ...filters }))).items
        .map((i) => i.id)
        .sort();

    expect(await list({})).toEqual([mine, theirs, free].map((c) => c.conversationId).sort());
    expect(await list({ archived: true })).toEqual([archived.conversationId]);
    expect(await list({ status: "pending" })).toEqual([theirs.conversationId]);
    expect(await list({ channelAccountId: whatsapp })).toEqual([free.conversationId]);
    expect(await list({ assignee: "me" })).toEqual([mine.conversationId]);
    expect(await list({ assignee: "unassigned" })).toEqual([free.conversationId]);
    expect(await list({ assignee: { userId: colleague.id } })).toEqual([theirs.conversationId]);
    expect(await list({ unreadOnly: true })).toEqual([mine.conversationId]);
  });

  it("searches contact names, phones, handles and message text", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace();
    const sheena = await createConversation(workspaceId, { contactName: "Sheena Nelson" });
    const phone = await createConversation(workspaceId, { contactName: "Tom", phone: "+16505551234" });
    const handle = await createConversation(workspaceId, { contactName: "Ig Person", handle: "liftqueen" });
    const text = await createConversation(workspaceId, { contactName: "Quiet" });
    await addMessage(text.conversationId, { text: "Can I freeze my membership for March?" });
    const unsent = await createConversation(workspaceId, { contactName: "Unsent" });
    await addMessage(unsent.conversationId, { text: "freeze please", deleted: true });
    const percent = await createConversation(workspaceId, { contactName: "100% committed" });
    await createConversation(workspaceId, { contactName: "Zed 1000" });
    const search = async (term: string) =>
      (await unwrap((await callerFor(session.access_token)).conversations.list({ workspaceId, search: term }))).items.map(
        (i) => i.id,
      );

    expect(await search("sheena")).toEqual([sheena.conversationId]);
    expect(await search("555123")).toEqual([phone.conversationId]);
    expect(await search("LIFTQ")).toEqual([handle.conversationId]);
    expect(await search("freeze")).toEqual([text.conversationId]);
    expect(await search("0%")).toEqual([percent.conversationId]);
    expect(await search("qu").then((ids) => ids.sort())).toEqual([handle.conversationId, text.conversationId].sort());
  });

  it("a search covers every status and the archive, finds phone numbers however typed, and shows the matching message", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace();
    const priya = await createConversation(workspaceId, { contactName: "Priya Shah", status: "pending", phone: "+14155550142" });
    const archived = await createConversation(workspaceId, { contactName: "Old Member", archived: true, status: "resolved" });
    await addMessage(archived.conversationId, { text: "Please cancel my locker rental from April", createdAt: minutesAgo(30) });
    await addMessage(archived.conversationId, { text: "Thanks!", createdAt: minutesAgo(20) });
    const caller = await callerFor(session.access_token);
    const search = async (term: string) =>
      (await unwrap(caller.conversations.list({ workspaceId, search: term, archived: "any" }))).items;

    expect((await search("Priya")).map((item) => [item.id, item.status])).toEqual([[priya.conversationId, "pending"]]);
    for (const typed of ["+1 415 555 0142", "(415) 555-0142", "4155550142", "415-555"]) {
      expect(
        (await search(typed)).map((item) => item.id),
        typed,
      ).toEqual([priya.conversationId]);
    }
    const [found] = await search("locker");
    expect(found).toMatchObject({
      id: archived.conversationId,
      archivedAt: expect.any(Date),
      match: { snippet: "Please cancel my locker rental from April", at: expect.any(Date) },
    });
    // A name match has no message to show.
    expect((await search("Priya"))[0]?.match).toBeNull();
  });

  it("a search's page is the newest matches in order, however far the matches lie, and pages on", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace();
    const { channelAccountId } = await createConversation(workspaceId, {
      contactName: "Zanzibar Quill",
      lastMessageAt: minutesAgo(9000),
    });
    // 1,600 newer conversations: more than a search walks before it looks names up by index.
    await superuserSql()`
      with people as (
        select g, gen_random_uuid() as contact_id, gen_random_uuid() as identity_id from generate_series(1, 1600) g
      ), contacts as (
        insert into public.contacts (id, workspace_id, display_name)
        select contact_id, ${workspaceId}, case when g % 40 = 0 then 'Common Name ' || g else 'Filler ' || g end from people
      ), identities as (
        insert into public.contact_identities (id, workspace_id, contact_id, channel_account_id, provider_user_id)
        select identity_id, ${workspaceId}, contact_id, ${channelAccountId}, 'bulk-' || g from people
      ), conversations as (
        insert into public.conversations (workspace_id, channel_account_id, contact_id, contact_identity_id, last_message_at)
        select ${workspaceId}, ${channelAccountId}, contact_id, identity_id, now() - g * interval '1 minute' from people
        returning id, last_message_at
      )
      insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, sender, text, status, created_at)
      select ${workspaceId}, c.id, ${channelAccountId}, 'inbound', 'member',
             case when row_number() over (order by c.last_message_at desc) % 45 = 0 then 'Can I freeze my plan?' else 'Hi' end,
             'delivered', c.last_message_at
      from conversations c`;
    const caller = await callerFor(session.access_token);
    const search = (term: string, cursor?: string) =>
      unwrap(caller.conversations.list({ workspaceId, search: term, archived: "any", limit: 30, cursor }));
    const names = async (page: { items: { contact: { displayName: string | null } }[] }) =>
      page.items.map((item) => item.contact.displayName);

    // Rare, and older than everything the walk reads.
    expect(await names(await search("zanzibar"))).toEqual(["Zanzibar Quill"]);
    // Broad: a page of the newest, then the rest, in order, nothing twice.
    const first = await search("common name");
    const rest = await search("common name", first.nextCursor ?? undefined);
    const expected = Array.from({ length: 40 }, (_, i) => `Common Name ${(i + 1) * 40}`);
    expect([...(await names(first)), ...(await names(rest))]).toEqual(expected);
    expect(first.items).toHaveLength(30);
    expect(rest.nextCursor).toBeNull();
    // Message matches fill the page; a newer name match still comes first.
    await createConversation(workspaceId, { contactName: "Freeze Fan", lastMessageAt: new Date(), channelAccountId });
    const freeze = await search("freeze");
    expect(freeze.items[0]?.contact.displayName).toBe("Freeze Fan");
    expect(freeze.items.slice(1).every((item) => item.match?.snippet === "Can I freeze my plan?")).toBe(true);
    expect(freeze.items).toHaveLength(30);
  });

  it("counts the inbox's unread conversations, archived ones aside", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace();
    await createConversation(workspaceId, { unreadCount: 3 });
    await createConversation(workspaceId, { unreadCount: 1 });
    await createConversation(workspaceId, { unreadCount: 0 });
    await createConversation(workspaceId, { unreadCount: 2, archived: true });
    const caller = await callerFor(session.access_token);
    expect(await caller.conversations.unreadTotal({ workspaceId })).toEqual({ success: true, data: 2 });
    const other = await memberOfNewWorkspace();
    expect(await caller.conversations.unreadTotal({ workspaceId: other.workspaceId })).toMatchObject({
      success: false,
      error: { code: "NOT_FOUND" },
    });
  });

  it("pages with a keyset cursor that neither skips nor repeats while new messages arrive", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace();
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      ids.push((await createConversation(workspaceId, { lastMessageAt: minutesAgo(100 + i) })).conversationId);
    }
    // Identical timestamps must still page deterministically.
    await superuserSql()`update public.conversations set last_message_at = ${minutesAgo(200)} where id = any(${ids.slice(20)})`;
    const caller = await callerFor(session.access_token);

    const seen: string[] = [];
    const bumped = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await unwrap(caller.conversations.list({ workspaceId, limit: 7, cursor }));
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
      // Members keep writing: two not-yet-seen conversations jump to the top mid-pagination.
      const unseen = ids.filter((id) => !seen.includes(id));
      for (const id of unseen.slice(-2)) {
        await superuserSql()`update public.conversations set last_message_at = now() where id = ${id}`;
        bumped.add(id);
      }
    } while (cursor);

    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids.filter((id) => !bumped.has(id))) expect(seen).toContain(id);
    const fresh = await unwrap(caller.conversations.list({ workspaceId, limit: 100 }));
    expect(
      fresh.items
        .slice(0, bumped.size)
        .map((i) => i.id)
        .sort(),
    ).toEqual([...bumped].sort());
  });

  it("answers VALIDATION for bad input", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace();
    const caller = await callerFor(session.access_token);
    for (const input of [
      { workspaceId, limit: 101 },
      { workspaceId: "not-a-uuid" },
      { workspaceId, search: "x" },
      { workspaceId, status: "closed" },
      { workspaceId, cursor: "garbage" },
    ]) {
      const result = await caller.conversations.list(input as never);
      expect(result).toMatchObject({
        success: false,
        error: { code: "VALIDATION", details: { fieldErrors: expect.any(Object) } },
      });
    }
  });
});

describe("conversation changes", () => {
  it("markRead clears the unread count once and audits it", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace("agent");
    const { conversationId } = await createConversation(workspaceId, { unreadCount: 4 });
    const caller = await callerFor(session.access_token);
    expect(await unwrap(caller.conversations.markRead({ conversationId }))).toMatchObject({ unreadCount: 0 });
    await unwrap(caller.conversations.markRead({ conversationId }));
    expect(await auditActions(conversationId)).toEqual(["conversation.marked_read"]);
  });

  it("status and archive round-trip, each change audited", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace("agent");
    const { conversationId } = await createConversation(workspaceId);
    const caller = await callerFor(session.access_token);
    expect(await unwrap(caller.conversations.setStatus({ conversationId, status: "resolved" }))).toMatchObject({
      status: "resolved",
    });
    expect((await unwrap(caller.conversations.archive({ conversationId }))).archivedAt).toBeInstanceOf(Date);
    expect(await unwrap(caller.conversations.list({ workspaceId }))).toMatchObject({ items: [] });
    expect((await unwrap(caller.conversations.unarchive({ conversationId }))).archivedAt).toBeNull();
    expect(await auditActions(conversationId)).toEqual([
      "conversation.status_changed",
      "conversation.archived",
      "conversation.unarchived",
    ]);
  });

  it("agents take free conversations and drop their own; managers assign anyone on the team", async () => {
    const admin = await createUser("admin");
    const manager = await createUser("manager");
    const agent = await createUser("agent");
    const otherAgent = await createUser("agent");
    const outsider = await createUser("outsider");
    const workspaceId = await createWorkspace("Roles Gym", [
      { user: admin, role: "admin" },
      { user: manager, role: "manager" },
      { user: agent, role: "agent" },
      { user: otherAgent, role: "agent" },
    ]);
    const { conversationId } = await createConversation(workspaceId);
    const asAgent = await callerFor((await signIn(agent)).access_token);
    const asOtherAgent = await callerFor((await signIn(otherAgent)).access_token);
    const asManager = await callerFor((await signIn(manager)).access_token);

    expect(await asAgent.conversations.assign({ conversationId, assigneeId: otherAgent.id })).toMatchObject({
      success: false,
      error: { code: "FORBIDDEN" },
    });
    expect(await unwrap(asAgent.conversations.assign({ conversationId, assigneeId: agent.id }))).toMatchObject({
      assignee: { id: agent.id, email: agent.email },
    });
    expect(await asOtherAgent.conversations.assign({ conversationId, assigneeId: otherAgent.id })).toMatchObject({
      error: { code: "FORBIDDEN" },
    });
    expect(await asOtherAgent.conversations.assign({ conversationId, assigneeId: null })).toMatchObject({
      error: { code: "FORBIDDEN" },
    });
    expect(await unwrap(asAgent.conversations.assign({ conversationId, assigneeId: null }))).toMatchObject({ assignee: null });

    expect(await unwrap(asManager.conversations.assign({ conversationId, assigneeId: otherAgent.id }))).toMatchObject({
      assignee: { id: otherAgent.id },
    });
    expect(await asManager.conversations.assign({ conversationId, assigneeId: outsider.id })).toMatchObject({
      success: false,
      error: { code: "VALIDATION", details: { fieldErrors: { assigneeId: ["Not a member of this workspace"] } } },
    });

    const audit = await superuserSql()<{ actor_user_id: string; metadata: { from: string | null; to: string | null } }[]>`
      select actor_user_id, metadata from public.audit_logs where entity_id = ${conversationId} order by id`;
    expect(audit).toEqual([
      { actor_user_id: agent.id, metadata: { from: null, to: agent.id } },
      { actor_user_id: agent.id, metadata: { from: agent.id, to: null } },
      { actor_user_id: manager.id, metadata: { from: null, to: otherAgent.id } },
    ]);
  });

  it("get answers the same summary the list shows", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace();
    const { conversationId } = await createConversation(workspaceId, {
      lastInboundAt: minutesAgo(60 * 30),
      provider: "whatsapp",
    });
    const caller = await callerFor(session.access_token);
    const summary = await unwrap(caller.conversations.get({ conversationId }));
    expect(summary.window).toMatchObject({ state: "closed", reason: "template_required" });
    expect((await unwrap(caller.conversations.list({ workspaceId }))).items[0]).toEqual({ ...summary, match: null });
  });
});

describe("the preview follows the latest message that still exists", () => {
  it("an Instagram message the member unsent, or edited, changes what conversations.get and list show", async () => {
    const { workspaceId, session, channelId, providerAccountId } = await channelForWebhooks("instagram");
    const psid = randomUUID();
    const [first, second] = [newMid(), newMid()];
    const at = Date.now() - 60_000;
    const instagram = (event: Record<string, unknown>, timestamp = Date.now()) =>
      sendWebhook(messagingWebhook({ object: "instagram", pageId: providerAccountId, psid, timestamp, event }));
    await instagram({ message: { mid: first, text: "Do you have a student discount?" } }, at);
    await instagram({ message: { mid: second, text: "My card number is 4111 1111 1111 1111" } }, at + 1000);
    const caller = await callerFor(session.access_token);
    const [conversation] = await superuserSql()<{ id: string }[]>`
      select id from public.conversations where channel_account_id = ${channelId}`;
    const conversationId = conversation?.id ?? "";
    const shown = async () => {
      const got = await unwrap(caller.conversations.get({ conversationId }));
      const listed = await unwrap(caller.conversations.list({ workspaceId }));
      return { get: got.preview, list: listed.items.find((item) => item.id === conversationId)?.preview };
    };
    expect(await shown()).toEqual({
      get: "My card number is 4111 1111 1111 1111",
      list: "My card number is 4111 1111 1111 1111",
    });

    await instagram({ message: { mid: second, is_deleted: true } });
    expect(await shown()).toEqual({ get: "Do you have a student discount?", list: "Do you have a student discount?" });

    await instagram({ message_edit: { mid: first, text: "Do you have a student\n\ndiscount for two?" } });
    expect(await shown()).toEqual({
      get: "Do you have a student discount for two?",
      list: "Do you have a student discount for two?",
    });

    await instagram({ message: { mid: first, is_deleted: true } });
    expect(await shown()).toEqual({ get: null, list: null });
  });
});
