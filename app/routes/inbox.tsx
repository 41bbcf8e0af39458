import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, Outlet, useLoaderData, useParams } from "@remix-run/react";
import { useQuery } from "@tanstack/react-query";
import { browserSupabaseSettings, requireUser } from "../auth/session.server";
import { ConversationList } from "../inbox/conversation-list";
import { FailureNotice, failureOf } from "../inbox/failure-notice";
import { LiveIndicator, LiveUpdates } from "../inbox/live-updates";
import { useTRPC } from "../trpc";

export const meta: MetaFunction = () => [{ title: "Inbox · Frontdesk" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request);
  const email = typeof claims.email === "string" ? claims.email : "";
  return json({ email, realtime: browserSupabaseSettings() }, { headers });
}

export default function Inbox() {
  const { email, realtime } = useLoaderData<typeof loader>();
  const trpc = useTRPC();
  const me = useQuery(trpc.me.queryOptions());
  const { conversationId } = useParams();
  const workspace = me.data?.success ? me.data.data.workspaces[0] : undefined;
  const userId = me.data?.success ? me.data.data.user.id : undefined;
  const failure = failureOf(me);
  const page = (
    <div className="flex h-full flex-col">
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-2">
        <div className="flex items-center gap-3">
          <span className="text-lg font-semibold tracking-tight">Frontdesk</span>
          {me.isPending ? (
            <span role="status" aria-label="Loading workspace" className="h-5 w-40 animate-pulse rounded bg-slate-200" />
          ) : workspace ? (
            <span className="rounded-full bg-slate-100 px-3 py-1 text-sm text-slate-700" data-testid="workspace-name">
              {workspace.name}
            </span>
          ) : null}
        </div>
        <div className="flex items-center gap-3 text-sm">
          {workspace ? <LiveIndicator /> : null}
          {workspace ? (
            <Link to="/settings/channels" className="text-slate-700 underline-offset-2 hover:underline">
              Channels
            </Link>
          ) : null}
          <span className="hidden text-slate-600 sm:inline" data-testid="signed-in-as">
            {email}
          </span>
          <Form method="post" action="/logout">
            <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-100">
              Sign out
            </button>
          </Form>
        </div>
      </header>
      {workspace ? <ChannelHealthBanner workspaceId={workspace.id} isAdmin={workspace.role === "admin"} /> : null}
      {failure ? (
        <FailureNotice message={failure} onRetry={() => void me.refetch()} />
      ) : me.isPending ? null : !workspace ? (
        <p className="m-auto p-6 text-center text-sm text-slate-600">
          You are not on any workspace yet. Ask your gym's admin for an invite.
        </p>
      ) : (
        <main aria-label="Inbox" className="flex min-h-0 flex-1">
          <div
            className={`w-full shrink-0 border-r border-slate-200 bg-white md:w-96 ${conversationId ? "hidden md:block" : ""}`}
          >
            <ConversationList workspaceId={workspace.id} />
          </div>
          <div className={`min-w-0 flex-1 ${conversationId ? "flex" : "hidden md:flex"}`}>
            <Outlet />
          </div>
        </main>
      )}
    </div>
  );
  return workspace && userId ? (
    <LiveUpdates realtime={realtime} workspaceId={workspace.id} userId={userId}>
      {page}
    </LiveUpdates>
  ) : (
    page
  );
}

/** Channels Meta stopped accepting: inbound still lands, replies cannot go out until an admin reconnects. */
function ChannelHealthBanner({ workspaceId, isAdmin }: { workspaceId: string; isAdmin: boolean }) {
  const trpc = useTRPC();
  const channels = useQuery(trpc.channels.list.queryOptions({ workspaceId }));
  const broken = channels.data?.success ? channels.data.data.filter((channel) => channel.status === "needs_reconnect") : [];
  if (broken.length === 0) return null;
  const names = broken.map((channel) => channel.displayHandle ?? channel.displayName).join(", ");
  return (
    <p
      role="alert"
      data-testid="channel-health"
      className="border-b border-amber-300 bg-amber-100 px-4 py-2 text-sm text-amber-900"
    >
      {names} {broken.length === 1 ? "needs" : "need"} reconnecting: messages still arrive, replies cannot be sent.{" "}
      {isAdmin ? (
        <Link to="/settings/channels" className="font-medium underline">
          Reconnect in Settings → Channels
        </Link>
      ) : (
        "Ask an admin to reconnect it."
      )}
    </p>
  );
}
