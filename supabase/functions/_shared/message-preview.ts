import type { IngestedMessageKind } from "./message-kinds.ts";

const PREVIEW_LENGTH = 120;
const KIND_LABELS: Record<IngestedMessageKind, string> = {
  text: "Message",
  image: "Photo",
  file: "File",
  audio: "Voice message",
  video: "Video",
  sticker: "Sticker",
  location: "Location",
  share: "Shared a post",
  story_mention: "Mentioned you in their story",
  postback: "Tapped a button",
  template: "Template",
  unsupported: "Unsupported message",
};

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * The one line the inbox list shows for a message: its text on one line, or a label for what it carries.
 * At most PREVIEW_LENGTH UTF-16 units, cut between grapheme clusters so that a family emoji, a flag or a
 * letter with its combining marks is never split (half a surrogate pair is not even storable as jsonb).
 */
export function previewOf(kind: IngestedMessageKind, text: string | null): string {
  const body = text?.trim() ? text.trim().replace(/\s+/g, " ") : `[${KIND_LABELS[kind]}]`;
  if (body.length <= PREVIEW_LENGTH) return body;
  const room = PREVIEW_LENGTH - 1;
  let cut = 0;
  for (const { index } of graphemes.segment(body)) {
    if (index > room) break;
    cut = index;
  }
  if (cut === 0) {
    // One cluster longer than the whole preview (a letter with hundreds of marks): cut between code points.
    for (const char of body) {
      if (cut + char.length > room) break;
      cut += char.length;
    }
  }
  return `${body.slice(0, cut)}…`;
}
