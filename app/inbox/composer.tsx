import { type KeyboardEvent, useRef, useState } from "react";
import type { ConversationSummary } from "../api/types";
import { providerName } from "../ui/channel-badge";
import { untilLabel } from "../ui/time";
import { useDraft } from "./drafts";
import { useFinePointer } from "./pointer";
import { type ReplyContent, useSendReply } from "./send-reply";

const CLOSED_REASONS = {
  no_inbound: "The member has not written yet, so Meta does not allow a reply.",
  expired: "The 24-hour reply window closed",
  template_required: "WhatsApp's 24-hour window closed: only an approved template can be sent now.",
  reengagement_required: "Meta refused the last reply: the reply window has closed. The member has to write again first.",
} as const;

/** The counter shows from this share of the channel's limit on. */
const COUNTER_FROM = 0.8;

export function Composer({
  conversation,
  userId,
  onError,
}: {
  conversation: ConversationSummary;
  userId: string | undefined;
  onError: (message: string) => void;
}) {
  const [draft, setDraft] = useDraft(`${userId ?? "anyone"}:reply:${conversation.id}`);
  const text = draft ?? "";
  const [attaching, setAttaching] = useState(false);
  const [attachmentUrl, setAttachmentUrl] = useState("");
  const [attachmentType, setAttachmentType] = useState<"image" | "file">("image");
  const clientMessageId = useRef(crypto.randomUUID());
  const finePointer = useFinePointer();
  const reply = useSendReply({
    conversationId: conversation.id,
    userId,
    // Refused before it was stored (a closed window, too long): the text comes back to the box.
    onRefused: (message, content: ReplyContent) => {
      if ("text" in content) setDraft(content.text);
      onError(message);
    },
  });

  const { window } = conversation;
  if (window.state === "closed") {
    return (
      <div
        role="status"
        className="border-t border-slate-200 bg-amber-50 p-3 text-sm text-amber-900"
        data-testid="composer-closed"
      >
        {CLOSED_REASONS[window.reason]}
        {window.reason === "expired" && window.closedAt ? ` on ${window.closedAt.toLocaleString()}.` : ""}
        {window.reason === "expired" && conversation.channel.provider !== "whatsapp"
          ? " Admins can allow human-agent replies (up to 7 days) for Messenger and Instagram."
          : ""}
      </div>
    );
  }

  const limit = conversation.channel.textLimit;
  const body = text.trim();
  const tooLong = body.length > limit;
  const url = attachmentUrl.trim();
  const ready = attaching ? Boolean(url) : Boolean(body) && !tooLong;
  const submit = () => {
    if (!ready) return;
    reply.send(clientMessageId.current, attaching ? { attachment: { type: attachmentType, url } } : { text: body });
    // The bubble holds it now; a refusal puts it back.
    clientMessageId.current = crypto.randomUUID();
    if (attaching) {
      setAttachmentUrl("");
      setAttaching(false);
    } else setDraft(null);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key === "Escape") {
      // Out of the box, so j/k and the other shortcuts work again.
      event.preventDefault();
      event.currentTarget.blur();
    } else if (
      event.key === "Enter" &&
      !event.shiftKey &&
      !event.nativeEvent.isComposing &&
      event.currentTarget.tagName === "TEXTAREA"
    ) {
      event.preventDefault();
      submit();
    }
  };
  const showCounter = !attaching && body.length >= limit * COUNTER_FROM;
  return (
    <form
      className="border-t border-slate-200 bg-white p-3"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {window.state === "human_agent" ? (
        <p className="mb-1 text-xs text-amber-800">
          Sent with the human-agent tag · window closes in {untilLabel(window.closesAt)}
        </p>
      ) : null}
      {attaching ? (
        <div className="mb-2 flex gap-2">
          <select
            aria-label="Attachment type"
            value={attachmentType}
            onChange={(event) => setAttachmentType(event.target.value as "image" | "file")}
            className="rounded-md border border-slate-400 px-2 py-1 text-sm"
          >
            <option value="image">Image</option>
            <option value="file">File</option>
          </select>
          <input
            type="url"
            value={attachmentUrl}
            onChange={(event) => setAttachmentUrl(event.target.value)}
            onKeyDown={onKeyDown}
            placeholder="https://… link to the image or file"
            aria-label="Attachment link"
            className="min-w-0 flex-1 rounded-md border border-slate-400 px-2 py-1 text-sm placeholder:text-slate-600"
          />
        </div>
      ) : null}
      <div className="flex items-end gap-2">
        <button
          type="button"
          onClick={() => setAttaching((open) => !open)}
          aria-pressed={attaching}
          className="rounded-md border border-slate-400 px-2 py-2 text-sm"
        >
          {attaching ? "Text" : "Attach"}
        </button>
        <textarea
          id="composer"
          value={text}
          onChange={(event) => setDraft(event.target.value || null)}
          onKeyDown={onKeyDown}
          rows={2}
          disabled={attaching}
          placeholder={finePointer ? "Reply… (Enter sends, Shift+Enter for a new line)" : "Reply…"}
          aria-label="Reply"
          aria-invalid={tooLong}
          aria-describedby={showCounter ? "composer-counter" : undefined}
          className="min-w-0 flex-1 resize-none rounded-md border border-slate-400 px-3 py-2 text-sm placeholder:text-slate-600"
        />
        <button
          type="submit"
          disabled={!ready}
          className="rounded-md bg-indigo-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-50"
        >
          Send
        </button>
      </div>
      {showCounter ? (
        <p
          id="composer-counter"
          data-testid="composer-counter"
          className={`mt-1 text-right text-xs ${tooLong ? "font-semibold text-red-700" : "text-slate-600"}`}
        >
          {tooLong
            ? `Too long for ${providerName(conversation.channel.provider)}: ${body.length.toLocaleString("en")} of ${limit.toLocaleString("en")} characters.`
            : `${body.length.toLocaleString("en")} / ${limit.toLocaleString("en")}`}
        </p>
      ) : null}
    </form>
  );
}
