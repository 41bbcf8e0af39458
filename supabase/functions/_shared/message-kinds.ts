/**
 * What kind of thing a message is. The kinds ingest stores come from Meta's webhooks; `reaction` and `system`
 * only Frontdesk itself creates. The SQL enum public.message_kind holds exactly MESSAGE_KINDS (a test checks).
 */
export const INGESTED_MESSAGE_KINDS = [
  "text",
  "image",
  "file",
  "audio",
  "video",
  "sticker",
  "location",
  "share",
  "story_mention",
  "postback",
  "template",
  "unsupported",
] as const;
export const MESSAGE_KINDS = [...INGESTED_MESSAGE_KINDS, "reaction", "system"] as const;

/** A kind a webhook can bring. */
export type IngestedMessageKind = (typeof INGESTED_MESSAGE_KINDS)[number];
export type MessageKind = (typeof MESSAGE_KINDS)[number];
