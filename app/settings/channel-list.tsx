import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Channel } from "../api/types";
import { useTRPC } from "../trpc";
import { FailureNotice, failureOf } from "../ui/failure-notice";
import { ChannelRow } from "./channel-row";
import { ConnectWithFacebook } from "./connect-with-facebook";

export function ChannelList({
  workspaceId,
  isAdmin,
  onError,
  onDone,
  onReconnectWhatsApp,
}: {
  workspaceId: string;
  isAdmin: boolean;
  onError: (message: string) => void;
  onDone: (message: string) => void;
  onReconnectWhatsApp: (channel: Channel) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const channels = useQuery(trpc.channels.list.queryOptions({ workspaceId }));
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.channels.list.pathKey() });
  const disconnect = useMutation(
    trpc.channels.disconnect.mutationOptions({
      onSuccess: (result) => (result.success ? onDone("Disconnected.") : onError(result.error.message)),
      onError: () => onError("Could not reach Frontdesk to disconnect. Try again."),
      onSettled: refresh,
    }),
  );
  const remove = useMutation(
    trpc.channels.remove.mutationOptions({
      onSuccess: (result) =>
        result.success
          ? onDone(`Removed, with ${result.data.conversations} conversation${result.data.conversations === 1 ? "" : "s"}.`)
          : onError(result.error.message),
      onError: () => onError("Could not reach Frontdesk to remove it. Try again."),
      onSettled: () => {
        refresh();
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.pathKey() });
      },
    }),
  );
  const failure = failureOf(channels);
  const list = channels.data?.success ? channels.data.data : [];
  const busyWith = (disconnect.isPending && disconnect.variables?.channelId) || (remove.isPending && remove.variables?.channelId);
  return (
    <section aria-labelledby="channels-heading" className="rounded-lg border border-slate-200 bg-white">
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 p-4">
        <div>
          <h1 id="channels-heading" className="font-semibold">
            Channels
          </h1>
          <p className="text-sm text-slate-700">
            {isAdmin
              ? "Facebook Pages, their Instagram accounts and WhatsApp numbers whose messages land in the inbox."
              : "Only admins can connect or disconnect channels."}
          </p>
        </div>
        {isAdmin ? <ConnectWithFacebook workspaceId={workspaceId} label="Connect with Facebook" onError={onError} /> : null}
      </div>
      {channels.isPending ? (
        <p className="p-4 text-sm text-slate-600">Loading channels…</p>
      ) : failure ? (
        <FailureNotice message={failure} onRetry={() => void channels.refetch()} />
      ) : list.length === 0 ? (
        <p className="p-4 text-sm text-slate-700">
          No channels yet. {isAdmin ? "Connect a Facebook Page or a WhatsApp number." : ""}
        </p>
      ) : (
        <ul className="divide-y divide-slate-200">
          {list.map((channel) => (
            <ChannelRow
              key={channel.id}
              channel={channel}
              linked={
                channel.provider === "messenger"
                  ? list.filter(
                      (other) =>
                        other.provider === "instagram" &&
                        other.linkedPageId === channel.providerAccountId &&
                        other.status !== "disconnected",
                    )
                  : []
              }
              workspaceId={workspaceId}
              isAdmin={isAdmin}
              busy={busyWith === channel.id}
              onDisconnect={() => disconnect.mutate({ channelId: channel.id })}
              onRemove={() => remove.mutate({ channelId: channel.id })}
              onReconnectWhatsApp={onReconnectWhatsApp}
              onError={onError}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
