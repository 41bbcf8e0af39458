import { type InfiniteData, type QueryKey, useMutation, useQueryClient } from "@tanstack/react-query";
import { type KeyboardEvent, useRef, useState } from "react";
import type { ConversationSummary, MessagePageResult, TeamMember } from "../api/types";
import { useTRPC } from "../trpc";
import { useDraft } from "./drafts";
import { applyToThread } from "./live-cache";
import { mentionCandidates, mentionedIds, mentionName, mentionQuery } from "./mentions";
import { SuggestionList, useSuggestions } from "./suggestions";
import { useTeamNames } from "./team-names";

/** The longest note (app.add_note). */
const NOTE_LIMIT = 4096;

/**
 * A private note for the team: `@` offers teammates to mention (↑/↓ and Enter, or a click), who are notified. Never
 * sent to the member, whatever the messaging window.
 */
export function NoteComposer({
  conversation,
  userId,
  onError,
  onTyping,
}: {
  conversation: ConversationSummary;
  userId: string | undefined;
  onError: (message: string) => void;
  onTyping: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useDraft(`${userId ?? "anyone"}:note:${conversation.id}`);
  const text = draft ?? "";
  const { members } = useTeamNames(conversation.workspaceId, userId);
  const [picked, setPicked] = useState<TeamMember[]>([]);
  const [query, setQuery] = useState<{ start: number; query: string } | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const clientMessageId = useRef(crypto.randomUUID());
  const candidates = query ? mentionCandidates(members, query.query, userId) : [];

  const add = useMutation(
    trpc.messages.addNote.mutationOptions({
      onSuccess: (result, input) => {
        if (!result.success) {
          setDraft(input.text);
          onError(result.error.message);
          return;
        }
        queryClient.setQueriesData<InfiniteData<MessagePageResult>>(
          {
            queryKey: trpc.messages.list.pathKey(),
            predicate: (q: { queryKey: QueryKey }) =>
              (q.queryKey[1] as { input?: { conversationId?: string } } | undefined)?.input?.conversationId === conversation.id,
          },
          (data) => (data ? applyToThread(data, result.data) : data),
        );
      },
      onError: (_error, input) => {
        setDraft(input.text);
        onError("The note was not saved: Frontdesk could not be reached.");
      },
    }),
  );

  const body = text.trim();
  const tooLong = body.length > NOTE_LIMIT;
  const submit = () => {
    if (!body || tooLong || add.isPending) return;
    add.mutate({
      conversationId: conversation.id,
      clientMessageId: clientMessageId.current,
      text: body,
      mentions: mentionedIds(body, picked),
    });
    clientMessageId.current = crypto.randomUUID();
    setDraft(null);
    setPicked([]);
  };
  const pick = (member: TeamMember) => {
    if (!query) return;
    const caret = box.current?.selectionStart ?? text.length;
    const written = `@${mentionName(member)} `;
    setDraft(text.slice(0, query.start) + written + text.slice(caret));
    setPicked((list) => [...list.filter((m) => m.userId !== member.userId), member]);
    setQuery(null);
    requestAnimationFrame(() => box.current?.focus());
  };
  const suggestions = useSuggestions(candidates, pick);
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (suggestions.onKeyDown(event)) return;
    if (event.key === "Escape") {
      event.preventDefault();
      if (query) setQuery(null);
      else event.currentTarget.blur();
    } else if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };
  return (
    <form
      className="relative border-t border-amber-300 bg-amber-50 p-3"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {candidates.length > 0 ? (
        <SuggestionList
          label="Teammates to mention"
          width="w-64"
          items={candidates}
          highlighted={suggestions.highlighted}
          keyOf={(member) => member.userId}
          onPick={suggestions.pick}
        >
          {(member) => (
            <>
              {mentionName(member)}
              {member.name && member.email ? <span className="ml-1 text-xs text-slate-600">{member.email}</span> : null}
            </>
          )}
        </SuggestionList>
      ) : null}
      <div className="flex items-end gap-2">
        <textarea
          ref={box}
          value={text}
          onChange={(event) => {
            setDraft(event.target.value || null);
            if (event.target.value) onTyping();
            setQuery(mentionQuery(event.target.value, event.target.selectionStart));
            suggestions.restart();
          }}
          onKeyDown={onKeyDown}
          rows={2}
          placeholder="A note for the team (@ to mention someone). The member never sees it."
          aria-label="Private note"
          aria-invalid={tooLong}
          className="min-w-0 flex-1 resize-none rounded-md border border-amber-400 bg-white px-3 py-2 text-sm placeholder:text-slate-600"
        />
        <button
          type="submit"
          disabled={!body || tooLong || add.isPending}
          className="rounded-md bg-amber-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-50"
        >
          Add note
        </button>
      </div>
      {tooLong ? (
        <p className="mt-1 text-right text-xs font-semibold text-red-700">
          Too long: {body.length.toLocaleString("en")} of {NOTE_LIMIT.toLocaleString("en")} characters.
        </p>
      ) : null}
    </form>
  );
}
