import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useQuery } from "@tanstack/react-query";
import { signedInLoader } from "../auth/signed-in-loader.server";
import { ChannelHealth, QueueHealth, WebhookHealth } from "../settings/health-sections";
import { LiveUpdatesHealth } from "../settings/live-updates-health";
import { SettingsPage } from "../settings/settings-page";
import { useTRPC } from "../trpc";
import { FailureNotice, failureOf } from "../ui/failure-notice";

export const meta: MetaFunction = () => [{ title: "Health · Settings · Frontdesk" }];

export const loader = (args: LoaderFunctionArgs) => signedInLoader(args);

/** Settings → Health, for admins: is everything arriving, going out and being worked on. Refreshes every 15 s. */
export default function HealthSettings() {
  const { email } = useLoaderData<typeof loader>();
  return (
    <SettingsPage email={email} title="Health" width="4xl">
      {(workspace) =>
        workspace.role === "admin" ? (
          <WorkspaceHealthView workspaceId={workspace.id} />
        ) : (
          <p className="text-sm text-slate-700">Only admins can see the workspace's health.</p>
        )
      }
    </SettingsPage>
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
