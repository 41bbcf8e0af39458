import { useQuery } from "@tanstack/react-query";
import type { BroadcastAudience } from "../../server/services/broadcast-shape";
import { useTRPC } from "../trpc";
import { failureOf } from "../ui/failure-notice";

/** The live count: how many members the broadcast would reach now, and why the others would be skipped. */
export function ReachSummary(props: {
  workspaceId: string;
  channelId: string;
  audience: BroadcastAudience;
  templateId: string | null;
}) {
  const trpc = useTRPC();
  const reach = useQuery({
    ...trpc.broadcasts.reach.queryOptions(props),
    placeholderData: (previous) => previous,
  });
  const failure = failureOf(reach);
  return (
    <section aria-label="Who it reaches" aria-live="polite" className="rounded-md bg-slate-50 p-3 text-sm" data-testid="reach">
      {failure ? <p className="text-red-700">{failure}</p> : null}
      {reach.data?.success ? (
        <>
          <p className="font-medium">
            {reach.data.data.reachable === 1 ? "1 member" : `${reach.data.data.reachable} members`} will get it
            {reach.isFetching ? <span className="font-normal text-slate-600"> (counting…)</span> : null}
          </p>
          {reach.data.data.skipped.length > 0 ? (
            <ul className="mt-1 list-inside list-disc text-slate-700">
              {reach.data.data.skipped.map((skip) => (
                <li key={skip.reason}>
                  {skip.contacts} skipped: {skip.label}
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : failure ? null : (
        <p className="text-slate-600">Counting…</p>
      )}
    </section>
  );
}
