import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { FIELD_TYPES, type FieldType } from "../../supabase/functions/_shared/contact-taxonomy";
import type { ContactField } from "../api/types";
import { useTRPC } from "../trpc";

/** The workspace's custom fields: add one (key, label, type, a choice's options), relabel, delete. */
export function FieldSettings(props: {
  workspaceId: string;
  fields: ContactField[];
  onDone: (m: string) => void;
  onError: (m: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState({ label: "", key: "", type: "text" as FieldType, options: "" });
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const settled = () => void queryClient.invalidateQueries({ queryKey: trpc.contactFields.pathKey() });
  const unreachable = () => props.onError("Could not reach Frontdesk. Check your connection.");
  const save = useMutation(
    trpc.contactFields.save.mutationOptions({
      onSuccess: (result) => {
        if (!result.success) return setErrors(result.error.details?.fieldErrors ?? { label: [result.error.message] });
        setErrors({});
        setDraft({ label: "", key: "", type: "text", options: "" });
        props.onDone("Field saved.");
      },
      onError: unreachable,
      onSettled: settled,
    }),
  );
  const remove = useMutation(
    trpc.contactFields.delete.mutationOptions({
      onSuccess: (result) => (result.success ? props.onDone("Field deleted.") : props.onError(result.error.message)),
      onError: unreachable,
      onSettled: settled,
    }),
  );
  const keyFor = (label: string) =>
    label
      .toLowerCase()
      .normalize("NFD")
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .replace(/^(\d)/, "f_$1")
      .slice(0, 32);
  const error = (name: string) => (errors[name] ? <span className="block text-xs text-red-700">{errors[name]?.[0]}</span> : null);
  return (
    <section aria-labelledby="fields-heading" className="space-y-2">
      <h2 id="fields-heading" className="font-semibold">
        Custom fields
      </h2>
      <p className="text-sm text-slate-700">Shown on every contact; saved replies can use them as {"{{contact.key}}"}.</p>
      {props.fields.length === 0 ? <p className="text-sm text-slate-600">No fields yet.</p> : null}
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white text-sm">
        {props.fields.map((field) => (
          <li key={field.id} data-testid="field-setting" className="flex flex-wrap items-center gap-2 px-3 py-2">
            <span className="font-medium">{field.label}</span>
            <code className="text-xs text-slate-600">{`{{contact.${field.key}}}`}</code>
            <span className="text-slate-600">
              {FIELD_TYPES[field.type]}
              {field.type === "select" ? `: ${field.options.join(", ")}` : ""}
            </span>
            <button
              type="button"
              className="ml-auto text-red-700 underline"
              onClick={() =>
                window.confirm(`Delete “${field.label}” and its value on every contact?`) && remove.mutate({ id: field.id })
              }
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
      <form
        className="flex flex-wrap items-end gap-2 text-sm"
        onSubmit={(event) => {
          event.preventDefault();
          const options =
            draft.type === "select"
              ? draft.options
                  .split(",")
                  .map((o) => o.trim())
                  .filter(Boolean)
              : [];
          save.mutate({
            workspaceId: props.workspaceId,
            key: draft.key || keyFor(draft.label),
            label: draft.label,
            type: draft.type,
            options,
          });
        }}
      >
        <label className="flex flex-col text-xs">
          Label
          <input
            value={draft.label}
            onChange={(e) => setDraft({ ...draft, label: e.target.value })}
            className="rounded-md border border-slate-400 px-2 py-1 text-sm"
          />
          {error("label")}
        </label>
        <label className="flex flex-col text-xs">
          Key
          <input
            value={draft.key}
            placeholder={keyFor(draft.label) || "membership_number"}
            onChange={(e) => setDraft({ ...draft, key: e.target.value })}
            className="rounded-md border border-slate-400 px-2 py-1 text-sm"
          />
          {error("key")}
        </label>
        <label className="flex flex-col text-xs">
          Type
          <select
            value={draft.type}
            onChange={(e) => setDraft({ ...draft, type: e.target.value as FieldType })}
            className="rounded-md border border-slate-400 px-2 py-1 text-sm"
          >
            {Object.entries(FIELD_TYPES).map(([type, label]) => (
              <option key={type} value={type}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {draft.type === "select" ? (
          <label className="flex flex-col text-xs">
            Options (comma-separated)
            <input
              value={draft.options}
              onChange={(e) => setDraft({ ...draft, options: e.target.value })}
              className="rounded-md border border-slate-400 px-2 py-1 text-sm"
            />
            {error("options")}
          </label>
        ) : null}
        <button
          type="submit"
          disabled={save.isPending}
          className="rounded-md border border-slate-400 px-2 py-1 hover:bg-slate-50"
        >
          Add field
        </button>
      </form>
    </section>
  );
}
