import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { type DragEvent, Fragment, useEffect, useRef, useState } from "react";
import type { ConversationSummary, Message } from "../api/types";
import { useTRPC } from "../trpc";
import { FailureNotice, pagesFailureOf } from "../ui/failure-notice";
import { dayLabel } from "../ui/time";
import type { useConversationActions } from "./conversation-actions";
import { ConversationHeader } from "./conversation-header";
import { THREAD_POLL_MS, useLiveThread } from "./live-updates";
import { useMediaUrls } from "./media-urls";
import { MessageBubble } from "./message-bubble";
import { useOutgoingFiles } from "./outgoing-files";
import { ReplyArea } from "./reply-area";
import { isUnstored, useSendReply, useUnsentReplies } from "./send-reply";
import { useTeamNames } from "./team-names";
import { typingLine, useTeamPresence } from "./team-presence";

export function Thread({
  conversation,
  userId,
  canTakeAssigned,
  actions,
  onError,
  onShowDetails,
}: {
  conversation: ConversationSummary;
  userId: string | undefined;
  canTakeAssigned: boolean;
  actions: ReturnType<typeof useConversationActions>;
  onError: (message: string) => void;
  onShowDetails: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const threadLive = useLiveThread(conversation.id);
  const { nameOf, members } = useTeamNames(conversation.workspaceId, userId);
  const myself = members.find((member) => member.userId === userId);
  const presence = useTeamPresence(
    conversation.id,
    myself ? { userId: myself.userId, name: myself.name ?? myself.email ?? "A teammate" } : null,
  );
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
  const resend = useSendReply({ conversationId: conversation.id, userId, onRefused: onError });

  // Opening a conversation reads it.
  const { mutate: markReadNow } = markRead;
  useEffect(() => {
    if (conversation.unreadCount > 0) markReadNow({ conversationId: conversation.id });
  }, [conversation.id, conversation.unreadCount, markReadNow]);

  // r focuses the composer, e archives (with Undo).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      if ((event.target as HTMLElement).closest("input, textarea, select, [contenteditable]")) return;
      if (event.key === "r") {
        event.preventDefault();
        document.getElementById("composer")?.focus();
      } else if (event.key === "e") {
        actions.archive();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [actions]);

  const stored: Message[] = (messages.data?.pages.flatMap((page) => (page.success ? page.data.items : [])) ?? [])
    .slice()
    .reverse();
  const unsent = useUnsentReplies(conversation.id).filter(
    (reply) => !stored.some((message) => message.clientMessageId === reply.clientMessageId),
  );
  const ordered = [...stored, ...unsent];
  const mediaUrl = useMediaUrls(conversation.id, stored);
  const bottom = useRef<HTMLDivElement>(null);
  const newest = ordered.at(-1)?.id;
  useEffect(() => {
    if (newest) bottom.current?.scrollIntoView({ block: "end" });
  }, [newest]);

  const files = useOutgoingFiles(conversation);
  // Files dragged onto the thread are attached to the reply, when a reply can be sent.
  const [dragging, setDragging] = useState(false);
  const canAttach = conversation.window.state !== "closed" && conversation.channel.status === "active";
  const carriesFiles = (event: DragEvent) => canAttach && event.dataTransfer.types.includes("Files");
  const name = conversation.contact.displayName ?? conversation.contact.handle ?? "Unknown member";
  const failure = pagesFailureOf(messages);
  return (
    <section
      aria-label={`Conversation with ${name}`}
      className="relative flex min-w-0 flex-1 flex-col"
      onDragOver={(event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(event) => {
        setDragging(false);
        if (!carriesFiles(event)) return;
        event.preventDefault();
        files.add([...event.dataTransfer.files]);
      }}
    >
      {dragging ? (
        <div
          aria-hidden
          className="pointer-events-none absolute inset-0 z-10 flex items-center justify-center border-4 border-dashed border-indigo-500 bg-indigo-50/80 text-lg font-medium text-indigo-900"
        >
          Drop files to attach them to your reply
        </div>
      ) : null}
      <ConversationHeader
        conversation={conversation}
        userId={userId}
        canTakeAssigned={canTakeAssigned}
        onAssignToMe={() => actions.assign(userId ? { id: userId, name: "You", email: null } : null)}
        onShowDetails={onShowDetails}
        viewers={presence.others}
      />
      {conversation.channel.status !== "active" ? (
        <p role="alert" data-testid="thread-channel-alert" className="bg-amber-100 px-4 py-2 text-sm text-amber-900">
          This channel needs to be reconnected in Settings → Channels. Messages still arrive; replies cannot be sent.
        </p>
      ) : null}
      <div className="flex-1 overflow-y-auto bg-slate-50 px-4 py-3">
        {messages.hasNextPage ? (
          <button
            type="button"
            onClick={() => void messages.fetchNextPage()}
            disabled={messages.isFetchingNextPage}
            className="mx-auto mb-3 block text-xs text-indigo-700 underline"
          >
            {messages.isFetchingNextPage ? "Loading…" : "Load earlier messages"}
          </button>
        ) : null}
        {messages.isPending ? <p className="text-center text-sm text-slate-600">Loading messages…</p> : null}
        {failure ? <FailureNotice message={failure} onRetry={() => void messages.refetch()} /> : null}
        <ol className="space-y-2">
          {ordered.map((message, index) => {
            const previous = ordered[index - 1];
            const newDay = !previous || previous.createdAt.toDateString() !== message.createdAt.toDateString();
            return (
              <Fragment key={message.id}>
                {newDay ? (
                  <li className="py-2 text-center text-xs font-medium text-slate-600" aria-hidden>
                    {dayLabel(message.createdAt)}
                  </li>
                ) : null}
                <MessageBubble
                  message={message}
                  senderName={nameOf(message.senderUserId)}
                  mediaUrl={mediaUrl}
                  retrying={retry.isPending && retry.variables?.messageId === message.id}
                  onRetry={(confirmed) =>
                    isUnstored(message) ? resend.resend(message) : retry.mutate({ messageId: message.id, confirmed })
                  }
                />
              </Fragment>
            );
          })}
        </ol>
        <div ref={bottom} />
      </div>
      <p aria-live="polite" data-testid="typing" className="min-h-5 bg-slate-50 px-4 text-xs italic text-slate-700">
        {typingLine(presence.typing)}
      </p>
      <ReplyArea
        conversation={conversation}
        userId={userId}
        files={files}
        onError={onError}
        onTyping={presence.announceTyping}
        recentTeamReply={recentTeamReply(ordered, userId, nameOf)}
      />
    </section>
  );
}

/** How recently a teammate answered the member: a reply sent in the last minute makes the composer ask first. */
const RECENT_REPLY_MS = 60_000;

function recentTeamReply(messages: Message[], userId: string | undefined, nameOf: (id: string | null) => string | null) {
  const last = messages.findLast((message) => message.direction === "outbound" && message.sender === "staff");
  if (!last || last.senderUserId === userId || Date.now() - last.createdAt.getTime() > RECENT_REPLY_MS) return null;
  return { id: last.id, name: nameOf(last.senderUserId) ?? "A teammate", at: last.createdAt };
}
