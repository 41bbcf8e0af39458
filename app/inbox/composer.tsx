import { type KeyboardEvent, useRef, useState } from "react";
import { CAPTION_LIMIT } from "../../supabase/functions/_shared/outbound-media";
import { replyButtonsProblem } from "../../supabase/functions/_shared/reply-buttons";
import { unfilledVariables } from "../../supabase/functions/_shared/reply-variables";
import type { ConversationSummary } from "../api/types";
import { providerName } from "../ui/channel-badge";
import { untilLabel } from "../ui/time";
import { useDraft } from "./drafts";
import { FileChips } from "./file-chips";
import type { OutgoingFiles } from "./outgoing-files";
import { useFinePointer } from "./pointer";
import { ReplyButtonsEditor } from "./reply-buttons-editor";
import { useSavedReplyPicker } from "./saved-reply-picker";
import { type ReplyContent, useSendReply } from "./send-reply";
import { TaggedReply } from "./tagged-reply";
import { TemplateReply } from "./template-reply";

const CLOSED_REASONS = {
  no_inbound: "The member has not written yet, so Meta does not allow a reply.",
  expired: "The 24-hour reply window closed",
  template_required: "WhatsApp's 24-hour window closed: only an approved template can be sent now.",
  reengagement_required: "Meta refused the last reply: the reply window has closed. The member has to write again first.",
} as const;

/** The counter shows from this share of the channel's limit on. */
const COUNTER_FROM = 0.8;

/**
 * The reply box: text, or files (picked, pasted, or dropped on the thread) with a caption. WhatsApp sends the
 * caption with the first file; Messenger and Instagram take none, so the text goes first as its own reply.
 */
export interface RecentTeamReply {
  id: string;
  name: string;
  at: Date;
}

export function Composer({
  conversation,
  userId,
  files,
  onError,
  onTyping,
  recentTeamReply,
}: {
  conversation: ConversationSummary;
  userId: string | undefined;
  files: OutgoingFiles;
  onError: (message: string) => void;
  onTyping: () => void;
  /** A teammate answered a moment ago: sending asks first, once per such reply. */
  recentTeamReply: RecentTeamReply | null;
}) {
  const [draft, setDraft] = useDraft(`${userId ?? "anyone"}:reply:${conversation.id}`);
  const text = draft ?? "";
  const picker = useRef<HTMLInputElement>(null);
  const [askedAbout, setAskedAbout] = useState<string | null>(null);
  const [confirmedFor, setConfirmedFor] = useState<string | null>(null);
  const clientMessageId = useRef(crypto.randomUUID());
  const finePointer = useFinePointer();
  const reply = useSendReply({
    conversationId: conversation.id,
    userId,
    // Refused before it was stored (a closed window, too long): the text comes back to the box.
    onRefused: (message, content: ReplyContent) => {
      if ("text" in content) setDraft(content.text);
      else if (content.file.caption) setDraft(content.file.caption);
      onError(message);
    },
  });

  const savedReplies = useSavedReplyPicker({
    text,
    conversation,
    userId,
    onPick: (filled, attachment) => {
      setDraft(filled);
      if (attachment) files.attachStored(attachment);
    },
  });
  const [templating, setTemplating] = useState(false);
  // Null: no buttons on this reply; a list (maybe empty while being written): reply buttons or quick replies.
  const [buttons, setButtons] = useState<string[] | null>(null);

  const { window } = conversation;
  const whatsapp = conversation.channel.provider === "whatsapp";
  if (window.state === "closed") {
    return (
      <div className="space-y-2 border-t border-slate-200 bg-amber-50 p-3">
        <p role="status" className="text-sm text-amber-900" data-testid="composer-closed">
          {whatsapp && window.reason === "reengagement_required"
            ? "Meta refused the last reply: WhatsApp's 24-hour window has closed. Only an approved template can be sent now."
            : CLOSED_REASONS[window.reason]}
          {window.reason === "expired" && window.closedAt ? ` on ${window.closedAt.toLocaleString()}.` : ""}
          {window.reason === "expired" && !whatsapp
            ? " Admins can allow human-agent replies (up to 7 days) for Messenger and Instagram."
            : ""}
        </p>
        {/* WhatsApp takes an approved template whatever the window: the only way to reach the member now. */}
        {whatsapp ? <TemplateReply conversation={conversation} onClose={null} onSent={() => undefined} /> : null}
        {/* Messenger takes a reply now only with one of Meta's message tags, chosen by the sender (Instagram none). */}
        {conversation.channel.provider === "messenger" && window.reason !== "no_inbound" ? (
          <TaggedReply conversation={conversation} userId={userId} onError={onError} />
        ) : null}
      </div>
    );
  }

  // Refused files stay listed (to be read and removed) without turning the text into a caption.
  const attaching = files.uploading || files.uploaded.length > 0;
  const limit = attaching && whatsapp ? CAPTION_LIMIT : conversation.channel.textLimit;
  const body = text.trim();
  const tooLong = body.length > limit;
  // A saved reply's variable that had no value: the text says {{…}} until someone writes it in.
  const unfilled = unfilledVariables(body);
  const titles = buttons?.map((title) => title.trim()) ?? [];
  const buttonsProblem = buttons && !attaching ? replyButtonsProblem(conversation.channel.provider, titles, body) : null;
  const ready =
    unfilled.length === 0 &&
    buttonsProblem === null &&
    (attaching ? files.uploaded.length > 0 && !files.uploading && !tooLong : Boolean(body) && !tooLong);
  const submit = () => {
    if (!ready) return;
    // Someone else just answered: say so once, and send on the second press.
    if (recentTeamReply && confirmedFor !== recentTeamReply.id) {
      if (askedAbout !== recentTeamReply.id) {
        setAskedAbout(recentTeamReply.id);
        return;
      }
      setConfirmedFor(recentTeamReply.id);
    }
    setAskedAbout(null);
    if (!attaching) {
      reply.send(clientMessageId.current, titles.length > 0 ? { text: body, buttons: titles } : { text: body });
      // The bubble holds it now; a refusal puts it back.
      clientMessageId.current = crypto.randomUUID();
      setDraft(null);
      setButtons(null);
      return;
    }
    if (body && !whatsapp) {
      reply.send(clientMessageId.current, { text: body });
      clientMessageId.current = crypto.randomUUID();
    }
    for (const [index, file] of files.uploaded.entries()) {
      reply.send(file.key, { file: { storedPath: file.storedPath, caption: whatsapp && index === 0 && body ? body : null } });
    }
    files.sent(files.uploaded.map((file) => file.key));
    setDraft(null);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (savedReplies.onKeyDown(event)) return;
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
  const showCounter = body.length >= limit * COUNTER_FROM;
  return (
    <>
      {/* Beside the reply form, not in it: the template form is a form of its own. */}
      {templating ? (
        <div className="border-t border-slate-200 bg-white p-3">
          <TemplateReply conversation={conversation} onClose={() => setTemplating(false)} onSent={() => setTemplating(false)} />
        </div>
      ) : null}
      <form
        className="relative border-t border-slate-200 bg-white p-3"
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
        {recentTeamReply && askedAbout === recentTeamReply.id ? (
          <p
            role="alert"
            data-testid="recent-reply-warning"
            className="mb-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900"
          >
            {recentTeamReply.name} replied to this member{" "}
            {Math.max(1, Math.round((Date.now() - recentTeamReply.at.getTime()) / 1000))} seconds ago. Press Send again to send
            yours too.
          </p>
        ) : null}
        {buttons && !attaching ? (
          <ReplyButtonsEditor
            provider={conversation.channel.provider}
            titles={buttons}
            problem={buttons.length > 0 ? buttonsProblem : null}
            onChange={(next) => setButtons(next)}
          />
        ) : null}
        {savedReplies.listbox}
        {unfilled.length > 0 ? (
          <p
            role="alert"
            data-testid="unfilled-variables"
            className="mb-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900"
          >
            Write in {unfilled.map((name) => `{{${name}}}`).join(", ")} before sending: this conversation has no value for it.
          </p>
        ) : null}
        <FileChips files={files} />
        <div className="flex items-end gap-2">
          <button
            type="button"
            onClick={() => picker.current?.click()}
            className="rounded-md border border-slate-400 px-2 py-2 text-sm"
          >
            Attach
          </button>
          {attaching ? null : (
            <button
              type="button"
              onClick={() => setButtons((current) => (current ? null : [""]))}
              aria-expanded={buttons !== null}
              className="rounded-md border border-slate-400 px-2 py-2 text-sm"
            >
              Buttons
            </button>
          )}
          {whatsapp ? (
            <button
              type="button"
              onClick={() => setTemplating((open) => !open)}
              aria-expanded={templating}
              className="rounded-md border border-slate-400 px-2 py-2 text-sm"
            >
              Template
            </button>
          ) : null}
          <input
            ref={picker}
            type="file"
            multiple
            hidden
            aria-label="Attach files"
            data-testid="file-picker"
            onChange={(event) => {
              files.add([...(event.target.files ?? [])]);
              event.target.value = "";
            }}
          />
          <textarea
            id="composer"
            value={text}
            onChange={(event) => {
              setDraft(event.target.value || null);
              if (event.target.value) onTyping();
            }}
            onKeyDown={onKeyDown}
            onPaste={(event) => {
              // A screenshot on the clipboard is a file to attach, not text.
              const pasted = [...event.clipboardData.files];
              if (pasted.length === 0) return;
              event.preventDefault();
              files.add(pasted);
            }}
            rows={2}
            placeholder={
              attaching
                ? whatsapp
                  ? "Add a caption…"
                  : "Add a message (sent before the files)…"
                : finePointer
                  ? "Reply… (Enter sends, Shift+Enter for a new line)"
                  : "Reply…"
            }
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
              ? `Too long for ${attaching && whatsapp ? "a WhatsApp caption" : providerName(conversation.channel.provider)}: ${body.length.toLocaleString("en")} of ${limit.toLocaleString("en")} characters.`
              : `${body.length.toLocaleString("en")} / ${limit.toLocaleString("en")}`}
          </p>
        ) : null}
      </form>
    </>
  );
}
