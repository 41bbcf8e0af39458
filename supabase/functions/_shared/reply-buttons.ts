import type { ChannelProvider } from "./channel-providers.ts";

/**
 * Buttons under a text reply: WhatsApp reply buttons (up to 3, with a text of up to 1,024 characters) and Messenger and
 * Instagram quick replies (up to 13). Each title is at most 20 characters and says what the member taps; it comes back
 * as the tap's payload. app.reply_button_limit holds the same counts (a test compares them).
 */
export const REPLY_BUTTON_LIMITS: Record<ChannelProvider, number> = { whatsapp: 3, messenger: 13, instagram: 13 };
export const REPLY_BUTTON_TITLE_LIMIT = 20;
/** WhatsApp's interactive message body is shorter than its text message. */
export const WHATSAPP_BUTTONS_TEXT_LIMIT = 1024;

/** What is wrong with these buttons on this channel, or null. */
export function replyButtonsProblem(provider: ChannelProvider, titles: string[], text: string): string | null {
  const limit = REPLY_BUTTON_LIMITS[provider];
  const kind = provider === "whatsapp" ? "reply buttons" : "quick replies";
  if (titles.length > limit) return `At most ${limit} ${kind} on this channel.`;
  if (titles.some((title) => !title.trim())) return "Give every button a title, or remove it.";
  if (titles.some((title) => title.trim().length > REPLY_BUTTON_TITLE_LIMIT)) {
    return `Button titles are at most ${REPLY_BUTTON_TITLE_LIMIT} characters.`;
  }
  if (new Set(titles.map((title) => title.trim().toLowerCase())).size < titles.length) return "Two buttons have the same title.";
  if (provider === "whatsapp" && titles.length > 0 && text.length > WHATSAPP_BUTTONS_TEXT_LIMIT) {
    return `With reply buttons WhatsApp takes at most ${WHATSAPP_BUTTONS_TEXT_LIMIT.toLocaleString("en")} characters of text.`;
  }
  return null;
}
