import { Readable } from "node:stream";
import { fileTypeFromBuffer } from "file-type";
import { imageSize } from "image-size";

/** How much of a file is read before it is stored: enough for its magic number and an image's dimensions. */
export const SNIFF_BYTES = 64 * 1024;

export type Sniffed =
  | { ok: true; mimeType: string; extension: string | null; width: number | null; height: number | null }
  | { ok: false; reason: string };

/** What Meta calls the attachment → what its bytes must be. Stickers are WebP images; documents may be anything. */
const CATEGORY: Record<string, "image" | "audio" | "video" | "document"> = {
  image: "image",
  sticker: "image",
  audio: "audio",
  voice: "audio",
  video: "video",
  document: "document",
  file: "document",
};

/** Never stored, whatever they claim to be. */
const EXECUTABLES = new Set([
  "application/x-msdownload",
  "application/x-elf",
  "application/x-mach-binary",
  "application/x-sharedlib",
]);

const topLevel = (mime: string) => mime.split("/")[0] ?? "";

/**
 * The type of a file from its first bytes, never from what the sender claimed: a photo must be an image, a voice
 * note audio, a video video, and a document must not be something other than it claims. Refusals say why.
 */
export async function sniffMedia(head: Uint8Array, claimed: { type: string; mimeType: string | null }): Promise<Sniffed> {
  const category = CATEGORY[claimed.type] ?? "document";
  const detected = await fileTypeFromBuffer(head);
  const claimedMime = claimed.mimeType?.split(";")[0]?.trim().toLowerCase() || null;
  if (category !== "document") {
    // An .m4a voice note is an MP4 container, which reads as video/mp4.
    const fits = detected && (topLevel(detected.mime) === category || (category === "audio" && detected.mime === "video/mp4"));
    if (!detected || !fits)
      return { ok: false, reason: `not ${category === "image" ? "an image" : category}: ${detected?.mime ?? "unknown bytes"}` };
    const mimeType =
      category === "audio" && claimedMime?.startsWith("audio/") && detected.mime === "video/mp4" ? claimedMime : detected.mime;
    return { ok: true, mimeType, extension: detected.ext, ...dimensions(head, category) };
  }
  if (detected) {
    if (EXECUTABLES.has(detected.mime)) return { ok: false, reason: `a program (${detected.mime}), not a document` };
    const lies =
      claimedMime &&
      claimedMime !== "application/octet-stream" &&
      topLevel(claimedMime) !== topLevel(detected.mime) &&
      !zipBased(claimedMime, detected.mime);
    if (lies) return { ok: false, reason: `claims ${claimedMime} but is ${detected.mime}` };
    return { ok: true, mimeType: detected.mime, extension: detected.ext, ...dimensions(head, topLevel(detected.mime)) };
  }
  // Text formats (csv, txt, ics) have no magic number; media always do.
  if (claimedMime && ["image", "audio", "video"].includes(topLevel(claimedMime))) {
    return { ok: false, reason: `claims ${claimedMime} but is not` };
  }
  return { ok: true, mimeType: claimedMime ?? "application/octet-stream", extension: null, width: null, height: null };
}

/** Office files are zip archives underneath: a .docx that reads as application/zip is what it says. */
function zipBased(claimed: string, detected: string): boolean {
  return detected === "application/zip" && (claimed.includes("openxmlformats") || claimed.includes("opendocument"));
}

function dimensions(head: Uint8Array, category: string): { width: number | null; height: number | null } {
  if (category !== "image") return { width: null, height: null };
  try {
    const { width, height } = imageSize(head);
    return { width: width ?? null, height: height ?? null };
  } catch {
    return { width: null, height: null };
  }
}

/** A stream's first SNIFF_BYTES (all of it, if shorter), and the whole file again as one stream, those bytes first. */
export async function peekHead(source: Readable): Promise<{ head: Buffer; whole: Readable }> {
  const chunks: Buffer[] = [];
  let length = 0;
  const rest = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  while (length < SNIFF_BYTES) {
    const next = await rest.next();
    if (next.done) break;
    chunks.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* whole() {
    if (head.length > 0) yield head;
    for (;;) {
      const next = await rest.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, whole: Readable.from(whole()) };
}
