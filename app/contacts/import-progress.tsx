import { Link } from "@remix-run/react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTRPC } from "../trpc";
import { FailureNotice, failureOf } from "../ui/failure-notice";

/** A running import's progress, then its report: created, updated, skipped, and each refused row with why. */
export function ImportProgress({ importId }: { importId: string }) {
  const trpc = useTRPC();
  const status = useQuery({
    ...trpc.contactImports.status.queryOptions({ importId }),
    refetchInterval: (query) => {
      const data = query.state.data;
      return data?.success && (data.data.status === "done" || data.data.status === "failed") ? false : 1_000;
    },
  });
  const queryClient = useQueryClient();
  const finishedNow = status.data?.success && (status.data.data.status === "done" || status.data.data.status === "failed");
  // What the contacts page and the tag lists show is out of date once rows came in.
  useEffect(() => {
    if (!finishedNow) return;
    void queryClient.invalidateQueries({ queryKey: trpc.contacts.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.tags.pathKey() });
  }, [finishedNow, queryClient, trpc]);
  const failure = failureOf(status);
  if (failure) return <FailureNotice message={failure} onRetry={() => void status.refetch()} />;
  if (!status.data?.success) return <p className="text-sm text-slate-600">Starting the import…</p>;
  const job = status.data.data;
  const finished = job.status === "done" || job.status === "failed";
  return (
    <section aria-label="Import progress" className="space-y-2 text-sm">
      <p data-testid="import-status" className="font-medium">
        {job.status === "queued"
          ? "Waiting to start…"
          : job.status === "running"
            ? `Importing… ${Math.round(job.progress * 100)}%`
            : job.status === "done"
              ? "Import finished."
              : `Import failed: ${job.error ?? "unknown reason"}`}
      </p>
      <progress max={1} value={finished ? 1 : job.progress} className="w-full max-w-md" aria-label="Imported so far" />
      <p data-testid="import-counts">
        {job.created} created · {job.updated} updated · {job.skipped} skipped · {job.failed} refused
      </p>
      {job.failures.length > 0 ? (
        <div>
          <p className="font-medium">Rows not imported</p>
          <ul className="mt-1 space-y-0.5" aria-label="Rows not imported">
            {job.failures.map((row) => (
              <li key={row.rowNumber} data-testid="import-failure">
                Row {row.rowNumber}: {row.problems.join(" ")}
              </li>
            ))}
          </ul>
          {job.failed > job.failures.length ? (
            <p className="text-slate-600">…and {job.failed - job.failures.length} more rows like these.</p>
          ) : null}
        </div>
      ) : null}
      {finished ? (
        <Link to="/contacts" className="inline-block text-indigo-700 underline">
          See the contacts
        </Link>
      ) : null}
    </section>
  );
}
