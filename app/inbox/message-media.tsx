import { useMutation } from "@tanstack/react-query";
import type { Message } from "../api/types";
import { useTRPC } from "../trpc";

type Attachment = Message["attachments"][number];

const box = "mt-1 block rounded-lg";

function sizeLabel(bytes: number | null | undefined): string {
  if (!bytes) return "";
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * One stored attachment as the thread shows it: a photo (full size on click), a player for voice notes and videos, a
 * file card with name, type, size and a download; "Loading…" while the worker fetches it, "unavailable" if it could not.
 */
export function MessageMedia({
  messageId,
  attachment,
  url,
  inbound,
}: {
  messageId: string;
  attachment: Attachment;
  url: string | null | undefined;
  inbound: boolean;
}) {
  if (attachment.unavailable) {
    return (
      <span className={`${box} opacity-80`} data-testid="media-unavailable">
        📎 Media unavailable {inbound ? <RetryMedia messageId={messageId} /> : null}
      </span>
    );
  }
  if (!attachment.storedPath || url === undefined) {
    return <span className={`${box} h-16 w-40 animate-pulse bg-slate-200/60`} role="status" aria-label="Loading media" />;
  }
  if (url === null) return <span className={`${box} opacity-80`}>📎 Media unavailable</span>;
  const mime = attachment.mimeType ?? "";
  const label = attachment.caption ?? (inbound ? "from the member" : "sent");
  if (mime.startsWith("image/")) {
    return (
      <a href={url} target="_blank" rel="noopener noreferrer">
        <img
          src={url}
          alt={attachment.caption ?? (inbound ? "Image from the member" : "Image sent")}
          width={attachment.width ?? undefined}
          height={attachment.height ?? undefined}
          className={`${box} h-auto max-h-64 max-w-full`}
        />
      </a>
    );
  }
  if (mime.startsWith("audio/")) {
    // biome-ignore lint/a11y/useMediaCaption: members' voice notes come with no captions, and we have none to offer.
    return <audio controls preload="metadata" src={url} aria-label={`Voice message ${label}`} className="mt-1 max-w-full" />;
  }
  if (mime.startsWith("video/")) {
    // biome-ignore lint/a11y/useMediaCaption: members' videos come with no captions, and we have none to offer.
    return <video controls preload="metadata" src={url} aria-label={`Video ${label}`} className={`${box} max-h-64 max-w-full`} />;
  }
  return (
    <a
      href={url}
      download={attachment.title ?? true}
      className={`${box} border border-current/20 px-3 py-2 underline-offset-2 hover:underline`}
    >
      📄 {attachment.title ?? "File"}{" "}
      <span className="text-xs opacity-80">{[mime, sizeLabel(attachment.size)].filter(Boolean).join(" · ")}</span>
    </a>
  );
}

/** Asks the worker to fetch it again; the thread shows it loading once the message changes (a live update). */
function RetryMedia({ messageId }: { messageId: string }) {
  const trpc = useTRPC();
  const retry = useMutation(trpc.messages.retryMedia.mutationOptions());
  const refused =
    retry.data && !retry.data.success ? retry.data.error.message : retry.isError ? "Could not reach Frontdesk." : null;
  return (
    <>
      —{" "}
      <button
        type="button"
        disabled={retry.isPending}
        onClick={() => retry.mutate({ messageId })}
        className="font-semibold underline disabled:opacity-50"
      >
        {retry.isPending ? "Retrying…" : "Retry"}
      </button>
      {refused ? <span role="alert"> {refused}</span> : null}
    </>
  );
}
