import { useQuery } from "@tanstack/react-query";
import {
  BROADCAST_VARIABLES,
  type RecipientFacts,
  recipientMessage,
  variablesIn,
} from "../../supabase/functions/_shared/broadcast-message";
import { headerMediaFormat, templateSlots } from "../../supabase/functions/_shared/whatsapp-templates";
import { useTRPC } from "../trpc";

export interface MessageDraft {
  templateId: string | null;
  templateValues: Record<string, string>;
  body: string | null;
  fallbacks: Record<string, string>;
}

/** Who the preview is for: a made-up member, so the preview shows every variable filled. */
const SAMPLE: Omit<RecipientFacts, "gymName"> = {
  displayName: "Alex Morgan",
  phone: "+447700900123",
  email: "alex@example.com",
  fields: {},
};

/**
 * The message: on WhatsApp an approved template with each of its values (text with {{contact.…}} variables), else a
 * text; a fallback for each variable a member may lack; the message as a sample member would read it.
 */
export function MessageEditor(props: {
  workspaceId: string;
  channelId: string;
  whatsapp: boolean;
  gymName: string;
  draft: MessageDraft;
  errors: Record<string, string[] | undefined>;
  onChange: (draft: MessageDraft) => void;
}) {
  const trpc = useTRPC();
  const templates = useQuery({
    ...trpc.templates.list.queryOptions({ workspaceId: props.workspaceId, channelAccountId: props.channelId }),
    enabled: props.whatsapp,
  });
  const { draft } = props;
  const list = templates.data?.success ? templates.data.data.templates : [];
  const template = list.find((t) => t.id === draft.templateId) ?? null;
  const texts = props.whatsapp ? Object.values(draft.templateValues) : [draft.body ?? ""];
  const variables = [...new Set(texts.flatMap(variablesIn))].filter((name) => name !== "gym.name");
  const preview = props.whatsapp
    ? template
      ? recipientMessage(
          { template: template.components, values: draft.templateValues },
          { ...SAMPLE, gymName: props.gymName },
          draft.fallbacks,
        )
      : null
    : recipientMessage({ body: draft.body ?? "" }, { ...SAMPLE, gymName: props.gymName }, draft.fallbacks);
  const error = (key: string) => props.errors[key]?.[0];
  return (
    <fieldset className="space-y-3 rounded-md border border-slate-200 p-3 text-sm">
      <legend className="px-1 font-medium">Message</legend>
      <p className="text-slate-600">
        Variables:{" "}
        {Object.keys(BROADCAST_VARIABLES)
          .map((name) => `{{${name}}}`)
          .join(", ")}
        , and {"{{contact.<field key>}}"} for a custom field.
      </p>
      {props.whatsapp ? (
        <>
          <label className="block">
            <span className="font-medium">Approved template</span>
            <select
              value={draft.templateId ?? ""}
              onChange={(event) => props.onChange({ ...draft, templateId: event.target.value || null, templateValues: {} })}
              className="mt-1 block w-full rounded-md border border-slate-400 px-2 py-1.5"
              aria-invalid={Boolean(error("templateId"))}
            >
              <option value="">Choose a template…</option>
              {list.map((t) => (
                <option key={t.id} value={t.id} disabled={t.status !== "APPROVED" || Boolean(headerMediaFormat(t.components))}>
                  {t.name} ({t.language}, {t.category.toLowerCase()})
                  {t.status !== "APPROVED"
                    ? ` — ${t.status.toLowerCase()}`
                    : headerMediaFormat(t.components)
                      ? " — has a header file"
                      : ""}
                </option>
              ))}
            </select>
            {error("templateId") ? <span className="text-red-700">{error("templateId")}</span> : null}
          </label>
          {template
            ? templateSlots(template.components).map((slot) => (
                <label key={slot.key} className="block">
                  <span className="font-medium">{slot.label}</span>
                  <input
                    value={draft.templateValues[slot.key] ?? ""}
                    placeholder={slot.example ? `e.g. ${slot.example} or {{contact.first_name}}` : "{{contact.first_name}}"}
                    onChange={(event) =>
                      props.onChange({ ...draft, templateValues: { ...draft.templateValues, [slot.key]: event.target.value } })
                    }
                    className="mt-1 block w-full rounded-md border border-slate-400 px-2 py-1.5"
                    aria-invalid={Boolean(error(`templateValues.${slot.key}`))}
                  />
                  {error(`templateValues.${slot.key}`) ? (
                    <span className="text-red-700">{error(`templateValues.${slot.key}`)}</span>
                  ) : null}
                </label>
              ))
            : null}
        </>
      ) : (
        <label className="block">
          <span className="font-medium">Text</span>
          <textarea
            value={draft.body ?? ""}
            onChange={(event) => props.onChange({ ...draft, body: event.target.value })}
            rows={4}
            maxLength={2000}
            className="mt-1 block w-full rounded-md border border-slate-400 px-2 py-1.5"
            aria-invalid={Boolean(error("body"))}
          />
          {error("body") ? <span className="text-red-700">{error("body")}</span> : null}
        </label>
      )}
      {error("message") ? <p className="text-red-700">{error("message")}</p> : null}
      {variables.map((name) => (
        <label key={name} className="block">
          <span className="font-medium">For members without {`{{${name}}}`}, use</span>
          <input
            value={draft.fallbacks[name] ?? ""}
            onChange={(event) => props.onChange({ ...draft, fallbacks: { ...draft.fallbacks, [name]: event.target.value } })}
            placeholder={name === "contact.first_name" ? "there" : ""}
            className="mt-1 block w-full rounded-md border border-slate-400 px-2 py-1.5"
            aria-invalid={Boolean(error(`fallbacks.${name}`))}
          />
          {error(`fallbacks.${name}`) ? <span className="text-red-700">{error(`fallbacks.${name}`)}</span> : null}
        </label>
      ))}
      <div>
        <p className="font-medium">Preview for {SAMPLE.displayName}</p>
        <p className="mt-1 whitespace-pre-wrap rounded-md bg-emerald-50 p-2" data-testid="broadcast-preview">
          {preview ? (preview.ok ? preview.text : preview.problem) : "Choose a template to see it."}
        </p>
      </div>
    </fieldset>
  );
}
