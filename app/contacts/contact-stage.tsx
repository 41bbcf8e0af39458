import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Contact, PipelineStage } from "../api/types";
import { useTRPC } from "../trpc";
import { StageOptions } from "./stage-options";

/** Where the contact is in the pipeline, changed from its card. */
export function ContactStage(props: { contact: Contact; stages: PipelineStage[]; onError: (message: string) => void }) {
  const { contact } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const move = useMutation(
    trpc.contacts.setStage.mutationOptions({
      onSuccess: (result) => (result.success ? undefined : props.onError(result.error.message)),
      onError: () => props.onError("Could not reach Frontdesk: the stage is as it was. Try again."),
      onSettled: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.contacts.get.queryKey({ contactId: contact.id }) });
        void queryClient.invalidateQueries({ queryKey: trpc.contacts.pathKey() });
      },
    }),
  );
  return (
    <label className="block">
      <span className="text-xs font-medium uppercase text-slate-600">Stage</span>
      <select
        aria-label="Stage"
        value={move.isPending ? (move.variables?.stageId ?? "") : (contact.stage?.id ?? "")}
        onChange={(event) =>
          move.mutate({ workspaceId: contact.workspaceId, contactIds: [contact.id], stageId: event.target.value || null })
        }
        className="mt-1 block w-full rounded-md border border-slate-400 px-2 py-1"
      >
        <option value="">No stage</option>
        <StageOptions stages={props.stages} />
      </select>
    </label>
  );
}
