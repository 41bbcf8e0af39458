import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useParams } from "@remix-run/react";
import { useQuery } from "@tanstack/react-query";
import { signedInLoader } from "../auth/signed-in-loader.server";
import { BroadcastEditor } from "../broadcasts/broadcast-editor";
import { BroadcastProgress } from "../broadcasts/broadcast-progress";
import { BroadcastsFrame } from "../broadcasts/broadcasts-frame";
import { RecipientsTable } from "../broadcasts/recipients-table";
import { useBroadcastLive } from "../broadcasts/use-broadcast-live";
import type { RealtimeSettings } from "../inbox/live-updates";
import { useTRPC } from "../trpc";
import { ChannelBadge } from "../ui/channel-badge";
import { FailureNotice, failureOf } from "../ui/failure-notice";
import type { Workspace } from "../ui/section-frame";
import { useToast } from "../ui/toast";

export const meta: MetaFunction = () => [{ title: "Broadcast · Frontdesk" }];

export const loader = (args: LoaderFunctionArgs) => signedInLoader(args);

/** How often the page looks again while the broadcast sends, should Realtime be down. */
const POLL_MS = 3_000;
/**
 * After it is done, Meta's delivered and read statuses still come in (the worker announces nothing then): the page
 * keeps looking for a while.
 */
const STATUSES_AFTER_MS = 10 * 60_000;

const stillMoving = (broadcast: { status: string; finishedAt: Date | null }) =>
  broadcast.status === "sending" ||
  (broadcast.status === "done" &&
    broadcast.finishedAt !== null &&
    Date.now() - broadcast.finishedAt.getTime() < STATUSES_AFTER_MS);

/** One broadcast: a draft to finish and send, or one that started, with its live progress and its recipients. */
export default function BroadcastPage() {
  const { email, project } = useLoaderData<typeof loader>();
  const { broadcastId = "" } = useParams();
  const { show, toast } = useToast();
  return (
    <BroadcastsFrame email={email} title="Broadcast" after={toast}>
      {(workspace) => <BroadcastView broadcastId={broadcastId} workspace={workspace} project={project} onError={show} />}
    </BroadcastsFrame>
  );
}

function BroadcastView(props: {
  broadcastId: string;
  workspace: Workspace;
  project: RealtimeSettings | null;
  onError: (message: string) => void;
}) {
  const trpc = useTRPC();
  const found = useQuery({
    ...trpc.broadcasts.get.queryOptions({ broadcastId: props.broadcastId }),
    refetchInterval: (query) => (query.state.data?.success && stillMoving(query.state.data.data.broadcast) ? POLL_MS : false),
  });
  useBroadcastLive(props.workspace.id, props.project);
  const failure = failureOf(found);
  if (failure) return <FailureNotice message={failure} onRetry={() => void found.refetch()} />;
  if (!found.data?.success) return <p className="text-sm text-slate-600">Loading the broadcast…</p>;
  const { broadcast, canEdit } = found.data.data;
  return (
    <div className="space-y-4">
      <h2 className="flex items-center gap-2 text-lg font-semibold">
        {broadcast.name} <ChannelBadge provider={broadcast.channel.provider} />{" "}
        <span className="text-sm font-normal">{broadcast.channel.displayName}</span>
      </h2>
      {broadcast.status === "draft" && canEdit ? (
        <BroadcastEditor key={broadcast.id} broadcast={broadcast} gymName={props.workspace.name} onError={props.onError} />
      ) : broadcast.status === "draft" ? (
        <p className="text-sm text-slate-700">A draft. Managers and admins finish and send it.</p>
      ) : (
        <>
          <BroadcastProgress broadcast={broadcast} canEdit={canEdit} onError={props.onError} />
          <RecipientsTable broadcastId={broadcast.id} />
        </>
      )}
    </div>
  );
}
