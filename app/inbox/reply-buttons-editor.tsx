import { REPLY_BUTTON_LIMITS, REPLY_BUTTON_TITLE_LIMIT } from "../../supabase/functions/_shared/reply-buttons";
import type { ConversationSummary } from "../api/types";

/**
 * The buttons under a text reply: WhatsApp reply buttons or Messenger and Instagram quick replies, up to the channel's
 * number, each a title of up to 20 characters that the member taps (their tap comes back as a message).
 */
export function ReplyButtonsEditor({
  provider,
  titles,
  problem,
  onChange,
}: {
  provider: ConversationSummary["channel"]["provider"];
  titles: string[];
  problem: string | null;
  onChange: (titles: string[]) => void;
}) {
  const limit = REPLY_BUTTON_LIMITS[provider];
  const kind = provider === "whatsapp" ? "Reply buttons" : "Quick replies";
  return (
    <fieldset className="mb-2 rounded-md border border-slate-200 p-2" data-testid="reply-buttons">
      <legend className="px-1 text-xs font-medium text-slate-800">
        {kind} (up to {limit}, {REPLY_BUTTON_TITLE_LIMIT} characters each)
      </legend>
      <div className="flex flex-wrap items-center gap-2">
        {titles.map((title, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a button is its place in the row while it is being written.
          <span key={index} className="flex items-center gap-1">
            <input
              value={title}
              maxLength={REPLY_BUTTON_TITLE_LIMIT}
              onChange={(event) => onChange(titles.map((t, i) => (i === index ? event.target.value : t)))}
              aria-label={`Button ${index + 1}`}
              className="w-36 rounded-md border border-slate-400 px-2 py-1 text-sm"
            />
            <button
              type="button"
              onClick={() => onChange(titles.filter((_, i) => i !== index))}
              aria-label={`Remove button ${index + 1}`}
              className="rounded px-1 text-sm text-slate-700 hover:bg-slate-100"
            >
              ×
            </button>
          </span>
        ))}
        {titles.length < limit ? (
          <button
            type="button"
            onClick={() => onChange([...titles, ""])}
            className="rounded-md border border-dashed border-slate-400 px-2 py-1 text-sm"
          >
            Add a button
          </button>
        ) : null}
      </div>
      {problem ? (
        <p role="alert" className="mt-1 text-xs text-red-800">
          {problem}
        </p>
      ) : null}
    </fieldset>
  );
}
