import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useQuery } from "@tanstack/react-query";
import { signedInLoader } from "../auth/signed-in-loader.server";
import { StatusBadge } from "../broadcasts/broadcast-labels";
import { BroadcastsFrame } from "../broadcasts/broadcasts-frame";
import { useBroadcastLive } from "../broadcasts/use-broadcast-live";
import type { RealtimeSettings } from "../inbox/live-updates";
import { useTRPC } from "../trpc";
import { ChannelBadge } from "../ui/channel-badge";
import { FailureNotice, failureOf } from "../ui/failure-notice";
import { relativeTime } from "../ui/time";

export const meta: MetaFunction = () => [{ title: "Broadcasts · Frontdesk" }];

export const loader = (args: LoaderFunctionArgs) => signedInLoader(args);

/** How often the list looks again while a broadcast sends, should Realtime be down. */
const POLL_MS = 5_000;

/** Broadcasts: every announcement the gym sent or is preparing, with how far each got. */
export default function BroadcastsPage() {
  const { email, project } = useLoaderData<typeof loader>();
  return (
    <BroadcastsFrame email={email} title="Broadcasts">
      {(workspace) => <BroadcastList workspaceId={workspace.id} project={project} />}
    </BroadcastsFrame>
  );
}

function BroadcastList({ workspaceId, project }: { workspaceId: string; project: RealtimeSettings | null }) {
  const trpc = useTRPC();
  const list = useQuery({
    ...trpc.broadcasts.list.queryOptions({ workspaceId }),
    refetchInterval: (query) =>
      query.state.data?.success && query.state.data.data.broadcasts.some((b) => b.status === "sending") ? POLL_MS : false,
  });
  useBroadcastLive(workspaceId, project);
  const failure = failureOf(list);
  if (failure) return <FailureNotice message={failure} onRetry={() => void list.refetch()} />;
  if (!list.data?.success) return <p className="text-sm text-slate-600">Loading broadcasts…</p>;
  const { broadcasts, canEdit } = list.data.data;
  if (broadcasts.length === 0) {
    return (
      <div className="rounded-md border border-dashed border-slate-300 p-6 text-sm text-slate-700">
        <p>
          No broadcasts yet. A broadcast sends one message to the members you choose: a class change, holiday hours, a renewal
          reminder.
        </p>
        {canEdit ? (
          <Link to="/broadcasts/new" className="mt-3 inline-block rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white">
            New broadcast
          </Link>
        ) : (
          <p className="mt-2">Managers and admins create them.</p>
        )}
      </div>
    );
  }
  return (
    <table className="w-full text-left text-sm">
      <thead className="border-b border-slate-200 text-slate-600">
        <tr>
          <th className="py-2 font-medium">Broadcast</th>
          <th className="py-2 font-medium">Status</th>
          <th className="py-2 font-medium">Recipients</th>
          <th className="py-2 font-medium">Sent</th>
          <th className="py-2 font-medium">Read</th>
          <th className="py-2 font-medium">Replied</th>
          <th className="py-2 font-medium">Failed</th>
          <th className="py-2 font-medium">Created</th>
        </tr>
      </thead>
      <tbody>
        {broadcasts.map((broadcast) => {
          const counts = broadcast.counts;
          const total = Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0);
          const reached = (counts.sent ?? 0) + (counts.delivered ?? 0) + (counts.read ?? 0) + (counts.replied ?? 0);
          return (
            <tr key={broadcast.id} className="border-b border-slate-100">
              <td className="py-2">
                <Link to={`/broadcasts/${broadcast.id}`} className="font-medium text-indigo-700 underline">
                  {broadcast.name}
                </Link>{" "}
                <ChannelBadge provider={broadcast.channel.provider} />
              </td>
              <td className="py-2">
                <StatusBadge status={broadcast.status} />
              </td>
              <td className="py-2">{total || "—"}</td>
              <td className="py-2">{reached}</td>
              <td className="py-2">{(counts.read ?? 0) + (counts.replied ?? 0)}</td>
              <td className="py-2">{counts.replied ?? 0}</td>
              <td className="py-2">{counts.failed ?? 0}</td>
              <td className="py-2 text-slate-600">{relativeTime(broadcast.createdAt)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
