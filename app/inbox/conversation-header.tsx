import { Link, useLocation } from "@remix-run/react";
import type { ConversationSummary } from "../api/types";
import { ChannelBadge } from "../ui/channel-badge";
import { untilLabel } from "../ui/time";
import type { Teammate } from "./team-presence";

/**
 * Who the conversation is with, first and in full where it fits; then, on one small line, the channel, who
 * has it and the reply window, and which teammates have it open too. "Assign to me" when the signed-in user may
 * take it.
 */
export function ConversationHeader({
  conversation,
  userId,
  canTakeAssigned,
  onAssignToMe,
  onShowDetails,
  viewers,
}: {
  conversation: ConversationSummary;
  userId: string | undefined;
  /** Managers and admins may take a conversation someone else has; agents only a free one. */
  canTakeAssigned: boolean;
  onAssignToMe: () => void;
  onShowDetails: () => void;
  /** Teammates with this conversation open now. */
  viewers: Teammate[];
}) {
  const location = useLocation();
  const name = conversation.contact.displayName ?? conversation.contact.handle ?? "Unknown member";
  const assignee = conversation.assignee;
  const mine = assignee?.id === userId;
  const assignedLabel = !assignee ? "Unassigned" : mine ? "Assigned to you" : `Assigned to ${assignee.name ?? assignee.email}`;
  const { window } = conversation;
  const windowLabel = window.state === "closed" ? "window closed" : `window closes in ${untilLabel(window.closesAt)}`;
  const mayTake = !mine && (!assignee || canTakeAssigned);
  const buttons = (
    <>
      {mayTake ? (
        <button
          type="button"
          onClick={onAssignToMe}
          className="shrink-0 whitespace-nowrap rounded border border-slate-400 px-2 py-1 text-xs hover:bg-slate-50"
        >
          Assign to me
        </button>
      ) : null}
      <button
        type="button"
        onClick={onShowDetails}
        className="shrink-0 rounded border border-slate-400 px-2 py-1 text-xs xl:hidden"
      >
        Details
      </button>
    </>
  );
  // On a phone the name has the first line to itself; the buttons go beside the details below it.
  return (
    <header className="border-b border-slate-200 bg-white px-4 py-2">
      <div className="flex items-center gap-2">
        <Link to={{ pathname: "/inbox", search: location.search }} className="shrink-0 text-sm text-indigo-700 md:hidden">
          ← Back
        </Link>
        <h1 className="min-w-0 flex-1 truncate font-semibold" data-testid="conversation-name" title={name}>
          {name}
        </h1>
        <div className="hidden items-center gap-2 sm:flex">{buttons}</div>
      </div>
      <div className="mt-0.5 flex items-center gap-2">
        <p className="flex min-w-0 flex-1 items-center gap-1.5 text-xs text-slate-600" data-testid="conversation-meta">
          <ChannelBadge provider={conversation.channel.provider} />
          <span className="truncate">
            <span className="hidden sm:inline">{conversation.channel.displayName} · </span>
            {assignedLabel} · {windowLabel}
          </span>
        </p>
        <div className="flex items-center gap-2 sm:hidden">{buttons}</div>
      </div>
      {viewers.length > 0 ? (
        <p className="mt-0.5 text-xs text-emerald-800" data-testid="conversation-viewers">
          Also here: {viewers.map((viewer) => viewer.name).join(", ")}
        </p>
      ) : null}
    </header>
  );
}
