import { useRef, useState } from "react";
import { MESSAGE_TAG_NAMES, MESSAGE_TAGS, type MessageTag } from "../../supabase/functions/_shared/message-tags";
import type { ConversationSummary } from "../api/types";
import { useSendReply } from "./send-reply";

/**
 * A Messenger reply after the 24-hour window: only with one of the message tags Meta allows, chosen here with its rule
 * in view (and audited), never by default.
 */
export function TaggedReply({
  conversation,
  userId,
  onError,
}: {
  conversation: ConversationSummary;
  userId: string | undefined;
  onError: (message: string) => void;
}) {
  const [tag, setTag] = useState<MessageTag | null>(null);
  const [text, setText] = useState("");
  const clientMessageId = useRef(crypto.randomUUID());
  const reply = useSendReply({
    conversationId: conversation.id,
    userId,
    onRefused: (message, content) => {
      if ("text" in content) setText(content.text);
      onError(message);
    },
  });
  const body = text.trim();
  const tooLong = body.length > conversation.channel.textLimit;
  const ready = tag !== null && body.length > 0 && !tooLong;
  return (
    <form
      aria-label="Message tag"
      className="space-y-2"
      onSubmit={(event) => {
        event.preventDefault();
        if (!ready || !tag) return;
        reply.send(clientMessageId.current, { text: body, tag });
        clientMessageId.current = crypto.randomUUID();
        setText("");
        setTag(null);
      }}
    >
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium text-slate-900">Meta allows a reply now only if it is one of these:</legend>
        {MESSAGE_TAG_NAMES.map((name) => (
          <label key={name} className="flex items-start gap-2 text-sm">
            <input type="radio" name="message-tag" checked={tag === name} onChange={() => setTag(name)} className="mt-1" />
            <span>
              <span className="font-medium">{MESSAGE_TAGS[name].label}</span>
              <span className="block text-xs text-slate-700">{MESSAGE_TAGS[name].rule}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="flex items-end gap-2">
        <textarea
          value={text}
          onChange={(event) => setText(event.target.value)}
          rows={2}
          aria-label="Message to send with the tag"
          aria-invalid={tooLong}
          placeholder={tag ? `${MESSAGE_TAGS[tag].label}…` : "Pick what this reply is first"}
          className="min-w-0 flex-1 resize-none rounded-md border border-slate-400 bg-white px-3 py-2 text-sm placeholder:text-slate-600"
        />
        <button
          type="submit"
          disabled={!ready}
          className="rounded-md bg-indigo-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-50"
        >
          Send with tag
        </button>
      </div>
      {tooLong ? (
        <p className="text-xs font-semibold text-red-700">
          At most {conversation.channel.textLimit.toLocaleString("en")} characters.
        </p>
      ) : null}
    </form>
  );
}
