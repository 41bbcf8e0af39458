import type { InfiniteData } from "@tanstack/react-query";
import type { ConversationListItem, ConversationPageResult, ConversationSummary, Message, MessagePageResult } from "../api/types";

/**
 * How a Realtime broadcast changes what the inbox already shows. Pure functions over React Query's
 * cached data: each returns the patched data, or says that only a refetch can answer (a row the
 * list has never seen needs its contact and channel names).
 */

/** One of the summaries `app.send_conversation_events()` (supabase/migrations/…_realtime.sql) broadcasts on `workspace:<id>`. */
export interface ConversationEvent {
  id: string;
  workspaceId: string;
  status: ConversationSummary["status"];
  archivedAt: Date | null;
  unreadCount: number;
  lastMessageAt: Date;
  lastInboundAt: Date | null;
  windowClosedAt: Date | null;
  failedSends: number;
  preview: string | null;
  assigneeId: string | null;
  channelAccountId: string;
}

/** Every field of a ConversationEvent: app.conversation_event builds exactly these (a test compares). */
export const CONVERSATION_EVENT_FIELDS = {
  id: true,
  workspaceId: true,
  status: true,
  archivedAt: true,
  unreadCount: true,
  lastMessageAt: true,
  lastInboundAt: true,
  windowClosedAt: true,
  failedSends: true,
  preview: true,
  assigneeId: true,
  channelAccountId: true,
} as const satisfies Record<keyof ConversationEvent, true>;

/** The list's filters as the conversation list sends them. */
export interface ListFilters {
  /** "any": archived and not, as a search covers. */
  archived: boolean | "any";
  assignee: "anyone" | "me" | "unassigned";
  unreadOnly: boolean;
  status?: ConversationSummary["status"];
  channelAccountId?: string;
  search?: string;
}

export type ListOutcome<T> = { kind: "unchanged" } | { kind: "patched"; data: T } | { kind: "refetch" };

type Assignee = ConversationSummary["assignee"];

type DateFieldOf<T> = { [K in keyof T]-?: NonNullable<T[K]> extends Date ? K : never }[keyof T];
/** The Message fields that are dates, which a broadcast carries as ISO strings: all of them, or this does not compile. */
const MESSAGE_DATES = Object.keys({
  sentAt: true,
  deliveredAt: true,
  readAt: true,
  failedAt: true,
  editedAt: true,
  deletedAt: true,
  createdAt: true,
} as const satisfies Record<DateFieldOf<Message>, true>) as DateFieldOf<Message>[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function dateOrNull(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A `conversations` broadcast: `{ conversations: [summary, …] }`, one per workspace per change. */
export function conversationEventsFrom(payload: unknown): ConversationEvent[] {
  const items = isRecord(payload) && Array.isArray(payload.conversations) ? payload.conversations : [];
  return items.map(conversationEventFrom).filter((event): event is ConversationEvent => event !== null);
}

export function conversationEventFrom(payload: unknown): ConversationEvent | null {
  if (!isRecord(payload)) return null;
  const lastMessageAt = dateOrNull(payload.lastMessageAt);
  if (typeof payload.id !== "string" || typeof payload.workspaceId !== "string" || !lastMessageAt) return null;
  return {
    id: payload.id,
    workspaceId: payload.workspaceId,
    status: payload.status as ConversationEvent["status"],
    archivedAt: dateOrNull(payload.archivedAt),
    unreadCount: Number(payload.unreadCount ?? 0),
    lastMessageAt,
    lastInboundAt: dateOrNull(payload.lastInboundAt),
    windowClosedAt: dateOrNull(payload.windowClosedAt),
    failedSends: Number(payload.failedSends ?? 0),
    preview: typeof payload.preview === "string" ? payload.preview : null,
    assigneeId: typeof payload.assigneeId === "string" ? payload.assigneeId : null,
    channelAccountId: String(payload.channelAccountId ?? ""),
  };
}

/** A `channel` broadcast (app.broadcast_channels): a channel whose status changed. */
export function channelEventFrom(payload: unknown): { id: string; status: ConversationSummary["channel"]["status"] } | null {
  if (!isRecord(payload) || typeof payload.id !== "string") return null;
  const status = payload.status;
  return status === "active" || status === "needs_reconnect" || status === "disconnected" ? { id: payload.id, status } : null;
}

/** A cached list with a channel's new status on each of its conversations. */
export function patchChannelInList(
  data: InfiniteData<ConversationPageResult>,
  changed: { id: string; status: ConversationSummary["channel"]["status"] },
): InfiniteData<ConversationPageResult> {
  return {
    ...data,
    pages: data.pages.map((page) =>
      page.success
        ? {
            ...page,
            data: {
              ...page.data,
              items: page.data.items.map((item) =>
                item.channel.id === changed.id ? { ...item, channel: { ...item.channel, status: changed.status } } : item,
              ),
            },
          }
        : page,
    ),
  };
}

/** `app.message_event()` is the thread's Message shape with dates as ISO strings. */
export function messageEventFrom(payload: unknown): Message | null {
  if (!isRecord(payload) || typeof payload.id !== "string" || typeof payload.conversationId !== "string") return null;
  if (!dateOrNull(payload.createdAt)) return null;
  const message = { ...payload } as Record<string, unknown>;
  for (const field of MESSAGE_DATES) message[field] = dateOrNull(payload[field]);
  return message as unknown as Message;
}

function matches(filters: ListFilters, event: ConversationEvent, userId: string): boolean {
  if (filters.status && event.status !== filters.status) return false;
  if (filters.archived !== "any" && filters.archived !== (event.archivedAt !== null)) return false;
  if (filters.assignee === "me" && event.assigneeId !== userId) return false;
  if (filters.assignee === "unassigned" && event.assigneeId !== null) return false;
  if (filters.unreadOnly && event.unreadCount === 0) return false;
  if (filters.channelAccountId && event.channelAccountId !== filters.channelAccountId) return false;
  return true;
}

/** Newest first, ties by id descending: the server's keyset order. */
function before(a: { lastMessageAt: Date; id: string }, b: { lastMessageAt: Date; id: string }): boolean {
  const diff = a.lastMessageAt.getTime() - b.lastMessageAt.getTime();
  return diff !== 0 ? diff > 0 : a.id > b.id;
}

/** What a broadcast would say of a summary a mutation returned, so both update the lists the same way. */
export function eventOf(summary: ConversationSummary): ConversationEvent {
  return {
    id: summary.id,
    workspaceId: summary.workspaceId,
    status: summary.status,
    archivedAt: summary.archivedAt,
    unreadCount: summary.unreadCount,
    lastMessageAt: summary.lastMessageAt,
    lastInboundAt: summary.lastInboundAt,
    windowClosedAt: summary.windowClosedAt,
    failedSends: summary.failedSends,
    preview: summary.preview,
    assigneeId: summary.assignee?.id ?? null,
    channelAccountId: summary.channel.id,
  };
}

export function patchSummary<T extends ConversationSummary>(summary: T, event: ConversationEvent, assignee: Assignee): T {
  return {
    ...summary,
    status: event.status,
    archivedAt: event.archivedAt,
    unreadCount: event.unreadCount,
    lastMessageAt: event.lastMessageAt,
    lastInboundAt: event.lastInboundAt,
    windowClosedAt: event.windowClosedAt,
    failedSends: event.failedSends,
    preview: event.preview,
    assignee,
  };
}

/**
 * One cached list (all loaded pages) after a conversation changed: patched in place and moved to
 * its place in the order, removed when it no longer matches the filters, or, when it newly matches,
 * inserted from `context.summary` (a mutation's answer has the names a broadcast lacks) or refetched.
 * A search is evaluated only by the server.
 */
export function applyToList(
  data: InfiniteData<ConversationPageResult>,
  filters: ListFilters,
  event: ConversationEvent,
  context: {
    userId: string;
    assigneeFor: (id: string | null, current: Assignee) => Assignee;
    summary?: ConversationSummary;
  },
): ListOutcome<InfiniteData<ConversationPageResult>> {
  if (data.pages.some((page) => !page.success)) return { kind: "refetch" };
  const pages = data.pages as Extract<ConversationPageResult, { success: true }>[];
  const known = pages.flatMap((page) => page.data.items).find((item) => item.id === event.id);
  if (filters.search) return known ? { kind: "refetch" } : { kind: "unchanged" };
  const current: ConversationListItem | undefined = known ?? (context.summary ? { ...context.summary, match: null } : undefined);
  if (!current) return matches(filters, event, context.userId) ? { kind: "refetch" } : { kind: "unchanged" };

  const without = pages.map((page) => ({
    ...page,
    data: { ...page.data, items: page.data.items.filter((i) => i.id !== event.id) },
  }));
  if (!matches(filters, event, context.userId)) return { kind: "patched", data: { ...data, pages: without } };

  const updated = patchSummary(current, event, context.assigneeFor(event.assigneeId, current.assignee));
  for (const page of without) {
    const index = page.data.items.findIndex((item) => before(updated, item));
    if (index >= 0) {
      page.data.items = [...page.data.items.slice(0, index), updated, ...page.data.items.slice(index)];
      return { kind: "patched", data: { ...data, pages: without } };
    }
  }
  // Older than everything loaded: it belongs at the end, unless more pages follow, which will bring it.
  const last = without.at(-1);
  if (last && !last.data.nextCursor) last.data.items = [...last.data.items, updated];
  return { kind: "patched", data: { ...data, pages: without } };
}

/** A thread (newest page first, newest message first) after a message was stored or changed. */
export function applyToThread(data: InfiniteData<MessagePageResult>, message: Message): InfiniteData<MessagePageResult> {
  let replaced = false;
  const pages = data.pages.map((page) => {
    if (!page.success) return page;
    const items = page.data.items.map((item) => {
      // The optimistic copy of our own send has the same client id but not yet the server's id.
      const same =
        item.id === message.id || (message.clientMessageId !== null && item.clientMessageId === message.clientMessageId);
      if (!same) return item;
      replaced = true;
      return message;
    });
    return { ...page, data: { ...page.data, items } };
  });
  if (replaced) return { ...data, pages };
  const first = pages[0];
  if (!first?.success) return data;
  const items = [...first.data.items];
  const at = items.findIndex((item) => item.createdAt.getTime() <= message.createdAt.getTime());
  if (at >= 0) items.splice(at, 0, message);
  else if (pages.length === 1 && !first.data.hasMore) items.push(message);
  else return data;
  return { ...data, pages: [{ ...first, data: { ...first.data, items } }, ...pages.slice(1)] };
}
