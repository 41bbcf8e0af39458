import { useQuery } from "@tanstack/react-query";
import { fieldValueText } from "../../supabase/functions/_shared/contact-taxonomy";
import { fieldVariable, fillVariables } from "../../supabase/functions/_shared/reply-variables";
import type { ConversationSummary, SavedReply } from "../api/types";
import { useTRPC } from "../trpc";
import { useCurrentUser } from "../ui/current-user";
import { SuggestionList, useSuggestions } from "./suggestions";
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
  /** The reply's text with its variables filled, and its file (if it has one) to attach. */
  onPick: (text: string, attachment: SavedReply["attachment"]) => void;
}) {
  const trpc = useTRPC();
  const { workspace } = useCurrentUser();
  const { members } = useTeamNames(options.conversation.workspaceId, options.userId);
  const query = /^\/([^\s]*)$/.exec(options.text)?.[1]?.toLowerCase() ?? null;
  const list = useQuery({
    ...trpc.savedReplies.list.queryOptions({ workspaceId: options.conversation.workspaceId }),
    enabled: query !== null,
  });
  const replies = list.data?.success ? list.data.data.replies : [];
  const matches =
    query === null
      ? []
      : replies
          .filter((reply) => reply.shortcut.startsWith(query) || (query.length > 1 && reply.body.toLowerCase().includes(query)))
          .slice(0, 8);

  const me = members.find((member) => member.userId === options.userId);
  // The contact's custom fields fill {{contact.<key>}} (the contact panel has both in the cache already).
  const person = useQuery({
    ...trpc.contacts.get.queryOptions({ contactId: options.conversation.contact.id }),
    enabled: query !== null,
  });
  const fields = useQuery({
    ...trpc.contactFields.list.queryOptions({ workspaceId: options.conversation.workspaceId }),
    enabled: query !== null,
  });
  const pick = (reply: SavedReply) => {
    const contact = options.conversation.contact.displayName;
    const values = person.data?.success ? person.data.data.customFields : {};
    const fieldValues = Object.fromEntries(
      (fields.data?.success ? fields.data.data.fields : []).map((field) => [
        fieldVariable(field.key),
        fieldValueText(field.type, values[field.id]) || null,
      ]),
    );
    const filled = fillVariables(reply.body, {
      ...fieldValues,
      "contact.first_name": firstWord(contact),
      "contact.name": contact,
      "agent.name": me?.name ?? null,
      "agent.first_name": firstWord(me?.name),
      "gym.name": workspace?.name ?? null,
    });
    options.onPick(filled.text, reply.attachment);
  };
  const suggestions = useSuggestions(matches, pick);

  return {
    onKeyDown: suggestions.onKeyDown,
    listbox:
      query === null ? null : (
        <SuggestionList
          label="Saved replies"
          width="w-96"
          items={matches}
          highlighted={suggestions.highlighted}
          keyOf={(reply) => reply.id}
          onPick={suggestions.pick}
          footer={
            list.isPending ? (
              <p className="px-3 py-1 text-slate-600">Loading…</p>
            ) : matches.length === 0 ? (
              <p className="px-3 py-1 text-slate-600">
                No saved reply starts with /{query}. Settings → Saved replies has them all.
              </p>
            ) : null
          }
        >
          {(reply) => (
            <>
              <span className="font-medium">/{reply.shortcut}</span>{" "}
              <span className="text-slate-600">{reply.body.length > 80 ? `${reply.body.slice(0, 80)}…` : reply.body}</span>
            </>
          )}
        </SuggestionList>
      ),
  };
}
