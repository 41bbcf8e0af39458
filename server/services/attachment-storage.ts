import http from "node:http";
import https from "node:https";
import { Readable, Transform } from "node:stream";
import { text } from "node:stream/consumers";
import { pipeline } from "node:stream/promises";
import { ATTACHMENTS_BUCKET } from "../../supabase/functions/_shared/outbound-media";
import { config } from "../lib/config";
import { supabaseClient } from "../lib/supabase-client";
/** The bucket's file_size_limit (…_attachments_bucket.sql; a test checks they agree): 100 MiB. */
export const ATTACHMENT_MAX_BYTES = 100 * 1024 * 1024;

/** A file the bucket does not take for its size (Storage's 413, or a length known beforehand): trying again cannot help. */
export class AttachmentTooLarge extends Error {
  constructor() {
    super(`larger than the ${ATTACHMENT_MAX_BYTES / (1024 * 1024)} MB Storage keeps`);
  }
}

function serviceKey(): string {
  const key = config().SUPABASE_SERVICE_ROLE_KEY;
  if (!key) throw new Error("SUPABASE_SERVICE_ROLE_KEY is needed to store media");
  return key;
}

const objectUrl = (path: string) =>
  `${config().SUPABASE_URL.replace(/\/$/, "")}/storage/v1/object/${ATTACHMENTS_BUCKET}/${path.split("/").map(encodeURIComponent).join("/")}`;

/**
 * Streams `bytes` into the bucket at `path` as the server (service role: an overwrite by a job run twice is the same
 * file). Never holds the file whole: node:http's request honours backpressure, where fetch with a web stream body
 * (Readable.toWeb) on Node 20 reads the source as fast as it comes. Resolves with its size.
 */
export async function putAttachment(path: string, mimeType: string, bytes: Readable): Promise<{ size: number }> {
  let size = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      done(null, chunk);
    },
  });
  const url = new URL(objectUrl(path));
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const request = (url.protocol === "https:" ? https : http).request(
      url,
      {
        method: "PUT",
        headers: { authorization: `Bearer ${serviceKey()}`, apikey: serviceKey(), "content-type": mimeType, "x-upsert": "true" },
      },
      resolve,
    );
    request.once("error", reject);
    // A refusal can come before the whole file is sent: the answer then settles this, not the broken pipe.
    pipeline(bytes, counted, request).catch(reject);
  });
  const answer = await text(response);
  if (response.statusCode === 413) throw new AttachmentTooLarge();
  if ((response.statusCode ?? 500) >= 300) {
    throw new Error(`Storage refused the upload: ${response.statusCode} ${answer.slice(0, 200)}`);
  }
  return { size };
}

/** A stored file, streamed as the server reads it (service role), with what Storage says of its length and type. */
export async function getAttachment(path: string): Promise<{ bytes: Readable; size: number; mimeType: string } | null> {
  const response = await fetch(objectUrl(path).replace("/object/", "/object/authenticated/"), {
    headers: { authorization: `Bearer ${serviceKey()}`, apikey: serviceKey() },
  });
  if (response.status === 404 || response.status === 400) {
    await response.body?.cancel();
    return null;
  }
  if (!response.ok || !response.body) throw new Error(`Storage answered ${response.status} for a stored file`);
  return {
    bytes: Readable.fromWeb(response.body as never),
    size: Number(response.headers.get("content-length")),
    mimeType: response.headers.get("content-type") ?? "application/octet-stream",
  };
}

/** How long the URL Meta fetches a Messenger or Instagram reply's file from works: Meta fetches it at once. */
export const META_FETCH_URL_SECONDS = 3600;

/** A signed URL for Meta to fetch a stored file from (the server's, not a member's: no policy applies). */
export async function signAttachmentForMeta(path: string): Promise<string> {
  const signed = await supabaseClient(serviceKey())
    .storage.from(ATTACHMENTS_BUCKET)
    .createSignedUrl(path, META_FETCH_URL_SECONDS);
  if (signed.error || !signed.data?.signedUrl) throw new Error("Storage did not sign the file's URL");
  return signed.data.signedUrl;
}

/** Removes stored files (the server's: no policy applies), as Storage does, file and row together. */
export async function removeAttachments(paths: string[]): Promise<void> {
  const removed = await supabaseClient(serviceKey()).storage.from(ATTACHMENTS_BUCKET).remove(paths);
  if (removed.error) throw new Error("Storage did not remove the files");
}
