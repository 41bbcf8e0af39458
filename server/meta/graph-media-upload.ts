import { randomUUID } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { pipeline } from "node:stream/promises";
import { config } from "../lib/config";
import type { GraphError } from "./graph-http";

/** A 100 MB document over a slow link takes a while; a silent connection is given up on after this long. */
const UPLOAD_IDLE_MS = 120_000;

export type MediaUploadOutcome =
  | { ok: true; mediaId: string }
  /** `status` null: Meta was not reached, or the upload broke off. */
  | { ok: false; status: number | null; error: GraphError | null };

/**
 * Uploads a file to WhatsApp (`POST /{phone-number-id}/media`, multipart) and returns its media id, for a send that
 * names it. Streams: the form is written around the file as it is read (the length is known, so no chunked
 * encoding), never held whole. Uploading twice only makes a second media id, so this may be repeated freely.
 */
export async function uploadWhatsAppMedia(input: {
  phoneNumberId: string;
  accessToken: string;
  mimeType: string;
  filename: string;
  size: number;
  bytes: Readable;
}): Promise<MediaUploadOutcome> {
  const boundary = `frontdesk-${randomUUID()}`;
  const field = (name: string, value: string) =>
    `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const head = Buffer.from(
    field("messaging_product", "whatsapp") +
      field("type", input.mimeType) +
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${input.filename.replace(/["\r\n]/g, "_")}"\r\n` +
      `content-type: ${input.mimeType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const url = new URL(
    `${config().META_GRAPH_URL}/${config().META_GRAPH_VERSION}/${encodeURIComponent(input.phoneNumberId)}/media`,
  );
  async function* body() {
    yield head;
    yield* input.bytes;
    yield tail;
  }
  try {
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = (url.protocol === "https:" ? https : http).request(
        url,
        {
          method: "POST",
          headers: {
            authorization: `Bearer ${input.accessToken}`,
            "content-type": `multipart/form-data; boundary=${boundary}`,
            "content-length": String(head.length + input.size + tail.length),
          },
          timeout: UPLOAD_IDLE_MS,
        },
        resolve,
      );
      request.once("timeout", () => request.destroy(new Error("the upload stalled")));
      request.once("error", reject);
      pipeline(body, request).catch(reject);
    });
    const answer = (JSON.parse((await text(response)) || "{}") ?? {}) as { id?: string; error?: GraphError };
    const status = response.statusCode ?? 500;
    if (status < 300 && answer.id && !answer.error) return { ok: true, mediaId: answer.id };
    return { ok: false, status, error: answer.error ?? null };
  } catch {
    input.bytes.destroy();
    return { ok: false, status: null, error: null };
  }
}
