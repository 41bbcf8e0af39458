import type { ReactNode } from "react";
import { SectionFrame, type Workspace } from "../ui/section-frame";

const TABS = [
  { to: "/broadcasts", label: "Broadcasts", end: true },
  { to: "/broadcasts/new", label: "New broadcast" },
];

/** The broadcasts pages' frame. */
export function BroadcastsFrame(props: {
  email: string;
  title: string;
  children: (workspace: Workspace, userId: string | undefined) => ReactNode;
  after?: ReactNode;
}) {
  return <SectionFrame {...props} section="Broadcasts" tabs={TABS} />;
}
