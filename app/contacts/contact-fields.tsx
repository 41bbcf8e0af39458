import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { type FieldValue, fieldValueProblem } from "../../supabase/functions/_shared/contact-taxonomy";
import type { Contact, ContactField } from "../api/types";
import { useTRPC } from "../trpc";

/** The workspace's custom fields on a contact: each saved when it changes (text on leaving it), checked by type first. */
export function ContactFields(props: { contact: Contact; fields: ContactField[]; onError: (message: string) => void }) {
  const { contact } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [problems, setProblems] = useState<Record<string, string>>({});
  const save = useMutation(
    trpc.contacts.setFields.mutationOptions({
      onSuccess: (result) => {
        if (result.success) queryClient.setQueryData(trpc.contacts.get.queryKey({ contactId: contact.id }), result);
        else
          setProblems(
            Object.fromEntries(Object.entries(result.error.details?.fieldErrors ?? {}).map(([k, v]) => [k, v[0] ?? ""])),
          );
      },
      onError: () => props.onError("Could not reach Frontdesk: the field is as it was. Try again."),
    }),
  );
  if (props.fields.length === 0) return null;
  const commit = (field: ContactField, value: FieldValue | null) => {
    if (value === (contact.customFields[field.id] ?? null)) return;
    const problem = fieldValueProblem(field, value);
    setProblems((current) => ({ ...current, [field.id]: problem ?? "" }));
    if (!problem) save.mutate({ contactId: contact.id, values: { [field.id]: value } });
  };
  return (
    <fieldset className="space-y-2">
      <legend className="text-xs font-medium uppercase text-slate-600">Fields</legend>
      {props.fields.map((field) => {
        const value = contact.customFields[field.id];
        const problem = problems[field.id];
        const common = {
          "aria-invalid": Boolean(problem),
          className: "mt-0.5 block w-full rounded-md border border-slate-400 px-2 py-1",
        };
        return (
          <div key={field.id}>
            <span className="text-xs text-slate-700" aria-hidden>
              {field.label}
            </span>
            {field.type === "checkbox" ? (
              <input
                type="checkbox"
                aria-label={field.label}
                checked={value === true}
                onChange={(event) => commit(field, event.target.checked)}
                className="ml-2"
              />
            ) : field.type === "select" ? (
              <select
                {...common}
                aria-label={field.label}
                value={typeof value === "string" ? value : ""}
                onChange={(event) => commit(field, event.target.value || null)}
              >
                <option value="">—</option>
                {field.options.map((option) => (
                  <option key={option}>{option}</option>
                ))}
              </select>
            ) : (
              <input
                {...common}
                key={`${field.id}-${String(value)}`}
                aria-label={field.label}
                type={field.type === "number" ? "number" : field.type === "date" ? "date" : "text"}
                defaultValue={value === undefined ? "" : String(value)}
                onBlur={(event) => {
                  const text = event.currentTarget.value.trim();
                  commit(field, text === "" ? null : field.type === "number" ? Number(text) : text);
                }}
              />
            )}
            {problem ? <span className="block text-xs text-red-700">{problem}</span> : null}
          </div>
        );
      })}
    </fieldset>
  );
}
