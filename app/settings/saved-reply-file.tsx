import { useRef, useState } from "react";
import { megabytes, OUTBOUND_MEDIA_RULES, savedReplyPath } from "../../supabase/functions/_shared/outbound-media";
import type { RealtimeSettings } from "../inbox/live-updates";
import { sessionToken } from "../inbox/session-token";
import { UploadFailed, uploadToStorage } from "../inbox/storage-upload";

/** A saved reply's file as the form holds it: kept (already stored), uploading, or none. */
export type SavedReplyFile = { storedPath: string; name: string; size: number } | null;

/** The largest file any channel takes (a WhatsApp document); each channel's own limit is checked when it is sent. */
const LARGEST_FILE = Math.max(...Object.values(OUTBOUND_MEDIA_RULES).flatMap((rules) => rules.map((rule) => rule.maxBytes)));

/**
 * The file a saved reply goes with (a timetable PDF, a price list photo): uploaded at once to the workspace's
 * saved-replies folder with the user's token (the bucket admits managers and admins there), or removed.
 */
export function SavedReplyFileField(props: {
  workspaceId: string;
  project: RealtimeSettings;
  file: SavedReplyFile;
  onChange: (file: SavedReplyFile) => void;
  onUploading: (uploading: boolean) => void;
  error: string | undefined;
}) {
  const { project } = props;
  const picker = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const upload = async (file: File) => {
    setProblem(null);
    if (file.size > LARGEST_FILE) {
      setProblem(`Files for saved replies can be at most ${megabytes(LARGEST_FILE)}.`);
      return;
    }
    const token = await sessionToken();
    if (!token) {
      setProblem("You are signed out. Sign in again to attach files.");
      return;
    }
    const storedPath = savedReplyPath(props.workspaceId, crypto.randomUUID(), file.name);
    setProgress(0);
    props.onUploading(true);
    try {
      await uploadToStorage({ project, token, path: storedPath, file, onProgress: setProgress }).done;
      props.onChange({ storedPath, name: file.name, size: file.size });
    } catch (error) {
      setProblem(error instanceof UploadFailed ? error.message : "The upload failed. Try again.");
    } finally {
      setProgress(null);
      props.onUploading(false);
    }
  };
  return (
    <div className="text-sm">
      <span className="font-medium">File (optional)</span>
      <div className="mt-1 flex flex-wrap items-center gap-2">
        {props.file ? (
          <span data-testid="saved-reply-file" className="rounded-md border border-slate-300 bg-slate-50 px-2 py-1">
            📎 {props.file.name} <span className="text-xs text-slate-600">{megabytes(props.file.size)}</span>
          </span>
        ) : null}
        {progress !== null ? <span className="text-xs text-slate-700">Uploading… {Math.round(progress * 100)}%</span> : null}
        <button
          type="button"
          disabled={progress !== null}
          onClick={() => picker.current?.click()}
          className="rounded-md border border-slate-400 px-3 py-1 text-sm disabled:opacity-60"
        >
          {props.file ? "Replace file" : "Attach a file"}
        </button>
        {props.file ? (
          <button
            type="button"
            onClick={() => props.onChange(null)}
            className="rounded-md border border-slate-400 px-3 py-1 text-sm"
          >
            Remove file
          </button>
        ) : null}
        <input
          ref={picker}
          type="file"
          hidden
          aria-label="Saved reply file"
          onChange={(event) => {
            const [file] = event.target.files ?? [];
            event.target.value = "";
            if (file) void upload(file);
          }}
        />
      </div>
      {problem || props.error ? (
        <p role="alert" className="mt-1 text-sm text-red-800">
          {problem ?? props.error}
        </p>
      ) : null}
    </div>
  );
}
