import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { TAG_COLOURS, type TagColour } from "../../supabase/functions/_shared/contact-taxonomy";
import type { Tag } from "../api/types";
import { TagChip } from "../contacts/tag-chip";
import { useTRPC } from "../trpc";

/** The workspace's tags: add, rename, recolour, merge one into another, delete. */
export function TagSettings(props: {
  workspaceId: string;
  tags: Tag[];
  onDone: (m: string) => void;
  onError: (m: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [colour, setColour] = useState<TagColour>("slate");
  const settled = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.tags.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.contacts.pathKey() });
  };
  const unreachable = () => props.onError("Could not reach Frontdesk. Check your connection.");
  const save = useMutation(
    trpc.tags.save.mutationOptions({
      onSuccess: (result) => (result.success ? props.onDone("Tag saved.") : props.onError(result.error.message)),
      onError: unreachable,
      onSettled: settled,
    }),
  );
  const remove = useMutation(
    trpc.tags.delete.mutationOptions({
      onSuccess: (result) => (result.success ? props.onDone("Tag removed.") : props.onError(result.error.message)),
      onError: unreachable,
      onSettled: settled,
    }),
  );
  return (
    <section aria-labelledby="tags-heading" className="space-y-2">
      <h2 id="tags-heading" className="font-semibold">
        Tags
      </h2>
      <form
        className="flex flex-wrap items-center gap-2 text-sm"
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate({ workspaceId: props.workspaceId, name, colour }, { onSuccess: (r) => r.success && setName("") });
        }}
      >
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-label="New tag"
          placeholder="New tag"
          className="rounded-md border border-slate-400 px-2 py-1"
        />
        <ColourPicker label="New tag's colour" value={colour} onChange={setColour} />
        <button type="submit" className="rounded-md border border-slate-400 px-2 py-1 hover:bg-slate-50">
          Add tag
        </button>
      </form>
      {props.tags.length === 0 ? <p className="text-sm text-slate-600">No tags yet.</p> : null}
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white text-sm">
        {props.tags.map((tag) => (
          <li key={tag.id} data-testid="tag-setting" className="flex flex-wrap items-center gap-2 px-3 py-2">
            <TagChip tag={tag} />
            <span className="text-slate-600">{tag.contacts} contacts</span>
            <span className="ml-auto flex flex-wrap items-center gap-2">
              <button
                type="button"
                className="underline"
                onClick={() => {
                  const renamed = window.prompt(`Rename “${tag.name}” to`, tag.name);
                  if (renamed?.trim())
                    save.mutate({ workspaceId: props.workspaceId, id: tag.id, name: renamed, colour: tag.colour });
                }}
              >
                Rename
              </button>
              <ColourPicker
                label={`Colour of ${tag.name}`}
                value={tag.colour}
                onChange={(next) => save.mutate({ workspaceId: props.workspaceId, id: tag.id, name: tag.name, colour: next })}
              />
              <select
                aria-label={`Merge ${tag.name} into`}
                value=""
                onChange={(event) => event.target.value && remove.mutate({ id: tag.id, intoId: event.target.value })}
                className="rounded-md border border-slate-400 px-1 py-0.5"
              >
                <option value="">Merge into…</option>
                {props.tags
                  .filter((other) => other.id !== tag.id)
                  .map((other) => (
                    <option key={other.id} value={other.id}>
                      {other.name}
                    </option>
                  ))}
              </select>
              <button
                type="button"
                className="text-red-700 underline"
                onClick={() =>
                  window.confirm(`Delete “${tag.name}” from ${tag.contacts} contacts?`) && remove.mutate({ id: tag.id })
                }
              >
                Delete
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ColourPicker(props: { label: string; value: TagColour; onChange: (colour: TagColour) => void }) {
  return (
    <select
      aria-label={props.label}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value as TagColour)}
      className="rounded-md border border-slate-400 px-1 py-0.5"
    >
      {TAG_COLOURS.map((colour) => (
        <option key={colour} value={colour}>
          {colour}
        </option>
      ))}
    </select>
  );
}
