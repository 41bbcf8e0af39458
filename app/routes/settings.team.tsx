import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useQuery } from "@tanstack/react-query";
import { requireUser } from "../auth/session.server";
import { InviteForm } from "../settings/invite-form";
import { PendingInvites } from "../settings/pending-invites";
import { SettingsHeader } from "../settings/settings-header";
import { TeamMembers } from "../settings/team-members";
import { WorkspaceGate } from "../settings/workspace-gate";
import { useTRPC } from "../trpc";
import { useCurrentUser } from "../ui/current-user";
import { FailureNotice, failureOf } from "../ui/failure-notice";
import { useToast } from "../ui/toast";

export const meta: MetaFunction = () => [{ title: "Team · Settings · Frontdesk" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request);
  return json({ email: typeof claims.email === "string" ? claims.email : "" }, { headers });
}

/** Settings → Team: admins invite, change roles and remove; managers and agents see who is on the team. */
export default function TeamSettings() {
  const { email } = useLoaderData<typeof loader>();
  const current = useCurrentUser();
  const { show, done, toast } = useToast();
  return (
    <div className="flex min-h-full flex-col">
      <SettingsHeader email={email} isAdmin={current.workspace?.role === "admin"} />
      <main className="mx-auto w-full max-w-3xl space-y-4 p-4">
        <h1 className="text-xl font-semibold">Team</h1>
        <WorkspaceGate current={current}>
          {(workspace) => <TeamView workspaceId={workspace.id} userId={current.userId} onError={show} onDone={done} />}
        </WorkspaceGate>
      </main>
      {toast}
    </div>
  );
}

function TeamView(props: {
  workspaceId: string;
  userId: string | undefined;
  onError: (message: string) => void;
  onDone: (message: string) => void;
}) {
  const trpc = useTRPC();
  const roster = useQuery(trpc.team.roster.queryOptions({ workspaceId: props.workspaceId }));
  const failure = failureOf(roster);
  if (roster.isPending) return <p className="text-sm text-slate-600">Loading…</p>;
  if (failure || !roster.data?.success) {
    return <FailureNotice message={failure ?? "Something went wrong."} onRetry={() => void roster.refetch()} />;
  }
  const { members, invites, canManage } = roster.data.data;
  return (
    <>
      {canManage ? (
        <InviteForm workspaceId={props.workspaceId} onDone={props.onDone} />
      ) : (
        <p className="text-sm text-slate-700">Only admins can invite people, change roles or remove anyone.</p>
      )}
      <PendingInvites invites={invites} canManage={canManage} {...props} />
      <TeamMembers members={members} canManage={canManage} {...props} />
    </>
  );
}
