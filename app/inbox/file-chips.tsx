import { megabytes } from "../../supabase/functions/_shared/outbound-media";
import type { OutgoingFiles } from "./outgoing-files";

/** The files attached to the reply being written: progress and Cancel while uploading, the reason when refused. */
export function FileChips({ files }: { files: OutgoingFiles }) {
  if (files.files.length === 0) return null;
  return (
    <ul className="mb-2 space-y-1" aria-label="Attached files">
      {files.files.map((file) => (
        <li
          key={file.key}
          data-testid="file-chip"
          data-state={file.state}
          className={`rounded-md border px-2 py-1 text-sm ${
            file.state === "refused" || file.state === "failed" ? "border-red-300 bg-red-50" : "border-slate-300 bg-slate-50"
          }`}
        >
          <div className="flex items-center gap-2">
            <span className="min-w-0 flex-1 truncate" title={file.name}>
              📎 {file.name} <span className="text-xs text-slate-600">{megabytes(file.size)}</span>
            </span>
            {file.state === "uploaded" ? <span className="text-xs text-emerald-800">Ready</span> : null}
            {file.state === "failed" ? (
              <button type="button" onClick={() => files.retry(file.key)} className="text-xs text-indigo-700 underline">
                Try again
              </button>
            ) : null}
            <button
              type="button"
              onClick={() => files.remove(file.key)}
              aria-label={`${file.state === "uploading" ? "Cancel upload of" : "Remove"} ${file.name}`}
              className="text-xs text-slate-700 underline"
            >
              {file.state === "uploading" ? "Cancel" : "Remove"}
            </button>
          </div>
          {file.state === "uploading" ? (
            <progress
              aria-label={`Uploading ${file.name}`}
              max={100}
              value={Math.round(file.progress * 100)}
              className="mt-1 block h-1.5 w-full accent-indigo-600"
            />
          ) : null}
          {file.problem ? (
            <p role="alert" className="mt-1 text-xs text-red-800">
              {file.problem}
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
