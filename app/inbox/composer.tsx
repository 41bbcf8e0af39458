import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type KeyboardEvent, useRef, useState } from "react";
import { useTRPC } from "../trpc";
import { untilLabel } from "./time";
import type { ConversationSummary } from "./types";

const CLOSED_REASONS = {
  no_inbound: "The member has not written yet, so Meta does not allow a reply.",
  expired: "The 24-hour reply window closed",
  template_required: "WhatsApp's 24-hour window closed: only an approved template can be sent now.",
  reengagement_required: "Meta refused the last reply: the reply window has closed. The member has to write again first.",
} as const;

export function Composer({ conversation, onError }: { conversation: ConversationSummary; onError: (message: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const [attaching, setAttaching] = useState(false);
  const [attachmentUrl, setAttachmentUrl] = useState("");
  const [attachmentType, setAttachmentType] = useState<"image" | "file">("image");
  const clientMessageId = useRef(crypto.randomUUID());
  const send = useMutation(
    trpc.messages.send.mutationOptions({
      onSuccess: (result) => {
        // Meta's refusal for the window closes it until the member writes: the composer must learn it now.
        const windowClosed = result.success ? result.data.error?.code === "WINDOW_CLOSED" : result.error.code === "WINDOW_CLOSED";
        if (windowClosed) {
          void queryClient.invalidateQueries({ queryKey: trpc.conversations.get.queryKey({ conversationId: conversation.id }) });
        }
        if (!result.success) {
          onError(result.error.message);
          return;
        }
        setText("");
        setAttachmentUrl("");
        setAttaching(false);
        clientMessageId.current = crypto.randomUUID();
        void queryClient.invalidateQueries({ queryKey: trpc.messages.list.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.pathKey() });
      },
      onError: () => onError("Could not reach Frontdesk; your message was not sent."),
    }),
  );

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

  const submit = () => {
    const body = text.trim();
    const url = attachmentUrl.trim();
    if (send.isPending || (attaching ? !url : !body)) return;
    send.mutate({
      conversationId: conversation.id,
      clientMessageId: clientMessageId.current,
      ...(attaching ? { attachment: { type: attachmentType, url } } : { text: body }),
    });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };
  return (
    <form
      className="border-t border-slate-200 bg-white p-3"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {window.state === "human_agent" ? (
        <p className="mb-1 text-xs text-amber-700">
          Sent with the human-agent tag · window closes in {untilLabel(window.closesAt)}
        </p>
      ) : null}
      {attaching ? (
        <div className="mb-2 flex gap-2">
          <select
            aria-label="Attachment type"
            value={attachmentType}
            onChange={(event) => setAttachmentType(event.target.value as "image" | "file")}
            className="rounded-md border border-slate-300 px-2 py-1 text-sm"
          >
            <option value="image">Image</option>
            <option value="file">File</option>
          </select>
          <input
            type="url"
            value={attachmentUrl}
            onChange={(event) => setAttachmentUrl(event.target.value)}
            placeholder="https://… link to the image or file"
            aria-label="Attachment link"
            className="flex-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
          />
        </div>
      ) : null}
      <div className="flex items-end gap-2">
        <button
          type="button"
          onClick={() => setAttaching((open) => !open)}
          aria-pressed={attaching}
          className="rounded-md border border-slate-300 px-2 py-2 text-sm"
        >
          {attaching ? "Text" : "Attach"}
        </button>
        <textarea
          id="composer"
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
          rows={2}
          disabled={attaching}
          maxLength={2000}
          placeholder="Reply… (Enter sends, Shift+Enter for a new line)"
          aria-label="Reply"
          className="flex-1 resize-none rounded-md border border-slate-300 px-3 py-2 text-sm"
        />
        <button
          type="submit"
          disabled={(attaching ? !attachmentUrl.trim() : !text.trim()) || send.isPending}
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white disabled:opacity-50"
        >
          {send.isPending ? "Sending…" : "Send"}
        </button>
      </div>
    </form>
  );
}
