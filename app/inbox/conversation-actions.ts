import { type InfiniteData, useMutation, useQueryClient } from "@tanstack/react-query";
import type { ConversationPageResult, ConversationSummary } from "../api/types";
import { useTRPC } from "../trpc";
import type { ToastAction } from "../ui/toast";
import { applyToList, eventOf, type ListFilters } from "./live-cache";

const STATUS_WORDS = { open: "open", pending: "pending", resolved: "resolved" } as const;

type Assignee = ConversationSummary["assignee"];

/**
 * Assign, change status, archive and unarchive one conversation, the same way wherever they are offered:
 * the change shows at once, the server's answer goes straight into every cached list (so an unarchived
 * conversation is back in the inbox without waiting for a refetch), a refusal rolls it back with its reason,
 * and what was done is confirmed with an Undo.
 */
export function useConversationActions(
  conversation: ConversationSummary,
  options: {
    userId: string | undefined;
    onError: (message: string) => void;
    onDone: (message: string, undo?: ToastAction) => void;
  },
) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const getKey = trpc.conversations.get.queryKey({ conversationId: conversation.id });

  const settle = (result: { success: true; data: ConversationSummary } | { success: false; error: { message: string } }) => {
    if (!result.success) return;
    queryClient.setQueryData(getKey, result);
    const lists = queryClient.getQueriesData<InfiniteData<ConversationPageResult>>({
      queryKey: trpc.conversations.list.pathKey(),
    });
    for (const [key, data] of lists) {
      const filters = (key[1] as { input?: ListFilters } | undefined)?.input;
      if (!data || !filters) continue;
      const outcome = applyToList(data, filters, eventOf(result.data), {
        userId: options.userId ?? "",
        assigneeFor: () => result.data.assignee,
        summary: result.data,
      });
      if (outcome.kind === "patched") queryClient.setQueryData(key, outcome.data);
      else if (outcome.kind === "refetch") void queryClient.invalidateQueries({ queryKey: key, exact: true });
    }
  };

  /** Optimistic: patch now, then the server's answer; a refusal rolls back and says why. */
  const change = async (
    patch: Partial<ConversationSummary>,
    request: () => Promise<{ success: true; data: ConversationSummary } | { success: false; error: { message: string } }>,
    done?: () => void,
  ) => {
    await queryClient.cancelQueries({ queryKey: getKey });
    const previous = queryClient.getQueryData(getKey);
    queryClient.setQueryData(getKey, (old) => (old?.success ? { ...old, data: { ...old.data, ...patch } } : old));
    try {
      const result = await request();
      if (result.success) {
        settle(result);
        done?.();
        return;
      }
      queryClient.setQueryData(getKey, previous);
      options.onError(result.error.message);
    } catch {
      queryClient.setQueryData(getKey, previous);
      options.onError("Could not reach Frontdesk: nothing was changed. Try again.");
    }
  };

  const assign = useMutation(trpc.conversations.assign.mutationOptions());
  const setStatus = useMutation(trpc.conversations.setStatus.mutationOptions());
  const archive = useMutation(trpc.conversations.archive.mutationOptions());
  const unarchive = useMutation(trpc.conversations.unarchive.mutationOptions());
  const conversationId = conversation.id;

  const toUnarchive = (done?: () => void) => change({ archivedAt: null }, () => unarchive.mutateAsync({ conversationId }), done);
  const toStatus = (status: ConversationSummary["status"], done?: () => void) =>
    change({ status }, () => setStatus.mutateAsync({ conversationId, status }), done);

  return {
    assign(assignee: Assignee) {
      void change({ assignee }, () => assign.mutateAsync({ conversationId, assigneeId: assignee?.id ?? null }));
    },
    setStatus(status: ConversationSummary["status"]) {
      const previous = conversation.status;
      if (previous === status) return;
      void toStatus(status, () =>
        options.onDone(`Marked ${STATUS_WORDS[status]}.`, { label: "Undo", run: () => void toStatus(previous) }),
      );
    },
    archive() {
      if (conversation.archivedAt) return;
      void change(
        { archivedAt: new Date() },
        () => archive.mutateAsync({ conversationId }),
        () => options.onDone("Conversation archived.", { label: "Undo", run: () => void toUnarchive() }),
      );
    },
    unarchive() {
      if (!conversation.archivedAt) return;
      void change(
        { archivedAt: null },
        () => unarchive.mutateAsync({ conversationId }),
        () => options.onDone("Back in the inbox."),
      );
    },
  };
}
