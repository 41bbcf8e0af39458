import { OUTBOUND_MEDIA_RULES } from "../../supabase/functions/_shared/outbound-media";
import { headerMediaFormat, templateSlots, valueProblem } from "../../supabase/functions/_shared/whatsapp-templates";
import type { WhatsAppTemplate } from "../api/types";
import { TemplatePreview } from "../templates/template-preview";
import { FileChips } from "./file-chips";
import type { OutgoingFiles } from "./outgoing-files";

/** What a header's file input offers to pick: the types WhatsApp takes as that kind of file (outbound-media.ts). */
const headerAccept = (format: string) =>
  OUTBOUND_MEDIA_RULES.whatsapp
    .filter((rule) => rule.type === format.toLowerCase())
    .flatMap((rule) => rule.mimeTypes)
    .join(",");

/** A chosen template's values (and header file) to fill in, beside its live preview. */
export function TemplateForm(props: {
  template: WhatsAppTemplate;
  headerFiles: OutgoingFiles;
  values: Record<string, string>;
  errors: Record<string, string>;
  problem: string | null;
  sending: boolean;
  onChange: (key: string, value: string) => void;
  onBack: () => void;
  onSend: () => void;
}) {
  const slots = templateSlots(props.template.components);
  const headerFormat = headerMediaFormat(props.template.components);
  const { headerFiles } = props;
  const headerReady = !headerFormat || (headerFiles.uploaded.length > 0 && !headerFiles.uploading);
  const ready = headerReady && slots.every((slot) => valueProblem(props.values[slot.key]) === null);
  return (
    <form
      className="space-y-2"
      onSubmit={(event) => {
        event.preventDefault();
        if (ready) props.onSend();
      }}
    >
      <p className="text-sm">
        <span className="font-medium">{props.template.name}</span>{" "}
        <span className="text-xs text-slate-600">{props.template.language}</span>
      </p>
      <div className="flex flex-wrap gap-4">
        <div className="min-w-48 flex-1 space-y-2">
          {headerFormat ? (
            <div>
              <label htmlFor="template-header-file" className="block text-xs font-medium text-slate-800">
                Header {headerFormat.toLowerCase()}
              </label>
              <input
                id="template-header-file"
                type="file"
                accept={headerAccept(headerFormat)}
                onChange={(event) => {
                  const [file] = event.target.files ?? [];
                  event.target.value = "";
                  if (!file) return;
                  for (const earlier of headerFiles.files) headerFiles.remove(earlier.key);
                  headerFiles.add([file]);
                }}
                className="block w-full text-sm"
              />
              <FileChips files={headerFiles} />
              {props.errors.headerFile ? <p className="text-xs text-red-800">{props.errors.headerFile}</p> : null}
            </div>
          ) : null}
          {slots.length === 0 && !headerFormat ? (
            <p className="text-sm text-slate-700">This template has nothing to fill in.</p>
          ) : null}
          {slots.map((slot) => {
            const error = props.errors[slot.key];
            const id = `template-value-${slot.key}`;
            return (
              <div key={slot.key}>
                <label htmlFor={id} className="block text-xs font-medium text-slate-800">
                  {slot.label}
                </label>
                <input
                  id={id}
                  value={props.values[slot.key] ?? ""}
                  onChange={(event) => props.onChange(slot.key, event.target.value)}
                  placeholder={slot.example ? `e.g. ${slot.example}` : undefined}
                  aria-invalid={Boolean(error)}
                  aria-describedby={error ? `${id}-error` : undefined}
                  className="w-full rounded-md border border-slate-400 px-2 py-1 text-sm"
                />
                {error ? (
                  <p id={`${id}-error`} className="text-xs text-red-800">
                    {error}
                  </p>
                ) : null}
              </div>
            );
          })}
        </div>
        <TemplatePreview components={props.template.components} values={props.values} />
      </div>
      {props.problem ? (
        <p role="alert" className="text-sm text-red-800">
          {props.problem}
        </p>
      ) : null}
      <div className="flex gap-2">
        <button type="button" onClick={props.onBack} className="rounded-md border border-slate-400 px-3 py-1.5 text-sm">
          Other templates
        </button>
        <button
          type="submit"
          disabled={!ready || props.sending}
          className="rounded-md bg-indigo-700 px-4 py-1.5 text-sm font-medium text-white disabled:opacity-50"
        >
          {props.sending ? "Sending…" : "Send template"}
        </button>
      </div>
    </form>
  );
}
