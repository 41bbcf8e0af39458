import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { RECIPIENT_STATUSES, type RecipientStatus } from "../../supabase/functions/_shared/broadcast-states";
import { useTRPC } from "../trpc";
import { FailureNotice, pagesFailureOf } from "../ui/failure-notice";
import { RECIPIENT_STATUS, reasonLabel } from "./broadcast-labels";

/** Every recipient, filterable by status, paged as the table scrolls; the same as a CSV download. */
export function RecipientsTable({ broadcastId }: { broadcastId: string }) {
  const trpc = useTRPC();
  const [status, setStatus] = useState<RecipientStatus | "">("");
  const page = useInfiniteQuery(
    trpc.broadcasts.recipients.infiniteQueryOptions(
      { broadcastId, status: status || undefined, limit: 50 },
      { getNextPageParam: (last) => (last.success ? (last.data.nextCursor ?? undefined) : undefined) },
    ),
  );
  const rows = page.data?.pages.flatMap((p) => (p.success ? p.data.items : [])) ?? [];
  const failure = pagesFailureOf(page);
  return (
    <section aria-label="Recipients" className="space-y-2">
      <div className="flex items-center gap-3 text-sm">
        <label className="flex items-center gap-2">
          <span className="font-medium">Show</span>
          <select
            value={status}
            onChange={(event) => setStatus(event.target.value as RecipientStatus | "")}
            className="rounded-md border border-slate-400 px-2 py-1"
          >
            <option value="">Everyone</option>
            {RECIPIENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {RECIPIENT_STATUS[s]}
              </option>
            ))}
          </select>
        </label>
        <a href={`/broadcasts/${broadcastId}/recipients.csv`} download className="text-indigo-700 underline">
          Export recipients (CSV)
        </a>
      </div>
      {failure ? <FailureNotice message={failure} onRetry={() => void page.refetch()} /> : null}
      <table className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 text-slate-600">
          <tr>
            <th className="py-1 font-medium">Member</th>
            <th className="py-1 font-medium">Status</th>
            <th className="py-1 font-medium">Why</th>
            <th className="py-1 font-medium">Sent</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} className="border-b border-slate-100" data-testid="recipient-row">
              <td className="py-1">{row.name ?? row.address ?? "Unknown member"}</td>
              <td className="py-1" data-testid="recipient-status">
                {RECIPIENT_STATUS[row.status]}
              </td>
              <td className="py-1 text-slate-700">{reasonLabel(row.reason, row.detail)}</td>
              <td className="py-1 text-slate-600">{row.sentAt?.toLocaleTimeString() ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.isLoading ? <p className="text-sm text-slate-600">Loading recipients…</p> : null}
      {!page.isLoading && rows.length === 0 && !failure ? <p className="text-sm text-slate-600">No recipients here.</p> : null}
      {page.hasNextPage ? (
        <button type="button" onClick={() => void page.fetchNextPage()} className="text-sm text-indigo-700 underline">
          {page.isFetchingNextPage ? "Loading…" : "Show more"}
        </button>
      ) : null}
    </section>
  );
}
