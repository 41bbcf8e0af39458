import { renderTemplate, type TemplateComponent } from "../../supabase/functions/_shared/whatsapp-templates";

/** A template as the member's WhatsApp shows it, with these values filled in (unfilled ones stay as `{{1}}`). */
export function TemplatePreview({ components, values }: { components: TemplateComponent[]; values: Record<string, string> }) {
  const rendered = renderTemplate(components, values);
  return (
    <div data-testid="template-preview" className="max-w-md rounded-lg bg-emerald-50 px-3 py-2 text-sm text-slate-900 shadow-sm">
      {rendered.headerMedia ? (
        <p className="mb-1 rounded bg-slate-200 px-2 py-3 text-center text-xs text-slate-700">
          {rendered.headerMedia.toLowerCase()} header
        </p>
      ) : null}
      {rendered.header ? <p className="font-semibold">{rendered.header}</p> : null}
      <p className="whitespace-pre-wrap">{rendered.body}</p>
      {rendered.footer ? <p className="mt-1 text-xs text-slate-600">{rendered.footer}</p> : null}
      {rendered.buttons.length > 0 ? (
        <ul className="mt-2 flex flex-wrap gap-1">
          {rendered.buttons.map((button) => (
            <li key={button} className="rounded border border-emerald-300 bg-white px-2 py-0.5 text-xs text-emerald-900">
              {button}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Meta's template statuses and rejection reasons, said for a gym's staff. */
export const STATUS_LABELS: Record<string, string> = {
  APPROVED: "Approved",
  PENDING: "In review",
  REJECTED: "Rejected",
  PAUSED: "Paused",
  DISABLED: "Disabled",
  IN_APPEAL: "In appeal",
  PENDING_DELETION: "Being deleted",
  DELETED: "Deleted",
  ARCHIVED: "Archived",
  LIMIT_EXCEEDED: "Over the limit",
};

const REJECTION_REASONS: Record<string, string> = {
  INVALID_FORMAT: "its format is not valid (check variables and examples)",
  ABUSIVE_CONTENT: "Meta found its content abusive",
  INCORRECT_CATEGORY: "its category does not match its content",
  TAG_CONTENT_MISMATCH: "its content does not match its category",
  SCAM: "Meta considered it a scam",
  PROMOTIONAL: "it is promotional and needs the Marketing category",
};

/** Why a template cannot be sent right now, or null when it can. */
export function whyNotSendable(template: { status: string; rejectedReason: string | null }): string | null {
  if (template.status === "APPROVED") return null;
  const label = STATUS_LABELS[template.status] ?? template.status;
  if (template.status === "REJECTED" && template.rejectedReason) {
    return `${label}: ${REJECTION_REASONS[template.rejectedReason] ?? template.rejectedReason.toLowerCase()}`;
  }
  return label;
}

export const statusTone = (status: string) =>
  status === "APPROVED"
    ? "bg-emerald-100 text-emerald-900"
    : status === "PENDING" || status === "IN_APPEAL"
      ? "bg-slate-100 text-slate-800"
      : "bg-red-100 text-red-900";
