import { useState } from "react";
import { MESSAGE_TAGS, type MessageTag } from "../../supabase/functions/_shared/message-tags";
import type { Message, NotConfirmedCode } from "../api/types";
import { clockTime } from "../ui/time";
import { LinkifiedText } from "./linkified-text";
import { useOffline } from "./live-updates";
import { MessageMedia } from "./message-media";

/** Delivery marks, at AA contrast; read also says so in words, so it never depends on colour alone. */
const TICKS: Record<Message["status"], { mark: string; label: string; className: string }> = {
  pending: { mark: "◷", label: "Sending", className: "text-slate-600" },
  sent: { mark: "✓", label: "Sent", className: "text-slate-600" },
  delivered: { mark: "✓✓", label: "Delivered", className: "text-slate-700" },
  read: { mark: "✓✓ Read", label: "Read", className: "font-semibold text-sky-800" },
  failed: { mark: "!", label: "Failed", className: "font-semibold text-red-700" },
};

const NOT_CONFIRMED: NotConfirmedCode = "NOT_CONFIRMED";

/** What the status line says: a pending reply is waiting for the network, for Meta's answer, or just sending. */
function statusLabel(message: Message, offline: boolean): { mark: string; label: string } {
  const tick = TICKS[message.status];
  if (message.status !== "pending") return tick;
  if (message.error?.code === NOT_CONFIRMED)
    return { mark: "◷ Not confirmed yet", label: "Not confirmed yet: Meta has not answered" };
  if (offline) return { mark: "◷ Waiting for connection", label: "Waiting for connection" };
  return tick;
}

export function MessageBubble({
  message,
  senderName,
  onRetry,
  retrying,
  mediaUrl,
}: {
  message: Message;
  /** The signed URL of a stored attachment (media-urls.ts). */
  mediaUrl: (path: string) => string | null | undefined;
  /** Who on the team sent a staff reply ("You" for the signed-in user). */
  senderName: string | null;
  /** `confirmed`: the user accepted that a message Meta may have delivered goes again. */
  onRetry: (confirmed: boolean) => void;
  retrying: boolean;
}) {
  const outbound = message.direction === "outbound";
  const note = message.direction === "note";
  const tick = TICKS[message.status];
  const shown = statusLabel(message, useOffline());
  return (
    <li className={`flex ${outbound || note ? "justify-end" : "justify-start"}`} data-testid={note ? "note" : "message"}>
      <div className="max-w-[75%]">
        <div
          className={`rounded-2xl px-3 py-2 text-sm ${
            note
              ? "border border-dashed border-amber-400 bg-amber-50 text-amber-950"
              : outbound
                ? message.status === "failed"
                  ? "bg-red-50 text-red-900 ring-1 ring-red-200"
                  : "bg-indigo-600 text-white"
                : "bg-white ring-1 ring-slate-200"
          }`}
        >
          {note ? (
            <span className="mb-0.5 block text-xs font-semibold uppercase">Private note · not sent to the member</span>
          ) : null}
          <MessageBody message={message} mediaUrl={mediaUrl} />
        </div>
        {message.reactions.length > 0 ? (
          <div className="mt-0.5 text-xs">
            <span className="sr-only">Reactions: </span>
            {message.reactions.map((reaction) => reaction.emoji).join(" ")}
          </div>
        ) : null}
        <div className={`mt-0.5 flex items-center gap-1 text-xs text-slate-600 ${outbound || note ? "justify-end" : ""}`}>
          {message.sender === "page" ? <span>via Meta inbox ·</span> : null}
          {message.sender === "bot" ? <span>Automatic ·</span> : null}
          {message.sender === "staff" && senderName ? <span data-testid="message-sender">{senderName} ·</span> : null}
          <time dateTime={message.createdAt.toISOString()}>{clockTime(message.createdAt)}</time>
          {message.editedAt ? <span>· edited</span> : null}
          {outbound ? (
            <span className={tick.className} title={shown.label} data-testid="message-status" data-status={message.status}>
              <span aria-hidden>{shown.mark}</span>
              <span className="sr-only">{shown.label}</span>
            </span>
          ) : null}
        </div>
        {message.status === "failed" ? <FailedSend message={message} onRetry={onRetry} retrying={retrying} /> : null}
      </div>
    </li>
  );
}

/** Why a reply did not go, and Retry when it can; one Meta may have delivered asks first, so nobody sends it twice. */
function FailedSend({
  message,
  onRetry,
  retrying,
}: {
  message: Message;
  onRetry: (confirmed: boolean) => void;
  retrying: boolean;
}) {
  const [confirming, setConfirming] = useState(false);
  const uncertain = message.error?.mayHaveBeenDelivered === true;
  const button = "font-semibold underline disabled:opacity-50";
  return (
    <div className="mt-1 flex flex-wrap items-center justify-end gap-2 text-xs text-red-700" data-testid="send-failure">
      <span>{message.error?.message ?? "Not sent."}</span>
      {!message.error?.retryable ? null : confirming ? (
        <>
          <span>Send it again anyway?</span>
          <button type="button" onClick={() => onRetry(true)} disabled={retrying} className={button}>
            {retrying ? "Sending…" : "Send again"}
          </button>
          <button type="button" onClick={() => setConfirming(false)} className={button}>
            Cancel
          </button>
        </>
      ) : (
        <button
          type="button"
          onClick={() => (uncertain ? setConfirming(true) : onRetry(false))}
          disabled={retrying}
          className={button}
        >
          {retrying ? "Retrying…" : "Retry"}
        </button>
      )}
    </div>
  );
}

function MessageBody({ message, mediaUrl }: { message: Message; mediaUrl: (path: string) => string | null | undefined }) {
  if (message.deletedAt) return <em className="opacity-70">The member unsent this message.</em>;
  const attachments = message.attachments.map((attachment, index) => {
    const key = `${attachment.type}-${index}`;
    // Fetched into Storage by the worker (or on its way there, or given up): shown from there, never from Meta.
    const inboundMedia = message.direction === "inbound" && Boolean(attachment.mediaId || attachment.url);
    if (attachment.storedPath || attachment.unavailable || inboundMedia) {
      const url = attachment.storedPath ? mediaUrl(attachment.storedPath) : undefined;
      return (
        <MessageMedia
          key={key}
          messageId={message.id}
          attachment={attachment}
          url={url}
          inbound={message.direction === "inbound"}
        />
      );
    }
    if (attachment.type === "image" && attachment.url) {
      return (
        <a key={key} href={attachment.url} target="_blank" rel="noopener noreferrer">
          <img
            src={attachment.url}
            alt={attachment.caption ?? (message.direction === "inbound" ? "Image from the member" : "Image sent")}
            className="mt-1 max-h-64 rounded-lg"
          />
        </a>
      );
    }
    if (attachment.url) {
      return (
        <a key={key} href={attachment.url} target="_blank" rel="noopener noreferrer nofollow" className="mt-1 block underline">
          📎 {attachment.title ?? attachment.type}
        </a>
      );
    }
    return (
      <span key={key} className="mt-1 block opacity-80">
        📎 {attachment.type}
        {attachment.mediaId ? " (WhatsApp media)" : " (not available)"}
      </span>
    );
  });
  return (
    <>
      {message.kind === "postback" ? <span className="mr-1 text-xs uppercase opacity-70">Tapped:</span> : null}
      {message.kind === "story_mention" ? <span className="block text-xs opacity-70">Mentioned you in their story</span> : null}
      {message.kind === "unsupported" ? <em className="opacity-70">A message type Frontdesk cannot show yet.</em> : null}
      {message.templateName ? (
        <span className="block text-xs opacity-80" data-testid="message-template">
          Template · {message.templateName}
        </span>
      ) : null}
      {message.text ? <LinkifiedText text={message.text} /> : null}
      {attachments}
      {message.buttons.length > 0 ? (
        <span className="mt-1 flex flex-wrap gap-1" data-testid="message-buttons">
          {message.buttons.map((title) => (
            <span key={title} className="rounded-full border border-current px-2 py-0.5 text-xs">
              {title}
            </span>
          ))}
        </span>
      ) : null}
      {message.tag ? (
        <span className="mt-1 block text-xs opacity-80" data-testid="message-tag">
          Sent with the {MESSAGE_TAGS[message.tag as MessageTag]?.label.toLowerCase() ?? message.tag} tag
        </span>
      ) : null}
    </>
  );
}
