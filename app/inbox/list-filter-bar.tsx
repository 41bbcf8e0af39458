import { useQuery } from "@tanstack/react-query";
import { type RefObject, useEffect, useState } from "react";
import { useTRPC } from "../trpc";
import { providerName } from "../ui/channel-badge";
import { failureOf } from "../ui/failure-notice";
import { type FilterChoices, searchTerm } from "./list-filters";

const SEARCH_DEBOUNCE_MS = 300;

/** Search and filters above the list; every choice goes into the URL. */
export function ListFilterBar({
  workspaceId,
  choices,
  onChange,
  searchRef,
}: {
  workspaceId: string;
  choices: FilterChoices;
  onChange: (changes: Partial<FilterChoices>) => void;
  searchRef: RefObject<HTMLInputElement>;
}) {
  const trpc = useTRPC();
  const channels = useQuery(trpc.channels.list.queryOptions({ workspaceId }));
  const [typed, setTyped] = useState(choices.search);
  useEffect(() => setTyped(choices.search), [choices.search]);
  useEffect(() => {
    if (typed === choices.search) return;
    const timer = setTimeout(() => onChange({ search: typed }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [typed, choices.search, onChange]);

  const searching = searchTerm(choices) !== "";
  // Disconnected channels have nothing new to filter for.
  const live = channels.data?.success ? channels.data.data.filter((channel) => channel.status !== "disconnected") : [];
  const channelFailure = failureOf(channels);
  const selectClass = "rounded-md border border-slate-400 bg-white px-2 py-1 text-sm disabled:opacity-60";
  return (
    <div className="space-y-2 border-b border-slate-200 p-3">
      <input
        ref={searchRef}
        type="search"
        value={typed}
        onChange={(event) => setTyped(event.target.value)}
        placeholder="Search name, phone, handle or message"
        aria-label="Search conversations"
        aria-keyshortcuts="/"
        className="w-full rounded-md border border-slate-400 px-3 py-1.5 text-sm placeholder:text-slate-600"
      />
      <div className="flex flex-wrap gap-2">
        <select
          aria-label="Channel"
          value={choices.channelAccountId}
          onChange={(event) => onChange({ channelAccountId: event.target.value })}
          className={selectClass}
        >
          <option value="">All channels</option>
          {live.map((channel) => (
            <option key={channel.id} value={channel.id}>
              {providerName(channel.provider)} · {channel.displayHandle ?? channel.displayName}
            </option>
          ))}
        </select>
        <select
          aria-label="Status"
          value={searching ? "all" : choices.status}
          disabled={searching}
          onChange={(event) => onChange({ status: event.target.value as FilterChoices["status"] })}
          className={selectClass}
        >
          <option value="open">Open</option>
          <option value="pending">Pending</option>
          <option value="resolved">Resolved</option>
          <option value="all">Any status</option>
        </select>
        <select
          aria-label="Assignee"
          value={choices.assignee}
          onChange={(event) => onChange({ assignee: event.target.value as FilterChoices["assignee"] })}
          className={selectClass}
        >
          <option value="anyone">Everyone's</option>
          <option value="me">Mine</option>
          <option value="unassigned">Unassigned</option>
        </select>
        <label className="flex items-center gap-1 text-sm">
          <input
            type="checkbox"
            checked={searching || choices.archived}
            disabled={searching}
            onChange={(event) => onChange({ archived: event.target.checked })}
          />{" "}
          Archived
        </label>
        <label className="flex items-center gap-1 text-sm">
          <input
            type="checkbox"
            checked={choices.unreadOnly}
            onChange={(event) => onChange({ unreadOnly: event.target.checked })}
          />{" "}
          Unread
        </label>
      </div>
      {searching ? (
        <p className="text-xs text-slate-600" data-testid="search-scope">
          Searching every status and the archive.
        </p>
      ) : null}
      {channelFailure ? <p className="text-xs text-red-700">{channelFailure}</p> : null}
    </div>
  );
}
