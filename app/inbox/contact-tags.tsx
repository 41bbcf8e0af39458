import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Contact } from "../api/types";
import { useTRPC } from "../trpc";

/** The limits the server holds tags to (server/services/contacts.ts CONTACT_LIMITS). */
const TAG_LENGTH = 40;
const TAG_COUNT = 50;

/** Tags as chips: added with Enter (or a comma) and removed with ×, each saved at once and on its own. */
export function ContactTags({ contact, onError }: { contact: Contact; onError: (message: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [typed, setTyped] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation(
    trpc.contacts.update.mutationOptions({
      onSuccess: (result) => {
        if (result.success) queryClient.setQueryData(trpc.contacts.get.queryKey({ contactId: contact.id }), result);
        else setProblem(Object.values(result.error.details?.fieldErrors ?? {})[0]?.[0] ?? result.error.message);
      },
      onError: () => onError("Could not reach Frontdesk: the tags are as they were. Try again."),
    }),
  );
  const tags = contact.tags;
  const add = (text: string) => {
    const tag = text.replace(/,+$/, "").trim();
    if (!tag) return;
    if (tag.length > TAG_LENGTH) return setProblem(`A tag can be at most ${TAG_LENGTH} characters (this one has ${tag.length}).`);
    if (tags.some((existing) => existing.toLowerCase() === tag.toLowerCase())) return setProblem(`“${tag}” is already a tag.`);
    if (tags.length >= TAG_COUNT) return setProblem(`A contact can have at most ${TAG_COUNT} tags.`);
    setProblem(null);
    setTyped("");
    save.mutate({ contactId: contact.id, tags: [...tags, tag] });
  };
  return (
    <div>
      <p id="tags-label" className="text-xs font-medium uppercase text-slate-600">
        Tags
      </p>
      <ul className="mt-1 flex flex-wrap gap-1" aria-labelledby="tags-label">
        {tags.map((tag) => (
          <li key={tag} className="flex items-center gap-1 rounded-full bg-slate-100 py-0.5 pl-2 pr-1 text-xs text-slate-800">
            {tag}
            <button
              type="button"
              aria-label={`Remove tag ${tag}`}
              onClick={() => save.mutate({ contactId: contact.id, tags: tags.filter((t) => t !== tag) })}
              className="rounded-full px-1 text-slate-700 hover:bg-slate-200"
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <input
        value={typed}
        onChange={(event) => {
          setTyped(event.target.value);
          if (event.target.value.endsWith(",")) add(event.target.value);
        }}
        onKeyDown={(event) => {
          if (event.key === "Enter") {
            event.preventDefault();
            add(typed);
          }
        }}
        aria-label="Add a tag"
        aria-invalid={Boolean(problem)}
        aria-describedby="tags-help"
        placeholder="Add a tag and press Enter"
        className="mt-1 block w-full rounded-md border border-slate-400 px-2 py-1 placeholder:text-slate-600"
      />
      <p id="tags-help" className={`mt-0.5 text-xs ${problem ? "text-red-700" : "text-slate-600"}`} data-testid="tags-help">
        {problem ?? `${tags.length} of ${TAG_COUNT} tags, at most ${TAG_LENGTH} characters each.`}
      </p>
    </div>
  );
}
