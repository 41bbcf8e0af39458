import type { ReactNode } from "react";
import type { useCurrentUser } from "../ui/current-user";
import { FailureNotice, failureOf } from "../ui/failure-notice";

type CurrentUser = ReturnType<typeof useCurrentUser>;
type Workspace = NonNullable<CurrentUser["workspace"]>;

/** What a settings page shows before it has a workspace to show: loading, the failure with Retry, or none yet. */
export function WorkspaceGate({ current, children }: { current: CurrentUser; children: (workspace: Workspace) => ReactNode }) {
  const { me, workspace } = current;
  if (me.isPending) return <p className="text-sm text-slate-600">Loading…</p>;
  const failure = failureOf(me);
  if (failure) return <FailureNotice message={failure} onRetry={() => void me.refetch()} />;
  if (!workspace) return <p className="text-sm text-slate-700">You are not on any gym's team yet.</p>;
  return <>{children(workspace)}</>;
}
