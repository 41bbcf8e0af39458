import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { PipelineStage, Tag } from "../api/types";
import { useTRPC } from "../trpc";
import { StageOptions } from "./stage-options";

/** What can be done to the selected contacts at once: tag them, untag them, move them to a stage. */
export function BulkActions(props: {
  workspaceId: string;
  contactIds: string[];
  tags: Tag[];
  stages: PipelineStage[];
  onDone: (message: string) => void;
  onError: (message: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [tagName, setTagName] = useState("");
  const settle = {
    onError: () => props.onError("Could not reach Frontdesk: nothing changed. Try again."),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: trpc.contacts.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.tags.pathKey() });
    },
  };
  const tag = useMutation(
    trpc.contacts.tag.mutationOptions({
      ...settle,
      onSuccess: (result) =>
        result.success
          ? props.onDone(`Tagged ${result.data.tagged} contacts “${tagName.trim()}”.`)
          : props.onError(result.error.message),
    }),
  );
  const untag = useMutation(
    trpc.contacts.untag.mutationOptions({
      ...settle,
      onSuccess: (result) =>
        result.success ? props.onDone(`Tag removed from ${result.data.untagged} contacts.`) : props.onError(result.error.message),
    }),
  );
  const stage = useMutation(
    trpc.contacts.setStage.mutationOptions({
      ...settle,
      onSuccess: (result) =>
        result.success ? props.onDone(`Moved ${result.data.moved} contacts.`) : props.onError(result.error.message),
    }),
  );
  const { workspaceId, contactIds } = props;
  return (
    <section aria-label="Bulk actions" className="flex flex-wrap items-center gap-3 rounded-md bg-indigo-50 px-3 py-2 text-sm">
      <span className="font-medium">{contactIds.length} selected</span>
      <form
        className="flex items-center gap-1"
        onSubmit={(event) => {
          event.preventDefault();
          if (tagName.trim()) tag.mutate({ workspaceId, contactIds, name: tagName });
        }}
      >
        <input
          list="bulk-tag-names"
          value={tagName}
          onChange={(event) => setTagName(event.target.value)}
          aria-label="Tag to add"
          placeholder="Tag"
          className="w-36 rounded-md border border-slate-400 px-2 py-1"
        />
        <datalist id="bulk-tag-names">
          {props.tags.map((t) => (
            <option key={t.id} value={t.name} />
          ))}
        </datalist>
        <button type="submit" disabled={tag.isPending} className="rounded-md border border-slate-400 bg-white px-2 py-1">
          Add tag
        </button>
      </form>
      <label className="flex items-center gap-1">
        Remove tag
        <select
          value=""
          onChange={(event) => event.target.value && untag.mutate({ workspaceId, contactIds, tagId: event.target.value })}
          className="rounded-md border border-slate-400 bg-white px-2 py-1"
        >
          <option value="">Choose…</option>
          {props.tags.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </label>
      <label className="flex items-center gap-1">
        Move to
        <select
          value=""
          onChange={(event) =>
            event.target.value &&
            stage.mutate({ workspaceId, contactIds, stageId: event.target.value === "none" ? null : event.target.value })
          }
          className="rounded-md border border-slate-400 bg-white px-2 py-1"
        >
          <option value="">Choose…</option>
          <StageOptions stages={props.stages} />
          <option value="none">No stage</option>
        </select>
      </label>
    </section>
  );
}
