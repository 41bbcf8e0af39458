import type { MetaFunction } from "@remix-run/node";
import { Link, useParams } from "@remix-run/react";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment, useEffect, useRef, useState } from "react";
import { ChannelBadge } from "../inbox/channel-badge";
import { Composer } from "../inbox/composer";
import { ContactPanel } from "../inbox/contact-panel";
import { FailureNotice, failureOf, pagesFailureOf } from "../inbox/failure-notice";
import { THREAD_POLL_MS, useLiveState, useLiveThread } from "../inbox/live-updates";
import { MessageBubble } from "../inbox/message-bubble";
import { dayLabel, untilLabel } from "../inbox/time";
import { useToast } from "../inbox/toast";
import type { ConversationSummary, Message } from "../inbox/types";
import { useTRPC } from "../trpc";

export const meta: MetaFunction = () => [{ title: "Conversation · Frontdesk" }];

export default function ConversationRoute() {
  const { conversationId = "" } = useParams();
  const trpc = useTRPC();
  const { show, toast } = useToast();
  const live = useLiveState() === "live";
  const conversation = useQuery({
    ...trpc.conversations.get.queryOptions({ conversationId }),
    refetchInterval: live ? false : THREAD_POLL_MS,
  });
  const failure = failureOf(conversation);
  const notFound = conversation.data && !conversation.data.success && conversation.data.error.code === "NOT_FOUND";

  if (conversation.isPending) return <p className="m-auto text-sm text-slate-500">Loading conversation…</p>;
  if (notFound) {
    return (
      <div className="m-auto text-center text-sm" role="alert">
        <p className="font-semibold text-slate-900">Conversation not found</p>
        <p className="mt-1 text-slate-600">It does not exist, or it belongs to a workspace you are not part of.</p>
        <Link to="/inbox" className="mt-3 inline-block text-indigo-600 underline">
          Back to the inbox
        </Link>
      </div>
    );
  }
  if (failure || !conversation.data?.success) {
    return <FailureNotice message={failure ?? "Something went wrong."} onRetry={() => void conversation.refetch()} />;
  }
  return <ConversationView conversation={conversation.data.data} onError={show} toast={toast} />;
}

/** Thread and contact panel side by side; below xl the panel opens over the thread, one panel at a time. */
function ConversationView({
  conversation,
  onError,
  toast,
}: {
  conversation: ConversationSummary;
  onError: (message: string) => void;
  toast: React.ReactNode;
}) {
  const [detailsOpen, setDetailsOpen] = useState(false);
  return (
    <>
      <div className={`min-w-0 flex-1 ${detailsOpen ? "hidden xl:flex" : "flex"}`}>
        <Thread conversation={conversation} onError={onError} onShowDetails={() => setDetailsOpen(true)} />
      </div>
      <div className={`w-full shrink-0 xl:block xl:w-80 ${detailsOpen ? "block" : "hidden"}`}>
        <button type="button" onClick={() => setDetailsOpen(false)} className="m-2 text-sm text-indigo-600 underline xl:hidden">
          ← Back to the conversation
        </button>
        <ContactPanel conversation={conversation} onError={onError} />
      </div>
      {toast}
    </>
  );
}

function Thread({
  conversation,
  onError,
  onShowDetails,
}: {
  conversation: ConversationSummary;
  onError: (message: string) => void;
  onShowDetails: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const threadLive = useLiveThread(conversation.id);
  const messages = useInfiniteQuery(
    trpc.messages.list.infiniteQueryOptions(
      { conversationId: conversation.id, limit: 50 },
      {
        getNextPageParam: (page) => (page.success ? (page.data.nextCursor ?? undefined) : undefined),
        refetchInterval: threadLive ? false : THREAD_POLL_MS,
      },
    ),
  );
  const markRead = useMutation(
    trpc.conversations.markRead.mutationOptions({
      onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.conversations.pathKey() }),
    }),
  );
  const retry = useMutation(
    trpc.messages.retry.mutationOptions({
      onSuccess: (result) => {
        if (!result.success) onError(result.error.message);
        void queryClient.invalidateQueries({ queryKey: trpc.messages.list.pathKey() });
        // A refusal may have closed the window (or the channel): the composer follows.
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.get.queryKey({ conversationId: conversation.id }) });
      },
      onError: () => onError("Could not reach Frontdesk to retry."),
    }),
  );
  const archive = useMutation(
    trpc.conversations.archive.mutationOptions({
      onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.conversations.pathKey() }),
    }),
  );

  // Opening a conversation reads it.
  const { mutate: markReadNow } = markRead;
  useEffect(() => {
    if (conversation.unreadCount > 0) markReadNow({ conversationId: conversation.id });
  }, [conversation.id, conversation.unreadCount, markReadNow]);

  // r focuses the composer, e archives.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.target as HTMLElement).closest("input, textarea, select")) return;
      if (event.key === "r") {
        event.preventDefault();
        document.getElementById("composer")?.focus();
      } else if (event.key === "e" && !conversation.archivedAt) {
        archive.mutate({ conversationId: conversation.id });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [archive, conversation.id, conversation.archivedAt]);

  const ordered: Message[] = (messages.data?.pages.flatMap((page) => (page.success ? page.data.items : [])) ?? [])
    .slice()
    .reverse();
  const bottom = useRef<HTMLDivElement>(null);
  const newest = ordered.at(-1)?.id;
  useEffect(() => {
    if (newest) bottom.current?.scrollIntoView({ block: "end" });
  }, [newest]);

  const name = conversation.contact.displayName ?? conversation.contact.handle ?? "Unknown member";
  const failure = pagesFailureOf(messages);
  return (
    <section aria-label={`Conversation with ${name}`} className="flex min-w-0 flex-1 flex-col">
      <header className="flex items-center gap-3 border-b border-slate-200 bg-white px-4 py-2">
        <Link to="/inbox" className="text-sm text-indigo-600 md:hidden">
          ← Back
        </Link>
        <h1 className="truncate font-semibold">{name}</h1>
        <ChannelBadge provider={conversation.channel.provider} long />
        <span className="text-xs text-slate-500">{conversation.channel.displayName}</span>
        <span className="ml-auto text-xs text-slate-500">
          {conversation.assignee ? `Assigned to ${conversation.assignee.name ?? conversation.assignee.email}` : "Unassigned"}
          {" · "}
          {conversation.window.state === "closed"
            ? "window closed"
            : `window closes in ${untilLabel(conversation.window.closesAt)}`}
        </span>
        <button type="button" onClick={onShowDetails} className="rounded border border-slate-300 px-2 py-1 text-xs xl:hidden">
          Details
        </button>
      </header>
      {conversation.channel.status !== "active" ? (
        <p role="alert" className="bg-amber-100 px-4 py-2 text-sm text-amber-900">
          This channel needs to be reconnected in Settings → Channels. Messages still arrive; replies cannot be sent.
        </p>
      ) : null}
      <div className="flex-1 overflow-y-auto bg-slate-50 px-4 py-3">
        {messages.hasNextPage ? (
          <button
            type="button"
            onClick={() => void messages.fetchNextPage()}
            disabled={messages.isFetchingNextPage}
            className="mx-auto mb-3 block text-xs text-indigo-600 underline"
          >
            {messages.isFetchingNextPage ? "Loading…" : "Load earlier messages"}
          </button>
        ) : null}
        {messages.isPending ? <p className="text-center text-sm text-slate-500">Loading messages…</p> : null}
        {failure ? <FailureNotice message={failure} onRetry={() => void messages.refetch()} /> : null}
        <ol className="space-y-2">
          {ordered.map((message, index) => {
            const previous = ordered[index - 1];
            const newDay = !previous || previous.createdAt.toDateString() !== message.createdAt.toDateString();
            return (
              <Fragment key={message.id}>
                {newDay ? (
                  <li className="py-2 text-center text-xs font-medium text-slate-500" aria-hidden>
                    {dayLabel(message.createdAt)}
                  </li>
                ) : null}
                <MessageBubble
                  message={message}
                  retrying={retry.isPending && retry.variables?.messageId === message.id}
                  onRetry={(confirmed) => retry.mutate({ messageId: message.id, confirmed })}
                />
              </Fragment>
            );
          })}
        </ol>
        <div ref={bottom} />
      </div>
      <Composer conversation={conversation} onError={onError} />
    </section>
  );
}
