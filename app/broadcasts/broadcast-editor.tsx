import { useNavigate } from "@remix-run/react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Broadcast, BroadcastAudience } from "../../server/services/broadcast-shape";
import { useTRPC } from "../trpc";
import { AudienceEditor } from "./audience-editor";
import { type MessageDraft, MessageEditor } from "./message-editor";
import { ReachSummary } from "./reach-summary";

/** A draft: its audience with the live count, its message with a preview, and Send now or at a time. */
export function BroadcastEditor(props: { broadcast: Broadcast; gymName: string; onError: (message: string) => void }) {
  const { broadcast } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [audience, setAudience] = useState<BroadcastAudience>(broadcast.audience);
  const [message, setMessage] = useState<MessageDraft>({
    templateId: broadcast.templateId,
    templateValues: broadcast.templateValues,
    body: broadcast.body,
    fallbacks: broadcast.fallbacks,
  });
  const [when, setWhen] = useState<"now" | "later">("now");
  const [sendAt, setSendAt] = useState("");
  const [errors, setErrors] = useState<Record<string, string[] | undefined>>({});
  const save = useMutation(trpc.broadcasts.save.mutationOptions());
  const start = useMutation(trpc.broadcasts.start.mutationOptions());
  const remove = useMutation(trpc.broadcasts.delete.mutationOptions());
  const busy = save.isPending || start.isPending;
  const saved = () =>
    save.mutateAsync({ workspaceId: broadcast.workspaceId, id: broadcast.id, audience, ...message }).then((result) => {
      if (!result.success) {
        setErrors(result.error.details?.fieldErrors ?? {});
        props.onError(result.error.message);
      }
      return result.success;
    });
  const send = async () => {
    setErrors({});
    if (!(await saved())) return;
    const at = when === "later" && sendAt ? new Date(sendAt) : null;
    if (when === "later" && !at) {
      setErrors({ sendAt: ["Pick when it goes out."] });
      return;
    }
    const result = await start.mutateAsync({ broadcastId: broadcast.id, sendAt: at });
    if (!result.success) {
      setErrors(result.error.details?.fieldErrors ?? {});
      props.onError(result.error.message);
    }
    await queryClient.invalidateQueries({ queryKey: trpc.broadcasts.pathKey() });
  };
  return (
    <div className="grid gap-4 lg:grid-cols-[2fr_1fr]">
      <div className="space-y-4">
        <AudienceEditor workspaceId={broadcast.workspaceId} audience={audience} onChange={setAudience} />
        {errors.audience ? <p className="text-sm text-red-700">{errors.audience[0]}</p> : null}
        <MessageEditor
          workspaceId={broadcast.workspaceId}
          channelId={broadcast.channel.id}
          whatsapp={broadcast.channel.provider === "whatsapp"}
          gymName={props.gymName}
          draft={message}
          errors={errors}
          onChange={setMessage}
        />
        <fieldset className="space-y-2 rounded-md border border-slate-200 p-3 text-sm">
          <legend className="px-1 font-medium">When</legend>
          <label className="flex items-center gap-2">
            <input type="radio" name="when" checked={when === "now"} onChange={() => setWhen("now")} />
            Send now
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="when" checked={when === "later"} onChange={() => setWhen("later")} />
            At
            <input
              type="datetime-local"
              value={sendAt}
              onChange={(event) => {
                setWhen("later");
                setSendAt(event.target.value);
              }}
              aria-label="Send at"
              className="rounded-md border border-slate-400 px-2 py-1"
            />
            <span className="text-slate-600">(your computer's time)</span>
          </label>
          {errors.sendAt ? <p className="text-red-700">{errors.sendAt[0]}</p> : null}
        </fieldset>
        <div className="flex gap-2 text-sm">
          <button
            type="button"
            disabled={busy}
            onClick={() => void send()}
            className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white"
          >
            {start.isPending ? "Starting…" : when === "now" ? "Send" : "Schedule"}
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => void saved()}
            className="rounded-md border border-slate-400 px-3 py-1.5"
          >
            {save.isPending ? "Saving…" : "Save draft"}
          </button>
          <button
            type="button"
            disabled={busy || remove.isPending}
            onClick={() => {
              if (!window.confirm("Delete this draft?")) return;
              remove.mutate(
                { broadcastId: broadcast.id },
                { onSuccess: (result) => (result.success ? navigate("/broadcasts") : props.onError(result.error.message)) },
              );
            }}
            className="rounded-md border border-red-300 px-3 py-1.5 text-red-800"
          >
            Delete draft
          </button>
        </div>
      </div>
      <ReachSummary
        workspaceId={broadcast.workspaceId}
        channelId={broadcast.channel.id}
        audience={audience}
        templateId={message.templateId}
      />
    </div>
  );
}
