import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useQuery } from "@tanstack/react-query";
import { requireUser } from "../auth/session.server";
import { ChannelHealth, QueueHealth, WebhookHealth } from "../settings/health-sections";
import { LiveUpdatesHealth } from "../settings/live-updates-health";
import { SettingsHeader } from "../settings/settings-header";
import { WorkspaceGate } from "../settings/workspace-gate";
import { useTRPC } from "../trpc";
import { useCurrentUser } from "../ui/current-user";
import { FailureNotice, failureOf } from "../ui/failure-notice";

export const meta: MetaFunction = () => [{ title: "Health · Settings · Frontdesk" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request);
  return json({ email: typeof claims.email === "string" ? claims.email : "" }, { headers });
}

/** Settings → Health, for admins: is everything arriving, going out and being worked on. Refreshes every 15 s. */
export default function HealthSettings() {
  const { email } = useLoaderData<typeof loader>();
  const current = useCurrentUser();
  const isAdmin = current.workspace?.role === "admin";
  return (
    <div className="flex min-h-full flex-col">
      <SettingsHeader email={email} isAdmin={isAdmin} />
      <main className="mx-auto w-full max-w-4xl space-y-4 p-4">
        <h1 className="text-xl font-semibold">Health</h1>
        <WorkspaceGate current={current}>
          {(workspace) =>
            workspace.role === "admin" ? (
              <WorkspaceHealthView workspaceId={workspace.id} />
            ) : (
              <p className="text-sm text-slate-700">Only admins can see the workspace's health.</p>
            )
          }
        </WorkspaceGate>
      </main>
    </div>
  );
}

function WorkspaceHealthView({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const health = useQuery({ ...trpc.health.workspace.queryOptions({ workspaceId }), refetchInterval: 15_000 });
  const failure = failureOf(health);
  if (health.isPending) return <p className="text-sm text-slate-600">Loading…</p>;
  if (failure || !health.data?.success) {
    return <FailureNotice message={failure ?? "Something went wrong."} onRetry={() => void health.refetch()} />;
  }
  return (
    <>
      <ChannelHealth channels={health.data.data.channels} />
      <WebhookHealth health={health.data.data} />
      <QueueHealth health={health.data.data} />
      <LiveUpdatesHealth workspaceId={workspaceId} />
    </>
  );
}
