import { Readable, Transform } from "node:stream";
import { config } from "../lib/config";

/** The private bucket members' media and staff uploads live in (…_attachments_bucket.sql). */
export const ATTACHMENTS_BUCKET = "attachments";

function serviceKey(): string {
  const key = config().SUPABASE_SERVICE_ROLE_KEY;
  if (!key) throw new Error("SUPABASE_SERVICE_ROLE_KEY is needed to store media");
  return key;
}

const objectUrl = (path: string) =>
  `${config().SUPABASE_URL.replace(/\/$/, "")}/storage/v1/object/${ATTACHMENTS_BUCKET}/${path.split("/").map(encodeURIComponent).join("/")}`;

/**
 * Streams `bytes` into the bucket at `path` as the server (service role: an overwrite by a job run twice is the same
 * file). Never holds the file whole. Resolves with its size.
 */
export async function putAttachment(path: string, mimeType: string, bytes: Readable): Promise<{ size: number }> {
  let size = 0;
  const counted = bytes.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        done(null, chunk);
      },
    }),
  );
  const response = await fetch(objectUrl(path), {
    method: "PUT",
    headers: { authorization: `Bearer ${serviceKey()}`, apikey: serviceKey(), "content-type": mimeType, "x-upsert": "true" },
    body: Readable.toWeb(counted) as ReadableStream<Uint8Array>,
    duplex: "half",
  } as RequestInit & { duplex: "half" });
  if (!response.ok) throw new Error(`Storage refused the upload: ${response.status} ${(await response.text()).slice(0, 200)}`);
  return { size };
}
