import { ATTACHMENTS_BUCKET } from "../../supabase/functions/_shared/outbound-media";
import type { RealtimeSettings } from "./live-updates";

/** Why an upload ended without a stored file. `cancelled`: staff took it back. */
export class UploadFailed extends Error {
  constructor(
    message: string,
    readonly cancelled = false,
  ) {
    super(message);
  }
}

const REFUSALS: Record<number, string> = {
  403: "Storage refused the upload: you may not upload to this conversation.",
  409: "This file was already uploaded. Attach it again.",
  413: "This file is larger than Frontdesk keeps.",
};

/**
 * Uploads a file straight to Supabase Storage with the user's own token, as storage-js would, but through
 * XMLHttpRequest: fetch reports no upload progress. The bucket's policies decide whether this user may write `path`.
 */
export function uploadToStorage(options: {
  project: RealtimeSettings;
  token: string;
  path: string;
  file: File;
  onProgress: (share: number) => void;
}): { done: Promise<void>; cancel: () => void } {
  const request = new XMLHttpRequest();
  const encoded = options.path.split("/").map(encodeURIComponent).join("/");
  request.open("POST", `${options.project.url.replace(/\/$/, "")}/storage/v1/object/${ATTACHMENTS_BUCKET}/${encoded}`);
  request.setRequestHeader("authorization", `Bearer ${options.token}`);
  request.setRequestHeader("apikey", options.project.anonKey);
  request.setRequestHeader("content-type", options.file.type || "application/octet-stream");
  request.setRequestHeader("x-upsert", "false");
  request.upload.onprogress = (event) => {
    if (event.lengthComputable && event.total > 0) options.onProgress(event.loaded / event.total);
  };
  const done = new Promise<void>((resolve, reject) => {
    request.onload = () =>
      request.status < 300
        ? resolve()
        : reject(new UploadFailed(REFUSALS[request.status] ?? `The upload failed (${request.status}). Try again.`));
    request.onerror = () => reject(new UploadFailed("The upload failed: check the connection and try again."));
    request.onabort = () => reject(new UploadFailed("Cancelled.", true));
  });
  request.send(options.file);
  return { done, cancel: () => request.abort() };
}
