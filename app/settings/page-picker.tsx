import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../trpc";
import { ChannelBadge } from "../ui/channel-badge";
import { failureOf } from "../ui/failure-notice";
import { STATUS_LABELS } from "./channel-status";

const OUTCOME_STYLES = {
  connected: "text-emerald-900",
  needs_reconnect: "text-amber-900",
  conflict: "text-red-800",
} as const;

/** After Meta's dialog: which of the granted Pages to connect, then how each went. */
export function PagePicker({
  attemptId,
  onDone,
  onError,
}: {
  attemptId: string;
  onDone: () => void;
  onError: (m: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const attempt = useQuery(trpc.channels.connectAttempt.queryOptions({ attemptId }));
  const [picked, setPicked] = useState<string[] | null>(null);
  const connect = useMutation(
    trpc.channels.connectPages.mutationOptions({
      onError: () => onError("Could not reach Frontdesk to connect. Try again."),
      onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.channels.list.pathKey() }),
    }),
  );
  const failure = failureOf(attempt);
  const pages = attempt.data?.success ? attempt.data.data.pages : [];
  const selected = picked ?? pages.filter((page) => page.connection !== "active").map((page) => page.id);
  const outcomes = connect.data?.success ? connect.data.data.channels : null;
  const refused = connect.data && !connect.data.success ? connect.data.error.message : null;

  return (
    <section aria-labelledby="picker-heading" className="rounded-lg border border-blue-200 bg-blue-50 p-4">
      <h2 id="picker-heading" className="font-semibold">
        {outcomes ? "Connection results" : "Choose the Pages to connect"}
      </h2>
      {attempt.isPending ? (
        <p className="mt-2 text-sm text-slate-700">Loading the Pages you granted…</p>
      ) : failure ? (
        <div className="mt-2 text-sm">
          <p role="alert" className="text-red-800">
            {failure}
          </p>
          <button type="button" onClick={onDone} className="mt-1 underline">
            Close
          </button>
        </div>
      ) : outcomes ? (
        <div className="mt-2 text-sm">
          <ul role="status" className="space-y-1">
            {outcomes.map((outcome) => (
              <li
                key={`${outcome.provider}:${outcome.accountId}`}
                data-outcome={outcome.outcome}
                className={OUTCOME_STYLES[outcome.outcome]}
              >
                <ChannelBadge provider={outcome.provider} /> {outcome.message}
              </li>
            ))}
          </ul>
          <button type="button" onClick={onDone} className="mt-2 underline">
            Done
          </button>
        </div>
      ) : pages.length === 0 ? (
        <div className="mt-2 text-sm">
          <p>No Pages were granted in the Facebook dialog. Connect again and tick the Pages Frontdesk may use.</p>
          <button type="button" onClick={onDone} className="mt-1 underline">
            Close
          </button>
        </div>
      ) : (
        <form
          className="mt-2 space-y-2 text-sm"
          onSubmit={(event) => {
            event.preventDefault();
            connect.mutate({ attemptId, pageIds: selected });
          }}
        >
          {pages.map((page) => (
            <label key={page.id} className="flex items-center gap-2">
              <input
                type="checkbox"
                checked={selected.includes(page.id)}
                onChange={(event) =>
                  setPicked(event.target.checked ? [...selected, page.id] : selected.filter((id) => id !== page.id))
                }
              />
              <span className="font-medium">{page.name}</span>
              {page.connection !== "new" ? (
                <span className="text-xs text-slate-700">({STATUS_LABELS[page.connection]} here)</span>
              ) : null}
            </label>
          ))}
          {refused ? (
            <p role="alert" className="text-red-800">
              {refused}
            </p>
          ) : null}
          <div className="flex gap-3 pt-1">
            <button
              type="submit"
              disabled={selected.length === 0 || connect.isPending}
              className="rounded-md bg-blue-700 px-3 py-1.5 font-medium text-white disabled:opacity-60"
            >
              {connect.isPending ? "Connecting…" : `Connect ${selected.length} Page${selected.length === 1 ? "" : "s"}`}
            </button>
            <button type="button" onClick={onDone} className="underline">
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
