import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, Outlet, type ShouldRevalidateFunction, useLoaderData, useParams } from "@remix-run/react";
import { useQuery } from "@tanstack/react-query";
import { browserSupabaseSettings, requireUser } from "../auth/session.server";
import { signupIsOpen } from "../auth/sign-up.server";
import { ConversationList } from "../inbox/conversation-list";
import { FirstChannelStep } from "../inbox/first-channel-step";
import { LiveIndicator, LiveUpdates } from "../inbox/live-updates";
import { NotificationsBell } from "../inbox/notifications-bell";
import { ShortcutSheet } from "../inbox/shortcut-sheet";
import { UnreadTotal } from "../inbox/unread-total";
import { useTRPC } from "../trpc";
import { useCurrentUser } from "../ui/current-user";
import { FailureNotice, failureOf } from "../ui/failure-notice";
import { WorkspaceSwitcher } from "../ui/workspace-switcher";

export const meta: MetaFunction = () => [{ title: "Inbox · Frontdesk" }];

/** The loader knows who is signed in, which filters and searches (the query string) do not change. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, formMethod, defaultShouldRevalidate }) =>
  formMethod !== undefined || currentUrl.pathname !== nextUrl.pathname ? defaultShouldRevalidate : false;

export async function loader({ request }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request);
  const email = typeof claims.email === "string" ? claims.email : "";
  return json({ email, realtime: browserSupabaseSettings(), signupOpen: signupIsOpen() }, { headers });
}

const skipLink =
  "sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:shadow";

export default function Inbox() {
  const { email, realtime, signupOpen } = useLoaderData<typeof loader>();
  const { me, userId, workspace } = useCurrentUser();
  const { conversationId } = useParams();
  const failure = failureOf(me);
  const page = (
    <div className="flex h-full flex-col">
      <a href="#conversation-list" className={skipLink}>
        Skip to the conversations
      </a>
      {conversationId ? (
        <a href="#composer" className={skipLink}>
          Skip to the reply box
        </a>
      ) : null}
      <header className="flex items-center gap-2 border-b border-slate-200 bg-white px-3 py-2">
        <span className="shrink-0 text-lg font-semibold tracking-tight">Frontdesk</span>
        {me.isPending ? (
          <span role="status" aria-label="Loading workspace" className="h-5 w-32 animate-pulse rounded bg-slate-200" />
        ) : (
          <WorkspaceSwitcher />
        )}
        {workspace ? <UnreadTotal workspaceId={workspace.id} /> : null}
        <div className="ml-auto flex shrink-0 items-center gap-3 whitespace-nowrap text-sm">
          {workspace ? <LiveIndicator /> : null}
          {workspace ? <NotificationsBell workspaceId={workspace.id} /> : null}
          {workspace ? (
            <Link to="/contacts" className="text-slate-800 underline-offset-2 hover:underline">
              Contacts
            </Link>
          ) : null}
          {workspace ? (
            <Link to="/broadcasts" className="text-slate-800 underline-offset-2 hover:underline">
              Broadcasts
            </Link>
          ) : null}
          {workspace ? (
            <Link to="/settings/channels" className="text-slate-800 underline-offset-2 hover:underline">
              Channels
            </Link>
          ) : null}
          <Link to="/account" className="hidden text-slate-700 hover:underline lg:inline" data-testid="signed-in-as">
            {email}
          </Link>
          <Form method="post" action="/logout">
            <button type="submit" className="whitespace-nowrap rounded-md border border-slate-400 px-3 py-1.5 hover:bg-slate-100">
              Sign out
            </button>
          </Form>
        </div>
      </header>
      {workspace ? <ChannelHealthBanner workspaceId={workspace.id} isAdmin={workspace.role === "admin"} /> : null}
      {workspace?.role === "admin" ? <WebhookAlert workspaceId={workspace.id} /> : null}
      {workspace ? <FirstChannelStep workspaceId={workspace.id} isAdmin={workspace.role === "admin"} /> : null}
      {failure ? (
        <FailureNotice message={failure} onRetry={() => void me.refetch()} />
      ) : me.isPending ? null : !workspace ? (
        <div className="m-auto p-6 text-center text-sm text-slate-600">
          <p>You are not on any gym's team yet. Ask your gym's admin for an invitation.</p>
          {signupOpen ? (
            <p className="mt-2">
              Starting out?{" "}
              <Link to="/welcome" className="font-medium text-indigo-700 underline underline-offset-2">
                Set up your gym
              </Link>
            </p>
          ) : null}
        </div>
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
      <ShortcutSheet />
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

/** For admins: webhooks the worker has stopped trying to apply (Settings → Health has them, with the error). */
function WebhookAlert({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const health = useQuery({ ...trpc.health.workspace.queryOptions({ workspaceId }), refetchInterval: 60_000 });
  const data = health.data?.success ? health.data.data : null;
  const givenUp = data ? data.failingWebhooks.filter((webhook) => webhook.attempts >= data.healAttempts).length : 0;
  if (givenUp === 0) return null;
  return (
    <p role="alert" data-testid="webhook-alert" className="border-b border-red-200 bg-red-50 px-4 py-2 text-sm text-red-900">
      {givenUp === 1 ? "A message from Meta" : `${givenUp} messages from Meta`} could not be stored after several tries.{" "}
      <Link to="/settings/health" className="font-medium underline">
        See Settings → Health
      </Link>
    </p>
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
