import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc";
import { failureOf } from "../ui/failure-notice";

/**
 * Live updates, tried end to end when the page opens (and on "Test again"): the server has Postgres send a test
 * broadcast and waits for it over Realtime with this admin's token. When it does not arrive, open inboxes still
 * catch up by polling, only late.
 */
export function LiveUpdatesHealth({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const probe = useQuery({
    ...trpc.health.liveUpdates.queryOptions({ workspaceId }),
    staleTime: 60_000,
    refetchOnWindowFocus: false,
  });
  const failure = failureOf(probe);
  const result = probe.data?.success ? probe.data.data : null;
  const problem = failure ?? (result && !result.delivered ? notArriving(result.joined) : null);
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-4" aria-labelledby="health-live">
      <h2 id="health-live" className="text-base font-semibold">
        Live updates
      </h2>
      <p role="status" className={`mt-2 text-sm ${problem ? "font-semibold text-amber-900" : ""}`} data-testid="health-live">
        {probe.isFetching
          ? "Sending a test update…"
          : problem
            ? problem
            : result
              ? `Working: a test update arrived in ${result.latencyMs} ms.`
              : null}
      </p>
      <button
        type="button"
        disabled={probe.isFetching}
        onClick={() => void probe.refetch()}
        className="mt-3 rounded-md border border-slate-400 px-3 py-1.5 text-sm hover:bg-slate-100 disabled:opacity-60"
      >
        Test again
      </button>
    </section>
  );
}

function notArriving(joined: boolean): string {
  return joined
    ? "Not arriving: a test update was sent but did not come back within 5 s. Open inboxes catch up by polling; check Realtime in the Supabase dashboard (status, logs, the plan's message quota)."
    : "Not arriving: Realtime refused to let this browser's session listen. Open inboxes catch up by polling; check Realtime's settings (private channels) in the Supabase dashboard.";
}
