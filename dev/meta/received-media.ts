import { createHash } from "node:crypto";
import type http from "node:http";
import busboy from "busboy";

/** A file a business sent a member, as the simulator received it: hashed as it streamed, never kept. */
export interface ReceivedMedia {
  accountId: string;
  recipientId: string;
  providerMessageId: string;
  /** The Send API's type: WhatsApp's image/video/audio/document/sticker, Messenger's image/video/audio/file. */
  type: string;
  /** WhatsApp's media upload, or a URL the simulator fetched (Messenger, Instagram, a WhatsApp `link`). */
  via: "upload" | "url";
  sha256: string;
  size: number;
  mimeType: string;
  caption: string | null;
  filename: string | null;
}

type Hashed = { sha256: string; size: number; mimeType: string };

/**
 * WhatsApp's `POST /{phone-number-id}/media` and the URL fetches of the Send APIs: what a send named, checked as
 * Meta does (a media id must be one uploaded to this phone number; a URL must answer with a file).
 */
export function createReceivedMedia() {
  const uploads = new Map<string, Hashed & { phoneNumberId: string }>();
  const received: ReceivedMedia[] = [];

  return {
    received,
    /** A multipart upload (`messaging_product`, `type`, `file`): its media id, or why it was refused. */
    async upload(req: http.IncomingMessage, phoneNumberId: string): Promise<{ id: string } | { refused: string }> {
      const fields: Record<string, string> = {};
      const file = await new Promise<Hashed | null>((resolve, reject) => {
        const form = busboy({ headers: req.headers });
        let hashed: Promise<Hashed> | null = null;
        form.on("field", (name, value) => {
          fields[name] = value;
        });
        form.on("file", (_name, stream, info) => {
          hashed = hashStream(stream, info.mimeType);
        });
        form.once("error", reject);
        form.once("close", () => (hashed ? hashed.then(resolve, reject) : resolve(null)));
        req.pipe(form);
      });
      if (fields.messaging_product !== "whatsapp") return { refused: "messaging_product must be whatsapp" };
      if (!file || file.size === 0) return { refused: "no file in the upload" };
      const id = String(Date.now()) + String(Math.floor(Math.random() * 1e6));
      uploads.set(id, { ...file, mimeType: fields.type || file.mimeType, phoneNumberId });
      return { id };
    },
    /** The file a WhatsApp media object names (`{id}` uploaded here, or `{link}`), or null when Meta would refuse it. */
    async whatsApp(
      phoneNumberId: string,
      media: { id?: string; link?: string },
    ): Promise<(Hashed & { via: "upload" | "url" }) | null> {
      if (media.id) {
        const upload = uploads.get(media.id);
        return upload && upload.phoneNumberId === phoneNumberId ? { ...upload, via: "upload" } : null;
      }
      return media.link ? fetched(media.link) : null;
    },
    fetched,
  };
}

/** A URL's file, as Meta fetches one it is asked to send: null when it does not answer with one. */
async function fetched(url: string): Promise<(Hashed & { via: "url" }) | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    if (!response.ok || !response.body) return null;
    const hashed = await hashStream(response.body as unknown as AsyncIterable<Uint8Array>, response.headers.get("content-type"));
    return hashed.size > 0 ? { ...hashed, via: "url" } : null;
  } catch {
    return null;
  }
}

async function hashStream(stream: AsyncIterable<Uint8Array>, mimeType: string | null): Promise<Hashed> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest("hex"), size, mimeType: mimeType ?? "application/octet-stream" };
}
