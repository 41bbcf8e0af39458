import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Contact } from "../api/types";
import { useTRPC } from "../trpc";

/** A contact's name, phone and email, edited together; the server's field errors are shown under each. */
export function ContactDetails(props: {
  contact: Contact;
  onDone: (message: string) => void;
  onError: (message: string) => void;
}) {
  const { contact } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState({
    displayName: contact.displayName ?? "",
    phone: contact.phone ?? "",
    email: contact.email ?? "",
  });
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const save = useMutation(
    trpc.contacts.update.mutationOptions({
      onSuccess: (result) => {
        if (!result.success) return setErrors(result.error.details?.fieldErrors ?? { displayName: [result.error.message] });
        setErrors({});
        queryClient.setQueryData(trpc.contacts.get.queryKey({ contactId: contact.id }), result);
        void queryClient.invalidateQueries({ queryKey: trpc.contacts.pathKey() });
        props.onDone("Contact saved.");
      },
      onError: () => props.onError("Could not reach Frontdesk: nothing was saved. Try again."),
    }),
  );
  const input = (name: keyof typeof draft, label: string, type = "text") => (
    <label className="block">
      <span className="text-xs text-slate-700">{label}</span>
      <input
        type={type}
        value={draft[name]}
        onChange={(event) => setDraft({ ...draft, [name]: event.target.value })}
        aria-invalid={Boolean(errors[name])}
        className="mt-0.5 block w-full rounded-md border border-slate-400 px-2 py-1"
      />
      {errors[name] ? <span className="block text-xs text-red-700">{errors[name]?.[0]}</span> : null}
    </label>
  );
  return (
    <form
      className="space-y-2"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate({ contactId: contact.id, displayName: draft.displayName || null, phone: draft.phone, email: draft.email });
      }}
    >
      {input("displayName", "Name")}
      {input("phone", "Phone", "tel")}
      {input("email", "Email", "email")}
      <button
        type="submit"
        disabled={save.isPending}
        className="rounded-md border border-slate-400 px-3 py-1 text-sm hover:bg-slate-50"
      >
        {save.isPending ? "Saving…" : "Save details"}
      </button>
    </form>
  );
}
