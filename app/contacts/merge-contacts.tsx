import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { fieldValueText } from "../../supabase/functions/_shared/contact-taxonomy";
import type { Contact, ContactField } from "../api/types";
import { useTRPC } from "../trpc";
import { ChannelBadge } from "../ui/channel-badge";

type Side = "kept" | "duplicate";

/**
 * Merging another contact into this one: what moves over, and a choice for each detail both have with different
 * values. Managers and admins only (the server says so too).
 */
export function MergeContacts(props: {
  kept: Contact;
  fields: ContactField[];
  canMerge: boolean;
  onDone: (message: string) => void;
  onError: (message: string) => void;
}) {
  const trpc = useTRPC();
  const [duplicateId, setDuplicateId] = useState<string | null>(null);
  const [search, setSearch] = useState("");
  const duplicates = useQuery(trpc.contacts.duplicates.queryOptions({ contactId: props.kept.id }));
  const found = useQuery({
    ...trpc.contacts.list.queryOptions({ workspaceId: props.kept.workspaceId, search: search.trim(), limit: 8 }),
    enabled: search.trim().length >= 2,
  });
  const suggestions = duplicates.data?.success ? duplicates.data.data : [];
  const candidates = (found.data?.success ? found.data.data.items : []).filter((c) => c.id !== props.kept.id);
  return (
    <section aria-labelledby="merge-heading" className="space-y-2 rounded-md border border-slate-200 bg-white p-3">
      <h2 id="merge-heading" className="text-sm font-semibold">
        Same person on another channel?
      </h2>
      {suggestions.length > 0 ? (
        <ul className="space-y-1 text-sm" aria-label="Likely duplicates">
          {suggestions.map(({ contact, reason }) => (
            <li key={contact.id} className="flex items-center gap-2" data-testid="duplicate-suggestion">
              <span className="font-medium">{contact.displayName ?? contact.phone ?? "Unknown member"}</span>
              <span className="text-slate-600">same {reason}</span>
              {contact.providers.map((provider) => (
                <ChannelBadge key={provider} provider={provider} />
              ))}
              {props.canMerge ? (
                <button type="button" onClick={() => setDuplicateId(contact.id)} className="ml-auto text-indigo-700 underline">
                  Merge…
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-600">No other contact has this phone number or email.</p>
      )}
      {props.canMerge ? (
        <>
          <label className="block text-xs text-slate-700">
            Find another contact to merge into this one
            <input
              type="search"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              placeholder="Name, phone, email or handle"
              className="mt-0.5 block w-full rounded-md border border-slate-400 px-2 py-1 text-sm"
            />
          </label>
          {candidates.length > 0 ? (
            <ul className="space-y-1 text-sm" aria-label="Contacts found">
              {candidates.map((contact) => (
                <li key={contact.id} className="flex items-center gap-2">
                  <span>{contact.displayName ?? contact.phone ?? "Unknown member"}</span>
                  {contact.providers.map((provider) => (
                    <ChannelBadge key={provider} provider={provider} />
                  ))}
                  <button type="button" onClick={() => setDuplicateId(contact.id)} className="ml-auto text-indigo-700 underline">
                    Merge…
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : (
        <p className="text-xs text-slate-600">Managers and admins merge contacts.</p>
      )}
      {duplicateId ? (
        <MergeChoices
          kept={props.kept}
          duplicateId={duplicateId}
          fields={props.fields}
          onClose={() => setDuplicateId(null)}
          onDone={(message) => {
            setDuplicateId(null);
            setSearch("");
            props.onDone(message);
          }}
          onError={props.onError}
        />
      ) : null}
    </section>
  );
}

function MergeChoices(props: {
  kept: Contact;
  duplicateId: string;
  fields: ContactField[];
  onClose: () => void;
  onDone: (message: string) => void;
  onError: (message: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const duplicate = useQuery(trpc.contacts.get.queryOptions({ contactId: props.duplicateId }));
  const [choices, setChoices] = useState<Record<string, Side>>({});
  const merge = useMutation(
    trpc.contacts.merge.mutationOptions({
      onSuccess: (result) => {
        if (!result.success) return props.onError(result.error.message);
        queryClient.setQueryData(trpc.contacts.get.queryKey({ contactId: props.kept.id }), result);
        void queryClient.invalidateQueries({ queryKey: trpc.contacts.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.pathKey() });
        props.onDone("Contacts merged: every conversation is now under this contact.");
      },
      onError: () => props.onError("Could not reach Frontdesk: nothing was merged. Try again."),
    }),
  );
  if (!duplicate.data?.success) return <p className="text-sm text-slate-600">Loading…</p>;
  const other = duplicate.data.data;
  const kept = props.kept;
  const conflicts: { key: string; label: string; mine: string; theirs: string }[] = [];
  const consider = (key: string, label: string, mine: string | null | undefined, theirs: string | null | undefined) => {
    if (mine && theirs && mine !== theirs) conflicts.push({ key, label, mine, theirs });
  };
  consider("displayName", "Name", kept.displayName, other.displayName);
  consider("phone", "Phone", kept.phone, other.phone);
  consider("email", "Email", kept.email, other.email);
  consider("stage", "Stage", kept.stage?.name, other.stage?.name);
  for (const field of props.fields) {
    consider(
      `field:${field.id}`,
      field.label,
      fieldValueText(field.type, kept.customFields[field.id]),
      fieldValueText(field.type, other.customFields[field.id]),
    );
  }
  const submit = () => {
    const fields: Record<string, Side> = {};
    const top: Record<string, Side> = {};
    for (const [key, side] of Object.entries(choices)) {
      if (key.startsWith("field:")) fields[key.slice(6)] = side;
      else top[key] = side;
    }
    merge.mutate({ keptId: kept.id, duplicateId: other.id, choices: { ...top, fields } });
  };
  return (
    <div
      role="dialog"
      aria-label="Merge contacts"
      className="space-y-2 rounded-md border border-indigo-300 bg-indigo-50 p-3 text-sm"
    >
      <p>
        <strong>{other.displayName ?? other.phone ?? "This contact"}</strong> ({other.identities.length} identities) will join{" "}
        <strong>{kept.displayName ?? kept.phone ?? "this contact"}</strong>: their conversations, identities, tags, notes and
        timeline move here, and they are removed. This cannot be undone.
      </p>
      {conflicts.map((conflict) => (
        <fieldset key={conflict.key} className="flex flex-wrap items-center gap-3">
          <legend className="font-medium">{conflict.label}</legend>
          {(["kept", "duplicate"] as const).map((side) => (
            <label key={side} className="flex items-center gap-1">
              <input
                type="radio"
                name={conflict.key}
                checked={(choices[conflict.key] ?? "kept") === side}
                onChange={() => setChoices({ ...choices, [conflict.key]: side })}
              />
              {side === "kept" ? conflict.mine : conflict.theirs}
            </label>
          ))}
        </fieldset>
      ))}
      <div className="flex gap-2">
        <button
          type="button"
          onClick={submit}
          disabled={merge.isPending}
          className="rounded-md bg-indigo-700 px-3 py-1.5 font-medium text-white hover:bg-indigo-800"
        >
          {merge.isPending ? "Merging…" : "Merge contacts"}
        </button>
        <button type="button" onClick={props.onClose} className="rounded-md border border-slate-400 bg-white px-3 py-1.5">
          Cancel
        </button>
      </div>
    </div>
  );
}
