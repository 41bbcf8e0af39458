import { readFile } from "node:fs/promises";
import path from "node:path";
import { metaStores } from "./held-media";
import type { SimulatedSend } from "./simulator";
import {
  deliverWebhook,
  messengerAttachment,
  messengerReceipt,
  messengerText,
  whatsappMedia,
  whatsappStatus,
  whatsappText,
} from "./webhooks";

/** The demo gym's channels, as supabase/seed.sql connects them. */
const DEMO_CHANNELS = {
  messengerPageId: "105550000000001",
  instagramAccountId: "17841400000000001",
  whatsappPhoneNumberId: "106540352242922",
};

const MEMBERS = [
  { channel: "messenger", id: "7000000000000001" },
  { channel: "messenger", id: "7000000000000002" },
  { channel: "instagram", id: "6100000000000001" },
  { channel: "instagram", id: "6100000000000002" },
  { channel: "whatsapp", id: "16505551234", name: "Sheena Nelson" },
  { channel: "whatsapp", id: "14155550142", name: "Marco Rossi" },
  { channel: "whatsapp", id: "447700900123", name: "Priya Patel" },
] as const;

const LINES = [
  "Hi! Is the 6am spin class still on tomorrow?",
  "Can I freeze my membership for March?",
  "Do you have a student discount?",
  "What time does the sauna close on Sundays?",
  "I left my water bottle in locker 12 😅",
  "Can I bring a friend to the Saturday HIIT session?",
  "My card was charged twice this month",
  "Is there parking near the Main St entrance?",
  "Thanks, see you at yoga tonight!",
  "Could Coach Casey adapt my plan? Knee is sore again",
];

/** Every MEDIA_EVERY-th message is a photo or (WhatsApp) a voice note instead of text, from dev/meta/demo-media. */
const MEDIA_EVERY = 4;
const DEMO_MEDIA = {
  photo: { file: "kettlebell.png", mimeType: "image/png" },
  voice: { file: "voice-note.wav", mimeType: "audio/wav" },
} as const;

const ANSWERS = ["Great, thanks!", "Perfect 👍", "See you then!", "Thank you so much", "Ok, I'll try that"];

/** When a reply reaches a demo member: delivered, then read (the ticks move), and now and then an answer. */
const DELIVERED_AFTER_MS = 1_500;
const READ_AFTER_MS = 4_000;
const ANSWER_AFTER_MS = 7_000;

/**
 * Simulated members of the demo gym, through the real signed webhook: they write every few seconds, and their
 * phones receive the replies staff send them (the simulator's `onSend`). What a new user of `npm start` sees.
 */
export function startDemoMembers(options: {
  webhookUrl: string;
  /** The Meta simulator, which holds the media members send (`POST /__media`). */
  metaUrl: string;
  appSecret: string;
  everyMs: number;
  onLog: (line: string) => void;
}) {
  const send = async (payload: unknown, what: string) => {
    try {
      const response = await deliverWebhook(options.webhookUrl, payload, { appSecret: options.appSecret });
      options.onLog(`demo member ${what} → webhook ${response.status}`);
    } catch (error) {
      options.onLog(`demo webhook failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const write = (member: (typeof MEMBERS)[number], text: string) =>
    send(
      member.channel === "whatsapp"
        ? whatsappText({ phoneNumberId: DEMO_CHANNELS.whatsappPhoneNumberId, waId: member.id, name: member.name, text })
        : messengerText({
            object: member.channel === "instagram" ? "instagram" : "page",
            pageId: member.channel === "instagram" ? DEMO_CHANNELS.instagramAccountId : DEMO_CHANNELS.messengerPageId,
            psid: member.id,
            text,
          }),
      `on ${member.channel} wrote`,
    );

  let whatsappMediaSent = 0;
  /** A photo (on WhatsApp every other one a voice note), held by the simulator as Meta would hold it. */
  const sendMedia = async (member: (typeof MEMBERS)[number]) => {
    if (member.channel === "whatsapp") whatsappMediaSent += 1;
    const voice = member.channel === "whatsapp" && whatsappMediaSent % 2 === 0;
    const media = voice ? DEMO_MEDIA.voice : DEMO_MEDIA.photo;
    try {
      const bytes = await readFile(path.join(import.meta.dirname, "demo-media", media.file));
      const held = await metaStores(options.metaUrl, bytes, media.mimeType);
      await send(
        member.channel === "whatsapp"
          ? whatsappMedia({
              phoneNumberId: DEMO_CHANNELS.whatsappPhoneNumberId,
              waId: member.id,
              kind: voice ? "audio" : "image",
              mediaId: held.id,
              mimeType: media.mimeType,
              ...(voice ? {} : { caption: "New PR today 💪" }),
            })
          : messengerAttachment({
              object: member.channel === "instagram" ? "instagram" : "page",
              pageId: member.channel === "instagram" ? DEMO_CHANNELS.instagramAccountId : DEMO_CHANNELS.messengerPageId,
              psid: member.id,
              type: "image",
              url: held.url,
            }),
        `on ${member.channel} sent ${voice ? "a voice note" : "a photo"}`,
      );
    } catch (error) {
      options.onLog(`demo media failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  let turn = 0;
  const writing = setInterval(() => {
    const member = MEMBERS[turn % MEMBERS.length];
    const text = LINES[(turn * 7) % LINES.length] ?? "Hi!";
    turn += 1;
    if (!member) return;
    if (turn % MEDIA_EVERY === 0) void sendMedia(member);
    else void write(member, text);
  }, options.everyMs);

  const pending = new Set<ReturnType<typeof setTimeout>>();
  const later = (ms: number, work: () => void) => {
    const timer = setTimeout(() => {
      pending.delete(timer);
      work();
    }, ms);
    pending.add(timer);
  };
  let answers = 0;

  return {
    /** A reply left the gym: if it went to one of the demo members, their phone acts on it. */
    received(reply: SimulatedSend) {
      const member = MEMBERS.find((m) => m.id === reply.recipientId);
      if (!member) return;
      if (reply.whatsapp) {
        const status = (state: "delivered" | "read") =>
          whatsappStatus({
            phoneNumberId: reply.accountId,
            waId: reply.recipientId,
            id: reply.providerMessageId,
            status: state,
          });
        later(DELIVERED_AFTER_MS, () => void send(status("delivered"), "received a reply"));
        later(READ_AFTER_MS, () => void send(status("read"), "read a reply"));
      } else {
        const object = reply.accountId === DEMO_CHANNELS.instagramAccountId ? "instagram" : "page";
        const receipt = (kind: "delivery" | "read") =>
          messengerReceipt({ pageId: reply.accountId, psid: reply.recipientId, kind, mids: [reply.providerMessageId], object });
        // Instagram sends no delivery receipts, only reads.
        if (object === "page") later(DELIVERED_AFTER_MS, () => void send(receipt("delivery"), "received a reply"));
        later(READ_AFTER_MS, () => void send(receipt("read"), "read a reply"));
      }
      answers += 1;
      if (answers % 3 === 1) later(ANSWER_AFTER_MS, () => void write(member, ANSWERS[answers % ANSWERS.length] ?? "Thanks!"));
    },
    stop() {
      clearInterval(writing);
      for (const timer of pending) clearTimeout(timer);
    },
  };
}
