import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Broadcast } from "../../server/services/broadcast-shape";
import { PAUSE_REASONS, type RecipientStatus } from "../../supabase/functions/_shared/broadcast-states";
import { useTRPC } from "../trpc";
import { RECIPIENT_STATUS, StatusBadge } from "./broadcast-labels";

/** The order the counts are shown in: how far messages got, then those that went nowhere. */
const SHOWN: RecipientStatus[] = ["queued", "sending", "sent", "delivered", "read", "replied", "failed", "skipped"];

/** A started broadcast: its status and counts, live, and what staff may do with it now. */
export function BroadcastProgress(props: { broadcast: Broadcast; canEdit: boolean; onError: (message: string) => void }) {
  const { broadcast } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.broadcasts.pathKey() });
  const change = useMutation(trpc.broadcasts.change.mutationOptions());
  const retry = useMutation(trpc.broadcasts.retryFailed.mutationOptions());
  const act = (action: "pause" | "resume" | "cancel") =>
    change.mutate(
      { broadcastId: broadcast.id, action },
      { onSuccess: (result) => (result.success ? refresh() : props.onError(result.error.message)) },
    );
  const total = Object.values(broadcast.counts).reduce((sum, n) => sum + (n ?? 0), 0);
  return (
    <section aria-label="Progress" className="space-y-3">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <StatusBadge status={broadcast.status} />
        <span data-testid="broadcast-status">{broadcast.status}</span>
        {broadcast.status === "scheduled" && broadcast.scheduledAt ? (
          <span>Goes out {broadcast.scheduledAt.toLocaleString()}</span>
        ) : null}
        {broadcast.pausedReason ? (
          <span className="text-amber-900">{PAUSE_REASONS[broadcast.pausedReason] ?? broadcast.pausedReason}</span>
        ) : null}
      </div>
      <dl className="grid grid-cols-4 gap-2 text-sm sm:grid-cols-8">
        {SHOWN.map((status) => (
          <div key={status} className="rounded-md bg-slate-50 p-2">
            <dt className="text-slate-600">{RECIPIENT_STATUS[status]}</dt>
            <dd className="text-lg font-semibold" data-testid={`count-${status}`}>
              {broadcast.counts[status] ?? 0}
            </dd>
          </div>
        ))}
      </dl>
      <p className="text-sm text-slate-600">{total} recipients</p>
      {props.canEdit ? (
        <div className="flex flex-wrap gap-2 text-sm">
          {broadcast.status === "sending" || broadcast.status === "scheduled" ? (
            <button type="button" onClick={() => act("pause")} className="rounded-md border border-slate-400 px-3 py-1.5">
              Pause
            </button>
          ) : null}
          {broadcast.status === "paused" ? (
            <button type="button" onClick={() => act("resume")} className="rounded-md border border-slate-400 px-3 py-1.5">
              Resume
            </button>
          ) : null}
          {["scheduled", "sending", "paused"].includes(broadcast.status) ? (
            <button
              type="button"
              onClick={() => {
                if (window.confirm("Cancel this broadcast? Members not sent it yet will not get it.")) act("cancel");
              }}
              className="rounded-md border border-red-300 px-3 py-1.5 text-red-800"
            >
              Cancel broadcast
            </button>
          ) : null}
          {(broadcast.counts.failed ?? 0) > 0 && broadcast.status !== "cancelled" ? (
            <button
              type="button"
              disabled={retry.isPending}
              onClick={() =>
                retry.mutate(
                  { broadcastId: broadcast.id, includeUnconfirmed: false },
                  {
                    onSuccess: (result) => {
                      if (!result.success) props.onError(result.error.message);
                      else if (result.data.retried === 0) props.onError("None of the failures can pass on a retry.");
                      refresh();
                    },
                  },
                )
              }
              className="rounded-md border border-slate-400 px-3 py-1.5"
            >
              Retry failed
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
