import { Link } from "@remix-run/react";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc";

/** A gym with no channel yet gets nothing in its inbox: the next step is to connect one. */
export function FirstChannelStep({ workspaceId, isAdmin }: { workspaceId: string; isAdmin: boolean }) {
  const trpc = useTRPC();
  const channels = useQuery(trpc.channels.list.queryOptions({ workspaceId }));
  if (!channels.data?.success || channels.data.data.length > 0) return null;
  return (
    <section aria-labelledby="first-channel" className="border-b border-indigo-200 bg-indigo-50 px-4 py-4">
      <h2 id="first-channel" className="font-semibold text-indigo-950">
        Connect your first channel
      </h2>
      <p className="mt-1 max-w-prose text-sm text-indigo-950">
        Messages your members send to the gym's Facebook Page, Instagram account or WhatsApp number land here, for the whole team
        to answer.
      </p>
      {isAdmin ? (
        <Link
          to="/settings/channels"
          className="mt-3 inline-block rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700"
        >
          Connect a channel
        </Link>
      ) : (
        <p className="mt-2 text-sm text-indigo-950">Ask your gym's admin to connect one in Settings → Channels.</p>
      )}
    </section>
  );
}
