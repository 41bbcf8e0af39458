import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import {
  addMessage,
  callerFor,
  createConversation,
  createUser,
  memberOfNewWorkspace,
  signIn,
  superuserSql,
} from "../../dev/test/fixtures";

const meta = (pathname: string) => fetch(`${inject("stack").metaUrl}${pathname}`);

async function team() {
  const agent = await memberOfNewWorkspace("agent");
  const colleague = await createUser("colleague");
  await superuserSql()`insert into public.memberships (workspace_id, user_id, role) values (${agent.workspaceId}, ${colleague.id}, 'manager')`;
  await superuserSql()`update auth.users set raw_user_meta_data = '{"full_name": "Casey Coach"}' where id = ${colleague.id}`;
  const conversation = await createConversation(agent.workspaceId, { contactName: "Jordan Member" });
  return {
    ...agent,
    ...conversation,
    colleague,
    caller: await callerFor(agent.session.access_token),
    colleagueCaller: await callerFor((await signIn(colleague)).access_token),
  };
}

describe("private notes and notifications", () => {
  it("a note with @mentions is in the thread and search, reaches no one at Meta, and notifies only the teammates mentioned", async () => {
    const t = await team();
    const stranger = await createUser("stranger");
    const [account] = await superuserSql()<{ id: string }[]>`
      select provider_account_id as id from public.channel_accounts where id = ${t.channelAccountId}`;
    const before = await superuserSql()`select last_message_preview from public.conversations where id = ${t.conversationId}`;
    const clientMessageId = randomUUID();
    const input = {
      conversationId: t.conversationId,
      clientMessageId,
      text: "@Casey Coach can you call Jordan about the freeze?",
      mentions: [t.colleague.id, stranger.id, t.user.id],
    };
    const note = await t.caller.messages.addNote(input);
    expect(note).toMatchObject({
      success: true,
      data: { direction: "note", sender: "staff", senderUserId: t.user.id, status: "sent", mentions: [t.colleague.id] },
    });
    // The same client id twice is one note, and one notification.
    expect((await t.caller.messages.addNote(input)).success).toBe(true);
    const calls = (await (await meta("/__calls")).json()) as { path: string }[];
    expect(calls.filter((call) => call.path.includes(account?.id ?? "-"))).toEqual([]);
    expect(await superuserSql()`select last_message_preview from public.conversations where id = ${t.conversationId}`).toEqual(
      before,
    );

    const thread = await t.colleagueCaller.messages.list({ conversationId: t.conversationId });
    expect(thread.success && thread.data.items.map((m) => m.direction)).toEqual(["note"]);
    const found = await t.caller.conversations.list({ workspaceId: t.workspaceId, search: "freeze" });
    expect(found.success && found.data.items.map((c) => c.id)).toEqual([t.conversationId]);

    const theirs = await t.colleagueCaller.notifications.list({ workspaceId: t.workspaceId });
    expect(theirs).toMatchObject({
      success: true,
      data: {
        unread: 1,
        items: [{ kind: "mentioned", conversationId: t.conversationId, contactName: "Jordan Member", read: false }],
      },
    });
    const mine = await t.caller.notifications.list({ workspaceId: t.workspaceId });
    expect(mine.success && mine.data.unread).toBe(0);

    expect(await t.colleagueCaller.notifications.markRead({})).toMatchObject({ success: true, data: { marked: 1 } });
    const read = await t.colleagueCaller.notifications.list({ workspaceId: t.workspaceId });
    expect(read.success && read.data).toMatchObject({ unread: 0, items: [{ read: true }] });
  });

  it("being assigned by someone else, and members' messages in your conversations, notify once per conversation", async () => {
    const t = await team();
    await t.colleagueCaller.conversations.assign({ conversationId: t.conversationId, assigneeId: t.colleague.id });
    await t.colleagueCaller.conversations.assign({ conversationId: t.conversationId, assigneeId: t.user.id });
    await addMessage(t.conversationId, { text: "Hello?" });
    await addMessage(t.conversationId, { text: "Anyone there?" });

    const mine = await t.caller.notifications.list({ workspaceId: t.workspaceId });
    expect(mine.success && mine.data.items).toMatchObject([
      { kind: "new_message", actorName: null },
      { kind: "assigned", actorName: "Casey Coach" },
    ]);
    // Taking it oneself notified no one.
    const theirs = await t.colleagueCaller.notifications.list({ workspaceId: t.workspaceId });
    expect(theirs.success && theirs.data.items).toEqual([]);
  });

  it("each person chooses what notifies them", async () => {
    const t = await team();
    const off = { assigned: true, mentioned: false, newMessage: true, desktop: true, sound: false };
    expect(await t.colleagueCaller.notifications.savePreferences(off)).toMatchObject({ success: true, data: off });
    expect(await t.colleagueCaller.notifications.preferences()).toMatchObject({ success: true, data: off });
    await t.caller.messages.addNote({
      conversationId: t.conversationId,
      clientMessageId: randomUUID(),
      text: "@Casey Coach FYI",
      mentions: [t.colleague.id],
    });
    const theirs = await t.colleagueCaller.notifications.list({ workspaceId: t.workspaceId });
    expect(theirs.success && theirs.data.items).toEqual([]);
  });
});
