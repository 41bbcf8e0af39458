import { Link, useNavigate, useParams } from "@remix-run/react";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "../trpc";
import { Avatar, ChannelBadge } from "./channel-badge";
import { FailureNotice, failureOf, pagesFailureOf } from "./failure-notice";
import { LIST_POLL_MS, useLiveState } from "./live-updates";
import { relativeTime } from "./time";
import type { ConversationSummary } from "./types";

type StatusFilter = "open" | "pending" | "resolved" | "all";
type AssigneeFilter = "anyone" | "me" | "unassigned";

export function ConversationList({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const { conversationId } = useParams();
  const [status, setStatus] = useState<StatusFilter>("open");
  const [archived, setArchived] = useState(false);
  const [assignee, setAssignee] = useState<AssigneeFilter>("anyone");
  const [channelAccountId, setChannelAccountId] = useState("");
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [searchInput, setSearchInput] = useState("");
  const [search, setSearch] = useState("");
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const timer = setTimeout(() => setSearch(searchInput.trim().length === 1 ? "" : searchInput.trim()), 300);
    return () => clearTimeout(timer);
  }, [searchInput]);

  const live = useLiveState() === "live";
  const channels = useQuery(trpc.channels.list.queryOptions({ workspaceId }));
  const list = useInfiniteQuery(
    trpc.conversations.list.infiniteQueryOptions(
      {
        workspaceId,
        archived,
        assignee,
        unreadOnly,
        limit: 30,
        ...(status === "all" ? {} : { status }),
        ...(channelAccountId ? { channelAccountId } : {}),
        ...(search ? { search } : {}),
      },
      {
        getNextPageParam: (page) => (page.success ? (page.data.nextCursor ?? undefined) : undefined),
        refetchInterval: live ? false : LIST_POLL_MS,
      },
    ),
  );
  const items: ConversationSummary[] = list.data?.pages.flatMap((page) => (page.success ? page.data.items : [])) ?? [];
  const failure = pagesFailureOf(list);

  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const node = sentinel.current;
    if (!node) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting) && list.hasNextPage && !list.isFetchingNextPage)
        void list.fetchNextPage();
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [list]);

  // Keyboard: / search, j/k move, Enter opens (the focused link).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (target.closest("input, textarea, select, [contenteditable]")) return;
      if (event.key === "/") {
        event.preventDefault();
        searchRef.current?.focus();
      } else if (event.key === "j" || event.key === "k") {
        const index = items.findIndex((item) => item.id === conversationId);
        const next = items[Math.min(items.length - 1, Math.max(0, index + (event.key === "j" ? 1 : -1)))];
        if (next) navigate(`/inbox/${next.id}`);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [items, conversationId, navigate]);

  const channelFailure = failureOf(channels);
  const selectClass = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";
  return (
    <div className="flex h-full flex-col">
      <div className="space-y-2 border-b border-slate-200 p-3">
        <input
          ref={searchRef}
          type="search"
          value={searchInput}
          onChange={(event) => setSearchInput(event.target.value)}
          placeholder="Search name, phone, handle or message  ( / )"
          aria-label="Search conversations"
          className="w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm"
        />
        <div className="flex flex-wrap gap-2">
          <select
            aria-label="Channel"
            value={channelAccountId}
            onChange={(e) => setChannelAccountId(e.target.value)}
            className={selectClass}
          >
            <option value="">All channels</option>
            {channels.data?.success
              ? channels.data.data.map((channel) => (
                  <option key={channel.id} value={channel.id}>
                    {channel.provider === "whatsapp" ? "WhatsApp" : channel.provider === "instagram" ? "Instagram" : "Messenger"}{" "}
                    · {channel.displayHandle ?? channel.displayName}
                  </option>
                ))
              : null}
          </select>
          <select
            aria-label="Status"
            value={status}
            onChange={(e) => setStatus(e.target.value as StatusFilter)}
            className={selectClass}
          >
            <option value="open">Open</option>
            <option value="pending">Pending</option>
            <option value="resolved">Resolved</option>
            <option value="all">Any status</option>
          </select>
          <select
            aria-label="Assignee"
            value={assignee}
            onChange={(e) => setAssignee(e.target.value as AssigneeFilter)}
            className={selectClass}
          >
            <option value="anyone">Everyone's</option>
            <option value="me">Mine</option>
            <option value="unassigned">Unassigned</option>
          </select>
          <label className="flex items-center gap-1 text-sm">
            <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} /> Archived
          </label>
          <label className="flex items-center gap-1 text-sm">
            <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} /> Unread
          </label>
        </div>
        {channelFailure ? <p className="text-xs text-red-700">{channelFailure}</p> : null}
      </div>

      <nav aria-label="Conversations" className="flex-1 overflow-y-auto">
        {list.isPending ? (
          <ul aria-label="Loading conversations">
            {Array.from({ length: 6 }, (_, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: placeholders.
              <li key={i} className="flex gap-3 border-b border-slate-100 p-3">
                <span className="h-9 w-9 animate-pulse rounded-full bg-slate-200" />
                <span className="flex-1 space-y-2">
                  <span className="block h-3 w-1/2 animate-pulse rounded bg-slate-200" />
                  <span className="block h-3 w-3/4 animate-pulse rounded bg-slate-100" />
                </span>
              </li>
            ))}
          </ul>
        ) : failure ? (
          <FailureNotice message={failure} onRetry={() => void list.refetch()} />
        ) : items.length === 0 ? (
          <div className="p-6 text-center text-sm text-slate-600">
            <p className="font-medium text-slate-900">No conversations</p>
            <p className="mt-1">
              {search
                ? `Nothing matches “${search}”.`
                : unreadOnly || assignee !== "anyone" || status !== "open" || archived || channelAccountId
                  ? "Nothing matches these filters."
                  : "When members message your connected Pages, Instagram or WhatsApp, they appear here."}
            </p>
          </div>
        ) : (
          <ul>
            {items.map((item) => (
              <li key={item.id}>
                <ConversationRow item={item} selected={item.id === conversationId} />
              </li>
            ))}
          </ul>
        )}
        <div ref={sentinel} className="p-2 text-center text-xs text-slate-500">
          {list.isFetchingNextPage ? "Loading more…" : null}
        </div>
      </nav>
    </div>
  );
}

function ConversationRow({ item, selected }: { item: ConversationSummary; selected: boolean }) {
  const name = item.contact.displayName ?? item.contact.handle ?? "Unknown member";
  return (
    <Link
      to={`/inbox/${item.id}`}
      aria-current={selected ? "page" : undefined}
      data-testid="conversation-row"
      className={`flex gap-3 border-b border-slate-100 p-3 hover:bg-slate-50 focus:bg-slate-100 focus:outline-none ${selected ? "bg-indigo-50" : ""}`}
    >
      <Avatar name={name} url={item.contact.avatarUrl} />
      <span className="min-w-0 flex-1">
        <span className="flex items-center gap-2">
          <span className={`truncate text-sm ${item.unreadCount > 0 ? "font-semibold" : "font-medium"}`}>{name}</span>
          <ChannelBadge provider={item.channel.provider} />
          <span className="ml-auto shrink-0 text-xs text-slate-500">{relativeTime(item.lastMessageAt)}</span>
        </span>
        <span className="mt-0.5 flex items-center gap-2">
          <span className="truncate text-sm text-slate-600">{item.preview ?? ""}</span>
          {item.unreadCount > 0 ? (
            <span
              data-testid="unread-badge"
              className="ml-auto shrink-0 rounded-full bg-indigo-600 px-1.5 text-xs font-semibold text-white"
            >
              {item.unreadCount}
              <span className="sr-only"> unread</span>
            </span>
          ) : null}
        </span>
      </span>
    </Link>
  );
}
