import { type InfiniteData, type QueryKey, useMutation, useQueryClient } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import type { MessageTag } from "../../supabase/functions/_shared/message-tags";
import type { Message, MessagePageResult } from "../api/types";
import { useTRPC } from "../trpc";
import { applyToThread } from "./live-cache";

/**
 * Text (with reply buttons or quick replies, or the message tag the sender chose on Messenger/Instagram after the
 * window), or one file already uploaded to the conversation's outbound folder (with a WhatsApp caption).
 */
export type ReplyContent =
  | { text: string; tag?: MessageTag; buttons?: string[] }
  | { file: { storedPath: string; caption: string | null } };

/** The id a reply shows under until the server has stored it. */
const LOCAL_PREFIX = "local:";
export const isUnstored = (message: Message) => message.id.startsWith(LOCAL_PREFIX);

/**
 * Sending a reply: its bubble shows at once (also while offline: the request waits for the network), and
 * becomes the stored message when the server answers. A reply the server refused before storing it
 * (a closed window, bad input) is taken back and handed to `onRefused`; one that never reached the server
 * stays as a failed bubble whose Retry sends it again under the same client id, so it can never go twice.
 */
export function useSendReply(options: {
  conversationId: string;
  userId: string | undefined;
  onRefused: (message: string, content: ReplyContent) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { conversationId } = options;
  const putInThread = usePutInThread(conversationId);

  const mutation = useMutation(
    trpc.messages.send.mutationOptions({
      onMutate: (input) => unsentReplies.put(localMessage(input, options.userId)),
      onSuccess: (result, input) => {
        unsentReplies.remove(conversationId, input.clientMessageId);
        if (result.success) {
          putInThread(result.data);
        } else {
          options.onRefused(result.error.message, contentOf(input));
        }
        // A refusal may have closed the window (or the channel): the composer and the list follow.
        const refusedFor = result.success ? result.data.error?.code : result.error.code;
        if (refusedFor === "WINDOW_CLOSED") {
          void queryClient.invalidateQueries({ queryKey: trpc.conversations.get.queryKey({ conversationId }) });
        }
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.pathKey() });
      },
      onError: (_error, input) =>
        unsentReplies.put({
          ...localMessage(input, options.userId),
          status: "failed",
          failedAt: new Date(),
          error: { code: "UNSENT", message: "Not sent: Frontdesk could not be reached.", retryable: true },
        }),
    }),
  );

  return {
    send: (clientMessageId: string, content: ReplyContent) => mutation.mutate({ conversationId, clientMessageId, ...content }),
    /** A reply that never reached the server, sent again under the same client id. */
    resend: (message: Message) => {
      if (!message.clientMessageId) return;
      const storedPath = message.attachments[0]?.storedPath;
      const content: ReplyContent = storedPath ? { file: { storedPath, caption: message.text } } : { text: message.text ?? "" };
      mutation.mutate({ conversationId, clientMessageId: message.clientMessageId, ...content });
    },
    isPending: mutation.isPending,
  };
}

/** Puts a stored message into this conversation's thread as loaded, without refetching it (or any other thread). */
export function usePutInThread(conversationId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (message: Message) =>
    queryClient.setQueriesData<InfiniteData<MessagePageResult>>(
      {
        queryKey: trpc.messages.list.pathKey(),
        predicate: (query: { queryKey: QueryKey }) =>
          (query.queryKey[1] as { input?: { conversationId?: string } } | undefined)?.input?.conversationId === conversationId,
      },
      (data) => (data ? applyToThread(data, message) : data),
    );
}

/**
 * Replies the server has not stored yet, per conversation, for this page's life: kept apart from the thread's
 * cache, which a refetch replaces, so that a refetch never makes one disappear.
 */
const unsentReplies = (() => {
  let byConversation = new Map<string, Message[]>();
  const listeners = new Set<() => void>();
  const changed = (next: Map<string, Message[]>) => {
    byConversation = next;
    for (const listener of listeners) listener();
  };
  return {
    put(message: Message) {
      const others = (byConversation.get(message.conversationId) ?? []).filter((m) => m.id !== message.id);
      changed(new Map(byConversation).set(message.conversationId, [...others, message]));
    },
    remove(conversationId: string, clientMessageId: string) {
      const kept = (byConversation.get(conversationId) ?? []).filter((m) => m.clientMessageId !== clientMessageId);
      changed(new Map(byConversation).set(conversationId, kept));
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    of: (conversationId: string) => byConversation.get(conversationId) ?? NONE,
  };
})();
const NONE: Message[] = [];

/** A conversation's replies that are on their way (or never arrived): the thread shows them after the stored ones. */
export function useUnsentReplies(conversationId: string): Message[] {
  return useSyncExternalStore(
    unsentReplies.subscribe,
    () => unsentReplies.of(conversationId),
    () => NONE,
  );
}

type SendInput = { conversationId: string; clientMessageId: string } & Partial<{
  text: string;
  tag: MessageTag;
  buttons: string[];
  file: { storedPath: string; caption?: string | null };
}>;

const contentOf = (input: SendInput): ReplyContent =>
  input.file
    ? { file: { storedPath: input.file.storedPath, caption: input.file.caption ?? null } }
    : { text: input.text ?? "", tag: input.tag, buttons: input.buttons };

function localMessage(input: SendInput, userId: string | undefined): Message {
  return {
    id: LOCAL_PREFIX + input.clientMessageId,
    conversationId: input.conversationId,
    direction: "outbound",
    kind: input.file ? "file" : "text",
    sender: "staff",
    senderUserId: userId ?? null,
    text: input.text ?? input.file?.caption ?? null,
    // Shown as loading until the stored reply, with its type, replaces it.
    attachments: input.file ? [{ type: "file", storedPath: input.file.storedPath }] : [],
    reactions: [],
    providerMessageId: null,
    clientMessageId: input.clientMessageId,
    replyToProviderMessageId: null,
    status: "pending",
    sentAt: null,
    deliveredAt: null,
    readAt: null,
    failedAt: null,
    error: null,
    editedAt: null,
    deletedAt: null,
    mentions: [],
    createdAt: new Date(),
    buttons: input.buttons ?? [],
    tag: input.tag ?? null,
    templateName: null,
  };
}
