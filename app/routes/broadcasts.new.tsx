import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useNavigate } from "@remix-run/react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { signedInLoader } from "../auth/signed-in-loader.server";
import { BroadcastsFrame } from "../broadcasts/broadcasts-frame";
import { useTRPC } from "../trpc";
import { providerName } from "../ui/channel-badge";
import { FailureNotice, failureOf } from "../ui/failure-notice";

export const meta: MetaFunction = () => [{ title: "New broadcast · Frontdesk" }];

export const loader = (args: LoaderFunctionArgs) => signedInLoader(args);

/** A new broadcast starts as a draft: its name and the channel it goes out on; the rest is edited on its page. */
export default function NewBroadcastPage() {
  const { email } = useLoaderData<typeof loader>();
  return (
    <BroadcastsFrame email={email} title="New broadcast">
      {(workspace) => <NewBroadcastForm workspaceId={workspace.id} />}
    </BroadcastsFrame>
  );
}

function NewBroadcastForm({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const channels = useQuery(trpc.channels.list.queryOptions({ workspaceId }));
  const [name, setName] = useState("");
  const [channelId, setChannelId] = useState("");
  const save = useMutation(trpc.broadcasts.save.mutationOptions());
  const failure = failureOf(channels);
  if (failure) return <FailureNotice message={failure} onRetry={() => void channels.refetch()} />;
  if (!channels.data?.success) return <p className="text-sm text-slate-600">Loading channels…</p>;
  const usable = channels.data.data.filter((channel) => channel.status !== "disconnected");
  if (usable.length === 0)
    return <p className="text-sm text-slate-700">Connect a channel in Settings first: a broadcast goes out on one.</p>;
  const chosen = channelId || usable[0]?.id || "";
  const result = save.data;
  const errors = result && !result.success ? (result.error.details?.fieldErrors ?? {}) : {};
  return (
    <form
      className="max-w-lg space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(
          { workspaceId, name, channelId: chosen },
          { onSuccess: (saved) => saved.success && navigate(`/broadcasts/${saved.data.id}`) },
        );
      }}
    >
      <label className="block text-sm">
        <span className="font-medium">Name</span>
        <input
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={120}
          required
          placeholder="Holiday opening hours"
          className="mt-1 block w-full rounded-md border border-slate-400 px-2 py-1.5"
          aria-invalid={Boolean(errors.name)}
        />
        {errors.name ? <span className="text-red-700">{errors.name[0]}</span> : null}
      </label>
      <fieldset className="text-sm">
        <legend className="font-medium">Send on</legend>
        {usable.map((channel) => (
          <label key={channel.id} className="mt-1 flex items-center gap-2">
            <input type="radio" name="channel" checked={chosen === channel.id} onChange={() => setChannelId(channel.id)} />
            {channel.displayName} · {providerName(channel.provider)}
            {channel.provider === "whatsapp" ? " (approved templates)" : " (members who wrote in the last 24 hours)"}
          </label>
        ))}
      </fieldset>
      {result && !result.success && !errors.name ? (
        <p role="alert" className="text-sm text-red-700">
          {result.error.message}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={save.isPending}
        className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white"
      >
        {save.isPending ? "Creating…" : "Create draft"}
      </button>
    </form>
  );
}
