import { type ChannelProvider, PROVIDER_NAMES } from "./channel-providers";

/**
 * What each channel takes as a staff reply's file (Meta's documented limits, December 2026): WhatsApp Cloud API's
 * supported media types, the Messenger Send API's 25 MB attachments, Instagram's per-type limits. Defined once: the
 * composer checks a file before uploading it, messages.send before queuing it, and Postgres again
 * (app.outbound_media_rules in …_outbound_media.sql holds the same rows; a test fails when they disagree).
 * Sizes are decimal megabytes, as Meta states them.
 */
export type OutboundMediaType = "image" | "sticker" | "video" | "audio" | "document" | "file";

export interface OutboundMediaRule {
  /** What the Send API calls it (WhatsApp's `type`, Messenger's `attachment.type`). */
  type: OutboundMediaType;
  /** How staff read it in a refusal: "images (JPEG, PNG)". */
  label: string;
  /** Normalized MIME types it covers; `*` is every type no other rule of the channel names. */
  mimeTypes: readonly string[];
  maxBytes: number;
}

const MB = 1_000_000;

const OFFICE = [
  "application/pdf",
  "application/msword",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.ms-excel",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.ms-powerpoint",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "text/plain",
] as const;

export const OUTBOUND_MEDIA_RULES: Record<ChannelProvider, readonly OutboundMediaRule[]> = {
  whatsapp: [
    { type: "image", label: "images (JPEG, PNG)", mimeTypes: ["image/jpeg", "image/png"], maxBytes: 5 * MB },
    // Animated stickers may be 500 KB, static ones 100 KB; which one a WebP is, only its bytes tell.
    { type: "sticker", label: "stickers (WebP)", mimeTypes: ["image/webp"], maxBytes: 500_000 },
    { type: "video", label: "videos (MP4, 3GP)", mimeTypes: ["video/mp4", "video/3gpp"], maxBytes: 16 * MB },
    {
      type: "audio",
      label: "audio (AAC, AMR, MP3, M4A, OGG)",
      mimeTypes: ["audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"],
      maxBytes: 16 * MB,
    },
    { type: "document", label: "documents (PDF, Word, Excel, PowerPoint, text)", mimeTypes: OFFICE, maxBytes: 100 * MB },
  ],
  messenger: [
    { type: "image", label: "images (JPEG, PNG, GIF)", mimeTypes: ["image/jpeg", "image/png", "image/gif"], maxBytes: 25 * MB },
    { type: "video", label: "videos (MP4)", mimeTypes: ["video/mp4"], maxBytes: 25 * MB },
    {
      type: "audio",
      label: "audio (MP3, M4A, AAC, WAV, OGG)",
      mimeTypes: ["audio/mpeg", "audio/mp4", "audio/aac", "audio/wav", "audio/ogg"],
      maxBytes: 25 * MB,
    },
    { type: "file", label: "files", mimeTypes: ["*"], maxBytes: 25 * MB },
  ],
  instagram: [
    { type: "image", label: "images (JPEG, PNG, GIF)", mimeTypes: ["image/jpeg", "image/png", "image/gif"], maxBytes: 8 * MB },
    {
      type: "video",
      label: "videos (MP4, OGG, AVI, MOV, WebM)",
      mimeTypes: ["video/mp4", "video/ogg", "video/x-msvideo", "video/quicktime", "video/webm"],
      maxBytes: 25 * MB,
    },
    { type: "audio", label: "audio (AAC, M4A, WAV, MP4)", mimeTypes: ["audio/aac", "audio/mp4", "audio/wav"], maxBytes: 25 * MB },
    { type: "file", label: "PDF files", mimeTypes: ["application/pdf"], maxBytes: 25 * MB },
  ],
};

/** Other names browsers and sniffers give the same formats. */
export const MIME_ALIASES: Readonly<Record<string, string>> = {
  "image/jpg": "image/jpeg",
  "image/pjpeg": "image/jpeg",
  "audio/mp3": "audio/mpeg",
  "audio/x-m4a": "audio/mp4",
  "audio/m4a": "audio/mp4",
  "audio/x-aac": "audio/aac",
  "audio/opus": "audio/ogg",
  "audio/x-wav": "audio/wav",
  "audio/wave": "audio/wav",
  "audio/vnd.wave": "audio/wav",
  "video/avi": "video/x-msvideo",
};

export const normalizedMime = (mimeType: string): string => {
  const bare = mimeType.split(";")[0]?.trim().toLowerCase() ?? "";
  return MIME_ALIASES[bare] ?? bare;
};

/** The rule a file of this type falls under on this channel, or null when the channel takes no such file. */
export function outboundMediaRule(provider: ChannelProvider, mimeType: string): OutboundMediaRule | null {
  const mime = normalizedMime(mimeType);
  const rules = OUTBOUND_MEDIA_RULES[provider];
  return rules.find((rule) => rule.mimeTypes.includes(mime)) ?? rules.find((rule) => rule.mimeTypes.includes("*")) ?? null;
}

export const megabytes = (bytes: number) => `${Number((bytes / MB).toFixed(bytes < MB ? 2 : 1)).toLocaleString("en")} MB`;

export type OutboundFileCheck = { ok: true; rule: OutboundMediaRule } | { ok: false; problem: string };

/** Whether the channel takes this file, and if not, why in words that name the limit. */
export function checkOutboundFile(provider: ChannelProvider, file: { mimeType: string; size: number }): OutboundFileCheck {
  const name = PROVIDER_NAMES[provider];
  const rule = outboundMediaRule(provider, file.mimeType || "application/octet-stream");
  if (!rule) {
    const takes = OUTBOUND_MEDIA_RULES[provider].map((r) => r.label).join(", ");
    return { ok: false, problem: `${name} does not take this type of file (${file.mimeType || "unknown"}). It takes ${takes}.` };
  }
  if (file.size > rule.maxBytes) {
    return {
      ok: false,
      problem: `${name} takes ${rule.label} up to ${megabytes(rule.maxBytes)}; this file is ${megabytes(file.size)}.`,
    };
  }
  if (file.size === 0) return { ok: false, problem: "This file is empty." };
  return { ok: true, rule };
}

/** The private bucket members' media and staff uploads live in (…_attachments_bucket.sql). */
export const ATTACHMENTS_BUCKET = "attachments";

/**
 * The folder the browser uploads a conversation's reply files to (the bucket admits staff uploads under
 * `<workspace>/outbound/`), and the path of one file in it: `<uuid>-<name>`, the name made safe for a Storage key.
 */
export const outboundFolder = (workspaceId: string, conversationId: string) => `${workspaceId}/outbound/${conversationId}/`;

const safeName = (fileName: string) =>
  fileName
    .normalize("NFKD")
    .replace(/[^\w.-]+/g, "_")
    .replace(/^[._]+/, "")
    .slice(-80) || "file";

export function outboundPath(workspaceId: string, conversationId: string, id: string, fileName: string): string {
  return `${outboundFolder(workspaceId, conversationId)}${id}-${safeName(fileName)}`;
}

/** Saved replies' files: uploaded by managers and admins, sent from any conversation of the workspace. */
export const savedReplyFolder = (workspaceId: string) => `${workspaceId}/saved-replies/`;

export const savedReplyPath = (workspaceId: string, id: string, fileName: string) =>
  `${savedReplyFolder(workspaceId)}${id}-${safeName(fileName)}`;

/** Contact imports' CSV files: uploaded by managers and admins, read by the worker's import job. */
export const contactImportPath = (workspaceId: string, id: string, fileName: string) =>
  `${workspaceId}/imports/${id}-${safeName(fileName)}`;

/** WhatsApp's longest media caption; Messenger and Instagram take no caption (it goes as its own message). */
export const CAPTION_LIMIT = 1024;

/** The message kind a file is stored as. */
export const kindOfOutboundMedia = (type: OutboundMediaType) =>
  type === "document" || type === "file" ? ("file" as const) : type;
