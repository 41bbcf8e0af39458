import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { fieldVariable, REPLY_VARIABLES } from "../../supabase/functions/_shared/reply-variables";
import type { SavedReply } from "../api/types";
import { useTaxonomy } from "../contacts/use-taxonomy";
import type { RealtimeSettings } from "../inbox/live-updates";
import { useTRPC } from "../trpc";
import { type SavedReplyFile, SavedReplyFileField } from "./saved-reply-file";

/** Writes a new saved reply, or edits one: shortcut, text, the variables it may use; errors next to their field. */
export function SavedReplyForm(props: {
  workspaceId: string;
  project: RealtimeSettings;
  editing: SavedReply | null;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { fields } = useTaxonomy(props.workspaceId);
  const [shortcut, setShortcut] = useState(props.editing?.shortcut ?? "");
  const [body, setBody] = useState(props.editing?.body ?? "");
  const [file, setFile] = useState<SavedReplyFile>(props.editing?.attachment ?? null);
  const [uploading, setUploading] = useState(false);
  const [errors, setErrors] = useState<{ shortcut?: string; body?: string; attachment?: string; form?: string }>({});
  const save = useMutation(
    trpc.savedReplies.save.mutationOptions({
      onSuccess: (result) => {
        if (!result.success) {
          const fields = (result.error.details as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors ?? {};
          setErrors({
            shortcut: fields.shortcut?.[0],
            body: fields.body?.[0],
            attachment: fields.attachment?.[0],
            form: fields.shortcut || fields.body || fields.attachment ? undefined : result.error.message,
          });
          return;
        }
        setErrors({});
        setShortcut("");
        setBody("");
        setFile(null);
        props.onDone(props.editing ? "Saved reply updated." : "Saved reply added.");
        void queryClient.invalidateQueries({ queryKey: trpc.savedReplies.pathKey() });
      },
      onError: () => setErrors({ form: "Could not reach Frontdesk. Check your connection." }),
    }),
  );
  const input = "mt-1 block w-full rounded-md border border-slate-400 px-3 py-1.5 text-sm";
  return (
    <form
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
      aria-labelledby="saved-reply-heading"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate({
          workspaceId: props.workspaceId,
          id: props.editing?.id,
          shortcut,
          body,
          attachmentPath: file?.storedPath ?? null,
        });
      }}
    >
      <h2 id="saved-reply-heading" className="font-medium">
        {props.editing ? `Edit /${props.editing.shortcut}` : "Add a saved reply"}
      </h2>
      {errors.form ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {errors.form}
        </p>
      ) : null}
      <label className="block text-sm">
        <span className="font-medium">Shortcut</span>
        <span className="mt-1 flex items-center gap-1">
          <span aria-hidden>/</span>
          <input
            value={shortcut}
            onChange={(event) => setShortcut(event.target.value)}
            aria-invalid={Boolean(errors.shortcut)}
            aria-describedby={errors.shortcut ? "shortcut-error" : undefined}
            className={input}
          />
        </span>
      </label>
      {errors.shortcut ? (
        <p id="shortcut-error" className="text-sm text-red-800">
          {errors.shortcut}
        </p>
      ) : null}
      <label className="block text-sm">
        <span className="font-medium">Text</span>
        <textarea
          value={body}
          rows={3}
          onChange={(event) => setBody(event.target.value)}
          aria-invalid={Boolean(errors.body)}
          aria-describedby={errors.body ? "body-error" : "body-hint"}
          className={input}
        />
      </label>
      {errors.body ? (
        <p id="body-error" className="text-sm text-red-800">
          {errors.body}
        </p>
      ) : (
        <p id="body-hint" className="text-xs text-slate-600">
          Variables:{" "}
          {[
            ...Object.entries(REPLY_VARIABLES).map(([name, meaning]) => `{{${name}}} (${meaning})`),
            ...fields.map((field) => `{{${fieldVariable(field.key)}}} (${field.label})`),
          ].join(", ")}
          .
        </p>
      )}
      <SavedReplyFileField
        workspaceId={props.workspaceId}
        project={props.project}
        file={file}
        onChange={setFile}
        onUploading={setUploading}
        error={errors.attachment}
      />
      <div className="flex gap-2">
        <button
          type="submit"
          disabled={save.isPending || uploading}
          className="rounded-md bg-indigo-700 px-4 py-1.5 text-sm font-medium text-white disabled:opacity-60"
        >
          {save.isPending ? "Saving…" : props.editing ? "Save changes" : "Add saved reply"}
        </button>
        {props.editing ? (
          <button type="button" onClick={props.onCancel} className="rounded-md border border-slate-400 px-3 py-1.5 text-sm">
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
