import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Contact } from "../api/types";
import { useTRPC } from "../trpc";
import type { ToastAction } from "../ui/toast";
import { useDraft } from "./drafts";

/** The limit the server holds notes to (server/services/contacts.ts CONTACT_LIMITS). */
const NOTES_LIMIT = 10_000;

/**
 * A contact's notes. What is typed is kept as a draft until saved, across conversations and reloads, and
 * the panel says so; saving confirms, and a refusal says why next to the field.
 */
export function ContactNotes({
  contact,
  userId,
  onError,
  onDone,
}: {
  contact: Contact;
  userId: string | undefined;
  onError: (message: string) => void;
  onDone: (message: string, undo?: ToastAction) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useDraft(`${userId ?? "anyone"}:notes:${contact.id}`);
  const notes = draft ?? contact.notes;
  const unsaved = draft !== null && draft !== contact.notes;
  const save = useMutation(
    trpc.contacts.update.mutationOptions({
      onSuccess: (result) => {
        if (!result.success) return;
        setDraft(null);
        queryClient.setQueryData(trpc.contacts.get.queryKey({ contactId: contact.id }), result);
        onDone("Notes saved.");
      },
      onError: () => onError("Could not reach Frontdesk: the notes are not saved yet. Try again."),
    }),
  );
  const refusal = save.data && !save.data.success ? save.data.error : null;
  const fieldError = refusal?.details?.fieldErrors?.notes?.[0] ?? refusal?.message;
  const tooLong = notes.length > NOTES_LIMIT;
  return (
    <form
      className="space-y-1"
      onSubmit={(event) => {
        event.preventDefault();
        if (!tooLong) save.mutate({ contactId: contact.id, notes });
      }}
    >
      <label className="block">
        <span className="text-xs font-medium uppercase text-slate-600">Notes</span>
        <textarea
          value={notes}
          onChange={(event) => setDraft(event.target.value === contact.notes ? null : event.target.value)}
          rows={4}
          aria-invalid={tooLong || Boolean(fieldError)}
          aria-describedby="notes-help"
          className="mt-1 block w-full rounded-md border border-slate-400 px-2 py-1"
        />
      </label>
      <p id="notes-help" className={`text-xs ${tooLong || fieldError ? "text-red-700" : "text-slate-600"}`}>
        {tooLong
          ? `Notes can be at most ${NOTES_LIMIT.toLocaleString("en")} characters (${notes.length.toLocaleString("en")} now).`
          : (fieldError ??
            (unsaved ? "Unsaved changes." : `${notes.length.toLocaleString("en")} / ${NOTES_LIMIT.toLocaleString("en")}`))}
      </p>
      <div className="flex items-center gap-3">
        <button
          type="submit"
          disabled={!unsaved || tooLong || save.isPending}
          className="rounded-md bg-slate-800 px-3 py-1.5 text-white disabled:opacity-50"
        >
          {save.isPending ? "Saving…" : "Save notes"}
        </button>
        {unsaved ? (
          <button type="button" onClick={() => setDraft(null)} className="text-xs text-slate-700 underline">
            Discard changes
          </button>
        ) : null}
      </div>
    </form>
  );
}
