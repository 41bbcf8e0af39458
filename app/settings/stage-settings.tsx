import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { PipelineStage } from "../api/types";
import { useTRPC } from "../trpc";

/** The pipeline's stages in order: add, rename, move up or down, delete (its contacts leave the pipeline). */
export function StageSettings(props: {
  workspaceId: string;
  stages: PipelineStage[];
  onDone: (m: string) => void;
  onError: (m: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const options = (done: string) => ({
    onSuccess: (result: { success: boolean; error?: { message: string } }) =>
      result.success ? props.onDone(done) : props.onError(result.error?.message ?? "Something went wrong."),
    onError: () => props.onError("Could not reach Frontdesk. Check your connection."),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: trpc.stages.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.contacts.pathKey() });
    },
  });
  const save = useMutation(trpc.stages.save.mutationOptions(options("Stage saved.")));
  const reorder = useMutation(trpc.stages.reorder.mutationOptions(options("Stages reordered.")));
  const remove = useMutation(trpc.stages.delete.mutationOptions(options("Stage deleted.")));
  const ids = props.stages.map((stage) => stage.id);
  const swap = (index: number, by: number) => {
    const next = [...ids];
    const [moved] = next.splice(index, 1);
    if (moved) next.splice(index + by, 0, moved);
    reorder.mutate({ workspaceId: props.workspaceId, stageIds: next });
  };
  return (
    <section aria-labelledby="stages-heading" className="space-y-2">
      <h2 id="stages-heading" className="font-semibold">
        Pipeline stages
      </h2>
      <ol className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white text-sm">
        {props.stages.map((stage, index) => (
          <li key={stage.id} data-testid="stage-setting" className="flex items-center gap-2 px-3 py-2">
            <span className="flex-1 font-medium">{stage.name}</span>
            <button
              type="button"
              disabled={index === 0}
              onClick={() => swap(index, -1)}
              aria-label={`Move ${stage.name} up`}
              className="px-1 disabled:opacity-40"
            >
              ↑
            </button>
            <button
              type="button"
              disabled={index === props.stages.length - 1}
              onClick={() => swap(index, 1)}
              aria-label={`Move ${stage.name} down`}
              className="px-1 disabled:opacity-40"
            >
              ↓
            </button>
            <button
              type="button"
              className="underline"
              onClick={() => {
                const renamed = window.prompt(`Rename “${stage.name}” to`, stage.name);
                if (renamed?.trim()) save.mutate({ workspaceId: props.workspaceId, id: stage.id, name: renamed });
              }}
            >
              Rename
            </button>
            <button
              type="button"
              className="text-red-700 underline"
              onClick={() =>
                window.confirm(`Delete “${stage.name}”? Its contacts leave the pipeline.`) && remove.mutate({ id: stage.id })
              }
            >
              Delete
            </button>
          </li>
        ))}
      </ol>
      <form
        className="flex items-center gap-2 text-sm"
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate({ workspaceId: props.workspaceId, name }, { onSuccess: (r) => r.success && setName("") });
        }}
      >
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-label="New stage"
          placeholder="New stage"
          className="rounded-md border border-slate-400 px-2 py-1"
        />
        <button type="submit" className="rounded-md border border-slate-400 px-2 py-1 hover:bg-slate-50">
          Add stage
        </button>
      </form>
    </section>
  );
}
