import type { InfiniteData } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import type { ConversationListItem, ConversationPageResult, Message, MessagePageResult } from "../api/types";
import {
  applyToList,
  applyToThread,
  type ConversationEvent,
  conversationEventFrom,
  conversationEventsFrom,
  eventOf,
  type ListFilters,
  messageEventFrom,
} from "./live-cache";

const OPEN_INBOX: ListFilters = { archived: false, assignee: "anyone", unreadOnly: false, status: "open" };
const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 9, minute));

function summary(id: string, minute: number): ConversationListItem {
  return {
    id,
    workspaceId: "w",
    status: "open",
    archivedAt: null,
    unreadCount: 0,
    lastMessageAt: at(minute),
    lastInboundAt: at(minute),
    windowClosedAt: null,
    failedSends: 0,
    preview: `preview ${id}`,
    assignee: null,
    contact: { id: `contact-${id}`, displayName: `Member ${id}`, avatarUrl: null, phone: null, handle: null },
    channel: { id: "ch", provider: "messenger", displayName: "Iron Temple", status: "active", textLimit: 2000 },
    window: { state: "open", closesAt: at(minute + 1440) },
    match: null,
  };
}

function list(pages: ConversationListItem[][], more = false): InfiniteData<ConversationPageResult> {
  return {
    pages: pages.map((items, index) => ({
      success: true as const,
      data: { items, nextCursor: more || index < pages.length - 1 ? `cursor-${index}` : null },
    })),
    pageParams: pages.map((_, index) => (index === 0 ? undefined : `cursor-${index - 1}`)),
  };
}

function event(id: string, minute: number, changes: Partial<ConversationEvent> = {}): ConversationEvent {
  return {
    id,
    workspaceId: "w",
    status: "open",
    archivedAt: null,
    unreadCount: 1,
    lastMessageAt: at(minute),
    lastInboundAt: at(minute),
    windowClosedAt: null,
    failedSends: 0,
    preview: `new from ${id}`,
    assigneeId: null,
    channelAccountId: "ch",
    ...changes,
  };
}

const context = { userId: "me", assigneeFor: (id: string | null) => (id ? { id, name: "Sam", email: null } : null) };

function ids(outcome: ReturnType<typeof applyToList>) {
  if (outcome.kind !== "patched") throw new Error(`expected a patch, got ${outcome.kind}`);
  return outcome.data.pages.map((page) => (page.success ? page.data.items.map((item) => item.id) : []));
}

describe("a conversation event on the cached inbox list", () => {
  it("moves a conversation with a new message to the top with its new preview and unread count", () => {
    const data = list([[summary("a", 30), summary("b", 20)], [summary("c", 10)]]);
    const outcome = applyToList(data, OPEN_INBOX, event("c", 40), context);
    expect(ids(outcome)).toEqual([["c", "a", "b"], []]);
    const top = outcome.kind === "patched" && outcome.data.pages[0]?.success ? outcome.data.pages[0].data.items[0] : undefined;
    expect(top).toMatchObject({ preview: "new from c", unreadCount: 1, contact: { displayName: "Member c" } });
  });

  it("drops a conversation that no longer matches the filters (resolved, archived, assigned away)", () => {
    const data = list([[summary("a", 30), summary("b", 20)]]);
    expect(ids(applyToList(data, OPEN_INBOX, event("a", 30, { status: "resolved" }), context))).toEqual([["b"]]);
    expect(ids(applyToList(data, OPEN_INBOX, event("a", 30, { archivedAt: at(31) }), context))).toEqual([["b"]]);
    const mine = { ...OPEN_INBOX, assignee: "me" as const };
    expect(ids(applyToList(data, mine, event("a", 30, { assigneeId: "someone-else" }), context))).toEqual([["b"]]);
  });

  it("asks for a refetch when a conversation it has never seen now belongs in it", () => {
    const data = list([[summary("a", 30)]]);
    expect(applyToList(data, OPEN_INBOX, event("new", 50), context)).toEqual({ kind: "refetch" });
    expect(applyToList(data, OPEN_INBOX, event("other", 50, { status: "pending" }), context)).toEqual({ kind: "unchanged" });
  });

  it("inserts a conversation a mutation brought back (unarchived, say) in its place, without a refetch", () => {
    const data = list([[summary("a", 30), summary("b", 10)]]);
    const unarchived = { ...summary("back", 20), archivedAt: null };
    const outcome = applyToList(data, OPEN_INBOX, eventOf(unarchived), { ...context, summary: unarchived });
    expect(ids(outcome)).toEqual([["a", "back", "b"]]);
  });

  it("leaves searches to the server", () => {
    const data = list([[summary("a", 30)]]);
    const searching = { ...OPEN_INBOX, search: "maya" };
    expect(applyToList(data, searching, event("a", 40), context)).toEqual({ kind: "refetch" });
    expect(applyToList(data, searching, event("zzz", 40), context)).toEqual({ kind: "unchanged" });
  });

  it("lets a conversation that fell below the loaded pages come with the next page", () => {
    const data = list([[summary("a", 30), summary("b", 20)]], true);
    expect(ids(applyToList(data, OPEN_INBOX, event("a", 5, { unreadCount: 0 }), context))).toEqual([["b"]]);
    const complete = list([[summary("a", 30), summary("b", 20)]]);
    expect(ids(applyToList(complete, OPEN_INBOX, event("a", 5), context))).toEqual([["b", "a"]]);
  });

  it("names a new assignee from the team it knows", () => {
    const data = list([[summary("a", 30)]]);
    const outcome = applyToList(data, OPEN_INBOX, event("a", 30, { assigneeId: "u1" }), context);
    const item = outcome.kind === "patched" && outcome.data.pages[0]?.success ? outcome.data.pages[0].data.items[0] : undefined;
    expect(item?.assignee).toEqual({ id: "u1", name: "Sam", email: null });
  });
});

function message(id: string, minute: number, changes: Partial<Message> = {}): Message {
  return {
    id,
    conversationId: "c",
    direction: "inbound",
    kind: "text",
    sender: "member",
    senderUserId: null,
    text: `text ${id}`,
    attachments: [],
    reactions: [],
    providerMessageId: `m_${id}`,
    clientMessageId: null,
    replyToProviderMessageId: null,
    status: "delivered",
    sentAt: null,
    deliveredAt: null,
    readAt: null,
    failedAt: null,
    error: null,
    editedAt: null,
    deletedAt: null,
    mentions: [],
    createdAt: at(minute),
    buttons: [],
    tag: null,
    templateName: null,
    ...changes,
  };
}

function thread(pages: Message[][], hasMore = false): InfiniteData<MessagePageResult> {
  return {
    pages: pages.map((items, index) => ({
      success: true as const,
      data: { items, hasMore: hasMore || index < pages.length - 1, nextCursor: null },
    })),
    pageParams: pages.map(() => undefined),
  };
}

const threadIds = (data: InfiniteData<MessagePageResult>) =>
  data.pages.map((page) => (page.success ? page.data.items.map((item) => `${item.id}:${item.status}`) : []));

describe("a message event on the cached thread", () => {
  it("adds a new message at the newest end", () => {
    expect(threadIds(applyToThread(thread([[message("b", 20), message("a", 10)]]), message("c", 30)))).toEqual([
      ["c:delivered", "b:delivered", "a:delivered"],
    ]);
  });

  it("updates ticks in place and never duplicates a message", () => {
    const data = thread([[message("b", 20), message("a", 10)]]);
    const read = applyToThread(data, message("a", 10, { status: "read" }));
    expect(threadIds(read)).toEqual([["b:delivered", "a:read"]]);
    expect(threadIds(applyToThread(read, message("a", 10, { status: "read" })))).toEqual([["b:delivered", "a:read"]]);
  });

  it("replaces our own pending copy by its client id", () => {
    const optimistic = message("temp", 20, { direction: "outbound", sender: "staff", clientMessageId: "k1", status: "pending" });
    const stored = message("real", 20, { direction: "outbound", sender: "staff", clientMessageId: "k1", status: "sent" });
    expect(threadIds(applyToThread(thread([[optimistic]]), stored))).toEqual([["real:sent"]]);
  });
});

describe("broadcast payloads", () => {
  it("turn ISO strings back into dates and reject what is not ours", () => {
    const parsed = conversationEventFrom({
      id: "a",
      workspaceId: "w",
      status: "open",
      lastMessageAt: "2026-11-23T09:30:00+00:00",
    });
    expect(parsed?.lastMessageAt).toEqual(at(30));
    expect(conversationEventFrom({ id: "a" })).toBeNull();
    const batch = conversationEventsFrom({
      conversations: [{ id: "a", workspaceId: "w", lastMessageAt: "2026-11-23T09:30:00Z" }, { id: "broken" }],
    });
    expect(batch.map((event) => event.id)).toEqual(["a"]);
    expect(conversationEventsFrom({ id: "x" })).toEqual([]);
    const m = messageEventFrom({ id: "m", conversationId: "c", createdAt: "2026-11-23T09:10:00Z", readAt: null });
    expect(m?.createdAt).toEqual(at(10));
    expect(messageEventFrom("nope")).toBeNull();
  });
});
