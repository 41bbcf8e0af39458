import { Link, NavLink } from "@remix-run/react";
import type { ReactNode } from "react";
import { tab } from "../settings/settings-header";
import { WorkspaceGate } from "../settings/workspace-gate";
import { useCurrentUser } from "../ui/current-user";

export type Workspace = NonNullable<ReturnType<typeof useCurrentUser>["workspace"]>;

/** A section's page outside the inbox (contacts, broadcasts): its tabs, the way back, and the page once the workspace is known. */
export function SectionFrame(props: {
  email: string;
  title: string;
  section: string;
  tabs: { to: string; label: string; end?: boolean }[];
  children: (workspace: Workspace, userId: string | undefined) => ReactNode;
  after?: ReactNode;
}) {
  const current = useCurrentUser();
  return (
    <div className="flex min-h-full flex-col">
      <header className="flex items-center justify-between gap-2 border-b border-slate-200 bg-white px-4 py-2">
        <div className="flex min-w-0 items-center gap-3">
          <Link to="/inbox" className="text-lg font-semibold tracking-tight">
            Frontdesk
          </Link>
          <nav aria-label={props.section} className="flex items-center gap-1 text-sm">
            {props.tabs.map((item) => (
              <NavLink key={item.to} to={item.to} end={item.end} className={tab}>
                {item.label}
              </NavLink>
            ))}
          </nav>
        </div>
        <div className="flex shrink-0 items-center gap-3 text-sm">
          <Link to="/account" className="hidden text-slate-700 hover:underline lg:inline">
            {props.email}
          </Link>
          <Link to="/inbox" className="whitespace-nowrap rounded-md border border-slate-400 px-3 py-1.5 hover:bg-slate-100">
            Back to the inbox
          </Link>
        </div>
      </header>
      <main className="mx-auto w-full max-w-6xl space-y-4 p-4">
        <h1 className="text-xl font-semibold">{props.title}</h1>
        <WorkspaceGate current={current}>{(workspace) => props.children(workspace, current.userId)}</WorkspaceGate>
      </main>
      {props.after}
    </div>
  );
}
