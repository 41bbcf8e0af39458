import { useLocation, useNavigate, useParams } from "@remix-run/react";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import type { ConversationListItem, ConversationSummary } from "../api/types";
import { useTRPC } from "../trpc";
import { FailureNotice, pagesFailureOf } from "../ui/failure-notice";
import { ConversationRow } from "./conversation-row";
import { ListFilterBar } from "./list-filter-bar";
import { isDefault, listFiltersOf, searchTerm, useFilterChoices } from "./list-filters";
import { LIST_POLL_MS, useLiveState } from "./live-updates";

export function ConversationList({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const location = useLocation();
  const { conversationId } = useParams();
  const [choices, setChoices] = useFilterChoices();
  const filters = listFiltersOf(choices);
  const term = searchTerm(choices);
  const searchRef = useRef<HTMLInputElement>(null);

  const live = useLiveState() === "live";
  const list = useInfiniteQuery(
    trpc.conversations.list.infiniteQueryOptions(
      { workspaceId, limit: 30, ...filters },
      {
        getNextPageParam: (page) => (page.success ? (page.data.nextCursor ?? undefined) : undefined),
        refetchInterval: live ? false : LIST_POLL_MS,
      },
    ),
  );
  // The open conversation as its thread knows it (the same cache entry the thread reads: no extra request).
  const open = useQuery({
    ...trpc.conversations.get.queryOptions({ conversationId: conversationId ?? "" }),
    enabled: Boolean(conversationId),
  });
  const items = useHeldOpenConversation(
    list.data?.pages.flatMap((page) => (page.success ? page.data.items : [])) ?? [],
    conversationId,
    open.data?.success ? open.data.data : undefined,
  );
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

  // Keyboard: / search, j/k move (the filters in the URL come along).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      if (target.closest("input, textarea, select, [contenteditable]")) return;
      if (event.key === "/") {
        event.preventDefault();
        searchRef.current?.focus();
      } else if (event.key === "j" || event.key === "k") {
        const index = items.findIndex((item) => item.id === conversationId);
        const next = items[Math.min(items.length - 1, Math.max(0, index + (event.key === "j" ? 1 : -1)))];
        if (next) navigate({ pathname: `/inbox/${next.id}`, search: location.search });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [items, conversationId, navigate, location.search]);

  return (
    <div className="flex h-full flex-col">
      <ListFilterBar workspaceId={workspaceId} choices={choices} onChange={setChoices} searchRef={searchRef} />
      <nav aria-label="Conversations" id="conversation-list" tabIndex={-1} className="flex-1 overflow-y-auto outline-none">
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
              {term
                ? `Nothing matches “${term}” in any status or the archive.`
                : !isDefault(choices)
                  ? "Nothing matches these filters."
                  : "When members message your connected Pages, Instagram or WhatsApp, they appear here."}
            </p>
          </div>
        ) : (
          <ul>
            {items.map((item) => (
              <li key={item.id}>
                <ConversationRow
                  item={item}
                  selected={item.id === conversationId}
                  searchTerm={term}
                  showStatus={Boolean(term) || choices.status === "all" || choices.archived}
                />
              </li>
            ))}
          </ul>
        )}
        <div ref={sentinel} className="p-2 text-center text-xs text-slate-600">
          {list.isFetchingNextPage ? "Loading more…" : null}
        </div>
      </nav>
    </div>
  );
}

/**
 * The open conversation stays where it was until you move on, even once it no longer matches the filters
 * (opening it under "Unread" reads it): the selection and j/k keep their place.
 */
function useHeldOpenConversation(
  items: ConversationListItem[],
  openId: string | undefined,
  fresh: ConversationSummary | undefined,
): ConversationListItem[] {
  const held = useRef<{ item: ConversationListItem; index: number } | null>(null);
  const index = items.findIndex((item) => item.id === openId);
  const found = index >= 0 ? items[index] : undefined;
  if (found) held.current = { item: found, index };
  else if (held.current?.item.id !== openId) held.current = null;
  if (found || !held.current) return items;
  const item = fresh?.id === openId ? { ...held.current.item, ...fresh } : held.current.item;
  const at = Math.min(held.current.index, items.length);
  return [...items.slice(0, at), item, ...items.slice(at)];
}
