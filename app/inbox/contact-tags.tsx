import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { TAXONOMY_LIMITS } from "../../supabase/functions/_shared/contact-taxonomy";
import type { Contact, Tag } from "../api/types";
import { TagChip } from "../contacts/tag-chip";
import { useTRPC } from "../trpc";

/**
 * A contact's tags as chips: picked from the workspace's tags as you type (Enter adds), removed with ×. A name that is
 * no tag yet becomes one for managers and admins; agents are told to pick an existing one.
 */
export function ContactTags(props: { contact: Contact; tags: Tag[]; canCreate: boolean; onError: (message: string) => void }) {
  const { contact } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [typed, setTyped] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.contacts.get.queryKey({ contactId: contact.id }) });
    void queryClient.invalidateQueries({ queryKey: trpc.contacts.list.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.tags.list.queryKey({ workspaceId: contact.workspaceId }) });
  };
  const onError = () => props.onError("Could not reach Frontdesk: the tags are as they were. Try again.");
  const add = useMutation(
    trpc.contacts.tag.mutationOptions({
      onSuccess: (result) => {
        if (result.success) setTyped("");
        else setProblem(result.error.details?.fieldErrors?.name?.[0] ?? result.error.message);
      },
      onError,
      onSettled: refresh,
    }),
  );
  const remove = useMutation(trpc.contacts.untag.mutationOptions({ onError, onSettled: refresh }));
  const submit = (text: string) => {
    const name = text.replace(/,+$/, "").trim();
    if (!name) return;
    if (name.length > TAXONOMY_LIMITS.name)
      return setProblem(`A tag can be at most ${TAXONOMY_LIMITS.name} characters (this one has ${name.length}).`);
    if (contact.tags.some((tag) => tag.name.toLowerCase() === name.toLowerCase()))
      return setProblem(`“${name}” is already a tag.`);
    const existing = props.tags.some((tag) => tag.name.toLowerCase() === name.toLowerCase());
    if (!existing && !props.canCreate)
      return setProblem(`There is no tag “${name}”. Pick an existing tag; managers and admins create new ones.`);
    setProblem(null);
    add.mutate({ workspaceId: contact.workspaceId, contactIds: [contact.id], name });
  };
  const listId = `tag-names-${contact.id}`;
  return (
    <div>
      <p id="tags-label" className="text-xs font-medium uppercase text-slate-600">
        Tags
      </p>
      <ul className="mt-1 flex flex-wrap gap-1" aria-labelledby="tags-label">
        {contact.tags.map((tag) => (
          <li key={tag.id}>
            <TagChip
              tag={tag}
              onRemove={() => remove.mutate({ workspaceId: contact.workspaceId, contactIds: [contact.id], tagId: tag.id })}
            />
          </li>
        ))}
      </ul>
      <input
        value={typed}
        list={listId}
        onChange={(event) => {
          setTyped(event.target.value);
          setProblem(null);
          if (event.target.value.endsWith(",")) submit(event.target.value);
        }}
        onKeyDown={(event) => {
          if (event.key === "Enter") {
            event.preventDefault();
            submit(typed);
          }
        }}
        aria-label="Add a tag"
        aria-invalid={Boolean(problem)}
        aria-describedby="tags-help"
        placeholder={props.canCreate ? "Pick or create a tag" : "Pick a tag"}
        className="mt-1 block w-full rounded-md border border-slate-400 px-2 py-1 placeholder:text-slate-600"
      />
      <datalist id={listId}>
        {props.tags
          .filter((tag) => !contact.tags.some((mine) => mine.id === tag.id))
          .map((tag) => (
            <option key={tag.id} value={tag.name} />
          ))}
      </datalist>
      <p id="tags-help" className={`mt-0.5 text-xs ${problem ? "text-red-700" : "text-slate-600"}`} data-testid="tags-help">
        {problem ?? `Type to pick a tag; Enter adds it.`}
      </p>
    </div>
  );
}
