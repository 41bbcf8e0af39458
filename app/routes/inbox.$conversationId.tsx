import type { MetaFunction } from "@remix-run/node";
import { Link, useParams } from "@remix-run/react";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { ConversationSummary } from "../api/types";
import { ContactPanel } from "../inbox/contact-panel";
import { useConversationActions } from "../inbox/conversation-actions";
import { THREAD_POLL_MS, useLiveState } from "../inbox/live-updates";
import { Thread } from "../inbox/thread";
import { useTRPC } from "../trpc";
import { useCurrentUser } from "../ui/current-user";
import { FailureNotice, failureOf } from "../ui/failure-notice";
import { useToast } from "../ui/toast";

export const meta: MetaFunction = () => [{ title: "Conversation · Frontdesk" }];

export default function ConversationRoute() {
  const { conversationId = "" } = useParams();
  const trpc = useTRPC();
  const live = useLiveState() === "live";
  const conversation = useQuery({
    ...trpc.conversations.get.queryOptions({ conversationId }),
    refetchInterval: live ? false : THREAD_POLL_MS,
  });
  const failure = failureOf(conversation);
  const notFound = conversation.data && !conversation.data.success && conversation.data.error.code === "NOT_FOUND";

  if (conversation.isPending) return <p className="m-auto text-sm text-slate-600">Loading conversation…</p>;
  if (notFound) {
    return (
      <div className="m-auto text-center text-sm" role="alert">
        <p className="font-semibold text-slate-900">Conversation not found</p>
        <p className="mt-1 text-slate-600">It does not exist, or it belongs to a workspace you are not part of.</p>
        <Link to="/inbox" className="mt-3 inline-block text-indigo-700 underline">
          Back to the inbox
        </Link>
      </div>
    );
  }
  if (failure || !conversation.data?.success) {
    return <FailureNotice message={failure ?? "Something went wrong."} onRetry={() => void conversation.refetch()} />;
  }
  return <ConversationView key={conversationId} conversation={conversation.data.data} />;
}

/** Thread and contact panel side by side; below xl the panel opens over the thread, one panel at a time. */
function ConversationView({ conversation }: { conversation: ConversationSummary }) {
  const [detailsOpen, setDetailsOpen] = useState(false);
  const { show, done, toast } = useToast();
  const { userId, workspace, workspaces, chooseWorkspace } = useCurrentUser();
  const actions = useConversationActions(conversation, { userId, onError: show, onDone: done });
  // A link into another of the user's workspaces switches the inbox to it, so list and thread agree.
  useEffect(() => {
    if (workspace && conversation.workspaceId !== workspace.id && workspaces.some((w) => w.id === conversation.workspaceId)) {
      chooseWorkspace(conversation.workspaceId);
    }
  }, [conversation.workspaceId, workspace, workspaces, chooseWorkspace]);
  const canTakeAssigned = workspace?.role === "admin" || workspace?.role === "manager";
  return (
    <>
      <div className={`min-w-0 flex-1 ${detailsOpen ? "hidden xl:flex" : "flex"}`}>
        <Thread
          conversation={conversation}
          userId={userId}
          canTakeAssigned={canTakeAssigned}
          actions={actions}
          onError={show}
          onShowDetails={() => setDetailsOpen(true)}
        />
      </div>
      <div className={`w-full shrink-0 xl:block xl:w-80 ${detailsOpen ? "block" : "hidden"}`}>
        <button type="button" onClick={() => setDetailsOpen(false)} className="m-2 text-sm text-indigo-700 underline xl:hidden">
          ← Back to the conversation
        </button>
        <ContactPanel
          conversation={conversation}
          userId={userId}
          canTakeAssigned={canTakeAssigned}
          actions={actions}
          onError={show}
          onDone={done}
        />
      </div>
      {toast}
    </>
  );
}
