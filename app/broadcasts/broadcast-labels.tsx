import { type BroadcastStatus, type RecipientStatus, SKIP_REASONS } from "../../supabase/functions/_shared/broadcast-states";

/** A broadcast's status as staff read it, and its badge's colours. */
export const BROADCAST_STATUS: Record<BroadcastStatus, { label: string; className: string }> = {
  draft: { label: "Draft", className: "bg-slate-100 text-slate-800" },
  scheduled: { label: "Scheduled", className: "bg-sky-100 text-sky-900" },
  sending: { label: "Sending", className: "bg-indigo-100 text-indigo-900" },
  paused: { label: "Paused", className: "bg-amber-100 text-amber-900" },
  done: { label: "Done", className: "bg-emerald-100 text-emerald-900" },
  cancelled: { label: "Cancelled", className: "bg-slate-200 text-slate-800" },
};

/** Each recipient status, in the order a message moves through them, as the progress and the table say it. */
export const RECIPIENT_STATUS: Record<RecipientStatus, string> = {
  queued: "Queued",
  sending: "Sending",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  replied: "Replied",
  skipped: "Skipped",
  failed: "Failed",
};

/** Why a recipient failed or was skipped, in words: our reasons, and Meta's codes a gym meets. */
const REASONS: Record<string, string> = {
  ...SKIP_REASONS,
  missing_value: "A variable had no value",
  unconfirmed: "Meta did not confirm it: it may have been delivered",
  "131047": "Outside WhatsApp's 24-hour window",
  "131049": "Not delivered by Meta (marketing limits)",
  "131050": "The member stopped marketing messages on WhatsApp",
  "131026": "Not a WhatsApp number",
  RATE_LIMITED: "Rate limited by Meta",
  PROVIDER_ERROR: "Meta did not take it",
};

export const reasonLabel = (reason: string | null, detail: string | null): string =>
  reason ? (REASONS[reason] ?? (reason.startsWith("132") ? "Meta refused the template's values" : (detail ?? reason))) : "";

export function StatusBadge({ status }: { status: BroadcastStatus }) {
  const shown = BROADCAST_STATUS[status];
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${shown.className}`}>{shown.label}</span>;
}
