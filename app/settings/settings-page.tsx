import type { ReactNode } from "react";
import { useCurrentUser } from "../ui/current-user";
import { SettingsHeader } from "./settings-header";
import { WorkspaceGate } from "./workspace-gate";

type Workspace = NonNullable<ReturnType<typeof useCurrentUser>["workspace"]>;

/** A settings page: the header, its title, and its content once the workspace is known (WorkspaceGate). */
export function SettingsPage(props: {
  email: string;
  title: string;
  width?: "3xl" | "4xl";
  children: (workspace: Workspace, userId: string | undefined) => ReactNode;
  after?: ReactNode;
}) {
  const current = useCurrentUser();
  return (
    <div className="flex min-h-full flex-col">
      <SettingsHeader email={props.email} isAdmin={current.workspace?.role === "admin"} />
      <main className={`mx-auto w-full ${props.width === "4xl" ? "max-w-4xl" : "max-w-3xl"} space-y-4 p-4`}>
        <h1 className="text-xl font-semibold">{props.title}</h1>
        <WorkspaceGate current={current}>{(workspace) => props.children(workspace, current.userId)}</WorkspaceGate>
      </main>
      {props.after}
    </div>
  );
}
