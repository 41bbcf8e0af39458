import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useQuery } from "@tanstack/react-query";
import { signedInLoader } from "../auth/signed-in-loader.server";
import { InviteForm } from "../settings/invite-form";
import { PendingInvites } from "../settings/pending-invites";
import { SettingsPage } from "../settings/settings-page";
import { TeamMembers } from "../settings/team-members";
import { useTRPC } from "../trpc";
import { FailureNotice, failureOf } from "../ui/failure-notice";
import { useToast } from "../ui/toast";

export const meta: MetaFunction = () => [{ title: "Team · Settings · Frontdesk" }];

export const loader = (args: LoaderFunctionArgs) => signedInLoader(args);

/** Settings → Team: admins invite, change roles and remove; managers and agents see who is on the team. */
export default function TeamSettings() {
  const { email } = useLoaderData<typeof loader>();
  const { show, done, toast } = useToast();
  return (
    <SettingsPage email={email} title="Team" after={toast}>
      {(workspace, userId) => <TeamView workspaceId={workspace.id} userId={userId} onError={show} onDone={done} />}
    </SettingsPage>
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
