import { Link, useLocation } from "@remix-run/react";
import type { ConversationListItem } from "../api/types";
import { Avatar, ChannelBadge } from "../ui/channel-badge";
import { relativeTime } from "../ui/time";
import { HighlightedText } from "./highlighted-text";

const STATUS_LABELS = { open: "Open", pending: "Pending", resolved: "Resolved" } as const;

/** One conversation in the list: who, where, when, what was said last (or what matched a search), and what needs doing. */
export function ConversationRow({
  item,
  selected,
  searchTerm,
  showStatus,
}: {
  item: ConversationListItem;
  selected: boolean;
  /** The search that found it: the matching message is shown, the term marked. */
  searchTerm: string;
  /** Whether to say which status (and archive) it is in: the list mixes them. */
  showStatus: boolean;
}) {
  const location = useLocation();
  const name = item.contact.displayName ?? item.contact.handle ?? "Unknown member";
  const line = item.match?.snippet ?? item.preview ?? "";
  return (
    <Link
      to={{ pathname: `/inbox/${item.id}`, search: location.search }}
      aria-current={selected ? "page" : undefined}
      data-testid="conversation-row"
      data-conversation-id={item.id}
      className={`flex gap-3 border-b border-slate-100 p-3 outline-none hover:bg-slate-50 focus-visible:relative focus-visible:z-10 focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-indigo-600 ${selected ? "bg-indigo-50" : ""}`}
    >
      <Avatar name={name} url={item.contact.avatarUrl} />
      <span className="min-w-0 flex-1">
        <span className="flex items-center gap-2">
          <span className={`truncate text-sm ${item.unreadCount > 0 ? "font-semibold" : "font-medium"}`}>{name}</span>
          <ChannelBadge provider={item.channel.provider} />
          <span className="ml-auto shrink-0 text-xs text-slate-600">{relativeTime(item.lastMessageAt)}</span>
        </span>
        {showStatus ? (
          <span className="mt-0.5 flex gap-1" data-testid="conversation-status">
            <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-700">{STATUS_LABELS[item.status]}</span>
            {item.archivedAt ? <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-700">Archived</span> : null}
          </span>
        ) : null}
        <span className="mt-0.5 flex items-center gap-2">
          {item.failedSends > 0 ? (
            <span
              data-testid="failed-send-marker"
              className="shrink-0 rounded bg-red-100 px-1.5 text-xs font-semibold text-red-800"
            >
              ! Not sent
            </span>
          ) : null}
          <span className="truncate text-sm text-slate-600" data-testid="conversation-line">
            {item.match && searchTerm ? <HighlightedText text={line} term={searchTerm} /> : line}
          </span>
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
