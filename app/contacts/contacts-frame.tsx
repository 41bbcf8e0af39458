import type { ReactNode } from "react";
import { SectionFrame, type Workspace } from "../ui/section-frame";

const TABS = [
  { to: "/contacts", label: "Contacts", end: true },
  { to: "/contacts/board", label: "Board" },
  { to: "/settings/contacts", label: "Tags, stages & fields" },
];

/** The contacts pages' frame: the way to the inbox, the list and the board, and the page once the workspace is known. */
export function ContactsFrame(props: {
  email: string;
  title: string;
  children: (workspace: Workspace, userId: string | undefined) => ReactNode;
  after?: ReactNode;
}) {
  return <SectionFrame {...props} section="Contacts" tabs={TABS} />;
}
