import { useQuery } from "@tanstack/react-query";
import { type KeyboardEvent, useState } from "react";
import { fillVariables } from "../../supabase/functions/_shared/reply-variables";
import type { ConversationSummary, SavedReply } from "../api/types";
import { useTRPC } from "../trpc";
import { useCurrentUser } from "../ui/current-user";
import { useTeamNames } from "./team-names";

const firstWord = (name: string | null | undefined) => name?.trim().split(/\s+/)[0] ?? null;

/**
 * `/` at the start of an empty reply lists the gym's saved replies (by shortcut, or words of their text); ↑/↓ and
 * Enter or Tab, or a click, puts one in the box with its variables filled from the conversation. Those with no value
 * stay as `{{…}}`, which the composer will not send.
 */
export function useSavedReplyPicker(options: {
  text: string;
  conversation: ConversationSummary;
  userId: string | undefined;
  onPick: (text: string) => void;
}) {
  const trpc = useTRPC();
  const { workspace } = useCurrentUser();
  const { members } = useTeamNames(options.conversation.workspaceId, options.userId);
  const query = /^\/([^\s]*)$/.exec(options.text)?.[1]?.toLowerCase() ?? null;
  const list = useQuery({
    ...trpc.savedReplies.list.queryOptions({ workspaceId: options.conversation.workspaceId }),
    enabled: query !== null,
  });
  const [highlighted, setHighlighted] = useState(0);
  const replies = list.data?.success ? list.data.data.replies : [];
  const matches =
    query === null
      ? []
      : replies
          .filter((reply) => reply.shortcut.startsWith(query) || (query.length > 1 && reply.body.toLowerCase().includes(query)))
          .slice(0, 8);

  const me = members.find((member) => member.userId === options.userId);
  const pick = (reply: SavedReply) => {
    const contact = options.conversation.contact.displayName;
    const filled = fillVariables(reply.body, {
      "contact.first_name": firstWord(contact),
      "contact.name": contact,
      "agent.name": me?.name ?? null,
      "agent.first_name": firstWord(me?.name),
      "gym.name": workspace?.name ?? null,
    });
    setHighlighted(0);
    options.onPick(filled.text);
  };

  return {
    /** Handles the keys the list needs; true when it did. */
    onKeyDown(event: KeyboardEvent<HTMLElement>): boolean {
      if (matches.length === 0) return false;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        setHighlighted((index) => (index + (event.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length);
        return true;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        const reply = matches[highlighted] ?? matches[0];
        if (reply) pick(reply);
        return true;
      }
      return false;
    },
    listbox:
      query === null ? null : (
        <div
          role="listbox"
          aria-label="Saved replies"
          className="absolute bottom-full left-3 z-10 mb-1 w-96 max-w-[calc(100%-1.5rem)] rounded-md border border-slate-300 bg-white py-1 text-sm shadow-lg"
        >
          {matches.map((reply, index) => (
            <div
              key={reply.id}
              role="option"
              aria-selected={index === highlighted}
              tabIndex={-1}
              onMouseDown={(event) => {
                event.preventDefault();
                pick(reply);
              }}
              className={`cursor-pointer px-3 py-1 ${index === highlighted ? "bg-indigo-50" : ""}`}
            >
              <span className="font-medium">/{reply.shortcut}</span>{" "}
              <span className="text-slate-600">{reply.body.length > 80 ? `${reply.body.slice(0, 80)}…` : reply.body}</span>
            </div>
          ))}
          {list.isPending ? <p className="px-3 py-1 text-slate-600">Loading…</p> : null}
          {!list.isPending && matches.length === 0 ? (
            <p className="px-3 py-1 text-slate-600">
              No saved reply starts with /{query}. Settings → Saved replies has them all.
            </p>
          ) : null}
        </div>
      ),
  };
}
